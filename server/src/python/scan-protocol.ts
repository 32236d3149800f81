/** The scan messages are language-neutral now: extraction/scan-protocol.ts. Kept for old imports. */
export type { ScanBatch, ScanBatchResult, ScanFile } from '../extraction/scan-protocol';
