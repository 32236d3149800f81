/**
 * Seeded random edits of open documents, checking after each that the facts the document keeps
 * up to date (chunked re-extraction, python/extract-chunks.ts) are the facts a fresh parse and
 * extraction of the same text give. Not a test: it runs over real files (the standard library by
 * default), slowly, to find what the unit tests do not think of (mid-edit syntax errors, odd
 * indentation, a file tree-sitter cannot parse at all).
 *
 * A fresh parse can also give another tree than the incremental reparse (tree-sitter's error
 * recovery differs between the two): those edits are counted apart, and the document is reopened.
 * The document's whole tree is only asked for then: asking for it ends the windows an open
 * document reparses edits in (document-trees.ts), which the fuzzing must keep.
 *
 * With --lines, edits are made at line starts, of whole lines mostly (a statement, a definition,
 * an indent, `x` on a blank line, a line removed): the text stays valid Python more often, which is
 * when the document reparses an edit in a window of its own (and after an edit that makes a syntax
 * error, most next edits undo one).
 *
 *   node --import tsx bench/chunk-fuzz.ts [seed=1] [--lines] [file...]   (default: six standard-library modules)
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
/** What --lines types at a line start. */
const LINE_PIECES = ['x', 'x\n', '    ', '#', '\n', 'y = 1\n', '    y = 2\n', 'def g():\n    pass\n', '    def g(self):\n        pass\n', 'class K:\n    pass\n', '@dec\n', 'pool = ThreadPoolExecutor(2)\n', 'if x:\n', 'else:\n', '"""'];
const DEFAULT_FILES = ['typing.py', 'queue.py', 'dataclasses.py', 'asyncio/base_events.py', 'concurrent/futures/thread.py', 'test/test_decimal.py'];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const byLines = args.includes('--lines');
  const [seedArg, ...fileArgs] = args.filter((arg) => arg !== '--lines');
  const seed = Number(seedArg ?? 1);
  let files = fileArgs;
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
  let windowed = 0;
  for (const file of files) {
    const next = seededRandom(seed);
    let text = fs.readFileSync(file, 'utf8');
    let document = new PythonDocument(text);
    void document.parsedFacts;
    const undo: { at: number; removed: string; inserted: string }[] = [];
    /** The text has a syntax error: with --lines, most next edits undo one. */
    let hasError = false;
    for (let step = 0; step < EDITS_PER_FILE; step++) {
      // Two edits in five undo an earlier one: text comes back, and so do chunks kept from before.
      let edit: { at: number; removed: string; inserted: string };
      if (undo.length > 0 && next() < (byLines && hasError ? 0.8 : 0.4)) {
        const last = undo.pop()!;
        edit = { at: last.at, removed: last.inserted, inserted: last.removed };
      } else if (byLines) {
        const lineStarts = [0];
        for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
        const line = Math.floor(next() * lineStarts.length);
        const at = lineStarts[line];
        const lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
        const removed = next() < 0.3 ? text.slice(at, lineEnd) : '';
        edit = { at, removed, inserted: removed && next() < 0.5 ? '' : LINE_PIECES[Math.floor(next() * LINE_PIECES.length)] };
        undo.push(edit);
      } else {
        const at = Math.floor(next() * text.length);
        const removed = text.slice(at, at + (next() < 0.3 ? Math.floor(next() * 3) : 0));
        edit = { at, removed, inserted: next() < 0.7 ? PIECES[Math.floor(next() * PIECES.length)] : '' };
        undo.push(edit);
      }
      document.update([{ range: { start: positionOf(text, edit.at), end: positionOf(text, edit.at + edit.removed.length) }, text: edit.inserted }]);
      text = text.slice(0, edit.at) + edit.inserted + text.slice(edit.at + edit.removed.length);
      edits++;
      if (document.windowCount > 0) windowed++;
      const tree = parser.parse(text)!;
      hasError = tree.rootNode.hasError;
      const fresh = JSON.stringify(extractFacts(tree, text));
      if (JSON.stringify(document.parsedFacts) === fresh) {
        tree.delete();
        continue;
      }
      const sameTree = tree.rootNode.toString() === document.syntaxTree?.rootNode.toString();
      tree.delete();
      if (!sameTree) divergences++;
      else {
        mismatches++;
        console.log(`MISMATCH ${file}, edit ${step}: ${JSON.stringify(edit)} at line ${positionOf(text, edit.at).line + 1}`);
      }
      document = new PythonDocument(text);
      void document.parsedFacts;
    }
  }
  console.log(`seed ${seed}: ${edits} edits over ${files.length} files (${windowed} with windows), ${mismatches} mismatches, ${divergences} incremental trees unlike a fresh parse`);
  if (mismatches > 0) process.exitCode = 1;
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length - 1, character: offset - lineStart };
}

void main();
