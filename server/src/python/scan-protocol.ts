/** Messages between scan-pool.ts and scan-worker.ts. */
import type { PyFacts } from './facts';

export interface ScanFile {
  path: string;
  text: string;
}

export interface ScanBatch {
  id: number;
  files: ScanFile[];
}

export interface ScanBatchResult {
  id: number;
  results: [path: string, facts: PyFacts][];
  /** The worker could not extract (grammar failed to load): the pool does the batch itself. */
  error?: string;
}
