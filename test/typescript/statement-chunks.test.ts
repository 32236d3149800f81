/**
 * An open document walks only the statements whose text changed (statement-chunks.ts). Each case
 * here changes what a chunk's facts depend on outside its text (its context), or places equal
 * text where reuse would be wrong, and checks the facts against a fresh walk of the whole text;
 * the last checks that unchanged statements are not walked again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../server/src/python/source-text';
import { TsDocument } from '../../server/src/typescript/document';
import { extractTsFacts } from '../../server/src/typescript/extract';

/** Replaces the first `from` of the document's text by `to`, and checks the facts against a fresh walk. */
function edit(document: TsDocument, fileName: string, from: string, to: string): void {
  const start = document.text.indexOf(from);
  assert.ok(start >= 0, `${JSON.stringify(from)} is in the text`);
  const lines = new LineIndex(document.text);
  document.update([{ range: lines.range(start, start + from.length), text: to }]);
  assert.deepEqual(document.facts, extractTsFacts(document.text, fileName));
}

/** A document that keeps every chunk for reuse, however small; its first facts checked too. */
function open(text: string, fileName = 'main.js'): TsDocument {
  const document = new TsDocument(text, fileName, { minStoredChunkChars: 1 });
  assert.deepEqual(document.facts, extractTsFacts(text, fileName));
  return document;
}

describe('TsDocument: statement chunks', () => {
  it('walks again a body whose function becomes a generator (`yield(x)` is no call there)', () => {
    const document = open('function g() {\n  yield(pool);\n  other();\n}\n');
    assert.deepEqual(document.facts.calls.map((call) => call.callee), [['yield'], ['other']]);
    edit(document, 'main.js', 'function g', 'function* g');
    assert.deepEqual(document.facts.calls.map((call) => call.callee), [['other']]);
  });

  it('walks again statements whose block stops being a loop body', () => {
    const document = open('function f(ps) {\n  for (const p of ps) {\n    use(p);\n  }\n}\n');
    edit(document, 'main.js', 'for (const p of ps)', 'label:');
    assert.equal(document.facts.calls[0].inLoop, false);
  });

  it('walks again statements after an early return that appears or goes', () => {
    const document = open('function f() {\n  start();\n  new Pool();\n}\n');
    edit(document, 'main.js', '  start();\n', '  if (cluster.isWorker) return;\n');
    assert.deepEqual(document.facts.calls[0].guards, [{ path: ['cluster', 'isWorker'], negated: true, text: 'cluster.isWorker' }]);
    edit(document, 'main.js', '  if (cluster.isWorker) return;\n', '  start();\n');
    assert.deepEqual(document.facts.calls[1].guards, []);
  });

  it('walks again top-level statements when the file becomes a module (top-level await)', () => {
    const document = open('start();\nconst a = 1;\n');
    assert.equal(document.facts.calls[0].canAwait, false);
    edit(document, 'main.js', 'const a', 'export const a');
    assert.equal(document.facts.calls[0].canAwait, true);
  });

  it('does not take the facts of equal text from another place on the same line', () => {
    const document = open('function f() {\n  { a(); } { a(); }\n  b();\n}\n');
    edit(document, 'main.js', 'b()', 'c()');
    assert.deepEqual(
      document.facts.calls.map((call) => call.range.start.character),
      [4, 13, 2],
    );
  });

  it('moves the facts of statements after an edit that adds lines and calls', () => {
    const document = open('function f() {\n  a();\n  const pool = new Pool({ x: () => b() });\n}\nfunction g() {\n  c();\n}\n');
    edit(document, 'main.js', '  a();\n', '  a(z());\n\n  y();\n');
    assert.deepEqual(
      document.facts.calls.map((call) => [call.callee.join('.'), call.id, call.range.start.line]),
      [['a', 0, 1], ['z', 1, 1], ['y', 2, 3], ['Pool', 3, 4], ['b', 4, 4], ['c', 5, 7]],
    );
  });

  it('does not walk again the statements an edit left alone, across edits', () => {
    const text = 'function a() {\n  one();\n}\nfunction b() {\n  two();\n  three();\n}\n';
    const document = open(text);
    const three = document.facts.calls.find((call) => call.callee[0] === 'three');
    // Two edits of a(): b() is taken whole each time, with the chunks inside it (not only the
    // store of the extraction before the last one has them).
    edit(document, 'main.js', 'one()', 'uno()');
    edit(document, 'main.js', 'uno()', 'eins()');
    // An edit inside b(): its other statement is still the same object.
    edit(document, 'main.js', 'two()', 'dos()');
    assert.equal(document.facts.calls.find((call) => call.callee[0] === 'three'), three);
  });
});
