import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { everyNth, closestToLines } from '../../bench/corpus';
import { formatTable, growthExponent, growthPoints, jsonSummary, type BenchResults } from '../../bench/report';

const phase = (name: 'floor' | 'cold' | 'warm' | 'warm-changed' | 'ruff', ms: number, extra: object = {}) => ({ phase: name, ms, peakRssMiB: 500, files: 100, ...extra });

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    lang: 'python',
    corpus: '/corpus',
    exclude: [],
    threads: 2,
    files: 100,
    bytes: 2_000_000,
    measuredAt: '2026-11-24T07:00:00.000Z',
    floor: phase('floor', 2000),
    cold: phase('cold', 2400, { findings: 7 }),
    warm: phase('warm', 200, { findings: 7 }),
    growth: growthPoints([
      { share: 0.25, files: 25, ms: 700 },
      { share: 0.5, files: 50, ms: 1300 },
      { share: 1, files: 100, ms: 2400 },
    ]),
    edit: {
      file: 'big.py',
      lines: 6000,
      generated: false,
      openMs: 40,
      edits: { count: 200, p50Ms: 12, p95Ms: 60, maxMs: 90 },
      budgetReached: false,
      crossFile: { count: 20, p50Ms: 14, p95Ms: 30, maxMs: 31 },
      server: { indexMs: 900, files: 101, findings: 7, rssAfterIndexMiB: 250, peakRssAfterIndexMiB: 280, peakRssEndMiB: 290 },
    },
    ruff: phase('ruff', 4800, { peakRssMiB: 550 }),
    bandit: { ms: 48_000, files: 100, version: 'bandit 1.6.2' },
    ...overrides,
  };
}

