/** The hazards section: FG001-FG003 findings grouped by rule, and the totals by severity. */
import type { Finding, Severity } from '../model';
import type { PyProgram } from '../python/program';
import type { HazardGroup } from './model';

/** The rules whose findings the migration exposes (the FG1xx inventory is counted separately). */
export const HAZARD_RULES: readonly { id: string; name: string }[] = [
  { id: 'FG001', name: 'pool-before-fork' },
  { id: 'FG002', name: 'missing-query-timeout' },
  { id: 'FG003', name: 'unbounded-scatter-gather' },
];

/** One group per hazard rule, in rule order, empty groups included (a zero is progress too). */
export function hazardGroups(program: PyProgram, findings: ReadonlyMap<string, Finding[]>): HazardGroup[] {
  const groups = HAZARD_RULES.map((rule): HazardGroup => ({ rule: rule.id, name: rule.name, count: 0, findings: [] }));
  const byRule = new Map(groups.map((group) => [group.rule, group]));
  for (const [file, list] of findings) {
    for (const finding of list) {
      const group = byRule.get(finding.rule);
      if (!group) continue;
      const start = finding.range.start;
      group.findings.push({ file, path: program.relativePath(file), line: start.line, character: start.character, severity: finding.severity, message: finding.message });
      group.count++;
    }
  }
  for (const group of groups) group.findings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.character - b.character));
  return groups;
}

export function severityTotals(groups: readonly HazardGroup[]): Record<Severity, number> {
  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const group of groups) for (const finding of group.findings) totals[finding.severity]++;
  return totals;
}
