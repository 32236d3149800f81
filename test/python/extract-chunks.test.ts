/**
 * The edit path re-extracts only the chunks (top-level statements, members of top-level classes)
 * an edit touched and reuses, relocated, the facts of the others. Whatever the edits, the facts
 * must be exactly those of a fresh parse and extraction of the same text.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PythonDocument } from '../../server/src/python/document';
import { extractFactsFromText } from '../../server/src/python/extract';
import { initPython } from '../../server/src/python/parser';
import { LineIndex } from '../../server/src/python/source-text';
import { ruleFixtureSources, summary } from './helpers';
import { seededRandom } from '../robustness/random';

before(() => initPython());

const SNIPPETS = ['x', '(', ')', ' ', '\n', ':', 'f()', '\n    ', '"', '#', '\t', 'def g():\n    pool.submit(h)\n', 'class K(Base):\n    x = make()\n', '\n\n', 'if a:\n    b()\n'];

interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A random edit: half of them typing inside a word (the text stays valid), the rest anything. */
function randomEdit(text: string, next: () => number, snippets = SNIPPETS): TextEdit {
  const at = Math.floor(next() * (text.length + 1));
  const kind = next();
  if (kind < 0.5) {
    const word = /[A-Za-z_]\w*/g;
    word.lastIndex = at;
    const match = word.exec(text);
    const offset = match ? match.index + 1 : at;
    return { start: offset, end: offset, text: 'z' };
  }
  if (kind < 0.75) return { start: at, end: at, text: snippets[Math.floor(next() * snippets.length)] };
  if (kind < 0.9) return { start: at, end: Math.min(text.length, at + 1 + Math.floor(next() * 20)), text: '' };
  const from = Math.floor(next() * text.length);
  return { start: at, end: at, text: text.slice(from, from + Math.floor(next() * 200)) }; // paste
}

async function assertEditsKeepFacts(source: string, seed: number, edits: number, snippets = SNIPPETS): Promise<void> {
  const next = seededRandom(seed);
  const document = new PythonDocument(source);
  let text = source;
  assert.deepEqual(document.parsedFacts, await extractFactsFromText(text));
  for (let i = 0; i < edits; i++) {
    const edit = randomEdit(text, next, snippets);
    // An LSP position cannot point between the `\r` and `\n` of a line break: move past it.
    const outsideCrlf = (offset: number): number => (text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10 ? offset + 1 : offset);
    edit.start = outsideCrlf(edit.start);
    edit.end = Math.max(edit.start, outsideCrlf(edit.end));
    const lines = new LineIndex(text);
    document.update([{ range: lines.range(edit.start, edit.end), text: edit.text }]);
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    assert.equal(document.text, text);
    const fresh = await extractFactsFromText(text);
    // JSON first: deepEqual of every step costs seconds; it runs on a mismatch, to show the difference.
    if (JSON.stringify(document.parsedFacts) !== JSON.stringify(fresh)) assert.deepEqual(document.parsedFacts, fresh, `seed ${seed}, edit ${i}: ${JSON.stringify(edit)}`);
  }
  document.dispose();
}

describe('incremental facts of an open document', () => {
  it('equal fresh facts after random edits of a module (seeded)', async () => {
    await assertEditsKeepFacts(ruleFixtureSources().slice(0, 90).join('\n'), 1, 100);
  });

  it('equal fresh facts after random edits of a big class (seeded)', async () => {
    const body = ruleFixtureSources()
      .slice(200, 240)
      .join('\n')
      .split('\n')
      .map((line) => (line === '' ? line : '    ' + line))
      .join('\n');
    await assertEditsKeepFacts(`import os\n\n\n@decorate(a())\nclass Big(Base, metaclass=meta()):\n    """Doc."""\n${body}\n\n\ndef after():\n    os.fork()\n`, 2, 100);
  });

  it('equal fresh facts after random edits of a CRLF module, typing CRLF, lone CR and LF (seeded)', async () => {
    const crlf = ruleFixtureSources().slice(90, 150).join('\n').replace(/\r?\n/g, '\r\n');
    await assertEditsKeepFacts(crlf, 3, 100, [...SNIPPETS, '\r\n', '\r', 'a\r\n    b()\r\n', 'é\n', '😀']);
  });

  it('reuses the facts of statements an edit did not touch and renumbers those after it', () => {
    const source = [
      'import os',
      'pool = make_pool()',
      'class C:',
      '    def a(self):',
      '        self.x = f().g()',
      '    def b(self):',
      '        return h()',
      'def later():',
      '    os.fork()',
      '',
    ].join('\n');
    const document = new PythonDocument(source);
    const before = document.parsedFacts;
    // A new top-level call before the class: module events, scope indices and lines all move.
    document.update([{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'start(pool)\n' }]);
    const after = document.parsedFacts;
    assert.deepEqual(summary(after.scopes[0].events), ['import os', 'call make_pool -> pool @-1', 'call start @-1', 'def 1', 'def 4']);
    assert.deepEqual(
      after.scopes.map((scope) => `${scope.qualname}^${scope.parent}@${scope.range.start.line}`),
      ['<module>^-1@0', 'C^0@3', 'C.a^1@4', 'C.b^1@6', 'later^0@8'],
    );
    assert.deepEqual(summary(after.scopes[2].events), ['call f', 'call #0.g -> self.x @-1'].map((line) => (line.endsWith('@-1') ? line : line + ' @-1')));
    assert.deepEqual(after.classes[0].methods, { a: 2, b: 3 });
    // The method scopes were relocated, not re-extracted: same events, one line further down.
    assert.equal(after.scopes[2].events[0].range.start.line, before.scopes[2].events[0].range.start.line + 1);
    document.dispose();
  });
});
