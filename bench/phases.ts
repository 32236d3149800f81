/**
 * The measurements that run in a process of their own (`dist/bench.js --phase NAME`), so each has
 * its own peak RSS and starts the way an editor or CI run starts: a new process.
 */
import { readFileSync } from 'node:fs';
import { analyze } from '../server/src/engine/analyze';
import { Workspace } from '../server/src/engine/workspace';
import { collectSourceFiles, type Lang } from './corpus';
import { measureParseFloor } from './floor';

export type Phase = 'floor' | 'cold' | 'warm' | 'warm-changed' | 'ruff';
export const PHASES: readonly Phase[] = ['floor', 'cold', 'warm', 'warm-changed', 'ruff'];

/**
 * `warm-changed`: the warm start after a change that leaves every file's facts valid but not the
 * stored findings (results-cache.ts): one more editor setting, the unused-suppression severity at
 * its default value. Facts come from the cache, the whole program is analysed; findings are the same.
 */
const CHANGED_INPUT = { severity: { FG000: 'hint' as const } };

export interface PhaseSetup {
  corpus: string;
  lang: Lang;
  threads: number;
  exclude: string[];
  cacheDir: string;
}

export interface PhaseResult {
  phase: Phase;
  ms: number;
  peakRssMiB: number;
  /** Files the phase handled (the engine's own count for the scans). */
  files: number;
  /** Findings after analysis (scans), diagnostics (Ruff). */
  findings?: number;
  /** Files the parser returned no tree for (floor), or Ruff failed on. */
  failed?: number;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

export async function runPhase(phase: Phase, setup: PhaseSetup): Promise<PhaseResult> {
  if (phase === 'floor') {
    const files = collectSourceFiles(setup.corpus, setup.lang, setup.exclude);
    const { ms, failed } = await measureParseFloor(files, setup.threads);
    return { phase, ms, peakRssMiB: peakRssMiB(), files: files.length, failed };
  }
  if (phase === 'ruff') return runRuff(setup);
  const { corpus, cacheDir, threads, exclude } = setup;
  const started = performance.now();
  const editorSettings = phase === 'warm-changed' ? { exclude, ...CHANGED_INPUT } : { exclude };
  const workspace = await Workspace.create({ roots: [corpus], cacheDir, threads, editorSettings });
  await workspace.scan({ onProgress: progressReporter(phase) });
  const result = await analyze(workspace);
  const ms = performance.now() - started;
  let findings = 0;
  for (const list of result.findings.values()) findings += list.length;
  return { phase, ms, peakRssMiB: peakRssMiB(), files: result.stats.files, findings };
}

/**
 * Ruff's WASM build, default rules, `check` over every file in this one process (as our cold scan
 * reads every file: reading is timed too). Ruff's WASM build runs on one thread.
 */
async function runRuff({ corpus, lang, exclude }: PhaseSetup): Promise<PhaseResult> {
  const files = collectSourceFiles(corpus, lang, exclude);
  const started = performance.now();
  // Loaded here, not at the top: only this phase needs it, and the bundle keeps it external.
  const ruff = await import('@astral-sh/ruff-wasm-nodejs');
  const workspace = new ruff.Workspace(ruff.Workspace.defaultSettings(), ruff.PositionEncoding.Utf16);
  let diagnostics = 0;
  let failed = 0;
  for (const file of files) {
    try {
      diagnostics += (workspace.check(readFileSync(file.path, 'utf8')) as unknown[]).length;
    } catch {
      failed++; // a file Ruff cannot read (encoding) or panics on: counted, not fatal
    }
  }
  const ms = performance.now() - started;
  workspace.free();
  return { phase: 'ruff', ms, peakRssMiB: peakRssMiB(), files: files.length, findings: diagnostics, failed };
}

/** A progress line on stderr, at most once a second, so a long phase is visibly alive. */
function progressReporter(phase: Phase): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (now - last < 1000 && done < total) return;
    last = now;
    console.error(`bench: ${phase}: ${done}/${total} files read`);
  };
}
