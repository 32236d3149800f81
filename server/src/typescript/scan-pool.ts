/**
 * Cold TS/JS scans: facts for many files, in worker threads that exit at the end, or on the
 * calling thread (`threads: 0`, and below MIN_FILES_PER_WORKER files per worker, where loading
 * TypeScript in a worker costs more than it saves). A batch a worker fails on is redone on the
 * calling thread, so a scan returns facts for every file unless it is cancelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TsFacts } from './facts';
import { loadTsFrontend } from './load';

export interface TsScanFile {
  path: string;
  text: string;
}

export interface TsScanBatch {
  id: number;
  files: TsScanFile[];
}

export interface TsScanBatchResult {
  id: number;
  /** Facts as JSON, one string per file (copied between threads at memory speed). */
  results: [path: string, factsJson: string][];
  error?: string;
}

export interface ExtractTsManyOptions {
  threads: number;
  onProgress?: (done: number, total: number) => void;
  token?: { isCancellationRequested: boolean };
  log?: (message: string) => void;
  /** Files each worker must have for workers to start (tests lower it); default MIN_FILES_PER_WORKER. */
  minFilesPerWorker?: number;
}

const BATCH_SIZE = 16;
/**
 * A worker pays ~0.7 s to load TypeScript (and as much again for the JIT to warm up) before it is
 * at full speed; the calling thread extracts ordinary files at ~2-5 ms each. Measured on 611 files
 * (8.9 MB, node_modules/@azure, 2 shared cores): 8.2 s on the calling thread, 13.3 s with 2
 * workers. Workers are kept for scans of thousands of files on machines with cores to spare.
 */
export const MIN_FILES_PER_WORKER = 1000;

/** dist/ts-scan-worker.js beside the bundle; from sources (tsx), this folder's .ts through tsx's require hook. */
function startWorker(): Worker {
  const built = path.join(__dirname, 'ts-scan-worker.js');
  if (fs.existsSync(built)) return new Worker(built);
  const source = path.join(__dirname, 'scan-worker.ts');
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true });
}

function extractHere(files: TsScanFile[], result: Map<string, TsFacts>, options: ExtractTsManyOptions, progress: () => void): void {
  const frontend = loadTsFrontend();
  for (const file of files) {
    if (options.token?.isCancellationRequested) return;
    result.set(file.path, frontend.extractTsFacts(file.text, file.path, { log: options.log }));
    progress();
  }
}

export async function extractTsMany(files: TsScanFile[], options: ExtractTsManyOptions): Promise<Map<string, TsFacts>> {
  const result = new Map<string, TsFacts>();
  let done = 0;
  const progress = (count = 1): void => {
    done += count;
    options.onProgress?.(done, files.length);
  };
  const threads = Math.min(Math.max(0, Math.floor(options.threads)), Math.floor(files.length / (options.minFilesPerWorker ?? MIN_FILES_PER_WORKER)));
  if (threads <= 1) {
    // One worker would only move the same work off this thread, plus TypeScript's load: do it here,
    // yielding between batches so an LSP server stays responsive during a long scan.
    for (let i = 0; i < files.length; i += BATCH_SIZE) {
      extractHere(files.slice(i, i + BATCH_SIZE), result, options, progress);
      if (options.token?.isCancellationRequested) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return result;
  }

  const queue: TsScanBatch[] = [];
  for (let i = 0; i < files.length; i += BATCH_SIZE) queue.push({ id: queue.length, files: files.slice(i, i + BATCH_SIZE) });
  const failed: TsScanFile[] = [];
  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = startWorker();
      let current: TsScanBatch | undefined;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        if (current) failed.push(...current.files);
        current = undefined;
        void worker.terminate().finally(resolve);
      };
      const next = (): void => {
        current = options.token?.isCancellationRequested ? undefined : queue.shift();
        if (!current) return finish();
        worker.postMessage(current);
      };
      worker.on('message', (reply: TsScanBatchResult) => {
        const batch = current;
        current = undefined;
        if (reply.error) failed.push(...(batch?.files ?? []));
        else {
          let decoded = 0;
          for (const [file, json] of reply.results) {
            try {
              result.set(file, JSON.parse(json) as TsFacts);
              decoded++;
            } catch {
              failed.push(...(batch?.files.filter((candidate) => candidate.path === file) ?? []));
            }
          }
          progress(decoded);
        }
        next();
      });
      worker.on('error', finish);
      worker.on('exit', finish);
      next();
    });
  await Promise.all(Array.from({ length: threads }, runWorker));
  if (!options.token?.isCancellationRequested) for (const batch of queue.splice(0)) failed.push(...batch.files);
  if (failed.length > 0) extractHere(failed, result, options, progress);
  return result;
}