describe('bench report', () => {
  it('flags a growth point whose ms per file jumps more than 20% over the previous one', () => {
    const points = growthPoints([
      { share: 1, files: 100, ms: 5000 },
      { share: 0.25, files: 25, ms: 1000 },
      { share: 0.5, files: 50, ms: 2000 },
    ]);
    assert.deepEqual(
      points.map((point) => [point.share, point.msPerFile, point.superLinear]),
      [
        [0.25, 40, false],
        [0.5, 40, false],
        [1, 50, true],
      ],
    );
  });

  it('fits time ~ files^k between the smallest and the largest point, and flags k above 1.1', () => {
    const linear = growthPoints([
      { share: 0.25, files: 25, ms: 1000 },
      { share: 1, files: 100, ms: 4000 },
    ]);
    assert.equal(growthExponent(linear), 1);
    // Each step just under the 20% jump, but 1.375x per file over the whole range: k = 1.23.
    const creeping = growthPoints([
      { share: 0.25, files: 25, ms: 1000 },
      { share: 0.5, files: 50, ms: 2350 },
      { share: 1, files: 100, ms: 5500 },
    ]);
    assert.deepEqual(creeping.map((point) => point.superLinear), [false, false, false]);
    assert.equal(Number(growthExponent(creeping)!.toFixed(2)), 1.23);
    const table = formatTable(results({ growth: creeping }));
    assert.match(table, /6\. growth 25\/50\/100%.*~n\^1\.23.*SUPER-LINEAR/);
    assert.equal(growthExponent(creeping.slice(0, 1)), undefined);
  });

  it('puts every figure of issue 8 in the JSON summary, with the ratios', () => {
    const summary = jsonSummary(results());
    assert.equal(summary.coldMs, 2400);
    assert.equal(summary.floorMs, 2000);
    assert.equal(summary.warmMs, 200);
    assert.equal(summary.editP50Ms, 12);
    assert.equal(summary.editP95Ms, 60);
    assert.equal(summary.crossFileP95Ms, 30);
    assert.equal(summary.rssMiB, 280, 'the server peak after indexing');
    assert.equal(summary.banditMs, 48_000);
    assert.equal(summary.ruffMs, 4800);
    assert.equal(summary.files, 100);
    assert.equal(summary.threads, 2);
    assert.deepEqual(summary.ratios, { coldVsFloor: 1.2, warmVsCold: 0.083, banditVsCold: 20, ruffVsCold: 2 });
    assert.deepEqual(
      (summary.growth as { share: number; ms: number }[]).map((point) => [point.share, point.ms]),
      [
        [0.25, 700],
        [0.5, 1300],
        [1, 2400],
      ],
    );
  });

  it('prints one table with a verdict per target', () => {
    const table = formatTable(results());
    const verdictOf = (label: string) => table.split('\n').find((line) => line.startsWith(label))?.trim().split(/\s{2,}/).pop();
    assert.equal(verdictOf('1. cold scan'), 'met', '1.2x floor');
    assert.equal(verdictOf('2. warm start'), 'met', '8% of cold');
    assert.equal(verdictOf('3. edit'), 'MISSED', 'p95 60 ms > 50 ms');
    assert.equal(verdictOf('   cross-file'), 'met');
    assert.equal(verdictOf('4. peak RSS'), 'met');
    assert.equal(verdictOf('5. Bandit'), 'met', '20x faster');
    assert.equal(verdictOf('   Ruff'), 'met');
    assert.equal(verdictOf('6. growth'), 'met');
  });

  it('shows the warm start after a changed input beside the warm start, and flags findings that differ', () => {
    const same = formatTable(results({ warmChanged: phase('warm-changed', 1200, { findings: 7 }) }));
    assert.match(same, /\n {3}warm, an input changed\s+1200 ms\s+50% of cold\n/);
    assert.match(same, /findings cold \/ warm \/ changed\s+7 \/ 7 \/ 7\s+equal\s+met/);
    const differing = formatTable(results({ warmChanged: phase('warm-changed', 1200, { findings: 6 }) }));
    assert.match(differing, /findings cold \/ warm \/ changed\s+7 \/ 7 \/ 6\s+equal\s+MISSED/);
    assert.equal(jsonSummary(results({ warmChanged: phase('warm-changed', 1200, { findings: 7 }) })).warmChangedMs, 1200);
  });

  it('says why a part is missing instead of failing', () => {
    const table = formatTable(results({ bandit: { skipped: 'not installed' }, edit: undefined, editNote: 'skipped', ruff: undefined, ruffNote: 'skipped' }));
    assert.match(table, /5\. Bandit\s+n\/a\s+bandit: not installed/);
    assert.match(table, /3\. edit latency\s+n\/a\s+skipped/);
    const summary = jsonSummary(results({ bandit: { skipped: 'not installed' }, edit: undefined }));
    assert.equal(summary.banditMs, null);
    assert.equal(summary.editP50Ms, null);
    assert.equal(summary.rssMiB, 500, 'without the server, the cold scan process');
  });
});

describe('bench corpus selection', () => {
  it('takes every n-th file by path, so the 25% share is inside the 50% one', () => {
    const files = ['e', 'a', 'd', 'b', 'c', 'f', 'g', 'h'].map((name) => ({ path: `/c/${name}.py`, bytes: 1 }));
    const quarter = everyNth(files, 4).map((file) => file.path);
    const half = everyNth(files, 2).map((file) => file.path);
    assert.deepEqual(quarter, ['/c/a.py', '/c/e.py']);
    assert.deepEqual(half, ['/c/a.py', '/c/c.py', '/c/e.py', '/c/g.py']);
  });

  it('picks the file closest to the wanted line count, reading only plausible sizes', () => {
    const lines: Record<string, number> = { '/a.py': 5200, '/b.py': 6100, '/c.py': 6000 };
    const read: string[] = [];
    const files = [
      { path: '/a.py', bytes: 150_000 },
      { path: '/b.py', bytes: 180_000 },
      { path: '/c.py', bytes: 10_000_000 },
    ];
    const best = closestToLines(files, 6000, (path) => {
      read.push(path);
      return lines[path];
    });
    assert.deepEqual(best, { path: '/b.py', lines: 6100 });
    assert.deepEqual(read, ['/a.py', '/b.py'], 'a 10 MB file is not 6,000 lines of code');
  });
});
