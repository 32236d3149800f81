/**
 * File watching: the globs the client watches for us, and the batching of their events. A branch
 * switch delivers hundreds of events at once; they are collapsed per file (last event wins) and
 * handled as one batch, so the workspace is re-analysed once.
 */
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import path from 'node:path';
import { Debouncer } from './debounce';
import { uriToFile } from './uri';

export const WATCHED_GLOBS = [
  '**/*.py',
  // TS/JS sources, and package.json files (their dependencies decide which fixes a package can take).
  '**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}',
  '**/package.json',
  '**/*.conf',
  '**/*.ini',
  '**/forkguard.toml',
  '**/pyproject.toml',
  '**/.gitignore',
];

/** Files whose change means the configuration (or what is excluded) must be re-read. */
const CONFIG_FILE_NAMES = new Set(['forkguard.toml', 'pyproject.toml', '.gitignore']);

/** Quiet time after the last file event before the batch is handled (ms). */
export const FILE_EVENT_BATCH_MS = 200;

export interface FileEventBatch {
  changed: string[];
  deleted: string[];
  /** A config file (forkguard.toml, pyproject.toml, .gitignore) changed, appeared or disappeared. */
  configChanged: boolean;
}

export function isConfigFile(file: string): boolean {
  return CONFIG_FILE_NAMES.has(path.basename(file));
}

/** Collapses raw events into one batch: per file the last event wins; non-file URIs are ignored. */
export function collapseFileEvents(events: FileEvent[]): FileEventBatch {
  const last = new Map<string, FileChangeType>();
  for (const event of events) {
    const file = uriToFile(event.uri);
    if (file) last.set(file, event.type);
  }
  const batch: FileEventBatch = { changed: [], deleted: [], configChanged: false };
  for (const [file, type] of last) {
    if (isConfigFile(file)) batch.configChanged = true;
    else if (type === FileChangeType.Deleted) batch.deleted.push(file);
    else batch.changed.push(file);
  }
  batch.changed.sort();
  batch.deleted.sort();
  return batch;
}

export class FileEventBatcher {
  private pendingEvents: FileEvent[] = [];
  private readonly debouncer: Debouncer;

  constructor(handle: (batch: FileEventBatch) => void, delayMs = FILE_EVENT_BATCH_MS) {
    this.debouncer = new Debouncer(delayMs, () => {
      const events = this.pendingEvents;
      this.pendingEvents = [];
      handle(collapseFileEvents(events));
    });
  }

  add(events: FileEvent[]): void {
    this.pendingEvents.push(...events);
    this.debouncer.trigger();
  }

  dispose(): void {
    this.debouncer.cancel();
  }
}
