/**
 * Edit latency over the real protocol: the bundled server on a copy of the corpus with the facts
 * cache of the bench's cold phase (warm), one ~6,000-line file open, one-character edits at varied
 * positions, each timed from `didChange` to the `publishDiagnostics` of that document version.
 *
 * The cross-file case (Python): an entry-point module written beside the corpus imports the open
 * file and forks; each edit adds or removes a module-level pool at the end of the open file, which
 * makes the entry point's FG001 appear or go. It is timed from `didChange` to the publish that
 * changes the entry point's diagnostics (a file not open is published only when they change).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LspTestClient } from '../test/lsp/lspClient';
import { closestToLines, type CorpusFile, type Lang } from './corpus';
import { copyCorpus, percentile, rssMiB, startIndexedServer, stopServer } from './lsp-session';

/** Lines of the file the edits go to (issue 8: "an open 6,000-line file"). */
export const TARGET_LINES = 6_000;
const EDIT_TIMEOUT_MS = 120_000;
/** Pool factory and fork point as editor settings, in a module no corpus has (see soak.ts). */
const CROSS_FILE_SETTINGS = { poolFactories: ['_fg_bench.make_pool'], forkPoints: ['_fg_bench.fork'] };
const ENTRY_MODULE = '_fg_bench_entry';
const POOL_BLOCK = '\nimport _fg_bench\n_FG_BENCH_POOL = _fg_bench.make_pool()\n';

export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface EditLatencyResult {
  /** The edited file, relative to the corpus, and its line count. */
  file: string;
  lines: number;
  /** True when no corpus file was near TARGET_LINES and the file was made by joining corpus files. */
  generated: boolean;
  /** didOpen to the first publish of the file (its first analysis). */
  openMs: number;
  edits: LatencyFigures;
  /** Edits were left out because the budget ran out. */
  budgetReached: boolean;
  /** Python only; undefined with `crossFileNote` saying why when it could not be measured. */
  crossFile?: LatencyFigures;
  crossFileNote?: string;
  server: {
    /** initialize to the end of the first scan and analysis, on the warm cache. */
    indexMs: number;
    files: number;
    findings: number;
    /** RSS right after indexing, and the peak (VmHWM) at that point and at the end. */
    rssAfterIndexMiB: number;
    peakRssAfterIndexMiB: number;
    peakRssEndMiB: number;
  };
}

export interface EditLatencyOptions {
  lang: Lang;
  corpus: string;
  files: readonly CorpusFile[];
  exclude: readonly string[];
  /** Scratch folder of this run: the workspace copy goes under it; `<scratch>/facts-cache` is the warm cache. */
  scratch: string;
  edits: number;
  crossFileEdits: number;
  /**
   * Wall time the edits may take (each analysis of the standard library costs seconds today): the
   * one-character edits stop at 3/4 of it, the cross-file ones at all of it, after at least 2 each.
   */
  budgetMs: number;
  /** The file to edit, relative to the corpus; default: the one closest to TARGET_LINES lines (pickTarget). */
  file?: string;
  log: (line: string) => void;
}

const LANGUAGE_IDS: Record<string, string> = {
  '.py': 'python',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
};

const lineCount = (text: string): number => text.split(/\r\n|\r|\n/).length;

function summarise(latencies: number[]): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted[sorted.length - 1] };
}

/**
 * The corpus file closest to TARGET_LINES lines, or (none near it) a file made by joining the
 * largest corpus files, cut at TARGET_LINES lines, written into the workspace copy.
 */
function pickTarget(workspace: string, copied: readonly CorpusFile[], lang: Lang): { path: string; lines: number; generated: boolean } {
  const closest = closestToLines(copied, TARGET_LINES, (path) => lineCount(readFileSync(path, 'utf8')));
  if (closest && Math.abs(closest.lines - TARGET_LINES) <= TARGET_LINES / 5) return { ...closest, generated: false };
  const lines: string[] = [];
  for (const file of copied) {
    if (lines.length >= TARGET_LINES) break;
    lines.push(...readFileSync(file.path, 'utf8').split(/\r\n|\r|\n/));
  }
  const path = join(workspace, lang === 'python' ? '_fg_bench_generated.py' : '_fg_bench_generated.ts');
  writeFileSync(path, lines.slice(0, TARGET_LINES).join('\n'));
  return { path, lines: Math.min(lines.length, TARGET_LINES), generated: true };
}

