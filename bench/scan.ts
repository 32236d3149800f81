/**
 * `npm run bench [-- folder] [-- --json] [-- --threads N] [-- --lang ts] ...`: issue 8's figures
 * on one corpus in one run, printed as one table (see bench/README.md for each figure):
 * the parse-only floor, the cold and warm scans, growth at 25/50/100% of the files, edit latency
 * over the real protocol, peak RSS, and the peers (Bandit, Ruff's WASM build) as ratios.
 *
 * Scans and Ruff run in their own Node processes (this same script with `--phase`), so each has
 * its own peak RSS and the warm scan starts like a second editor start: a new process, the cache
 * on disk. The edit phase drives the bundled language server over stdio.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runChild, stopChildrenOnSignals } from './children';
import { collectSourceFiles, defaultCorpus, defaultTsCorpus, everyNth, STDLIB_EXCLUDES, tsBundleExcludes, type CorpusFile, type Lang } from './corpus';
import { measureEditLatency } from './edit-latency';
import { copyCorpus } from './lsp-session';
import { runBandit } from './peers';
import { PHASES, runPhase, type Phase, type PhaseResult, type PhaseSetup } from './phases';
import { formatTable, growthPoints, jsonSummary, type BenchResults } from './report';

/** Parts of the run `--skip` can leave out (the scans always run). */
const PARTS = ['floor', 'growth', 'edit', 'ruff', 'bandit'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  corpus?: string;
  lang: Lang;
  json: boolean;
  threads: number;
  /** Globs (relative to the corpus) left out by every part. */
  exclude: string[];
  edits: number;
  crossFileEdits: number;
  editBudgetMs: number;
  /** The file the edit part edits, relative to the corpus (default: the one closest to 6,000 lines). */
  editFile?: string;
  skip: Set<Part>;
  /** Set in the child processes only. */
  phase?: Phase;
  cacheDir?: string;
}

