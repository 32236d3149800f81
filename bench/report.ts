/**
 * The benchmark's one table and its JSON summary, from the figures of every part. Pure functions:
 * no measuring here, so the verdicts and the JSON shape are unit-tested.
 */
import type { EditLatencyResult } from './edit-latency';
import type { Lang } from './corpus';
import type { BanditResult } from './peers';
import type { PhaseResult } from './phases';

/** Issue 8's targets. */
export const TARGETS = {
  coldVsFloor: 1.3,
  warmVsCold: 0.1,
  editP50Ms: 15,
  editP95Ms: 50,
  rssMiB: 300,
  /** At least this many times faster than Bandit. */
  banditVsCold: 10,
  /** Faster than Ruff's WASM build. */
  ruffVsCold: 1,
  /** A growth point whose ms per file exceeds the previous point's by more than this is flagged. */
  superLinearStep: 1.2,
  /** Time ~ files^k from the smallest to the largest point: above this k, growth is flagged. */
  maxGrowthExponent: 1.1,
} as const;

export interface GrowthPoint {
  /** Share of the corpus files (0.25, 0.5, 1). */
  share: number;
  files: number;
  ms: number;
  msPerFile: number;
  /** Ms per file more than TARGETS.superLinearStep times the previous point's. */
  superLinear: boolean;
}

export interface BenchResults {
  lang: Lang;
  corpus: string;
  exclude: string[];
  threads: number;
  files: number;
  bytes: number;
  /** When the run started (ISO time): figures move as the engine changes. */
  measuredAt: string;
  /** 1-minute load average of the machine at the start and the end: a busy machine slows every figure. */
  loadAverage?: { start: number; end: number };
  floor?: PhaseResult;
  cold: PhaseResult;
  warm: PhaseResult;
  /** Warm start after a change the stored findings cannot survive: facts cached, whole analysis. */
  warmChanged?: PhaseResult;
  growth: GrowthPoint[];
  edit?: EditLatencyResult;
  /** Why the edit phase did not run or failed. */
  editNote?: string;
  ruff?: PhaseResult;
  ruffNote?: string;
  bandit?: BanditResult;
}

/** Growth points in share order, each flagged when its ms per file jumps from the previous one's. */
export function growthPoints(points: readonly { share: number; files: number; ms: number }[]): GrowthPoint[] {
  const sorted = [...points].sort((a, b) => a.share - b.share);
  return sorted.map((point, index) => {
    const msPerFile = point.ms / Math.max(1, point.files);
    const previous = index > 0 ? sorted[index - 1].ms / Math.max(1, sorted[index - 1].files) : undefined;
    return { ...point, msPerFile, superLinear: previous !== undefined && msPerFile > previous * TARGETS.superLinearStep };
  });
}

/**
 * k in time ~ files^k between the smallest and the largest growth point (1: linear; below 1 when
 * fixed costs dominate the small point), undefined with fewer than two points.
 */
export function growthExponent(points: readonly GrowthPoint[]): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0];
  const last = points[points.length - 1];
  if (first.files <= 0 || last.files <= first.files || first.ms <= 0) return undefined;
  return Math.log(last.ms / first.ms) / Math.log(last.files / first.files);
}

const round = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value));
const ratio = (value: number | undefined): number | null => (value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(3)));
const banditMs = (bandit: BanditResult | undefined): number | undefined => (bandit && 'ms' in bandit ? bandit.ms : undefined);

/** Figures the table and the JSON share. */
function derived(results: BenchResults) {
  const bandit = banditMs(results.bandit);
  return {
    coldVsFloor: results.floor ? results.cold.ms / results.floor.ms : undefined,
    warmVsCold: results.warm.ms / results.cold.ms,
    /** How many times faster than Bandit our cold scan is. */
    banditVsCold: bandit === undefined ? undefined : bandit / results.cold.ms,
    ruffVsCold: results.ruff ? results.ruff.ms / results.cold.ms : undefined,
    /** Target 4: the server after indexing when the edit phase ran, else the cold scan's process. */
    rssMiB: results.edit ? results.edit.server.peakRssAfterIndexMiB : results.cold.peakRssMiB,
  };
}

