/**
 * Counts for the status bar (`forkguard/stats`, `forkguard/status`) and the rescan command.
 */
import type { Finding } from '../model';

export interface FindingCounts {
  /** Source files analysed. */
  files: number;
  findings: number;
  /** Findings per rule id. */
  byRule: Record<string, number>;
}

export function countFindings(findingsByFile: Map<string, Finding[]>): FindingCounts {
  const byRule: Record<string, number> = {};
  let findings = 0;
  for (const list of findingsByFile.values()) {
    for (const finding of list) {
      byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
      findings++;
    }
  }
  return { files: findingsByFile.size, findings, byRule };
}

/** Notification sent after each publish so the client's status bar follows without polling. */
export const STATUS_NOTIFICATION = 'forkguard/status';
/** Request answered with the current counts. */
export const STATS_REQUEST = 'forkguard/stats';

export interface StatusParams extends FindingCounts {
  scanning: boolean;
}
