/**
 * Cold scans: facts for many files, in worker threads that exit at the end (their WASM memory is
 * released with them). `threads: 0` extracts on the calling thread (tests, tiny workspaces).
 * A batch a worker fails on (crash, grammar not found) is redone on the calling thread, so a
 * scan always returns facts for every file unless it is cancelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { extractFactsSync } from './extract';
import type { PyFacts } from './facts';
import { unpackFacts } from './facts-codec';
import { initPython } from './parser';
import type { ScanBatch, ScanBatchResult, ScanFile } from './scan-protocol';

export interface ExtractManyOptions {
  threads: number;
  /**
   * When given, receives for each file the JSON of its facts' compact encoding (facts-codec.ts) as
   * a worker sent it, so the disk cache can store it without encoding the facts again.
   */
  encoded?: Map<string, string>;
  onProgress?: (done: number, total: number) => void;
  token?: { isCancellationRequested: boolean };
}

/** Files per message: big enough to amortise messaging, small enough to balance the threads. */
const BATCH_SIZE = 16;

/**
 * A new scan worker: dist/scan-worker.js beside the bundle; when running from sources (tests under
 * tsx), this folder's .ts loaded through tsx's require hook (a `--import tsx` execArgv does not
 * apply to a worker's entry file on Node 20).
 */
function startWorker(): Worker {
  const built = path.join(__dirname, 'scan-worker.js');
  if (fs.existsSync(built)) return new Worker(built);
  const source = path.join(__dirname, 'scan-worker.ts');
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true });
}

async function extractHere(files: ScanFile[], result: Map<string, PyFacts>, options: ExtractManyOptions, progress: () => void): Promise<void> {
  await initPython();
  for (const file of files) {
    if (options.token?.isCancellationRequested) return;
    result.set(file.path, extractFactsSync(file.text));
    progress();
  }
}

/** Facts from a worker's reply; undefined if they do not decode (the file is then redone here). */
function decodeReply(packedJson: string): PyFacts | undefined {
  try {
    return unpackFacts(JSON.parse(packedJson));
  } catch {
    return undefined;
  }
}

export async function extractMany(files: ScanFile[], options: ExtractManyOptions): Promise<Map<string, PyFacts>> {
  const result = new Map<string, PyFacts>();
  let done = 0;
  const progress = (count = 1): void => {
    done += count;
    options.onProgress?.(done, files.length);
  };
  const threads = Math.min(Math.max(0, Math.floor(options.threads)), Math.ceil(files.length / BATCH_SIZE));
  if (threads === 0) {
    await extractHere(files, result, options, progress);
    return result;
  }

  const queue: ScanBatch[] = [];
  for (let i = 0; i < files.length; i += BATCH_SIZE) queue.push({ id: queue.length, files: files.slice(i, i + BATCH_SIZE) });
  const failed: ScanFile[] = [];

  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = startWorker();
      let current: ScanBatch | undefined;
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
      worker.on('message', (reply: ScanBatchResult) => {
        const batch = current;
        current = undefined;
        if (reply.error) failed.push(...(batch?.files ?? []));
        else {
          let decoded = 0;
          for (const [file, packedJson] of reply.results) {
            const facts = decodeReply(packedJson);
            if (facts) {
              result.set(file, facts);
              options.encoded?.set(file, packedJson);
              decoded++;
            } else failed.push(...(batch?.files.filter((candidate) => candidate.path === file) ?? []));
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
  // Workers that died leave their batch in `failed` and maybe untaken batches in the queue.
  if (!options.token?.isCancellationRequested) for (const batch of queue.splice(0)) failed.push(...batch.files);
  if (failed.length > 0) await extractHere(failed, result, options, progress);
  return result;
}