/** The JSON object `--json` prints as its last line. */
export function jsonSummary(results: BenchResults): Record<string, unknown> {
  const d = derived(results);
  const { edit } = results;
  return {
    lang: results.lang,
    corpus: results.corpus,
    exclude: results.exclude,
    measuredAt: results.measuredAt,
    loadAverage: results.loadAverage ?? null,
    files: results.files,
    bytes: results.bytes,
    threads: results.threads,
    floorMs: round(results.floor?.ms),
    coldMs: round(results.cold.ms),
    warmMs: round(results.warm.ms),
    warmChangedMs: round(results.warmChanged?.ms),
    editP50Ms: edit ? Number(edit.edits.p50Ms.toFixed(1)) : null,
    editP95Ms: edit ? Number(edit.edits.p95Ms.toFixed(1)) : null,
    editMaxMs: edit ? Number(edit.edits.maxMs.toFixed(1)) : null,
    edits: edit?.edits.count ?? 0,
    editBudgetReached: edit?.budgetReached ?? false,
    editFile: edit ? { path: edit.file, lines: edit.lines, generated: edit.generated } : null,
    crossFileP50Ms: edit?.crossFile ? Number(edit.crossFile.p50Ms.toFixed(1)) : null,
    crossFileP95Ms: edit?.crossFile ? Number(edit.crossFile.p95Ms.toFixed(1)) : null,
    crossFileEdits: edit?.crossFile?.count ?? 0,
    rssMiB: round(d.rssMiB),
    peakRssMiB: {
      floor: round(results.floor?.peakRssMiB),
      cold: round(results.cold.peakRssMiB),
      warm: round(results.warm.peakRssMiB),
      warmChanged: round(results.warmChanged?.peakRssMiB),
      serverAfterIndex: round(edit?.server.peakRssAfterIndexMiB),
      serverEnd: round(edit?.server.peakRssEndMiB),
      ruff: round(results.ruff?.peakRssMiB),
    },
    serverIndexMs: round(edit?.server.indexMs),
    banditMs: round(banditMs(results.bandit)),
    ruffMs: round(results.ruff?.ms),
    growth: results.growth.map((point) => ({ share: point.share, files: point.files, ms: Math.round(point.ms), msPerFile: Number(point.msPerFile.toFixed(2)), superLinear: point.superLinear })),
    growthExponent: ratio(growthExponent(results.growth)),
    ratios: {
      coldVsFloor: ratio(d.coldVsFloor),
      warmVsCold: ratio(d.warmVsCold),
      banditVsCold: ratio(d.banditVsCold),
      ruffVsCold: ratio(d.ruffVsCold),
    },
    findings: { cold: results.cold.findings ?? null, warm: results.warm.findings ?? null, warmChanged: results.warmChanged?.findings ?? null },
    engineFiles: { cold: results.cold.files, warm: results.warm.files },
  };
}

