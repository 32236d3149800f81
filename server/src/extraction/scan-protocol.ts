/** Messages between the extraction pool (worker-pool.ts) and a language's scan worker (scan-worker-host.ts). */

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
  /**
   * Facts encoded by the language's codec (codec.ts): one string per file is copied between
   * threads at memory speed, where a structured clone of the facts objects cost more than it saved.
   */
  results: [path: string, encoded: string][];
  /** The worker could not extract (grammar or front end failed to load): the pool does the batch itself. */
  error?: string;
}
