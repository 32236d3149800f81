/**
 * Cold Python scans: the Python side of the extraction pool (extraction/worker-pool.ts). Workers
 * run scan-worker.ts (dist/scan-worker.js) and exit at the end, which releases their WASM memory;
 * `threads: 0` extracts on the calling thread (tests, tiny workspaces).
 */
import type { ScanFile } from '../extraction/scan-protocol';
import { BATCH_SIZE, extractInPool, startScanWorker, type ExtractionLanguage, type ExtractionOptions } from '../extraction/worker-pool';
import { extractFactsSync } from './extract';
import type { PyFacts } from './facts';
import { PY_FACTS_CODEC } from './facts-codec';
import { initPython } from './parser';

export interface ExtractManyOptions extends Omit<ExtractionOptions, 'workers'> {
  /** Worker threads at most (one per batch of files at most); 0 extracts on the calling thread. */
  threads: number;
}

const PYTHON_EXTRACTION: ExtractionLanguage<PyFacts> = {
  startWorker: () => startScanWorker(__dirname, 'scan-worker.js'),
  prepareHere: initPython,
  extractHere: (file) => extractFactsSync(file.text),
  codec: PY_FACTS_CODEC,
};

export function extractMany(files: ScanFile[], options: ExtractManyOptions): Promise<Map<string, PyFacts>> {
  const workers = Math.min(Math.max(0, Math.floor(options.threads)), Math.ceil(files.length / BATCH_SIZE));
  return extractInPool(files, PYTHON_EXTRACTION, { ...options, workers });
}