const USAGE = [
  'usage: npm run bench -- [folder] [--lang python|ts] [--json] [--threads N] [--exclude GLOB]...',
  '                        [--edits N] [--cross-file-edits N] [--edit-budget SECONDS] [--edit-file PATH]',
  '                        [--skip floor,growth,edit,ruff,bandit]',
].join('\n');

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const options: Options = { lang: 'python', json: false, threads: Math.min(4, availableParallelism()), exclude: [], edits: 200, crossFileEdits: 20, editBudgetMs: 240_000, skip: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    const count = (min: number): number => {
      const number = Number(value());
      if (!Number.isInteger(number) || number < min) throw new UsageError(`${arg} takes a whole number >= ${min}`);
      return number;
    };
    if (arg === '--json') options.json = true;
    else if (arg === '--threads') options.threads = count(1);
    else if (arg === '--edits') options.edits = count(1);
    else if (arg === '--cross-file-edits') options.crossFileEdits = count(0);
    else if (arg === '--edit-budget') options.editBudgetMs = count(1) * 1000;
    else if (arg === '--edit-file') options.editFile = value();
    else if (arg === '--lang') {
      const lang = value();
      if (lang !== 'python' && lang !== 'ts') throw new UsageError('--lang takes python or ts');
      options.lang = lang;
    } else if (arg === '--skip') {
      for (const part of value().split(',')) {
        if (!(PARTS as readonly string[]).includes(part)) throw new UsageError(`--skip takes a list of ${PARTS.join(', ')} (got "${part}")`);
        options.skip.add(part as Part);
      }
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

/** Runs one phase in a fresh Node process; its last stdout line is the PhaseResult. */
async function runPhaseInChild(phase: Phase, { corpus, lang, threads, exclude, cacheDir }: PhaseSetup): Promise<PhaseResult> {
  const excludeArgs = exclude.flatMap((glob) => ['--exclude', glob]);
  const outcome = await runChild(process.execPath, [__filename, '--phase', phase, '--lang', lang, '--threads', String(threads), '--cache', cacheDir, ...excludeArgs, corpus]);
  const lastLine = outcome.stdout.trim().split('\n').pop() ?? '';
  if (outcome.code !== 0 || !lastLine.startsWith('{')) {
    throw new Error(`the ${phase} phase failed (exit ${outcome.code ?? outcome.signal})${lastLine ? `: ${lastLine}` : ''}`);
  }
  return JSON.parse(lastLine) as PhaseResult;
}

interface Corpus {
  root: string;
  files: CorpusFile[];
  bytes: number;
  exclude: string[];
}

/** The corpus folder, its files and the excludes every part applies. */
function resolveCorpus(options: Options): Corpus {
  let root = options.corpus;
  const exclude = [...options.exclude];
  if (root === undefined) {
    if (options.lang === 'ts') root = defaultTsCorpus();
    else {
      const found = defaultCorpus();
      if (found instanceof Error) throw found;
      root = found;
      exclude.push(...STDLIB_EXCLUDES);
    }
  }
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`not a folder: ${root}`);
  let files = collectSourceFiles(root, options.lang, exclude);
  if (options.lang === 'ts') {
    // Bundles and generated files are not what an editor opens: left out by name, for the engine too.
    exclude.push(...tsBundleExcludes(root, files));
    files = collectSourceFiles(root, options.lang, exclude);
  }
  if (files.length === 0) throw new UsageError(`no ${options.lang === 'ts' ? 'TS/JS (.ts, .tsx, .js, ...; .d.ts left out)' : '.py'} files under ${root}`);
  const editFile = options.editFile;
  if (editFile !== undefined && !files.some((file) => file.path === join(root, editFile))) throw new UsageError(`--edit-file ${editFile}: not a file of the corpus under ${root}`);
  return { root, files, bytes: files.reduce((sum, file) => sum + file.bytes, 0), exclude };
}

const log = (line: string): void => console.error(`bench: ${line}`);

async function measure(options: Options, corpus: Corpus, scratch: string): Promise<BenchResults> {
  const { root, files, exclude } = corpus;
  const { lang, threads, skip } = options;
  const measuredAt = new Date().toISOString();
  const cacheDir = join(scratch, 'facts-cache');
  const setup: PhaseSetup = { corpus: root, lang, threads, exclude, cacheDir };
  const phase = async (name: Phase, phaseSetup = setup): Promise<PhaseResult> => {
    log(`${name} (${files.length} files, ${name === 'ruff' ? 1 : threads} thread${name === 'ruff' || threads === 1 ? '' : 's'})...`);
    const result = await runPhaseInChild(name, phaseSetup);
    log(`${name}: ${result.ms.toFixed(0)} ms, peak RSS ${result.peakRssMiB.toFixed(0)} MiB, ${result.files} files`);
    return result;
  };

  // The floor is web-tree-sitter's Python parse: there is no such floor for TS/JS.
  const floor = lang === 'python' && !skip.has('floor') ? await phase('floor') : undefined;
  const cold = await phase('cold');
  if (cold.files === 0) {
    throw new Error(
      `the engine analysed 0 of the ${files.length} ${lang === 'ts' ? 'TS/JS' : 'Python'} files under ${root}` +
        (lang === 'ts' ? ': this build of the Workspace does not index .ts/.js files yet (issue 5)' : ''),
    );
  }
  const warm = await phase('warm');
  const warmChanged = await phase('warm-changed');

  const growth: { share: number; files: number; ms: number }[] = [];
  if (lang === 'python' && !skip.has('growth')) {
    for (const step of [4, 2]) {
      const subset = everyNth(files, step);
      const folder = join(scratch, `growth-${100 / step}`);
      copyCorpus(root, subset, folder);
      log(`growth ${100 / step}%: ${subset.length} files...`);
      const result = await runPhaseInChild('cold', { corpus: folder, lang, threads, exclude, cacheDir: join(scratch, `growth-cache-${100 / step}`) });
      log(`growth ${100 / step}%: ${result.ms.toFixed(0)} ms`);
      growth.push({ share: 1 / step, files: result.files, ms: result.ms });
      rmSync(folder, { recursive: true, force: true });
    }
    growth.push({ share: 1, files: cold.files, ms: cold.ms });
  }

  const results: BenchResults = {
    lang,
    corpus: root,
    exclude,
    threads,
    files: files.length,
    bytes: corpus.bytes,
    measuredAt,
    floor,
    cold,
    warm,
    warmChanged,
    growth: growthPoints(growth),
  };

  if (skip.has('edit')) results.editNote = 'skipped';
  else {
    try {
      results.edit = await measureEditLatency({ lang, corpus: root, files, exclude, scratch, edits: options.edits, crossFileEdits: options.crossFileEdits, budgetMs: options.editBudgetMs, file: options.editFile, log });
    } catch (error) {
      results.editNote = `failed: ${(error as Error).message}`;
      log(`edit phase ${results.editNote}`);
    }
  }

  if (lang !== 'python') results.ruffNote = 'Python only';
  else if (skip.has('ruff')) results.ruffNote = 'skipped';
  else results.ruff = await phase('ruff');

  if (lang !== 'python') results.bandit = { skipped: 'Python only' };
  else if (skip.has('bandit')) results.bandit = { skipped: 'skipped' };
  else {
    log(`bandit (${files.length} files; about 90 ms a file)...`);
    results.bandit = await runBandit(files);
    log('ms' in results.bandit ? `bandit: ${results.bandit.ms.toFixed(0)} ms` : `bandit: ${results.bandit.skipped}`);
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));

  if (options.phase) {
    if (!options.corpus || !options.cacheDir) throw new UsageError('--phase needs a folder and --cache');
    const { corpus, lang, threads, exclude, cacheDir } = options;
    console.log(JSON.stringify(await runPhase(options.phase, { corpus, lang, threads, exclude, cacheDir })));
    return;
  }

  const corpus = resolveCorpus(options);
  // Read everything once so that no part pays for a cold disk (the OS file cache keeps it).
  for (const file of corpus.files) readFileSync(file.path);

  const loadAtStart = loadavg()[0];
  const scratch = mkdtempSync(join(tmpdir(), 'forkguard-bench-'));
  mkdirSync(join(scratch, 'facts-cache'));
  stopChildrenOnSignals(() => rmSync(scratch, { recursive: true, force: true }));
  let results: BenchResults;
  try {
    results = await measure(options, corpus, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  results.loadAverage = { start: loadAtStart, end: loadavg()[0] };

  const excluding = corpus.exclude.length > 0 ? `, excluding ${corpus.exclude.length > 4 ? `${corpus.exclude.length} globs` : corpus.exclude.join(' ')}` : '';
  console.log(`corpus: ${corpus.root} (${options.lang}, ${options.threads} threads${excluding})`);
  console.log(`measured ${results.measuredAt}, load average ${results.loadAverage.start.toFixed(1)} at the start, ${results.loadAverage.end.toFixed(1)} at the end (${availableParallelism()} CPUs)`);
  if (results.edit) {
    const { edit } = results;
    console.log(`edits: ${edit.file} (${edit.lines} lines${edit.generated ? ', generated from corpus files' : ''}); server indexed ${edit.server.files} files in ${(edit.server.indexMs / 1000).toFixed(1)} s on the warm cache`);
  }
  console.log(formatTable(results));
  // Checks that make the figures trustworthy: same files, same findings from cache and without.
  if (results.floor?.failed) console.log(`note: the parser returned no tree for ${results.floor.failed} files`);
  if (results.cold.files !== corpus.files.length) console.log(`note: the engine analysed ${results.cold.files} files, the corpus has ${corpus.files.length} (the engine also counts service config files: .ini, .conf)`);
  if (results.warm.findings !== results.cold.findings) console.log(`WARNING: warm scan found ${results.warm.findings} findings, cold scan ${results.cold.findings}`);
  if (results.warmChanged && results.warmChanged.findings !== results.cold.findings) {
    console.log(`WARNING: warm scan after a change found ${results.warmChanged.findings} findings, cold scan ${results.cold.findings}`);
  }
  if (results.ruff?.failed) console.log(`note: Ruff failed on ${results.ruff.failed} files`);
  if (options.json) console.log(JSON.stringify(jsonSummary(results)));
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
