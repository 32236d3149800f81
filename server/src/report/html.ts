/**
 * The report as one HTML page, for the webview and for the HTML export. Safe by construction:
 * every workspace string goes through escapeHtml, a Content-Security-Policy allows only the
 * page's own nonce'd style and script (no remote resources, no inline handlers), and links carry
 * their location in data attributes that the script posts to the extension (`{type: 'reveal'}`).
 * Colours are VS Code's theme variables (with fallbacks for a browser), so light and dark both read.
 */
import { pathToFileURL } from 'node:url';
import type { MigrationReport, ReportLocation, TrendSample } from './model';
import { escapeHtml } from './escape';
import { durationText, KIND_LABELS, locationText, sizeText } from './format';
import { EVENTLET_KINDS } from './eventlet';

export interface HtmlOptions {
  /** A fresh random value per page (base64/hex): only the style and script carrying it run. */
  nonce: string;
}

/** What the page's script posts to the extension when a location link is clicked. */
export interface RevealMessage {
  type: 'reveal';
  file: string;
  line: number;
  character: number;
}

export function renderHtml(report: MigrationReport, options: HtmlOptions): string {
  const nonce = escapeHtml(options.nonce);
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:;`;
  const { summary, eventlet } = report;
  const body = [
    '<h1>ForkGuard migration report</h1>',
    `<p class="muted">Generated ${escapeHtml(report.generatedAt)} for ${report.roots.map((root) => `<code>${escapeHtml(root)}</code>`).join(', ')}</p>`,
    '<h2>Summary</h2>',
    '<ul class="summary">',
    `<li><strong id="textual-refs">${eventlet.textualRefs}</strong> eventlet references left (${eventlet.textualSource === 'git' ? 'tracked files' : 'scanned files'})</li>`,
    `<li><strong>${eventlet.apiUses}</strong> eventlet API uses</li>`,
    `<li>Hazards: ${report.hazards.map((group) => `${escapeHtml(group.rule)} <strong>${group.count}</strong>`).join(', ')} (${Object.entries(summary.hazardsBySeverity).map(([severity, count]) => `${count} ${severity}`).join(', ')})</li>`,
    `<li>${summary.filesScanned} files scanned in ${durationText(summary.ms)}</li>`,
    '</ul>',
    '<h2>Readiness</h2>',
    '<ul class="readiness">',
    ...report.readiness.map((item) => `<li class="${item.done ? 'done' : 'todo'}">${item.done ? '✔' : '✘'} ${escapeHtml(item.label)}: <strong>${item.count}</strong></li>`),
    '</ul>',
    '<h2>Trend</h2>',
    report.trend.length > 0 ? trendChart(report.trend) : `<p class="muted">No trend: ${escapeHtml(report.trendUnavailable ?? 'no samples')}.</p>`,
    '<h2>Eventlet usage by kind</h2>',
    table(['kind', 'uses'], EVENTLET_KINDS.map((kind) => [escapeHtml(KIND_LABELS[kind]), String(eventlet.byKind[kind])])),
    '<h2>Eventlet usage by package</h2>',
    eventlet.byFolder.length === 0 ? '<p class="muted">No eventlet usage.</p>' : table(['package/folder', 'uses'], eventlet.byFolder.map(({ folder, uses }) => [escapeHtml(folder), String(uses)])),
    '<h2>Files with the most eventlet usage</h2>',
    eventlet.topFiles.length === 0 ? '<p class="muted">No eventlet usage.</p>' : table(['file', 'uses'], eventlet.topFiles.map((file) => [link(file), String(file.uses)])),
    '<h2>Pools</h2>',
    report.pools.length === 0
      ? '<p class="muted">No pool creation found.</p>'
      : table(
          ['kind', 'pool', 'size', 'created at', 'alive at a fork'],
          report.pools.map((pool) => [
            escapeHtml(pool.kind),
            `<code>${escapeHtml(pool.identity)}</code> ${escapeHtml(pool.label)}`,
            escapeHtml(sizeText(pool.size)),
            link(pool),
            pool.aliveAtFork ? '<strong class="bad">yes</strong>' : 'no',
          ]),
        ) + `<p>Totals: ${report.poolTotals.map((total) => `${escapeHtml(total.kind)} ${total.count} (${total.aliveAtFork} alive at a fork)`).join(', ')}</p>`,
    '<h2>Hazards</h2>',
    ...report.hazards.map(
      (group) =>
        `<h3>${escapeHtml(group.rule)} ${escapeHtml(group.name)} (${group.count})</h3>` +
        (group.count === 0
          ? '<p class="muted">None.</p>'
          : `<ul class="hazards">${group.findings.map((finding) => `<li class="hazard ${escapeHtml(finding.severity)}">${link(finding)} <span class="severity">${escapeHtml(finding.severity)}</span> ${escapeHtml(finding.message)}</li>`).join('')}</ul>`),
    ),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>ForkGuard migration report</title>',
    `<style nonce="${nonce}">${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script nonce="${nonce}">${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Cells are HTML already escaped by the caller. */
function table(headers: string[], rows: string[][]): string {
  const head = `<tr>${headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('')}</tr>`;
  return `<table><thead>${head}</thead><tbody>${rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A file link: a file URL for a browser, data attributes for the webview's script. */
function link(location: ReportLocation): string {
  return (
    `<a class="location" href="${escapeHtml(pathToFileURL(location.file).href)}" data-file="${escapeHtml(location.file)}" ` +
    `data-line="${location.line}" data-character="${location.character}">${escapeHtml(locationText(location))}</a>`
  );
}

const CHART_HEIGHT = 160;
const BAR_WIDTH = 18;
const BAR_GAP = 6;
const LABEL_SPACE = 48;

/** The trend as an SVG bar chart; each bar has a tooltip with its date, count and commit. */
export function trendChart(samples: readonly TrendSample[]): string {
  const max = Math.max(1, ...samples.map((sample) => sample.refs));
  const width = samples.length * (BAR_WIDTH + BAR_GAP) + BAR_GAP;
  const height = CHART_HEIGHT + LABEL_SPACE;
  const bars = samples.map((sample, i) => {
    const barHeight = Math.round((sample.refs / max) * (CHART_HEIGHT - 16));
    const x = BAR_GAP + i * (BAR_WIDTH + BAR_GAP);
    const y = CHART_HEIGHT - barHeight;
    const title = `${sample.date}: ${sample.refs} references (${sample.commit.slice(0, 12)})`;
    const label = i % 4 === 0 || i === samples.length - 1 ? `<text class="axis" x="${x}" y="${CHART_HEIGHT + 14}" transform="rotate(45 ${x} ${CHART_HEIGHT + 14})">${escapeHtml(sample.date.slice(5))}</text>` : '';
    return `<g><title>${escapeHtml(title)}</title><rect class="bar" x="${x}" y="${y}" width="${BAR_WIDTH}" height="${barHeight}"></rect>${label}</g>`;
  });
  return (
    `<svg class="trend" role="img" aria-label="eventlet references per week" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<line class="baseline" x1="0" y1="${CHART_HEIGHT}" x2="${width}" y2="${CHART_HEIGHT}"></line>` +
    `<text class="axis" x="2" y="12">${max}</text>${bars.join('')}</svg>`
  );
}

const STYLE = `
body { font-family: var(--vscode-font-family, sans-serif); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); padding: 0 1.5em 2em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid var(--vscode-panel-border, #ccc); }
.muted { color: var(--vscode-descriptionForeground, #666); }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { text-align: left; padding: 2px 10px; border-bottom: 1px solid var(--vscode-panel-border, #ddd); }
a { color: var(--vscode-textLink-foreground, #0066bf); cursor: pointer; }
code { font-family: var(--vscode-editor-font-family, monospace); }
.bad, .todo strong { color: var(--vscode-errorForeground, #c00); }
.done { color: var(--vscode-testing-iconPassed, #388a34); }
.severity { font-size: 0.85em; padding: 0 4px; border: 1px solid var(--vscode-panel-border, #ccc); border-radius: 3px; }
.hazards li { margin: 0.3em 0; }
svg.trend .bar { fill: var(--vscode-charts-blue, #3794ff); }
svg.trend .axis { fill: var(--vscode-descriptionForeground, #666); font-size: 10px; }
svg.trend .baseline { stroke: var(--vscode-panel-border, #999); }
`;

/** In the webview, a link click asks the extension to reveal the location; in a browser the file URL is followed. */
const SCRIPT = `
(function () {
  if (typeof acquireVsCodeApi !== 'function') return;
  var vscode = acquireVsCodeApi();
  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target.closest('a.location') : null;
    if (!target) return;
    event.preventDefault();
    vscode.postMessage({ type: 'reveal', file: target.getAttribute('data-file'), line: Number(target.getAttribute('data-line')), character: Number(target.getAttribute('data-character')) });
  });
})();
`;
