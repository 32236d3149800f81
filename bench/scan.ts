/**
 * `npm run bench [-- folder] [-- --json] [-- --threads N]`: cold and warm scans of a real corpus
 * against the parse-only floor measured in the same run. See bench/README.md for each figure.
 *
 * Each phase runs in its own Node process (this same script with `--phase`), so each has its own
 * peak RSS and the warm scan starts like a second editor start: a new process, the cache on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { Workspace } from '../server/src/engine/workspace';
import { collectPythonFiles, defaultCorpus, STDLIB_EXCLUDES } from './corpus';
import { measureParseFloor } from './floor';

type Phase = 'floor' | 'cold' | 'warm';
const PHASES: readonly Phase[] = ['floor', 'cold', 'warm'];

interface Options {
  corpus?: string;
  json: boolean;
  threads: number;
  /** Globs (relative to the corpus) left out by both the floor and the engine. */
  exclude: string[];
  /** Set in the child processes only. */
  phase?: Phase;
  cacheDir?: string;
}

interface PhaseResult {
  phase: Phase;
  ms: number;
  peakRssMiB: number;
  /** Files the phase handled (the engine's own count for the scans). */
  files: number;
  /** Findings after analysis (scans only). */
  findings?: number;
  /** Files the parser returned no tree for (floor only). */
  failed?: number;
}

const USAGE = 'usage: node dist/bench.js [folder] [--json] [--threads N] [--exclude GLOB]...';

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, threads: Math.min(4, availableParallelism()), exclude: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--json') options.json = true;
    else if (arg === '--threads') {
      const threads = Number(value());
      if (!Number.isInteger(threads) || threads < 1) throw new UsageError('--threads takes a whole number >= 1');
      options.threads = threads;
    } else if (arg === '--phase') {
      const phase = value() as Phase;
      if (!PHASES.includes(phase)) throw new UsageError(`--phase takes one of ${PHASES.join(', ')}`);
      options.phase = phase;
    } else if (arg === '--cache') options.cacheDir = value();
    else if (arg === '--exclude') options.exclude.push(value());
    else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (options.corpus === undefined) options.corpus = resolve(arg);
    else throw new UsageError(`one folder only (got ${options.corpus} and ${arg})`);
  }
  return options;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

interface PhaseSetup {
  corpus: string;
  threads: number;
  exclude: string[];
  cacheDir: string;
}

async function runPhase(phase: Phase, { corpus, threads, exclude, cacheDir }: PhaseSetup): Promise<PhaseResult> {
  if (phase === 'floor') {
    const files = collectPythonFiles(corpus, exclude);
    const { ms, failed } = await measureParseFloor(files, threads);
    return { phase, ms, peakRssMiB: peakRssMiB(), files: files.length, failed };
  }
  const started = performance.now();
  const workspace = await Workspace.create({ roots: [corpus], cacheDir, threads, editorSettings: { exclude } });
  await workspace.scan({ onProgress: progressReporter(phase) });
  const result = await analyze(workspace);
  const ms = performance.now() - started;
  let findings = 0;
  for (const list of result.findings.values()) findings += list.length;
  return { phase, ms, peakRssMiB: peakRssMiB(), files: result.stats.files, findings };
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

/** Runs one phase in a fresh Node process; its last stdout line is the PhaseResult. */
function runPhaseInChild(phase: Phase, { corpus, threads, exclude, cacheDir }: PhaseSetup): Promise<PhaseResult> {
  const excludeArgs = exclude.flatMap((glob) => ['--exclude', glob]);
  const child = spawn(process.execPath, [__filename, '--phase', phase, '--threads', String(threads), '--cache', cacheDir, ...excludeArgs, corpus], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  runningChild = child;
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  return new Promise((resolvePhase, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      runningChild = undefined;
      const lastLine = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !lastLine.startsWith('{')) {
        reject(new Error(`the ${phase} phase failed (exit ${code ?? signal})${lastLine ? `: ${lastLine}` : ''}`));
      } else {
        resolvePhase(JSON.parse(lastLine) as PhaseResult);
      }
    });
  });
}

/** The phase process running now, stopped with us on Ctrl+C. */
let runningChild: ChildProcess | undefined;

