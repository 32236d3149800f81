/** The engine's public surface for adapters (LSP server, CLI, bench). */
export { Workspace, defaultCacheDir, defaultFactsCacheDir, defaultThreads, MAX_FILE_BYTES } from './workspace';
export { analyze, AnalysisCancelled } from './analyze';
export { UNUSED_SUPPRESSION_RULE } from './suppressions';
export type { AnalysisResult, AnalysisStats, ScanOptions, TextChange, WorkspaceOptions } from './api';
