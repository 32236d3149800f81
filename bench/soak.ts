/**
 * `npm run soak [-- --edits N] [-- --files N] [-- --corpus DIR]`: the bundled language server
 * (dist/server.js, run by heap-probe-server.cjs) over stdio on a copy of the bench corpus (by
 * default the Python standard library, as `npm run bench`), with scripted edits across `--files`
 * open documents (default 50), each edit's diagnostics awaited before the next. Reports
 * edit-to-diagnostics latency (p50/p95/max), and the server's live heap (after a full garbage
 * collection) and RSS at start, after the first pass over the files, in the middle and at the end.
 * The live heap must level off (no growth after the first pass beyond 10%). RSS is reported beside
 * it: V8 keeps the heap it grew to, so RSS growth alone does not show a leak (over 300 edits, RSS
 * grew by 24-28% and swung by 400 MiB while the live heap stayed within 355-384 MiB).
 *
 * Each edit appends, then removes, a block that creates a pool and forks at module level,
 * so every edit changes the file's diagnostics (an FG001 appears, then goes) and the wait is exact.
 * A script, not a test: on the standard library an analysis after such an edit costs
 * milliseconds (a module nothing imports) to 2-3 s (one many modules import: a pool made when it
 * is imported changes what every importer holds), so 10,000 edits take tens of minutes;
 * `--edit-under test` edits only the standard library's test modules.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { collectPythonFiles, defaultCorpus, STDLIB_EXCLUDES } from './corpus';
import { copyCorpus, percentile, rssMiB as processRssMiB, startIndexedServer, stopServer } from './lsp-session';
import type { LspTestClient } from '../test/lsp/lspClient';

/**
 * Pool factory and fork point given as editor settings, in a module no corpus has: with the
 * standard library as the workspace, `os` and `concurrent.futures` are workspace modules there, so
 * the catalog's own pools and forks would not be recognised in it.
 */
const SOAK_SETTINGS = { exclude: STDLIB_EXCLUDES, poolFactories: ['_fg_soak.make_pool'], forkPoints: ['_fg_soak.fork'] };
const BLOCK = ['import _fg_soak', '_FG_SOAK_POOL = _fg_soak.make_pool()', '_fg_soak.fork()'].join('\n');
/** Line of the fork inside BLOCK. */
const BLOCK_FORK_LINE = 2;
const EDIT_TIMEOUT_MS = 60_000;
const MAX_HEAP_GROWTH = 0.1;
const HEAP_PROBE_SERVER = join(__dirname, 'heap-probe-server.cjs');
const HEAP_PROBE_LINE = /forkguard-heap-probe (\d+)/;

interface Options {
  edits: number;
  files: number;
  corpus: string;
  /** Edit only files under this folder of the corpus (e.g. `test`: modules nothing imports). */
  editUnder?: string;
}

function fail(message: string): never {
  console.error(`soak: ${message}\nusage: npm run soak -- [--edits N] [--files N] [--corpus DIR] [--edit-under FOLDER]`);
  process.exit(2);
}

function readOptions(): Options {
  let values;
  try {
    ({ values } = parseArgs({ options: { edits: { type: 'string' }, files: { type: 'string' }, corpus: { type: 'string' }, 'edit-under': { type: 'string' } } }));
  } catch (error) {
    fail((error as Error).message);
  }
  const count = (value: string | undefined, name: string, fallback: number): number => {
    if (value === undefined) return fallback;
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) fail(`--${name} wants a positive whole number, got "${value}"`);
    return number;
  };
  const corpus = values.corpus ?? defaultCorpus();
  if (corpus instanceof Error) fail(corpus.message);
  return { edits: count(values.edits, 'edits', 10_000), files: count(values.files, 'files', 50), corpus: resolve(corpus), editUnder: values['edit-under'] };
}

/** `count` mid-sized files spread over the corpus (2-64 KB: typical modules, not the giants). */
function pickFiles(corpus: { path: string; bytes: number }[], count: number): string[] {
  const candidates = corpus.filter((file) => file.bytes >= 2_048 && file.bytes <= 65_536).sort((a, b) => (a.path < b.path ? -1 : 1));
  if (candidates.length < count) fail(`the corpus has only ${candidates.length} files of 2-64 KB, ${count} wanted`);
  const step = candidates.length / count;
  return Array.from({ length: count }, (_, i) => candidates[Math.floor(i * step)].path);
}

interface OpenFile {
  uri: string;
  text: string;
  version: number;
  /** Line where the block starts while it is in, else undefined. */
  blockLine?: number;
}

const endOf = (text: string) => {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
};

interface Memory {
  /** The server's heap after a full garbage collection. */
  heap: number;
  rss: number;
}

const describe = (memory: Memory): string => `live heap ${memory.heap.toFixed(0)} MiB, RSS ${memory.rss.toFixed(0)} MiB`;

