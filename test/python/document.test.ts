import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PythonDocument } from '../../server/src/python/document';
import { extractFactsFromText } from '../../server/src/python/extract';
import type { Node } from 'web-tree-sitter';
import { initPython, newPythonParser } from '../../server/src/python/parser';
import { LineIndex, textForParser } from '../../server/src/python/source-text';
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

  it('edits its tree at the right points: after random edits, every node where a fresh parse puts it (LF, CRLF, lone CR)', () => {
    const parser = newPythonParser();
    const shape = (node: Node): string[] => {
      const out: string[] = [];
      const cursor = node.walk();
      for (let more = true; more; ) {
        const n = cursor.currentNode;
        out.push(`${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`);
        if (cursor.gotoFirstChild()) continue;
        while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) { more = false; break; }
      }
      return out;
    };
    const inserts = ['x', '\n', '\r\n', '\r', 'é\n  ', 'f(\r\n  1)\n', '😀', ''];
    for (const [seed, eol] of [[1, '\n'], [2, '\r\n'], [3, '\r']] as const) {
      let text = SOURCE.replaceAll('\n', eol);
      const document = new PythonDocument(text);
      let state = seed;
      const next = (n: number): number => (state = (state * 1103515245 + 12345) % 2147483648) % n;
      for (let i = 0; i < 60; i++) {
        let start = next(text.length + 1);
        if (text.charCodeAt(start - 1) === 13 && text.charCodeAt(start) === 10) start++; // not inside a CRLF: LSP cannot say it
        const end = Math.min(text.length, start + (next(3) === 0 ? next(4) : 0));
        const endOutside = text.charCodeAt(end - 1) === 13 && text.charCodeAt(end) === 10 ? end + 1 : end;
        const inserted = inserts[next(inserts.length)];
        document.update([{ range: new LineIndex(text).range(start, endOutside), text: inserted }]);
        text = text.slice(0, start) + inserted + text.slice(endOutside);
        assert.equal(document.text, text);
        const fresh = parser.parse(textForParser(text))!;
        assert.deepEqual(shape(document.syntaxTree!.rootNode), shape(fresh.rootNode), `eol ${JSON.stringify(eol)}, edit ${i}`);
        fresh.delete();
      }
      document.dispose();
    }
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
