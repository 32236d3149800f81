/**
 * An open document is reparsed incrementally after each edit. Whatever the edits (seeded random
 * insertions and deletions, across `\n`, `\r\n` and lone `\r` endings), its facts must equal those
 * of a fresh parse of the same text: a stale tree would report findings on text that is gone.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Position } from '../../server/src/model';
import { extractFactsSync } from '../../server/src/python/extract';
import { PythonDocument } from '../../server/src/python/document';
import { initPython } from '../../server/src/python/parser';
import { splitLines } from '../helpers/fixtures';
import { fixturePythonTexts } from './corpus';
import { SeededRandom } from './random';

before(() => initPython());

const FRAGMENTS = ['\n', '\r', '\r\n', '(', ')', ':', '    ', 'x', 'def f():\n    pass\n', 'os.fork()', '"""', '#', ''];

function randomPosition(text: string, random: SeededRandom): Position {
  const lines = splitLines(text);
  const line = random.below(lines.length);
  return { line, character: random.below(lines[line].length + 1) };
}

test('incremental reparses give the facts of a fresh parse (seeded edits, mixed line endings)', () => {
  const seeds = fixturePythonTexts();
  for (let seed = 1; seed <= 40; seed++) {
    const random = new SeededRandom(seed);
    const source = random.pick(seeds).text.replace(/\n/g, () => random.pick(['\n', '\r\n', '\r']));
    const document = new PythonDocument(source);
    try {
      for (let step = 0; step < 15; step++) {
        const start = randomPosition(document.text, random);
        const end = random.next() < 0.5 ? start : randomPosition(document.text, random);
        const [from, to] = start.line < end.line || (start.line === end.line && start.character <= end.character) ? [start, end] : [end, start];
        document.update([{ range: { start: from, end: to }, text: random.pick(FRAGMENTS) }]);
        assert.deepEqual(document.parsedFacts, extractFactsSync(document.text), `seed ${seed}, step ${step}: ${JSON.stringify(document.text)}`);
      }
    } finally {
      document.dispose();
    }
  }
});
