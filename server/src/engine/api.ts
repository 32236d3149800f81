/**
 * The engine's public contract, used by both adapters (LSP server, CLI) and by the tests.
 * Everything here is language-neutral; the engine knows nothing of LSP or the terminal.
 */
import type { CancellationToken, Finding, Notice, Range } from '../model';
import type { ForkGuardConfig } from '../model/config';

export interface WorkspaceOptions {
  /** Absolute folders to scan (an LSP client's workspace folders, the CLI's paths). */
  roots: string[];
  /** The editor's settings layer (`forkguard.*`), below the project file. */
  editorSettings?: Partial<ForkGuardConfig>;
  /**
   * CLI `--config FILE`: read this project file instead of discovering one in the roots.
   * A missing or broken file is an error notice (the CLI exits 2 on it).
   */
  configFile?: string;
  /** Folder for the on-disk facts cache; `null` disables it. Default: a folder under the OS cache dir. */
  cacheDir?: string | null;
  /** Worker threads for cold scans; 0 parses on the calling thread. Default: CPUs, at most 4. */
  threads?: number;
  /** Restricted Mode (untrusted workspace): settings that widen what is read are ignored. */
  restricted?: boolean;
  /** One-line log messages (skipped files, cache problems...). */
  log?: (message: string) => void;
}

/** A text change as LSP sends it: `range` absent means the whole document is replaced. */
export interface TextChange {
  range?: Range;
  text: string;
}

export interface ScanOptions {
  /** Called as files are read and indexed. */
  onProgress?: (done: number, total: number) => void;
  token?: CancellationToken;
}

export interface AnalysisStats {
  /** Source files analysed. */
  files: number;
  /** Wall time of this analysis (scan + analysis when the scan ran in it). */
  ms: number;
  /**
   * The findings were stored by an earlier run on exactly the same inputs (see results-cache.ts):
   * nothing was analysed, and the next analysis of this workspace analyses the whole program.
   */
  fromResultsCache?: boolean;
}

export interface AnalysisResult {
  /**
   * Findings per file, after severity configuration and suppressions, in deterministic order.
   * Every analysed file has an entry, possibly empty, so an adapter can clear stale findings.
   */
  findings: ReadonlyMap<string, Finding[]>;
  /**
   * Set when this analysis updated the previous one of the same workspace: `files` are those whose
   * findings arrays are new against `since` (that analysis' findings map; a new array may hold the
   * same findings), and every other file's array is the one in `since`. Absent when any file's
   * findings may differ: a first analysis, or one after the file set or the settings changed.
   */
  changes?: { since: ReadonlyMap<string, Finding[]>; files: ReadonlySet<string> };
  /** Config problems, skipped files and other messages for the user. */
  notices: Notice[];
  stats: AnalysisStats;
}
