/** Messages between scan-pool.ts and scan-worker.ts. */

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
   * Facts as JSON of their compact encoding (facts-codec.ts): one string per file is copied between
   * threads at memory speed, where a structured clone of the facts objects cost more than it saved.
   */
  results: [path: string, packedJson: string][];
  /** The worker could not extract (grammar failed to load): the pool does the batch itself. */
  error?: string;
}
