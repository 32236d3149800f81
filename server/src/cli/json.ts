/**
 * JSON output: `{"findings": [...], "stats": {"files", "ms"}}` with paths relative to the current
 * directory and 1-based positions. The shape is a public contract (CI scripts parse it).
 */
import type { Finding } from '../model';
import type { AnalysisStats } from '../engine/api';
import { displayPath, oneBased } from './locations';

export function findingsToJson(findings: Finding[], stats: AnalysisStats, cwd: string): unknown {
  return {
    findings: findings.map((finding) => ({
      rule: finding.rule,
      name: finding.name,
      severity: finding.severity,
      file: displayPath(finding.file, cwd),
      ...oneBased(finding.range),
      message: finding.message,
      related: finding.related.map((related) => {
        const { line, column } = oneBased(related.range);
        return { file: displayPath(related.file, cwd), line, column, message: related.message };
      }),
      fixes: finding.fixes.map((fix) => ({
        title: fix.title,
        edits: fix.edits.map((edit) => ({ file: displayPath(edit.file, cwd), ...oneBased(edit.range), newText: edit.newText })),
      })),
    })),
    stats: { files: stats.files, ms: stats.ms },
  };
}

export function formatJson(findings: Finding[], stats: AnalysisStats, cwd: string): string {
  return `${JSON.stringify(findingsToJson(findings, stats, cwd), null, 2)}\n`;
}
