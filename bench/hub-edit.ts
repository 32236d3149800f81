/**
 * An edit of a module much of the workspace calls into: in-line edits of an open document (`x`
 * typed in the middle of an indented statement, then removed), each followed by analyze(); prints
 * the medians of the time, of the scope analyses run, and of the files whose derived data was
 * dropped (PyProgram.changedSince). The default is the standard library's `unittest/case.py`,
 * whose TestCase methods hundreds of test modules call.
 *
 * What it shows: a file that read another file's facts while resolving a call (a method found
 * along a class's MRO, a function's return value) is dropped whole when that file changes, where
 * a derived value read (a summary, a module member) is compared first (early cutoff).
 *
 *   node --import tsx bench/hub-edit.ts [folder] [file under the folder=unittest/case.py] [edits=10]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Workspace } from '../server/src/engine';
import { defaultCorpus, STDLIB_EXCLUDES } from './corpus';

async function main(): Promise<void> {
  const corpus = process.argv[2] || defaultCorpus();
  if (typeof corpus !== 'string') throw corpus;
  const target = path.join(corpus, process.argv[3] ?? path.join('unittest', 'case.py'));
  const edits = Number(process.argv[4] ?? 10);
  const exclude = process.argv[2] ? [] : [...STDLIB_EXCLUDES];
  const workspace = await Workspace.create({ roots: [corpus], cacheDir: null, threads: 2, editorSettings: { exclude } });
  await workspace.scan();
  await analyze(workspace);
  const text = fs.readFileSync(target, 'utf8');
  workspace.openDocument(target, text, 1);
  await analyze(workspace);

  const lines = text.split('\n');
  const statement = (line: string): boolean => /^ {8}\S/.test(line) && !/^\s*(#|else|elif|try|except|finally|def|class|@|"|')/.test(line);
  const costs: { ms: number; analyses: number; files: number }[] = [];
  let version = 2;
  for (let i = 0; i < edits; i++) {
    let line = Math.floor(((i * 0.6180339887) % 1) * lines.length);
    for (let tries = 0; !statement(lines[line]) && tries < lines.length; tries++) line = (line + 1) % lines.length;
    const column = Math.floor(lines[line].length / 2);
    for (const [end, inserted] of [[column, 'x'], [column + 1, '']] as const) {
      const analysesBefore = workspace.program.analysisCount;
      const mark = workspace.program.changeMark();
      const started = performance.now();
      workspace.changeDocument(target, version++, [{ range: { start: { line, character: column }, end: { line, character: end } }, text: inserted }]);
      await analyze(workspace);
      const changed = workspace.program.changedSince(mark);
      costs.push({
        ms: performance.now() - started,
        analyses: workspace.program.analysisCount - analysesBefore,
        files: changed === 'all' ? workspace.program.files().length : changed.size,
      });
    }
  }
  const median = (pick: (cost: (typeof costs)[number]) => number): number => costs.map(pick).sort((a, b) => a - b)[Math.floor(costs.length / 2)];
  console.log(
    `${path.relative(corpus, target)}: ${costs.length} edits, median ${median((c) => c.ms).toFixed(1)} ms, ` +
      `${median((c) => c.analyses)} scope analyses, ${median((c) => c.files)} files changed`,
  );
  await workspace.dispose();
}

void main();