/** On Ctrl+C (or a kill), stop the phase process and remove the temporary cache before exiting. */
function cleanUpOnSignals(cacheDir: string): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      runningChild?.kill('SIGKILL');
      rmSync(cacheDir, { recursive: true, force: true });
      console.error(`bench: interrupted (${signal})`);
      process.exit(130);
    });
  }
}

function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padStart(widths[column])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));

  if (options.phase) {
    if (!options.corpus || !options.cacheDir) throw new UsageError('--phase needs a folder and --cache');
    const { corpus, threads, exclude, cacheDir } = options;
    console.log(JSON.stringify(await runPhase(options.phase, { corpus, threads, exclude, cacheDir })));
    return;
  }

  let corpus = options.corpus;
  const exclude = [...options.exclude];
  if (corpus === undefined) {
    const found = defaultCorpus();
    if (found instanceof Error) throw found;
    corpus = found;
    exclude.push(...STDLIB_EXCLUDES);
  }
  if (!existsSync(corpus) || !statSync(corpus).isDirectory()) throw new UsageError(`not a folder: ${corpus}`);
  const files = collectPythonFiles(corpus, exclude);
  if (files.length === 0) throw new UsageError(`no .py files under ${corpus}`);
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  // Read everything once so that no phase pays for a cold disk (the OS file cache keeps it).
  for (const file of files) readFileSync(file.path);

  const cacheDir = mkdtempSync(join(tmpdir(), 'forkguard-bench-cache-'));
  const results = {} as Record<Phase, PhaseResult>;
  cleanUpOnSignals(cacheDir);
  try {
    for (const phase of PHASES) {
      console.error(`bench: ${phase} (${files.length} files, ${options.threads} threads)...`);
      results[phase] = await runPhaseInChild(phase, { corpus, threads: options.threads, exclude, cacheDir });
      // Each phase's figures as soon as they are known, in case a later phase never ends.
      console.error(`bench: ${phase}: ${results[phase].ms.toFixed(0)} ms, peak RSS ${results[phase].peakRssMiB.toFixed(0)} MiB`);
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  const { floor, cold, warm } = results;

  const mb = bytes / 1e6;
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  const excluding = exclude.length > 0 ? `, excluding ${exclude.join(' ')}` : '';
  console.log(`corpus: ${corpus} (threads: ${options.threads}${excluding})`);
  console.log(
    formatTable([
      ['files', 'MB', 'floor ms', 'cold ms', 'cold/floor', 'warm ms', 'warm/cold', 'peak RSS MiB floor/cold/warm', 'findings'],
      [
        String(files.length),
        mb.toFixed(mb < 10 ? 2 : 1),
        floor.ms.toFixed(0),
        cold.ms.toFixed(0),
        ratio(cold.ms, floor.ms),
        warm.ms.toFixed(0),
        ratio(warm.ms, cold.ms),
        [floor, cold, warm].map((result) => result.peakRssMiB.toFixed(0)).join(' / '),
        String(cold.findings ?? 0),
      ],
    ]),
  );
  // Checks that make the figures trustworthy: same files, same findings from cache and without.
  if (floor.failed) console.log(`note: the parser returned no tree for ${floor.failed} files`);
  if (cold.files !== files.length) console.log(`note: the engine analysed ${cold.files} files, the floor parsed ${files.length}`);
  if (warm.findings !== cold.findings) console.log(`WARNING: warm scan found ${warm.findings} findings, cold scan ${cold.findings}`);

  if (options.json) {
    console.log(
      JSON.stringify({
        corpus,
        exclude,
        threads: options.threads,
        files: files.length,
        bytes,
        floorMs: Math.round(floor.ms),
        coldMs: Math.round(cold.ms),
        warmMs: Math.round(warm.ms),
        coldVsFloor: Number((cold.ms / floor.ms).toFixed(3)),
        warmVsCold: Number((warm.ms / cold.ms).toFixed(3)),
        peakRssMiB: { floor: Math.round(floor.peakRssMiB), cold: Math.round(cold.peakRssMiB), warm: Math.round(warm.peakRssMiB) },
        engineFiles: { cold: cold.files, warm: warm.files },
        findings: { cold: cold.findings, warm: warm.findings },
      }),
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    if (error.message) console.error(`bench: ${error.message}`);
    console.error(USAGE);
    process.exit(2);
  }
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
