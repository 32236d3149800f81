/**
 * Worker thread of a cold TS/JS scan (see scan-pool.ts and extraction/scan-worker-host.ts):
 * answers batches of files with their facts as JSON (facts-codec.ts). Loads the front end
 * (TypeScript) once per worker, on the first batch. The build emits this file as
 * dist/ts-scan-worker.js.
 */
import { serveScanBatches } from '../extraction/scan-worker-host';
import { TS_FACTS_CODEC } from './facts-codec';
import { loadTsFrontend } from './load';

serveScanBatches((file) => TS_FACTS_CODEC.encode(loadTsFrontend().extractTsFacts(file.text, file.path)));