/** Asks heap-probe-server.cjs for the server's live heap (SIGUSR2), and waits for its answer on stderr. */
async function liveHeapMiB(client: LspTestClient): Promise<number> {
  const seen = client.logs.length;
  client.child.kill('SIGUSR2');
  for (let waited = 0; waited < EDIT_TIMEOUT_MS; waited += 10) {
    for (const line of client.logs.slice(seen)) {
      const probe = HEAP_PROBE_LINE.exec(line);
      if (probe) return Number(probe[1]) / 1024 / 1024;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the server did not answer the heap probe');
}

async function main(): Promise<void> {
  const options = readOptions();
  const scratch = mkdtempSync(join(tmpdir(), 'forkguard-soak-'));
  const storage = join(scratch, 'storage');
  const workspace = join(scratch, 'ws');
  // The corpus's third-party folders are left out, as the benchmark does.
  const corpusFiles = copyCorpus(options.corpus, collectPythonFiles(options.corpus, STDLIB_EXCLUDES), workspace);
  const started = performance.now();
  const { client, counts } = await startIndexedServer(workspace, storage, SOAK_SETTINGS, HEAP_PROBE_SERVER).catch((error: unknown) => {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  });
  const pid = client.child.pid!;
  const memory = async (): Promise<Memory> => ({ heap: await liveHeapMiB(client), rss: processRssMiB(pid).current });
  try {
    console.log(`soak: ${corpusFiles.length} files copied from ${options.corpus}; ${counts.files} files indexed, ${counts.findings} findings, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const files: OpenFile[] = pickFiles(options.editUnder ? corpusFiles.filter((file) => file.path.startsWith(join(workspace, options.editUnder!) + '/')) : corpusFiles, options.files).map((path) => ({ uri: pathToFileURL(path).href, text: readFileSync(path, 'utf8'), version: 1 }));
    for (const file of files) {
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: file.uri, languageId: 'python', version: 1, text: file.text } });
    }
    const start = await memory();
    let firstPass: Memory | undefined;
    let middle: Memory | undefined;
    console.log(`soak: ${files.length} documents open; ${describe(start)}; ${options.edits} edits to go`);

    const latencies: number[] = [];
    for (let edit = 0; edit < options.edits; edit++) {
      const file = files[edit % files.length];
      const sent = performance.now();
      let accept: (diagnostics: Diagnostic[]) => boolean;
      if (file.blockLine === undefined) {
        const end = endOf(file.text);
        const insertion = `\n${BLOCK}\n`;
        file.blockLine = end.line + 1;
        const forkLine = file.blockLine + BLOCK_FORK_LINE;
        file.text += insertion;
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: file.uri, version: ++file.version },
          contentChanges: [{ range: { start: end, end }, text: insertion }],
        });
        accept = (diagnostics) => diagnostics.some((d) => d.code === 'FG001' && d.range.start.line === forkLine);
      } else {
        const forkLine = file.blockLine + BLOCK_FORK_LINE;
        const start = endOf(file.text.slice(0, file.text.length - BLOCK.length - 2));
        file.text = file.text.slice(0, file.text.length - BLOCK.length - 2);
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: file.uri, version: ++file.version },
          contentChanges: [{ range: { start, end: { line: forkLine + 1, character: 0 } }, text: '' }],
        });
        file.blockLine = undefined;
        accept = (diagnostics) => !diagnostics.some((d) => d.code === 'FG001' && d.range.start.line === forkLine);
      }
      await client.waitForDiagnostics(file.uri, accept, EDIT_TIMEOUT_MS);
      latencies.push(performance.now() - sent);
      if (edit + 1 === files.length) firstPass = await memory();
      if (edit + 1 === Math.floor(options.edits / 2)) middle = await memory();
      if ((edit + 1) % 100 === 0) console.log(`  ${edit + 1} edits, ${describe(await memory())}`);
    }
    const end = await memory();
    firstPass ??= end;
    middle ??= end;

    const sorted = [...latencies].sort((a, b) => a - b);
    const growth = (end.heap - firstPass.heap) / firstPass.heap;
    const rssGrowth = (end.rss - firstPass.rss) / firstPass.rss;
    const row = (key: keyof Memory) => [start, firstPass!, middle!, end].map((m) => m[key].toFixed(0)).join(' / ');
    console.log(
      `soak: ${latencies.length} edits over ${files.length} files; latency edit -> diagnostics: ` +
        `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`,
    );
    console.log(
      `soak: MiB at start / after the first pass / middle / end: live heap ${row('heap')}, ` +
        `growth after the first pass ${(growth * 100).toFixed(1)}% (limit ${MAX_HEAP_GROWTH * 100}%); RSS ${row('rss')}, ${(rssGrowth * 100).toFixed(1)}%`,
    );
    await stopServer(client);
    if (growth > MAX_HEAP_GROWTH) {
      console.error('soak: the live heap kept growing after the first pass');
      process.exitCode = 1;
    }
  } finally {
    client.child.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
