/**
 * TS/JS analysis cost per edit: a warm full analysis, then N one-line edits of an open document
 * (a blank line appended, then removed), each followed by analyze(); prints medians and p95.
 * The edited file: the one given, else the median-sized file among those other files import
 * (an edit there may change what its importers resolve to).
 *
 *   node --import tsx bench/ts-analysis-edit.ts [root=node_modules/@azure] [edits=30] [file]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Workspace } from '../server/src/engine';

async function main(): Promise<void> {
  const root = path.resolve(process.argv[2] ?? 'node_modules/@azure');
  const edits = Number(process.argv[3] ?? 30);
  const ws = await Workspace.create({ roots: [root], cacheDir: null, editorSettings: { exclude: [] } as never });
  let t = performance.now();
  await ws.scan();
  console.log(`scan ${Math.round(performance.now() - t)} ms, ${ws.tsProgram.files().length} TS/JS files`);
  t = performance.now();
  await analyze(ws);
  console.log(`cold analysis ${Math.round(performance.now() - t)} ms`);
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) {
    t = performance.now();
    await analyze(ws);
    warm.push(performance.now() - t);
  }
  console.log(`warm analysis (no change) median ${median(warm).toFixed(1)} ms`);
  const files = ws.tsProgram.files();
  const imported = files.filter((f) => ws.tsProgram.importersOf(f).length > 0).sort((a, b) => fs.statSync(a).size - fs.statSync(b).size);
  const file = process.argv[4] ? path.resolve(process.argv[4]) : (imported[Math.floor(imported.length / 2)] ?? files[0]);
  const text = fs.readFileSync(file, 'utf8');
  ws.openDocument(file, text, 1);
  await analyze(ws);
  const lines = text.split('\n').length;
  const perEdit: number[] = [];
  for (let i = 0; i < edits; i++) {
    const line = i % 2 === 0 ? lines - 1 : lines;
    const change = i % 2 === 0
      ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '\n' }
      : { range: { start: { line: lines - 1, character: 0 }, end: { line: lines, character: 0 } }, text: '' };
    ws.changeDocument(file, i + 2, [change]);
    t = performance.now();
    await analyze(ws);
    perEdit.push(performance.now() - t);
  }
  perEdit.sort((a, b) => a - b);
  console.log(`per-edit analysis (${edits} edits of ${path.relative(root, file)}, ${fs.statSync(file).size} bytes, ${ws.tsProgram.importersOf(file).length} importers): median ${median(perEdit).toFixed(1)} ms, p95 ${perEdit[Math.floor(perEdit.length * 0.95)].toFixed(1)} ms`);
  await ws.dispose();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

void main();
