/**
 * Where an edit's time and memory go, in process (no protocol): the corpus file closest to 6,000
 * lines is opened, then edited one character at a time (inserted, then removed), each edit followed
 * by analyze(). Two kinds of edit, reported apart because they cost differently:
 * - statement: `x` typed in the middle of an indented statement (the usual keystroke);
 * - blank line: `x` typed at column 0 of a blank line, which inside a class ends the class there
 *   (tree-sitter alone would reparse the rest of the file; the open document reparses the
 *   statements around the edit in a window, python/document-trees.ts; every scope after it moves).
 * For each kind: medians of the change (reparse, chunked re-extraction, program update), of the
 * analysis, and of the scope analyses it ran, and the heap allocated per edit (V8's sampling heap
 * profiler, every object counted whether or not it survived).
 *
 *   node --import tsx bench/edit-phases.ts [folder] [edits per kind=100]
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import { analyze, Workspace } from '../server/src/engine';
import { closestToLines, collectPythonFiles, defaultCorpus, STDLIB_EXCLUDES } from './corpus';
import { TARGET_LINES } from './edit-latency';

interface EditCost {
  changeMs: number;
  analyzeMs: number;
  scopeAnalyses: number;
  allocatedBytes: number;
}

/** Lines where each kind of edit goes, spread over the file (golden-ratio steps). */
const KINDS: { name: string; wants: (line: string) => boolean; column: (line: string) => number }[] = [
  {
    name: 'statement',
    wants: (line) => /^ {8}\S/.test(line) && !/^\s*(#|else|elif|try|except|finally|def|class|@)/.test(line) && line.trim().length >= 6,
    column: (line) => Math.floor(line.length / 2),
  },
  { name: 'blank line', wants: (line) => line === '', column: () => 0 },
];

async function main(): Promise<void> {
  const corpus = process.argv[2] ?? defaultCorpus();
  if (typeof corpus !== 'string') throw corpus;
  const editsPerKind = Number(process.argv[3] ?? 100);
  const exclude = process.argv[2] ? [] : [...STDLIB_EXCLUDES];
  const files = collectPythonFiles(corpus, exclude);
  const target = closestToLines(files, TARGET_LINES, (file) => fs.readFileSync(file, 'utf8').split('\n').length);
  if (!target) throw new Error(`no Python file under ${corpus}`);
  const workspace = await Workspace.create({ roots: [corpus], cacheDir: null, threads: 2, editorSettings: { exclude } });
  await workspace.scan();
  await analyze(workspace);
  const text = fs.readFileSync(target.path, 'utf8');
  workspace.openDocument(target.path, text, 1);
  await analyze(workspace);
  console.log(`${target.path} (${target.lines} lines), ${editsPerKind} edits of each kind (each inserted, then removed)`);

  const profiler = new inspector.Session();
  profiler.connect();
  const post = (method: string, params?: object): Promise<any> =>
    new Promise((resolve, reject) => profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('HeapProfiler.enable');
  const lines = text.split('\n');
  let version = 2;
  for (const kind of KINDS) {
    const costs: EditCost[] = [];
    // Timed without the heap profiler (which slows everything down), then the same edits again under it.
    for (const sampled of [false, true]) {
      for (let i = 0; i < editsPerKind; i++) {
        let line = Math.floor(((i * 0.6180339887) % 1) * lines.length);
        for (let tries = 0; !kind.wants(lines[line]) && tries < lines.length; tries++) line = (line + 1) % lines.length;
        const column = kind.column(lines[line]);
        for (const [end, inserted] of [[column, 'x'], [column + 1, '']] as const) {
          if (sampled) await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
          const analysesBefore = workspace.program.analysisCount;
          const started = performance.now();
          workspace.changeDocument(target.path, version++, [{ range: { start: { line, character: column }, end: { line, character: end } }, text: inserted }]);
          const changed = performance.now();
          await analyze(workspace);
          const analysed = performance.now();
          const at = 2 * i + (inserted ? 0 : 1);
          if (!sampled) costs[at] = { changeMs: changed - started, analyzeMs: analysed - changed, scopeAnalyses: workspace.program.analysisCount - analysesBefore, allocatedBytes: 0 };
          else costs[at].allocatedBytes = allocated((await post('HeapProfiler.stopSampling')).profile.head);
        }
      }
    }
    const medianOf = (pick: (cost: EditCost) => number): number => median(costs.map(pick));
    console.log(
      `${kind.name.padEnd(11)} change ${medianOf((c) => c.changeMs).toFixed(2)} ms, analyze ${medianOf((c) => c.analyzeMs).toFixed(2)} ms, ` +
        `total ${medianOf((c) => c.changeMs + c.analyzeMs).toFixed(2)} ms, scope analyses ${medianOf((c) => c.scopeAnalyses)}, ` +
        `allocated ${(medianOf((c) => c.allocatedBytes) / 1e6).toFixed(2)} MB (medians over ${costs.length} edits)`,
    );
  }
  await workspace.dispose();
}

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

function allocated(node: SamplingNode): number {
  return node.children.reduce((sum, child) => sum + allocated(child), node.selfSize);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

void main();
