import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PythonDocument } from '../../server/src/python/document';
import { extractFactsFromText } from '../../server/src/python/extract';
import { initPython } from '../../server/src/python/parser';
import { summary } from './helpers';

before(() => initPython());

const SOURCE = ['import os', 'from concurrent.futures import ThreadPoolExecutor', '', 'def start():', '    pool = ThreadPoolExecutor(5)', '    os.fork()', ''].join('\n');

describe('PythonDocument', () => {
  it('applies incremental edits and gives the facts of a fresh parse', async () => {
    const document = new PythonDocument(SOURCE);
    document.update([
      { range: { start: { line: 5, character: 4 }, end: { line: 5, character: 4 } }, text: 'pool.shutdown(wait=True)\n    ' },
      { range: { start: { line: 4, character: 30 }, end: { line: 4, character: 31 } }, text: '10' },
    ]);
    const expected = SOURCE.replace('ThreadPoolExecutor(5)', 'ThreadPoolExecutor(10)').replace('    os.fork()', '    pool.shutdown(wait=True)\n    os.fork()');
    assert.equal(document.text, expected);
    assert.deepEqual(document.facts, await extractFactsFromText(expected));
    assert.deepEqual(summary(document.facts.scopes[1].events), ['call ThreadPoolExecutor -> pool @-1', 'call pool.shutdown @-1', 'call os.fork @-1']);
    document.dispose();
  });

  it('handles non-ASCII text, CRLF, deletions and a full replacement', async () => {
    const text = 'título = "ü😀"\r\nx = f()\r\n';
    const document = new PythonDocument(text);
    // Line 1 "x = f()": rename f to ĝ (UTF-16 positions).
    document.update([{ range: { start: { line: 1, character: 4 }, end: { line: 1, character: 5 } }, text: 'ĝ' }]);
    document.update([{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 13 } }, text: '' }]);
    const expected = 'título = "ü"\r\nx = ĝ()\r\n';
    assert.equal(document.text, expected);
    assert.deepEqual(document.facts, await extractFactsFromText(expected));
    document.update([{ text: 'import sys\n' }]);
    assert.deepEqual(summary(document.facts.scopes[0].events), ['import sys']);
    document.dispose();
  });

  it('survives edits that break and then repair the syntax', async () => {
    const document = new PythonDocument(SOURCE);
    document.update([{ range: { start: { line: 3, character: 10 }, end: { line: 3, character: 11 } }, text: '' }]); // def start(:
    assert.ok(document.facts.syntaxErrors.length > 0);
    document.update([{ range: { start: { line: 3, character: 10 }, end: { line: 3, character: 10 } }, text: ')' }]);
    assert.deepEqual(document.facts, await extractFactsFromText(SOURCE));
    document.dispose();
  });
});
