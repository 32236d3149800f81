/** The report as Markdown (the export), with the trend as a Mermaid `xychart-beta` block. */
import type { MigrationReport, ReportLocation, TrendSample } from './model';
import { escapeMarkdown, escapeMarkdownMessage, mermaidLabel } from './escape';
import { durationText, KIND_LABELS, locationText, sizeText } from './format';
import { EVENTLET_KINDS } from './eventlet';

export function renderMarkdown(report: MigrationReport): string {
  const { summary, eventlet } = report;
  const lines: string[] = ['# ForkGuard migration report', ''];
  lines.push(`Generated ${report.generatedAt} for ${report.roots.map((root) => `\`${root.replace(/`/g, "'")}\``).join(', ')}.`, '');

  lines.push('## Summary', '');
  lines.push(`- Eventlet references left: **${eventlet.textualRefs}** (lines containing \`eventlet\`, ${eventlet.textualSource === 'git' ? 'tracked files' : 'scanned files'})`);
  lines.push(`- Eventlet API uses: **${eventlet.apiUses}**`);
  const severities = Object.entries(summary.hazardsBySeverity).map(([severity, count]) => `${count} ${severity}`).join(', ');
  lines.push(`- Hazards: ${report.hazards.map((group) => `${group.rule} ${group.count}`).join(', ')} (${severities})`);
  lines.push(`- Files scanned: ${summary.filesScanned}; time taken: ${durationText(summary.ms)}`, '');

  lines.push('## Readiness', '');
  for (const item of report.readiness) lines.push(`- [${item.done ? 'x' : ' '}] ${item.label}: ${item.count}`);
  lines.push('');

  lines.push('## Eventlet usage by kind', '', '| kind | uses |', '| --- | ---: |');
  for (const kind of EVENTLET_KINDS) lines.push(`| ${KIND_LABELS[kind]} | ${eventlet.byKind[kind]} |`);
  lines.push('', '## Eventlet usage by package', '');
  if (eventlet.byFolder.length === 0) lines.push('No eventlet usage.');
  else {
    lines.push('| package/folder | uses |', '| --- | ---: |');
    for (const { folder, uses } of eventlet.byFolder) lines.push(`| ${escapeMarkdown(folder)} | ${uses} |`);
  }
  lines.push('', '## Files with the most eventlet usage', '');
  if (eventlet.topFiles.length === 0) lines.push('No eventlet usage.');
  for (const file of eventlet.topFiles) lines.push(`- ${link(file)}: ${file.uses}`);
  lines.push('');

  lines.push('## Pools', '');
  if (report.pools.length === 0) lines.push('No pool creation found.');
  else {
    lines.push('| kind | pool | size | created at | alive at a fork |', '| --- | --- | --- | --- | --- |');
    for (const pool of report.pools) {
      lines.push(`| ${pool.kind} | ${escapeMarkdown(pool.identity)} (${escapeMarkdown(pool.label)}) | ${escapeMarkdown(sizeText(pool.size))} | ${link(pool)} | ${pool.aliveAtFork ? '**yes**' : 'no'} |`);
    }
    lines.push('', `Totals: ${report.poolTotals.map((total) => `${total.kind} ${total.count} (${total.aliveAtFork} alive at a fork)`).join(', ')}`);
  }
  lines.push('');

  lines.push('## Hazards', '');
  for (const group of report.hazards) {
    lines.push(`### ${group.rule} ${group.name} (${group.count})`, '');
    if (group.count === 0) lines.push('None.');
    for (const finding of group.findings) lines.push(`- ${link(finding)} (${finding.severity}): ${escapeMarkdownMessage(finding.message)}`);
    lines.push('');
  }

  lines.push('## Trend', '');
  if (report.trend.length === 0) lines.push(`No trend: ${escapeMarkdown(report.trendUnavailable ?? 'no samples')}.`);
  else lines.push(...mermaidTrend(report.trend));
  lines.push('');
  return lines.join('\n');
}

/** A Mermaid bar chart of the samples (GitHub and VS Code's Markdown preview draw it). */
export function mermaidTrend(samples: readonly TrendSample[]): string[] {
  const max = Math.max(1, ...samples.map((sample) => sample.refs));
  return [
    '```mermaid',
    'xychart-beta',
    '  title "eventlet references per week"',
    `  x-axis [${samples.map((sample) => mermaidLabel(sample.date)).join(', ')}]`,
    `  y-axis "references" 0 --> ${max}`,
    `  bar [${samples.map((sample) => sample.refs).join(', ')}]`,
    '```',
  ];
}

/** A link to the file at the line, relative to the root (what a Markdown viewer in the repository resolves). */
function link(location: ReportLocation): string {
  const target = location.path.split('/').map(encodeURIComponent).join('/');
  return `[${escapeMarkdown(locationText(location))}](${target}#L${location.line + 1})`;
}
