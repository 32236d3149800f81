/**
 * Seeded random edits of open documents, checking after each that the facts the document keeps
 * up to date (chunked re-extraction, python/extract-chunks.ts) are the facts a fresh parse and
 * extraction of the same text give. Not a test: it runs over real files (the standard library by
 * default), slowly, to find what the unit tests do not think of (mid-edit syntax errors, odd
 * indentation, a file tree-sitter cannot parse at all).
 *
 * A fresh parse can also give another tree than the incremental reparse (tree-sitter's error
 * recovery differs between the two): those edits are counted apart, and the document is reopened.
 *
 *   node --import tsx bench/chunk-fuzz.ts [seed=1] [file...]   (default: six standard-library modules)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonDocument } from '../server/src/python/document';
import { extractFacts } from '../server/src/python/extract';
import { initPython, newPythonParser } from '../server/src/python/parser';
import { seededRandom } from '../test/robustness/random';
import { defaultCorpus } from './corpus';

const EDITS_PER_FILE = 300;
/** What an edit types: code, and the characters that break it (brackets, quotes, indentation). */
const PIECES = ['x', ' ', '\n', '(', ')', ':', '=', '#', '"', "'", '    ', '\n    ', 'def f():\n    pass\n', 'class C:\n', '\\', ',', 'pool = ThreadPoolExecutor(2)\n', 'os.fork()', '[', ']', '"""'];
const DEFAULT_FILES = ['typing.py', 'queue.py', 'dataclasses.py', 'asyncio/base_events.py', 'concurrent/futures/thread.py', 'test/test_decimal.py'];

async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 1);
  let files = process.argv.slice(3);
  if (files.length === 0) {
    const corpus = defaultCorpus();
    if (typeof corpus !== 'string') throw corpus;
    files = DEFAULT_FILES.map((file) => path.join(corpus, file));
  }
  await initPython();
  const parser = newPythonParser();
  let edits = 0;
  let divergences = 0;
  let mismatches = 0;
  for (const file of files) {
    const next = seededRandom(seed);
    let text = fs.readFileSync(file, 'utf8');
    let document = new PythonDocument(text);
    void document.facts;
    const undo: { at: number; removed: string; inserted: string }[] = [];
    for (let step = 0; step < EDITS_PER_FILE; step++) {
      // Two edits in five undo an earlier one: text comes back, and so do chunks kept from before.
      let edit: { at: number; removed: string; inserted: string };
      if (undo.length > 0 && next() < 0.4) {
        const last = undo.pop()!;
        edit = { at: last.at, removed: last.inserted, inserted: last.removed };
      } else {
        const at = Math.floor(next() * text.length);
        const removed = text.slice(at, at + (next() < 0.3 ? Math.floor(next() * 3) : 0));
        edit = { at, removed, inserted: next() < 0.7 ? PIECES[Math.floor(next() * PIECES.length)] : '' };
        undo.push(edit);
      }
      document.update([{ range: { start: positionOf(text, edit.at), end: positionOf(text, edit.at + edit.removed.length) }, text: edit.inserted }]);
      text = text.slice(0, edit.at) + edit.inserted + text.slice(edit.at + edit.removed.length);
      edits++;
      const tree = parser.parse(text)!;
      const fresh = JSON.stringify(extractFacts(tree, text));
      const sameTree = tree.rootNode.toString() === document.syntaxTree?.rootNode.toString();
      tree.delete();
      if (!sameTree) divergences++;
      else if (JSON.stringify(document.facts) !== fresh) {
        mismatches++;
        console.log(`MISMATCH ${file}, edit ${step}: ${JSON.stringify(edit)} at line ${positionOf(text, edit.at).line + 1}`);
      } else continue;
      document = new PythonDocument(text);
      void document.facts;
    }
  }
  console.log(`seed ${seed}: ${edits} edits over ${files.length} files, ${mismatches} mismatches, ${divergences} incremental trees unlike a fresh parse`);
  if (mismatches > 0) process.exitCode = 1;
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length - 1, character: offset - lineStart };
}

void main();
