/**
 * Worker thread of a cold Python scan (see scan-pool.ts and extraction/scan-worker-host.ts):
 * answers batches of files with their facts in the compact encoding of facts-codec.ts.
 *
 * The build emits this file as dist/scan-worker.js, next to the server bundle.
 */
import { serveScanBatches } from '../extraction/scan-worker-host';
import { extractFactsSync } from './extract';
import { PY_FACTS_CODEC } from './facts-codec';
import { initPython } from './parser';

serveScanBatches((file) => PY_FACTS_CODEC.encode(extractFactsSync(file.text)), initPython());
