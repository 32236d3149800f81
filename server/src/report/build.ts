/**
 * buildReport: the migration report of a scanned and analysed workspace. It reads the engine's
 * results (findings, the program model, the eventlet inventory) and asks git for the textual
 * count and the history trend.
 */
import type { CancellationToken } from '../model';
import type { AnalysisResult } from '../engine/api';
import type { Workspace } from '../engine/workspace';
import { eventletSection } from './eventlet';
import { hazardGroups, severityTotals } from './hazards';
import { REPORT_SCHEMA_VERSION, type MigrationReport } from './model';
import { nodePoolInventory } from './node-pools';
import { byLocation, poolInventory, poolTotals } from './pools';
import { readinessChecklist } from './readiness';
import { countTextualRefs } from './textual-refs';
import { DEFAULT_HISTORY_WEEKS, eventletTrend } from './trend';

export interface ReportOptions {
  /** Weeks of history to sample (default 26; 0 skips the trend). */
  historyWeeks?: number;
  /** The date of the report and of the last trend sample (default: now). */
  now?: Date;
  /** `performance.now()` when the caller started the scan, so the time shown includes it. */
  startedAt?: number;
  token?: CancellationToken;
}

export class ReportCancelled extends Error {
  constructor() {
    super('report cancelled');
  }
}

export async function buildReport(workspace: Workspace, analysis: AnalysisResult, options: ReportOptions = {}): Promise<MigrationReport> {
  const started = options.startedAt ?? performance.now() - analysis.stats.ms;
  const { program } = workspace;
  const scanned = [...workspace.files(), ...workspace.configFiles().keys()];
  const textual = await countTextualRefs(workspace.roots, scanned, (file) => workspace.text(file));
  throwIfCancelled(options.token);
  const eventlet = eventletSection(program, textual);
  const pools = [
    ...poolInventory(program, analysis.findings),
    ...nodePoolInventory(workspace.tsProgram, analysis.findings, { relativePath: (file) => program.relativePath(file), text: (file) => workspace.text(file) }),
  ].sort(byLocation);
  const hazards = hazardGroups(program, analysis.findings);
  throwIfCancelled(options.token);
  const trend = await eventletTrend(workspace.roots, { weeks: options.historyWeeks ?? DEFAULT_HISTORY_WEEKS, now: options.now, token: options.token });
  throwIfCancelled(options.token);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: (options.now ?? new Date()).toISOString(),
    roots: workspace.roots,
    summary: { filesScanned: analysis.stats.files, ms: Math.round(performance.now() - started), hazardsBySeverity: severityTotals(hazards) },
    eventlet,
    pools,
    poolTotals: poolTotals(pools),
    hazards,
    trend: trend.samples,
    ...(trend.unavailable !== undefined ? { trendUnavailable: trend.unavailable } : {}),
    readiness: readinessChecklist(eventlet, pools, hazards),
  };
}

function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ReportCancelled();
}
