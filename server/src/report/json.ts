/**
 * The report as JSON: the MigrationReport model itself (model.ts documents every field), so the
 * CLI, the export and a CI job read the same shape. Key fields: `eventlet.textualRefs`,
 * `eventlet.apiUses`, `eventlet.byKind`, `pools`, `hazards` (by rule), `trend` ([{date, commit, refs}]).
 */
import type { MigrationReport } from './model';

export function renderJson(report: MigrationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
