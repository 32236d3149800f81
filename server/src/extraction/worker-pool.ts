/**
 * Cold scans of any language: facts for many files, in worker threads that exit at the end, or on
 * the calling thread. A language passes in what differs (python/scan-pool.ts,
 * typescript/scan-pool.ts): how to start its worker, how to extract a file here, its facts codec. How many
 * workers a scan deserves is the language's decision too (a TypeScript worker costs far more to
 * start than a tree-sitter one).
 *
 * A batch a worker fails on (crash, grammar not found, reply that does not decode) is redone on the
 * calling thread, so a scan always returns facts for every file unless it is cancelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FactsCodec } from './codec';
import type { ScanBatch, ScanBatchResult, ScanFile } from './scan-protocol';

/** Files per message: big enough to amortise messaging, small enough to balance the threads. */
export const BATCH_SIZE = 16;

/** What the pool needs from a language. */
export interface ExtractionLanguage<Facts> {
  /** A new worker thread running the language's scan worker (see startScanWorker). */
  startWorker(): Worker;
  /** Readies the calling thread before its first extractHere (loads a grammar). */
  prepareHere?(): Promise<void>;
  /** Facts of one file, on the calling thread. */
  extractHere(file: ScanFile): Facts;
  /** Decodes the workers' replies. */
  codec: FactsCodec<Facts>;
}

export interface ExtractionOptions {
  /** Worker threads to start; 0 extracts every file on the calling thread. */
  workers: number;
  /**
   * When given, receives for each file the encoded facts (the codec's string) as a worker sent
   * them, so the disk cache can store them without encoding the facts again.
   */
  encoded?: Map<string, string>;
  onProgress?: (done: number, total: number) => void;
  token?: { isCancellationRequested: boolean };
}

/**
 * A new scan worker: `<dir>/<builtName>` beside the bundle; when running from sources (tests
 * under tsx), `<dir>/scan-worker.ts` loaded through tsx's require hook (a `--import tsx` execArgv
 * does not apply to a worker's entry file on Node 20). `dir` is the caller's __dirname.
 */
export function startScanWorker(dir: string, builtName: string): Worker {
  const built = path.join(dir, builtName);
  if (fs.existsSync(built)) return new Worker(built);
  const source = path.join(dir, 'scan-worker.ts');
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, { eval: true });
}

export async function extractInPool<Facts>(files: ScanFile[], language: ExtractionLanguage<Facts>, options: ExtractionOptions): Promise<Map<string, Facts>> {
  const result = new Map<string, Facts>();
  let done = 0;
  const progress = (count: number): void => {
    done += count;
    options.onProgress?.(done, files.length);
  };
  const workers = Math.min(Math.max(0, Math.floor(options.workers)), Math.ceil(files.length / BATCH_SIZE));
  const failed = workers === 0 ? files : await extractInWorkers(files, workers, language, options, result, progress);
  if (failed.length > 0) await extractHere(failed, language, options, result, progress);
  return result;
}

/**
 * Extracts on the calling thread, a batch at a time, yielding between batches so that an LSP
 * server keeps answering during a long scan.
 */
async function extractHere<Facts>(
  files: ScanFile[],
  language: ExtractionLanguage<Facts>,
  options: ExtractionOptions,
  result: Map<string, Facts>,
  progress: (count: number) => void,
): Promise<void> {
  await language.prepareHere?.();
  for (let i = 0; i < files.length; i += BATCH_SIZE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const file of files.slice(i, i + BATCH_SIZE)) {
      if (options.token?.isCancellationRequested) return;
      result.set(file.path, language.extractHere(file));
      progress(1);
    }
  }
}

/** Runs the batches on `workers` threads; returns the files left to do here (a worker failed them). */
async function extractInWorkers<Facts>(
  files: ScanFile[],
  workers: number,
  language: ExtractionLanguage<Facts>,
  options: ExtractionOptions,
  result: Map<string, Facts>,
  progress: (count: number) => void,
): Promise<ScanFile[]> {
  const queue: ScanBatch[] = [];
  for (let i = 0; i < files.length; i += BATCH_SIZE) queue.push({ id: queue.length, files: files.slice(i, i + BATCH_SIZE) });
  const failed: ScanFile[] = [];

  const receive = (batch: ScanBatch | undefined, reply: ScanBatchResult): void => {
    if (reply.error) {
      failed.push(...(batch?.files ?? []));
      return;
    }
    let decoded = 0;
    for (const [file, encoded] of reply.results) {
      const facts = decodeReply(language.codec, encoded);
      if (facts === undefined) {
        failed.push(...(batch?.files.filter((candidate) => candidate.path === file) ?? []));
        continue;
      }
      result.set(file, facts);
      options.encoded?.set(file, encoded);
      decoded++;
    }
    progress(decoded);
  };

  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = language.startWorker();
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
        next(); // before decoding the reply, so the worker extracts the next batch meanwhile
        receive(batch, reply);
      });
      worker.on('error', finish);
      worker.on('exit', finish);
      next();
    });

  await Promise.all(Array.from({ length: workers }, runWorker));
  // Workers that died leave their batch in `failed` and maybe untaken batches in the queue.
  if (!options.token?.isCancellationRequested) for (const batch of queue.splice(0)) failed.push(...batch.files);
  return failed;
}

/** Facts from a worker's reply; undefined if they do not decode (the file is then redone here). */
function decodeReply<Facts>(codec: FactsCodec<Facts>, encoded: string): Facts | undefined {
  try {
    return codec.decode(encoded);
  } catch {
    return undefined;
  }
}
