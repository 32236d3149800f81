/**
 * The parse-only floor: the corpus split over `threads` worker threads (largest files first,
 * each to the least loaded worker), each only reading and parsing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CorpusFile } from './corpus';
import type { ParseWorkerInput, ParseWorkerResult } from './parse-worker';

export const PARSE_WORKER = join(__dirname, 'bench-parse-worker.js');

/** Splits files into `parts` lists of about equal total size (files must be sorted largest first). */
export function balance(files: CorpusFile[], parts: number): string[][] {
  const shares = Array.from({ length: Math.max(1, parts) }, () => ({ bytes: 0, files: [] as string[] }));
  for (const file of files) {
    const lightest = shares.reduce((min, share) => (share.bytes < min.bytes ? share : min));
    lightest.files.push(file.path);
    lightest.bytes += file.bytes;
  }
  return shares.map((share) => share.files).filter((list) => list.length > 0);
}

function runWorker(input: ParseWorkerInput): Promise<ParseWorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(PARSE_WORKER, { workerData: input });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`parse worker exited with code ${code}`));
    });
  });
}

/** Wall milliseconds to parse every file, and how many the parser gave up on. */
export async function measureParseFloor(files: CorpusFile[], threads: number): Promise<{ ms: number; failed: number }> {
  if (!existsSync(PARSE_WORKER)) throw new Error(`${PARSE_WORKER} is missing: run the benchmark with \`npm run bench\` (it builds dist/ first)`);
  const started = performance.now();
  const results = await Promise.all(balance(files, threads).map((share) => runWorker({ files: share })));
  return { ms: performance.now() - started, failed: results.reduce((sum, result) => sum + result.failed, 0) };
}
