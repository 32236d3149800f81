/**
 * The migration report's model: plain data (JSON-serialisable as is), computed once by
 * `buildReport` and read by every renderer. Paths are absolute in `file` and relative to the
 * workspace root holding them in `path` (what renderers show).
 */
import type { Severity } from '../model';
import type { EventletKind } from '../catalog/python-eventlet';
import type { NodePoolKind } from '../catalog/node-pools';
import type { PoolKind } from '../catalog/types';

/** A Python pool kind (`thread-pool`, `db-engine`...) or a Node one (`db-pool`, `redis-client`...). */
export type InventoryPoolKind = PoolKind | NodePoolKind;

export const REPORT_SCHEMA_VERSION = 1;

/** A place in the workspace a renderer links to (0-based line and character). */
export interface ReportLocation {
  file: string;
  path: string;
  line: number;
  character: number;
}

export interface EventletSection {
  /** Lines containing `eventlet`, summed over files (`git grep -c eventlet` over tracked files, else over the scanned files). */
  textualRefs: number;
  /** Where `textualRefs` comes from: `git` (tracked files) or `files` (the scanned files of a non-git folder). */
  textualSource: 'git' | 'files';
  /** Eventlet usages the engine resolved (imports and API calls): the FG1xx inventory. */
  apiUses: number;
  /** Usages per kind; every kind is present, zero when unused. */
  byKind: Record<EventletKind, number>;
  /** Usages per top-level package/folder (first path segment; `.` for files at the root), most first. */
  byFolder: { folder: string; uses: number }[];
  /** The files with the most usages (at most TOP_FILES), most first. */
  topFiles: (ReportLocation & { uses: number })[];
}

export interface PoolSize {
  /** `literal`: a number in the call; `config`: a configuration option (`CONF.x.y`); `expression`: other code; `default`: not passed. */
  source: 'literal' | 'config' | 'expression' | 'default';
  /** The source text (`5`, `CONF.scheduler.workers`), empty for `default`. */
  text: string;
}

export interface PoolEntry extends ReportLocation {
  kind: InventoryPoolKind;
  /** The factory's human name: `ThreadPoolExecutor`, `SQLAlchemy engine`. */
  label: string;
  /** How the code names the pool: `_EXECUTOR`, `self._pool`, or the label when unnamed. */
  identity: string;
  /** `global`, `attr`, `registry`, `local` or `anon` (see python/summaries.ts PoolIdentity); Node adds `export` (`module.exports.x`). */
  identityKind: string;
  /** null when the factory takes no size (a thread, a DB connection). */
  size: PoolSize | null;
  /** An FG001 finding reports this pool alive when the process forks. */
  aliveAtFork: boolean;
}

export interface HazardEntry extends ReportLocation {
  severity: Severity;
  message: string;
}

export interface HazardGroup {
  rule: string;
  name: string;
  count: number;
  findings: HazardEntry[];
}

export interface TrendSample {
  /** The sample date, `YYYY-MM-DD` (UTC). */
  date: string;
  /** The last commit of HEAD's history made before the end of that date. */
  commit: string;
  /** `eventlet` lines at that commit, as `git grep -c eventlet <commit>` summed. */
  refs: number;
}

export interface TrendSection {
  samples: TrendSample[];
  /** Why there is no trend (not a git repository, git missing...), when `samples` is empty. */
  unavailable?: string;
}

export interface ReadinessItem {
  id: 'eventlet-refs' | 'monkey-patch' | 'pools-at-fork' | 'query-timeouts' | 'gather-deadlines';
  label: string;
  count: number;
  /** Nothing of this kind left. */
  done: boolean;
}

export interface MigrationReport {
  schemaVersion: number;
  /** ISO timestamp of the report. */
  generatedAt: string;
  roots: string[];
  summary: {
    filesScanned: number;
    /** Wall time of the report (scan, analysis, git history) in milliseconds. */
    ms: number;
    hazardsBySeverity: Record<Severity, number>;
  };
  eventlet: EventletSection;
  pools: PoolEntry[];
  poolTotals: { kind: InventoryPoolKind; count: number; aliveAtFork: number }[];
  hazards: HazardGroup[];
  /** Weekly samples, oldest first; empty when there is no history (see `trendUnavailable`). */
  trend: TrendSample[];
  /** Why `trend` is empty: not a git repository, history disabled... */
  trendUnavailable?: string;
  readiness: ReadinessItem[];
}
