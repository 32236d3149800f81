/**
 * An open TS/JS document reparses incrementally (TsDocument keeps its tree and hands each edit to
 * TypeScript's incremental parser) and walks only the statements whose text changed (the others'
 * facts are reused, relocated when lines or ids moved: statement-chunks.ts): after every edit of a
 * seeded series, some of which break the syntax and most of which are undone later, its facts must
 * be those of a fresh parse and walk of its text.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LineIndex } from '../../server/src/python/source-text';
import { TsDocument } from '../../server/src/typescript/document';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { seededRandom } from '../robustness/random';

const FIXTURES = path.join(__dirname, '../../server/src/rules/fg001-pool-before-fork/fixtures/typescript');

/** The fixtures' TS sources, one after another: imports, pools, forks, guards, callbacks, classes. */
function fixtureText(): string {
  const texts: string[] = [];
  for (const dir of fs.readdirSync(FIXTURES).sort()) {
    for (const name of fs.readdirSync(path.join(FIXTURES, dir)).sort()) {
      if (name.endsWith('.ts') && !name.endsWith('.d.ts')) texts.push(fs.readFileSync(path.join(FIXTURES, dir, name), 'utf8'));
    }
  }
  return texts.join('\n');
}

/**
 * What an edit types: tokens, statements, and what breaks them (brackets, quotes, comments); lines
 * and calls that move the statements after them; what changes the context of the statements
 * inside a function (async, generator, an early return's guard).
 */
const PIECES = [
  'x',
  ' ',
  '\n',
  '\n\n',
  'await ',
  'new Pool()',
  'cluster.fork();\n',
  'if (cluster.isPrimary) {\n',
  'if (cluster.isWorker) return;\n',
  '}',
  '{',
  '(',
  ')',
  '`',
  "'",
  '/*',
  '*/',
  '//',
  'function f() {',
  'async ',
  'function* g() {\n  yield(pool);\n',
  '*',
  'for (const p of ps) {\n',
  'const pool = createPool({});\n',
  'import { Pool } from "pg";\n',
  'export ',
  'module.exports = { f: () => a(b()) };\n',
  '=>',
  ',',
  '<',
];

describe('TsDocument: incremental reparse', () => {
  const text = fixtureText();

  // Chunks of any size kept for reuse (as well as the default, only the larger ones).
  for (const [seed, minStoredChunkChars] of [[1, undefined], [2, undefined], [3, undefined], [4, 1], [5, 1], [6, 1]] as const) {
    it(`gives the facts of a fresh parse after each of 150 edits (seed ${seed}${minStoredChunkChars ? ', every chunk reused' : ''})`, () => {
      const random = seededRandom(seed);
      const fileName = seed % 3 === 2 ? 'main.js' : 'main.ts';
      const document = new TsDocument(text, fileName, { minStoredChunkChars });
      const undo: { start: number; inserted: string; removed: string }[] = [];
      for (let step = 0; step < 150; step++) {
        let start: number;
        let removed: string;
        let inserted: string;
        if (undo.length > 0 && random() < 0.3) {
          ({ start, inserted: removed, removed: inserted } = undo.pop()!);
        } else {
          start = Math.floor(random() * document.text.length);
          removed = random() < 0.3 ? document.text.slice(start, start + Math.floor(random() * 40)) : '';
          inserted = removed && random() < 0.5 ? '' : PIECES[Math.floor(random() * PIECES.length)];
          undo.push({ start, inserted, removed });
        }
        const lines = new LineIndex(document.text);
        const expected = document.text.slice(0, start) + inserted + document.text.slice(start + removed.length);
        document.update([{ range: lines.range(start, start + removed.length), text: inserted }]);
        assert.equal(document.text, expected);
        assert.deepEqual(document.facts, extractTsFacts(expected, fileName), `seed ${seed}, step ${step}`);
      }
    });
  }

  it('applies several changes of one update in order, and a whole-text change parses anew', () => {
    const document = new TsDocument("import cluster from 'node:cluster';\nconst a = 1;\n", 'main.ts');
    document.update([
      { range: { start: { line: 1, character: 10 }, end: { line: 1, character: 11 } }, text: 'new Pool()' },
      { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'cluster.fork();\n' },
    ]);
    const twoChanges = "import cluster from 'node:cluster';\nconst a = new Pool();\ncluster.fork();\n";
    assert.equal(document.text, twoChanges);
    assert.deepEqual(document.facts, extractTsFacts(twoChanges, 'main.ts'));
    document.update([{ text: 'export const b = 2;\n' }, { range: { start: { line: 0, character: 17 }, end: { line: 0, character: 18 } }, text: '3' }]);
    assert.equal(document.text, 'export const b = 3;\n');
    assert.deepEqual(document.facts, extractTsFacts('export const b = 3;\n', 'main.ts'));
  });
});
