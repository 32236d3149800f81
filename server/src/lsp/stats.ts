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

export function countFindings(findingsByFile: ReadonlyMap<string, Finding[]>): FindingCounts {
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

/** `counts` of `before`, updated to `after` where they differ: in the `changed` files. */
export function updateCounts(counts: FindingCounts, before: ReadonlyMap<string, Finding[]>, after: ReadonlyMap<string, Finding[]>, changed: Iterable<string>): FindingCounts {
  const byRule = { ...counts.byRule };
  let findings = counts.findings;
  for (const file of changed) {
    for (const finding of before.get(file) ?? []) {
      byRule[finding.rule]--;
      findings--;
    }
    for (const finding of after.get(file) ?? []) {
      byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
      findings++;
    }
  }
  for (const rule of Object.keys(byRule)) if (byRule[rule] === 0) delete byRule[rule];
  return { files: after.size, findings, byRule };
}

/** Notification sent after each publish so the client's status bar follows without polling. */
export const STATUS_NOTIFICATION = 'forkguard/status';
/** Request answered with the current counts. */
export const STATS_REQUEST = 'forkguard/stats';

export interface StatusParams extends FindingCounts {
  scanning: boolean;
}
