/**
 * Compiler-style text output: `path:line:col: FG001 message`, one finding per line (stdout), and a
 * summary line meant for stderr so stdout stays machine-parsable.
 */
import type { Finding } from '../model';
import type { AnalysisStats } from '../engine/api';
import { displayPath, oneBased, singleLine } from './locations';

export function formatText(findings: Finding[], cwd: string): string {
  return findings
    .map((finding) => {
      const { line, column } = oneBased(finding.range);
      return `${displayPath(finding.file, cwd)}:${line}:${column}: ${finding.rule} ${singleLine(finding.message)}\n`;
    })
    .join('');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function formatSummary(findingCount: number, stats: AnalysisStats): string {
  return `${plural(findingCount, 'finding')} in ${plural(stats.files, 'file')} (${stats.ms} ms)\n`;
}
