/**
 * Worker thread of a cold scan (see scan-pool.ts): receives batches of files, answers with their
 * facts. The pool terminates the worker when the scan ends, which frees its WASM memory (WASM
 * memory never shrinks, so a long-lived thread would keep the peak of the largest file forever).
 *
 * The build emits this file as dist/scan-worker.js, next to the server bundle.
 */
import { parentPort } from 'node:worker_threads';
import { extractFactsSync } from './extract';
import { packFacts } from './facts-codec';
import { initPython } from './parser';
import type { ScanBatch, ScanBatchResult } from './scan-protocol';

const port = parentPort;
if (port) {
  const ready = initPython();
  port.on('message', async (batch: ScanBatch) => {
    let reply: ScanBatchResult;
    try {
      await ready;
      reply = { id: batch.id, results: batch.files.map((file) => [file.path, JSON.stringify(packFacts(extractFactsSync(file.text)))]) };
    } catch (error) {
      reply = { id: batch.id, results: [], error: (error as Error).message };
    }
    port.postMessage(reply);
  });
}
