/**
 * Worker thread of a cold TS/JS scan (see scan-pool.ts): receives batches of files, answers with
 * their facts as JSON strings. Loads the front end (TypeScript) once per worker; the pool ends the
 * workers when the scan is done. The build emits this file as dist/ts-scan-worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { loadTsFrontend } from './load';
import type { TsScanBatch, TsScanBatchResult } from './scan-pool';

const port = parentPort;
if (port) {
  port.on('message', (batch: TsScanBatch) => {
    let reply: TsScanBatchResult;
    try {
      const frontend = loadTsFrontend();
      reply = { id: batch.id, results: batch.files.map((file) => [file.path, JSON.stringify(frontend.extractTsFacts(file.text, file.path))]) };
    } catch (error) {
      reply = { id: batch.id, results: [], error: (error as Error).message };
    }
    port.postMessage(reply);
  });
}
