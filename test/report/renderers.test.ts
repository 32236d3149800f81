import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { renderHtml, renderJson, renderMarkdown, type MigrationReport } from '../../server/src/report';
import { FIXTURE_FILES, HOSTILE_NAME } from './fixture';
import { removeFixtureDirs, reportOf, workspaceDir } from './helpers';

const NONCE = 'abcdefghijklmnop0123456789';
const TREND = [
  { date: '2025-02-22', commit: 'a'.repeat(40), refs: 4 },
  { date: '2025-03-01', commit: 'b'.repeat(40), refs: 2 },
];

describe('report renderers', () => {
  let report: MigrationReport;
  before(async () => {
    const dir = workspaceDir(FIXTURE_FILES);
    // The fixture folder is not a git repository: give the renderers a trend to draw.
    report = { ...(await reportOf(dir, { historyWeeks: 0, now: new Date('2025-03-01T00:00:00Z') })), trend: TREND, trendUnavailable: undefined };
  });
  after(removeFixtureDirs);

  it('Markdown: summary, escaped hostile file name, linked hazards and a mermaid xychart-beta trend', () => {
    const markdown = renderMarkdown(report);
    assert.ok(markdown.startsWith('# ForkGuard migration report\n'));
    assert.ok(markdown.includes('- Eventlet references left: **7** (lines containing `eventlet`, scanned files)\n'));
    assert.ok(markdown.includes('- [ ] eventlet monkey_patch sites left: 1\n'));
    assert.ok(markdown.includes('- [x] DB engines, connections and calls without a timeout (FG002): 0\n'));
    assert.ok(markdown.includes('| monkey\\_patch | 1 |') === false && markdown.includes('| monkey_patch | 1 |'));
    assert.ok(markdown.includes('- [\\<img src=x onerror=alert\\(1\\)\\>.py:1](%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.py#L1): 1\n'));
    assert.ok(!markdown.includes(HOSTILE_NAME));
    assert.ok(markdown.includes('| thread-pool | pool (ThreadPoolExecutor) | CONF.scheduler.workers \\(config\\) | [app/pools.py:9](app/pools.py#L9) | no |'));
    assert.ok(markdown.includes('### FG001 pool-before-fork (1)\n\n- [main.py:5](main.py#L5) (warning): ThreadPoolExecutor `EXECUTOR`'));
    assert.ok(
      markdown.endsWith(
        [
          '## Trend',
          '',
          '```mermaid',
          'xychart-beta',
          '  title "eventlet references per week"',
          '  x-axis ["2025-02-22", "2025-03-01"]',
          '  y-axis "references" 0 --> 4',
          '  bar [4, 2]',
          '```',
          '',
        ].join('\n'),
      ),
    );
  });

  it('Markdown without history says why there is no trend', () => {
    const markdown = renderMarkdown({ ...report, trend: [], trendUnavailable: 'not a git repository: no history to sample' });
    assert.ok(markdown.endsWith('## Trend\n\nNo trend: not a git repository: no history to sample.\n'));
  });

  it('HTML: strict CSP with the nonce, no remote resource, the hostile name rendered as text', () => {
    const html = renderHtml(report, { nonce: NONCE });
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${NONCE}'; script-src 'nonce-${NONCE}'; img-src data:;">`));
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
    assert.ok(html.includes(`<script nonce="${NONCE}">`));
    assert.equal((html.match(/<style\b/g) ?? []).length, 1);
    assert.ok(!/\bsrc="?https?:|href="https?:/.test(html));
    assert.ok(!html.includes('<img'));
    assert.ok(!/\sonerror=/.test(html.replace(/&lt;img src=x onerror=alert\(1\)&gt;/g, '')));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;.py:1</a>'));
    assert.ok(!/ style="/.test(html), 'no inline style attributes (the CSP would block them)');
  });

  it('HTML: hazard rows link to their location for the webview, and the trend is an SVG bar per sample', () => {
    const html = renderHtml(report, { nonce: NONCE });
    const fg001 = report.hazards[0].findings[0];
    assert.ok(html.includes(`data-file="${fg001.file}" data-line="4" data-character="6">main.py:5</a>`));
    assert.equal((html.match(/<li class="hazard warning">/g) ?? []).length, 2);
    assert.equal((html.match(/<rect class="bar"/g) ?? []).length, 2);
    assert.ok(html.includes('<title>2025-02-22: 4 references (aaaaaaaaaaaa)</title>'));
    assert.ok(html.includes('fill: var(--vscode-charts-blue'));
  });

  it('JSON: the documented fields', () => {
    const json = JSON.parse(renderJson(report));
    assert.equal(json.eventlet.textualRefs, 7);
    assert.equal(json.eventlet.apiUses, 6);
    assert.equal(json.eventlet.byKind.spawn, 1);
    assert.equal(json.pools.length, 3);
    assert.deepEqual(
      json.hazards.map((group: { rule: string; count: number }) => [group.rule, group.count]),
      [
        ['FG001', 1],
        ['FG002', 0],
        ['FG003', 1],
      ],
    );
    assert.deepEqual(json.trend, TREND);
    assert.equal(json.schemaVersion, 1);
  });
});
