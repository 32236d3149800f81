/**
 * The body of every language's scan worker thread: receives batches of files (scan-protocol.ts),
 * answers with their encoded facts. The pool terminates the worker when the scan ends, which frees
 * what the parser holds (WASM memory never shrinks; TypeScript's heap is large).
 *
 * Kept apart from worker-pool.ts so the worker bundles hold only this.
 */
import { parentPort } from 'node:worker_threads';
import type { ScanBatch, ScanBatchResult, ScanFile } from './scan-protocol';

/**
 * Serves batches on this worker's port (does nothing on the main thread). `ready`, when given, is
 * awaited before the first extraction (a grammar loading); if it or `encodeFactsOf` throws, the
 * reply carries the error and the pool redoes the batch on its own thread.
 */
export function serveScanBatches(encodeFactsOf: (file: ScanFile) => string, ready?: Promise<unknown>): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', async (batch: ScanBatch) => {
    let reply: ScanBatchResult;
    try {
      await ready;
      reply = { id: batch.id, results: batch.files.map((file) => [file.path, encodeFactsOf(file)]) };
    } catch (error) {
      reply = { id: batch.id, results: [], error: (error as Error).message };
    }
    port.postMessage(reply);
  });
}