const ms = (value: number): string => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 100 ? 1 : 0)} ms`);
const times = (value: number): string => `${value.toFixed(2)}x`;
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

/** One table: figure, measured, relative, target, verdict. */
export function formatTable(results: BenchResults): string {
  const d = derived(results);
  const rows: string[][] = [['figure', 'measured', 'relative', 'target', '']];
  const mb = results.bytes / 1e6;
  rows.push(['corpus', `${results.files} files, ${mb.toFixed(mb < 10 ? 2 : 1)} MB`, `${results.threads} threads`, '', '']);
  if (results.floor) rows.push(['parse-only floor', ms(results.floor.ms), '', '', '']);
  else rows.push(['parse-only floor', 'n/a', results.lang === 'ts' ? 'Python only' : '', '', '']);
  rows.push([
    '1. cold scan',
    ms(results.cold.ms),
    d.coldVsFloor === undefined ? '' : `${times(d.coldVsFloor)} floor`,
    d.coldVsFloor === undefined ? '' : `<= ${TARGETS.coldVsFloor}x floor`,
    d.coldVsFloor === undefined ? '' : verdict(d.coldVsFloor <= TARGETS.coldVsFloor),
  ]);
  rows.push(['2. warm start', ms(results.warm.ms), `${(d.warmVsCold * 100).toFixed(0)}% of cold`, `<= ${TARGETS.warmVsCold * 100}% of cold`, verdict(d.warmVsCold <= TARGETS.warmVsCold)]);
  if (results.warmChanged) {
    rows.push(['   warm, an input changed', ms(results.warmChanged.ms), `${((results.warmChanged.ms / results.cold.ms) * 100).toFixed(0)}% of cold`, '', '']);
  }
  const { edit } = results;
  if (edit) {
    const e = edit.edits;
    rows.push([
      `3. edit p50 / p95 / max`,
      `${ms(e.p50Ms)} / ${ms(e.p95Ms)} / ${ms(e.maxMs)}`,
      `${e.count} edits${edit.budgetReached ? ' (budget)' : ''}, ${edit.lines} lines`,
      `<= ${TARGETS.editP50Ms} / ${TARGETS.editP95Ms} ms`,
      verdict(e.p50Ms <= TARGETS.editP50Ms && e.p95Ms <= TARGETS.editP95Ms),
    ]);
    if (edit.crossFile) {
      const c = edit.crossFile;
      rows.push([
        '   cross-file p50 / p95 / max',
        `${ms(c.p50Ms)} / ${ms(c.p95Ms)} / ${ms(c.maxMs)}`,
        `${c.count} edits`,
        `<= ${TARGETS.editP50Ms} / ${TARGETS.editP95Ms} ms`,
        verdict(c.p50Ms <= TARGETS.editP50Ms && c.p95Ms <= TARGETS.editP95Ms),
      ]);
    } else rows.push(['   cross-file', 'n/a', edit.crossFileNote ?? '', '', '']);
  } else rows.push(['3. edit latency', 'n/a', results.editNote ?? '', '', '']);
  rows.push([
    '4. peak RSS after indexing',
    `${d.rssMiB.toFixed(0)} MiB`,
    edit ? 'LSP server' : 'cold scan process',
    `<= ${TARGETS.rssMiB} MiB`,
    verdict(d.rssMiB <= TARGETS.rssMiB),
  ]);
  const bandit = results.bandit;
  if (bandit && 'ms' in bandit && d.banditVsCold !== undefined) {
    rows.push(['5. Bandit', ms(bandit.ms), `ours ${times(d.banditVsCold)} faster`, `>= ${TARGETS.banditVsCold}x faster`, verdict(d.banditVsCold >= TARGETS.banditVsCold)]);
  } else rows.push(['5. Bandit', 'n/a', bandit && 'skipped' in bandit ? `bandit: ${bandit.skipped}` : 'not run', '', '']);
  if (results.ruff && d.ruffVsCold !== undefined) {
    rows.push([
      '   Ruff WASM (1 thread)',
      `${ms(results.ruff.ms)}, ${results.ruff.peakRssMiB.toFixed(0)} MiB`,
      `ours ${times(d.ruffVsCold)} faster`,
      `> 1x faster`,
      verdict(d.ruffVsCold > TARGETS.ruffVsCold),
    ]);
  } else rows.push(['   Ruff WASM', 'n/a', results.ruffNote ?? 'not run', '', '']);
  if (results.growth.length > 0) {
    const exponent = growthExponent(results.growth);
    const flagged = results.growth.some((point) => point.superLinear) || (exponent !== undefined && exponent > TARGETS.maxGrowthExponent);
    rows.push([
      '6. growth 25/50/100%',
      results.growth.map((point) => ms(point.ms)).join(' / '),
      `${results.growth.map((point) => point.msPerFile.toFixed(1)).join(' / ')} ms/file${exponent === undefined ? '' : `, ~n^${exponent.toFixed(2)}`}`,
      `linear (k <= ${TARGETS.maxGrowthExponent})`,
      flagged ? 'SUPER-LINEAR' : 'met',
    ]);
  } else rows.push(['6. growth', 'n/a', results.lang === 'ts' ? 'Python corpus only' : 'not run', '', '']);
  const warmFindings = [results.warm, ...(results.warmChanged ? [results.warmChanged] : [])].map((phase) => phase.findings ?? 0);
  rows.push([
    `findings cold / warm${results.warmChanged ? ' / changed' : ''}`,
    [results.cold.findings ?? 0, ...warmFindings].join(' / '),
    '',
    'equal',
    verdict(warmFindings.every((count) => count === (results.cold.findings ?? 0))),
  ]);

  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ').trimEnd()).join('\n');
}