/** The corpus file `file` (relative to the corpus, checked by the caller) in the workspace copy. */
function givenTarget(workspace: string, file: string): { path: string; lines: number; generated: boolean } {
  const path = join(workspace, file);
  return { path, lines: lineCount(readFileSync(path, 'utf8')), generated: false };
}

/** The dotted module name of a Python file relative to the workspace root, when it has one. */
function pythonModuleName(workspace: string, file: string): string | undefined {
  const parts = relative(workspace, file).replace(/\.py$/, '').split(sep);
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.length > 0 && parts.every((part) => /^[A-Za-z_]\w*$/.test(part)) ? parts.join('.') : undefined;
}

/** A position spread over the file for edit `index` (golden-ratio stepping), mid-line. */
function editPosition(lines: readonly string[], index: number): { line: number; character: number } {
  const line = Math.floor(((index * 0.6180339887) % 1) * lines.length);
  return { line, character: Math.floor(lines[line].length / 2) };
}

/**
 * Rejects when the server process ends, with the end of its log: every wait of the edit phase
 * races it, since a message to a dead server is never answered (and keeps nothing alive).
 */
function serverExit(client: LspTestClient): Promise<never> {
  const gone = client.exited.then((code) => {
    const tail = client.logs.slice(-15).join('\n').slice(-3000);
    throw new Error(`the server exited (code ${code}) during the edit phase; its last log lines:\n${tail}`);
  });
  gone.catch(() => undefined); // raced by every wait; unobserved until then
  return gone;
}

class Editor {
  version = 1;
  constructor(
    private readonly client: LspTestClient,
    readonly uri: string,
    public text: string,
    private readonly serverGone: Promise<never>,
  ) {}

  /** `work` unless the server exits first. */
  private alive<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.serverGone]);
  }

  async open(languageId: string): Promise<number> {
    const sent = performance.now();
    await this.alive(this.client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri, languageId, version: this.version, text: this.text } }));
    await this.alive(this.waitForOwnVersion());
    return performance.now() - sent;
  }

  /** Replaces `range` with `text` and resolves once the server is done with it (see `until`). */
  async change(range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string, until: () => Promise<unknown>): Promise<number> {
    const offset = (position: { line: number; character: number }) => {
      let at = 0;
      for (let line = 0; line < position.line; line++) at = this.text.indexOf('\n', at) + 1;
      return at + position.character;
    };
    this.text = this.text.slice(0, offset(range.start)) + text + this.text.slice(offset(range.end));
    const sent = performance.now();
    await this.alive(this.client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri, version: ++this.version }, contentChanges: [{ range, text }] }));
    await this.alive(until());
    return performance.now() - sent;
  }

  waitForOwnVersion(): Promise<unknown> {
    const version = this.version;
    return this.client.waitForDiagnostics(this.uri, (_, published) => published === version, EDIT_TIMEOUT_MS).catch(() => {
      throw new Error(`no diagnostics for version ${version} of ${this.uri} within ${EDIT_TIMEOUT_MS / 1000} s (the server must publish every analysed version of an open document)`);
    });
  }
}

