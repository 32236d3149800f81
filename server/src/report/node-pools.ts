/**
 * The Node half of the pool inventory: every pool creation FG001's Node analysis knows (pg pools,
 * knex instances, redis clients, worker pools...), with its configured size read from the options
 * object the catalog names (followed through variables and imports, as FG002 follows options).
 */
import type { NodePoolFactory } from '../catalog/node-pools';
import type { Finding, Range } from '../model';
import { splitLines } from '../rules/edits';
import type { TsValue } from '../typescript/facts';
import { NodePoolAnalysis, type NodePoolRecord } from '../typescript/pools';
import type { TsProgram } from '../typescript/program';
import type { PoolEntry, PoolSize } from './model';
import { byLocation, CONFIG_ROOT, creationSitesAliveAtFork, siteKey } from './pools';

export interface NodeInventorySources {
  /** The file's path relative to its workspace root. */
  relativePath(file: string): string;
  /** The file's text as the engine sees it. */
  text(file: string): string | undefined;
}

export function nodePoolInventory(program: TsProgram, findings: ReadonlyMap<string, Finding[]>, sources: NodeInventorySources): PoolEntry[] {
  if (program.files().length === 0) return [];
  const aliveSites = creationSitesAliveAtFork(findings);
  return new NodePoolAnalysis(program)
    .poolCreations()
    .map((record) => {
      const start = record.range.start;
      return {
        file: record.file,
        path: sources.relativePath(record.file),
        line: start.line,
        character: start.character,
        kind: record.factory.kind,
        label: record.factory.label,
        identity: record.name ?? record.factory.label,
        identityKind: identityKindOf(record.name),
        size: sizeOf(program, record, sources),
        aliveAtFork: aliveSites.has(siteKey(record.file, start.line, start.character)),
      };
    })
    .sort(byLocation);
}

function sizeOf(program: TsProgram, record: NodePoolRecord, sources: NodeInventorySources): PoolSize | null {
  const size = record.factory.size;
  if (!size) return null;
  const call = program.facts(record.file)?.calls[record.call];
  const options = call && optionsArgument(call.args, size);
  if (!call || !options) return { source: 'default', text: '' };
  let value: TsValue | undefined = program.resolveValue(record.file, options, call.function).value;
  for (const name of size.property) {
    if (value?.kind !== 'object') return { source: value === undefined ? 'default' : 'expression', text: '' };
    value = value.properties.find((property) => property.name === name)?.value;
  }
  if (value === undefined) return { source: 'default', text: '' };
  if (value.kind === 'number') return { source: 'literal', text: String(value.value) };
  const text = textAt(sources.text(record.file), value.range);
  if (value.kind === 'path' && CONFIG_ROOT.test(value.path.join('.'))) return { source: 'config', text };
  return { source: 'expression', text };
}

function optionsArgument(args: readonly TsValue[], size: NonNullable<NodePoolFactory['size']>): TsValue | undefined {
  return size.argument < 0 ? args[args.length + size.argument] : args[size.argument];
}

/** The source text of a range, its first line only (with `…` when it goes on). */
function textAt(text: string | undefined, range: Range): string {
  const line = text === undefined ? undefined : splitLines(text)[range.start.line];
  if (line === undefined) return '';
  return range.end.line === range.start.line ? line.slice(range.start.character, range.end.character) : `${line.slice(range.start.character)}…`;
}

function identityKindOf(name: string | undefined): string {
  if (name === undefined) return 'anon';
  if (name.startsWith('this.')) return 'attr';
  return /^(?:module\.)?exports\./.test(name) ? 'export' : 'local';
}
