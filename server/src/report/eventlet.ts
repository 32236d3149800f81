/** The eventlet section of the report: the FG1xx inventory counted by kind, folder and file. */
import type { EventletKind } from '../catalog/python-eventlet';
import type { PyProgram } from '../python/program';
import { eventletInventory, INVENTORY_METAS } from '../rules/fg1xx-eventlet-inventory';
import type { EventletSection } from './model';
import type { TextualRefs } from './textual-refs';

export const TOP_FILES = 10;

/** Every kind, in the inventory's code order (FG101 imports ... FG109 wsgi). */
export const EVENTLET_KINDS: readonly EventletKind[] = INVENTORY_METAS.map((meta) => meta.kind);

export function eventletSection(program: PyProgram, textual: TextualRefs): EventletSection {
  const usages = eventletInventory(program);
  const byKind = Object.fromEntries(EVENTLET_KINDS.map((kind) => [kind, 0])) as Record<EventletKind, number>;
  const byFolder = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const usage of usages) {
    byKind[usage.kind]++;
    byFile.set(usage.file, (byFile.get(usage.file) ?? 0) + 1);
    const folder = topFolder(program.relativePath(usage.file));
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
  }
  return {
    textualRefs: textual.count,
    textualSource: textual.source,
    apiUses: usages.length,
    byKind,
    byFolder: [...byFolder].map(([folder, uses]) => ({ folder, uses })).sort((a, b) => b.uses - a.uses || compareText(a.folder, b.folder)),
    topFiles: [...byFile]
      .map(([file, uses]) => ({ file, path: program.relativePath(file), line: 0, character: 0, uses }))
      .sort((a, b) => b.uses - a.uses || compareText(a.path, b.path))
      .slice(0, TOP_FILES),
  };
}

/** The top-level package or folder of a root-relative path; `.` for a file at the root. */
export function topFolder(relativePath: string): string {
  const slash = relativePath.indexOf('/');
  return slash < 0 ? '.' : relativePath.slice(0, slash);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
