/**
 * A syntax error stays where it was typed (contained-facts.ts): while tree-sitter reads a typed
 * error as the ruin of the rest of the file, readers get the last error-free facts moved through
 * the edits; damage confined to the edited text is read as it is.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Position } from '../../server/src/model';
import { changeShift } from '../../server/src/python/contained-facts';
import { PythonDocument } from '../../server/src/python/document';
import { extractFactsFromText } from '../../server/src/python/extract';
import type { PyFacts } from '../../server/src/python/facts';
import { initPython } from '../../server/src/python/parser';

before(() => initPython());

const method = (i: number): string => `    def m${i}(self, a, b):\n        if not a > b and check(a):\n            return helper${i}(a)\n        return b\n`;
/** A class of four methods, then a function. Line 15 is m2's `if`, line 17 its `return b`. */
const CASE = `import os\n\n\nclass Case:\n${[0, 1, 2, 3].map(method).join('\n')}\n\ndef after():\n    os.fork()\n`;
const at = (line: number, character: number): Position => ({ line, character });
const qualnames = (facts: PyFacts): string[] => facts.scopes.map((scope) => scope.qualname);
const insert = (position: Position, text: string) => ({ range: { start: position, end: position }, text });

/** CASE with `text` inserted at `position`. */
function inserted(position: Position, text: string): string {
  const lines = CASE.split('\n');
  lines[position.line] = lines[position.line].slice(0, position.character) + text + lines[position.line].slice(position.character);
  return lines.join('\n');
}

/** A document of CASE whose error-free facts were read once, as the workspace reads them after every change. */
function openCase(): PythonDocument {
  const document = new PythonDocument(CASE);
  assert.deepEqual(document.facts.syntaxErrors, []);
  return document;
}

test('a position moves with the text after a change, to its start inside it, and stays before it', () => {
  const typed = changeShift(insert(at(3, 5), 'xy'));
  const before = at(3, 4);
  assert.equal(typed.position(before), before);
  assert.deepEqual([at(3, 5), at(3, 9), at(4, 0)].map(typed.position), [at(3, 7), at(3, 11), at(4, 0)]);
  assert.equal(typed.still, false);
  // Lines 2:3 to 4:6 replaced by two lines: one line fewer.
  const replaced = changeShift({ range: { start: at(2, 3), end: at(4, 6) }, text: 'a\nbc' });
  assert.deepEqual([at(2, 2), at(2, 3), at(3, 0), at(4, 6), at(4, 10), at(7, 1)].map(replaced.position), [at(2, 2), at(2, 3), at(2, 3), at(3, 2), at(3, 6), at(6, 1)]);
  assert.deepEqual([1, 2, 3, 4, 7].map(replaced.line), [1, 2, 2, 3, 6]);
  assert.equal(changeShift(insert(at(1, 1), '')).still, true);
});

test('an error that ruins the rest of the file: readers keep the last error-free facts, moved through the edit', async () => {
  const document = openCase();
  const clean = document.facts;
  document.update([insert(at(15, 10), 'x')]); // `ifx not a > b and check(a):`
  const ruined = await extractFactsFromText(document.text);
  assert.deepEqual(qualnames(ruined), ['<module>', 'Case', 'Case.m0', 'Case.m1', 'Case.m2', 'm3'], 'what the parser alone makes of it');
  const facts = document.facts;
  assert.deepEqual(qualnames(facts), qualnames(clean));
  assert.deepEqual(facts.syntaxErrors, ruined.syntaxErrors);
  assert.equal(facts.scopes[2], clean.scopes[2], 'a method above the edit is the same object');
  assert.equal(facts.scopes.at(-1), clean.scopes.at(-1), 'so is one below, when no line came or went');
  // The same positions as a harmless character typed at the same place: a space, `if  not`.
  assert.deepEqual({ ...facts, syntaxErrors: [] }, await extractFactsFromText(inserted(at(15, 10), ' ')));
  document.update([insert(at(16, 0), '#')]);
  assert.deepEqual(document.facts.scopes[4].events[1].range, { start: at(16, 20), end: at(16, 30) }, 'the next edit moves them again');
  document.update([{ range: { start: at(16, 0), end: at(16, 1) }, text: '' }, { range: { start: at(15, 10), end: at(15, 11) }, text: '' }]);
  assert.deepEqual(document.facts, await extractFactsFromText(CASE), 'repaired: the facts of the text again');
  document.dispose();
});

test('an unclosed call that swallows the statements after it is contained too', async () => {
  const document = openCase();
  const clean = document.facts;
  document.update([insert(at(17, 16), '(')]); // `return b(`
  assert.deepEqual(qualnames(await extractFactsFromText(document.text)), ['<module>', 'Case', 'Case.m0', 'Case.m1', 'Case.m2']);
  assert.deepEqual(qualnames(document.facts), qualnames(clean));
  assert.deepEqual(document.facts.scopes.slice(5), clean.scopes.slice(5), 'm3 and after(), below the edit, as they were');
  document.dispose();
});

test('damage confined to the edited text is read as it is', async () => {
  const document = openCase();
  document.update([insert(at(17, 16), ' +')]); // `return b +`
  const facts = document.facts;
  assert.notDeepEqual(facts.syntaxErrors, []);
  assert.deepEqual(facts, await extractFactsFromText(document.text));
  document.dispose();
});

test('without error-free facts to keep (opened broken, or the whole text replaced) the current facts are read', async () => {
  const broken = inserted(at(15, 10), 'x');
  const openedBroken = new PythonDocument(broken);
  assert.deepEqual(openedBroken.facts, await extractFactsFromText(broken));
  openedBroken.dispose();
  const replaced = openCase();
  replaced.update([{ text: broken }]);
  assert.deepEqual(replaced.facts, await extractFactsFromText(broken));
  replaced.dispose();
});