export async function measureEditLatency(options: EditLatencyOptions): Promise<EditLatencyResult> {
  const workspace = join(options.scratch, 'ws');
  options.log(`edit: copying ${options.files.length} files to ${workspace}`);
  const copied = copyCorpus(options.corpus, options.files, workspace).sort((a, b) => b.bytes - a.bytes);
  const target = options.file === undefined ? pickTarget(workspace, copied, options.lang) : givenTarget(workspace, options.file);
  const moduleName = options.lang === 'python' ? pythonModuleName(workspace, target.path) : undefined;
  if (moduleName) writeFileSync(join(workspace, `${ENTRY_MODULE}.py`), `import ${moduleName}\nimport _fg_bench\n_fg_bench.fork()\n`);

  const settings = { exclude: options.exclude, ...CROSS_FILE_SETTINGS };
  const { client, counts, indexMs } = await startIndexedServer(workspace, options.scratch, settings);
  try {
    const pid = client.child.pid!;
    const afterIndex = rssMiB(pid);
    options.log(`edit: server indexed ${counts.files} files (${counts.findings} findings) in ${indexMs.toFixed(0)} ms, RSS ${afterIndex.current.toFixed(0)} MiB`);
    const editor = new Editor(client, pathToFileURL(target.path).href, readFileSync(target.path, 'utf8'), serverExit(client));
    const openMs = await editor.open(LANGUAGE_IDS[extname(target.path)] ?? 'plaintext');
    options.log(`edit: ${relative(workspace, target.path)} (${target.lines} lines${target.generated ? ', generated' : ''}) open in ${openMs.toFixed(0)} ms; ${options.edits} one-character edits`);

    const latencies: number[] = [];
    const editsStarted = performance.now();
    const overBudget = (share: number, done: number) => done >= 2 && performance.now() - editsStarted > options.budgetMs * share;
    let budgetReached = false;
    let inserted: { line: number; character: number } | undefined;
    for (let index = 0; index < options.edits; index++) {
      // Stops only after a removal, so the file ends as it began.
      if (inserted === undefined && overBudget(0.75, index)) {
        budgetReached = true;
        options.log(`edit: budget of ${(options.budgetMs / 1000).toFixed(0)} s reached after ${index} edits`);
        break;
      }
      if (inserted === undefined) {
        const at = editPosition(editor.text.split('\n'), index);
        latencies.push(await editor.change({ start: at, end: at }, 'x', () => editor.waitForOwnVersion()));
        inserted = at;
      } else {
        const end = { line: inserted.line, character: inserted.character + 1 };
        latencies.push(await editor.change({ start: inserted, end }, '', () => editor.waitForOwnVersion()));
        inserted = undefined;
      }
      if ((index + 1) % 50 === 0) options.log(`edit: ${index + 1}/${options.edits} edits`);
    }

    let crossFile: LatencyFigures | undefined;
    let crossFileNote: string | undefined;
    if (options.lang !== 'python') crossFileNote = 'not measured for TS/JS';
    else if (!moduleName) crossFileNote = `${relative(workspace, target.path)} has no importable module name`;
    else if (options.crossFileEdits > 0) {
      const result = await measureCrossFile(client, editor, pathToFileURL(join(workspace, `${ENTRY_MODULE}.py`)).href, options.crossFileEdits, (done) => {
        const over = overBudget(1, done);
        budgetReached ||= over;
        return over;
      });
      if (typeof result === 'string') crossFileNote = result;
      else crossFile = result;
    }
    const end = rssMiB(pid);
    return {
      file: relative(workspace, target.path),
      lines: target.lines,
      generated: target.generated,
      openMs,
      edits: summarise(latencies),
      budgetReached,
      crossFile,
      crossFileNote,
      server: {
        indexMs,
        files: counts.files,
        findings: counts.findings,
        rssAfterIndexMiB: afterIndex.current,
        peakRssAfterIndexMiB: afterIndex.peak,
        peakRssEndMiB: end.peak,
      },
    };
  } finally {
    await stopServer(client).catch(() => undefined);
  }
}

/**
 * Adds, then removes, a module-level pool at the end of the open file, `count` times in all; each
 * awaited until the entry point's FG001 has appeared or gone. A string says why it could not run.
 */
async function measureCrossFile(
  client: LspTestClient,
  editor: Editor,
  entryUri: string,
  count: number,
  overBudget: (done: number) => boolean,
): Promise<LatencyFigures | string> {
  const hasFork = (diagnostics: { code?: unknown }[]) => diagnostics.some((diagnostic) => diagnostic.code === 'FG001');
  if (hasFork(client.diagnostics.get(entryUri) ?? [])) return `${entryUri} has an FG001 before any edit`;
  const latencies: number[] = [];
  let blockStart: { line: number; character: number } | undefined;
  // Stops only after a removal, so the file ends as it began.
  for (let index = 0; index < count && !(blockStart === undefined && overBudget(index)); index++) {
    const lines = editor.text.split('\n');
    const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
    const adding = blockStart === undefined;
    const wait = () => client.waitForDiagnostics(entryUri, (diagnostics) => hasFork(diagnostics) === adding, EDIT_TIMEOUT_MS);
    try {
      if (adding) {
        latencies.push(await editor.change({ start: end, end }, POOL_BLOCK, wait));
        blockStart = end;
      } else {
        latencies.push(await editor.change({ start: blockStart!, end }, '', wait));
        blockStart = undefined;
      }
    } catch (error) {
      if (client.child.exitCode !== null || client.child.signalCode !== null) throw error;
      return `the entry point's FG001 did not ${adding ? 'appear' : 'go'} within ${EDIT_TIMEOUT_MS / 1000} s of edit ${index + 1}`;
    }
  }
  return summarise(latencies);
}
