import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Edit, type Node } from 'web-tree-sitter';
import { DocumentTrees, MAX_WINDOWS } from '../../server/src/python/document-trees';
import { PythonDocument } from '../../server/src/python/document';
import { extractFactsSync } from '../../server/src/python/extract';
import { initPython, newPythonParser } from '../../server/src/python/parser';
import { LineIndex } from '../../server/src/python/source-text';
import { seededRandom } from '../robustness/random';

before(() => initPython());

const SOURCE = [
  'import os', // 0
  'from concurrent.futures import ThreadPoolExecutor', // 1
  '', // 2
  'class Service:', // 3
  '    def start(self):', // 4
  '        self.pool = ThreadPoolExecutor(4)', // 5
  '', // 6
  '    def fork(self):', // 7
  '        os.fork()', // 8
  '', // 9
  '', // 10
  'def helper():', // 11
  '    return ThreadPoolExecutor(2)', // 12
  '', // 13
  'POOL = helper()', // 14
  '',
].join('\n');

/** An open document and its text, edited in step; every edit checked against a fresh extraction. */
class Edited {
  readonly document: PythonDocument;
  constructor(public text: string) {
    this.document = new PythonDocument(text);
    void this.document.parsedFacts;
  }

  /** Replaces `length` characters at line:character with `inserted`; the document's facts must be a fresh extraction's. */
  edit(line: number, character: number, length: number, inserted: string): this {
    const lines = new LineIndex(this.text);
    const start = lines.offsetAt({ line, character });
    this.document.update([{ range: lines.range(start, start + length), text: inserted }]);
    this.text = this.text.slice(0, start) + inserted + this.text.slice(start + length);
    assert.equal(this.document.text, this.text);
    assert.deepEqual(this.document.parsedFacts, extractFactsSync(this.text), `facts after typing ${JSON.stringify(inserted)} at ${line}:${character}`);
    return this;
  }

  windows(expected: number): this {
    assert.equal(this.document.windowCount, expected, 'windows');
    return this;
  }
}

/** DocumentTrees and their text, changed in step the way PythonDocument changes them. */
class EditedTrees {
  private readonly parser = newPythonParser();
  readonly trees: DocumentTrees;
  constructor(public text: string) {
    this.trees = DocumentTrees.parse(this.parser, text)!;
  }

  /** Replaces [start, oldEnd) with `inserted`, in a window. */
  change(start: number, oldEnd: number, inserted: string): void {
    const before = new LineIndex(this.text);
    const plan = this.trees.windowFor(start, oldEnd, inserted);
    assert.ok(plan, 'a window');
    const newEnd = start + inserted.length;
    this.text = this.text.slice(0, start) + inserted + this.text.slice(oldEnd);
    const after = new LineIndex(this.text);
    const point = (lines: LineIndex, offset: number) => ({ row: lines.position(offset).line, column: lines.position(offset).character });
    this.trees.edit(new Edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition: point(before, start), oldEndPosition: point(before, oldEnd), newEndPosition: point(after, newEnd) }));
    assert.ok(this.trees.reparseWindow(this.text, after, plan));
  }

  /** The text of each stretch's statements. */
  statements(): string[][] {
    return this.trees.stretches().map((stretch) => this.trees.statementsOf(stretch).map((node) => this.text.slice(node.startIndex, node.endIndex)));
  }

  dispose(): void {
    this.trees.dispose();
    this.parser.delete();
  }
}

describe('an open document reparses an edit in a window of its own', () => {
  it('reparses whole when `x` typed at column 0 inside a class indents the methods after it past the top level', () => {
    // Python: "unexpected indent". tree-sitter reads the class as ended and the methods after it as
    // indented top-level functions, with no ERROR node; alone, a window may read them otherwise.
    const edited = new Edited(SOURCE).edit(6, 0, 0, 'x').windows(0);
    const facts = edited.document.parsedFacts;
    assert.deepEqual(facts.scopes.map((scope) => scope.qualname), ['<module>', 'Service', 'Service.start', 'fork', 'helper']);
    assert.deepEqual(facts.syntaxErrors, [{ start: { line: 7, character: 4 }, end: { line: 8, character: 17 } }], 'the indented method');
    edited.edit(6, 0, 1, '').windows(0);
    assert.deepEqual(edited.document.parsedFacts.scopes.map((scope) => scope.qualname), ['<module>', 'Service', 'Service.start', 'Service.fork', 'helper']);
  });

  it('keeps one window per stretch of statements edited, and moves those after an edit', () => {
    const edited = new Edited(SOURCE);
    edited.edit(10, 0, 0, 'x').windows(1); // between the class and helper: the window runs from the class to POOL
    edited.edit(5, 0, 0, '\n').windows(1); // in the class: that same window, reparsed
    edited.edit(15, 0, 0, 'y = 2\n').windows(2); // at POOL (line 15 now): a window from there to the end
    edited.edit(0, 0, 0, '# a comment\n').windows(3); // at the first import: a window of it alone
    edited.edit(17, 0, 0, '_').windows(3); // _POOL: in the window moved down by the comment
  });

  it('reparses whole when the edit makes a syntax error, and windows again once it is repaired', () => {
    const edited = new Edited(SOURCE);
    edited.edit(14, 0, 0, '(').windows(0); // (POOL = helper()
    edited.edit(14, 0, 1, '').windows(0); // the base tree had an error: whole again
    edited.edit(14, 0, 0, 'x').windows(1);
  });

  it('leaves an edit inside a line to the whole reparse when there is no window yet', () => {
    const edited = new Edited(SOURCE).edit(14, 7, 0, 'x').windows(0); // POOL = xhelper()
    edited.edit(0, 0, 0, '# a comment\n').windows(1).edit(15, 7, 1, '').windows(2); // with a window, in one of its own
  });

  it('reparses whole when an indent joins the edited line to the statement before it', () => {
    // `    POOL = helper()` after helper's body is part of helper: a window of POOL alone would not know.
    const edited = new Edited(SOURCE).edit(14, 0, 0, '    ').windows(0);
    assert.deepEqual(
      edited.document.parsedFacts.scopes[0].events.map((event) => event.k),
      ['import', 'import', 'def', 'def'],
      'POOL is an assignment of helper now',
    );
  });

  it('reparses whole when the window would start with an indented comment, which a whole parse puts in the block before it', () => {
    const text = ['class A:', '    def f(self):', '        pass', '', 'X = 1', '    # about K', 'class K:', '    pass', ''].join('\n');
    // Without X, the comment ends class A's body: A's range reaches it in a whole parse.
    const edited = new Edited(text).edit(4, 0, 'X = 1\n'.length, '').windows(0);
    assert.equal(edited.document.parsedFacts.scopes[0].events[0].range.end.line, 4);
  });

  it('reparses whole when the window would end in a backslash continuation', () => {
    // `import os \` joins the next line; alone, before the end of its window, it would not.
    new Edited(SOURCE).edit(10, 0, 0, 'x').windows(1).edit(0, 9, 0, ' \\').windows(0);
  });

  it('deletes a whole window up to its end, and types again there', () => {
    const edited = new Edited(SOURCE).edit(10, 0, 0, 'x').windows(1);
    const lines = new LineIndex(edited.text);
    // The window of that edit runs from the class to POOL: delete everything after the `x` in it.
    const length = lines.lineStarts[14] - lines.lineStarts[11];
    edited.edit(11, 0, length, '').windows(1);
    // Line 11 is POOL's now, where that window ends: typing there opens a window of its own.
    edited.edit(11, 0, 0, 'def h():\n    pass\n\n').windows(2);
    edited.edit(11, 5, 0, 'h').windows(2); // def hh(): in that new window, not in the one ending where it starts
  });

  it('reads each stretch from its own tree after statements of a window were deleted', () => {
    const edited = new EditedTrees(SOURCE);
    const lines = new LineIndex(SOURCE);
    edited.change(lines.lineStarts[10], lines.lineStarts[10], 'x'); // a window from the class to POOL
    edited.change(lines.lineStarts[11] + 1, lines.lineStarts[14] + 1, ''); // helper deleted, up to the window's end
    // The base tree still has helper, squeezed to nothing inside the window: not a statement of POOL's stretch.
    // (Its nodes' `text` is of the text it was parsed from: read the text by offsets.)
    assert.deepEqual(edited.statements(), [
      ['import os', 'from concurrent.futures import ThreadPoolExecutor'],
      ['class Service:\n    def start(self):\n        self.pool = ThreadPoolExecutor(4)\n\n    def fork(self):\n        os.fork()', 'x'],
      ['POOL = helper()'],
    ]);
    edited.dispose();
  });

  it('gives the base tree\'s statements their positions in the text after windows that added lines', () => {
    const edited = new EditedTrees(SOURCE);
    edited.change(0, 0, '# c\n\n'); // a window of `import os`, two lines longer
    const at = edited.text.indexOf('self.pool') + 5;
    edited.change(at, at, 'z'); // self.zpool: a window of the class, whose stretch of the base text is two lines up
    const lines = new LineIndex(edited.text);
    for (const stretch of edited.trees.stretches()) {
      for (const node of edited.trees.statementsOf(stretch)) {
        const { line, character } = lines.position(node.startIndex);
        assert.deepEqual(node.startPosition, { row: line, column: character }, edited.text.slice(node.startIndex, node.endIndex));
      }
    }
    assert.equal(edited.trees.stretches().length, 4); // import os, from ..., the class, helper and POOL
    edited.dispose();
  });

  it(`reparses whole past ${MAX_WINDOWS} windows`, () => {
    const many = Array.from({ length: MAX_WINDOWS + 2 }, (_, i) => `V${i} = ${i}\n\n`).join('');
    const edited = new Edited(many);
    for (let i = 0; i < MAX_WINDOWS; i++) edited.edit(4 * i, 0, 0, 'X').windows(i + 1);
    edited.edit(4 * MAX_WINDOWS, 0, 0, 'X').windows(0);
  });

  it('never reparses a window of a text with a carriage return', () => {
    new Edited(SOURCE.replaceAll('\n', '\r\n')).edit(10, 0, 0, 'x').windows(0);
  });

  it('drops a window whose text is the base text again, after a window before it changed the line count', () => {
    const edited = new Edited(SOURCE).edit(0, 0, 0, '# c\n').edit(15, 0, 0, 'y').windows(2);
    edited.edit(15, 0, 1, '').windows(1);
  });

  it('gives one tree of the whole text when asked, equal to a fresh parse, positions included', () => {
    // Two lines more in a first window: the second's stretch of the base text is two lines up.
    // (An edit inside a line there, so that the whole reparse reuses the nodes after it.)
    const edited = new Edited(SOURCE).edit(0, 0, 0, '# c\n\n').edit(7, 13, 0, 'z').windows(2);
    const parser = newPythonParser();
    const fresh = parser.parse(edited.text)!;
    const shape = (node: Node): string[] => [
      `${node.type} ${node.startIndex}-${node.endIndex} ${node.startPosition.row}:${node.startPosition.column}-${node.endPosition.row}:${node.endPosition.column}`,
      ...node.children.flatMap((child) => shape(child!)),
    ];
    assert.deepEqual(shape(edited.document.syntaxTree!.rootNode), shape(fresh.rootNode));
    assert.equal(edited.document.windowCount, 0);
    fresh.delete();
    parser.delete();
  });

  it('finds a suppression comment in a window', () => {
    const edited = new Edited(SOURCE).edit(14, 0, 0, '# forkguard: ignore[FG001]\n').windows(1);
    assert.deepEqual(
      edited.document.parsedFacts.suppressions.map((suppression) => [suppression.line, suppression.codes]),
      [[14, ['FG001']]],
    );
  });
});

describe('an open document edited line by line (seeded)', () => {
  /** What an edit types at a line start: statements, definitions, indents, and what breaks them. */
  const PIECES = ['x', 'x\n', '    ', '#', '\n', 'y = 1\n', '    y = 2\n', 'def g():\n    pass\n', '    def g(self):\n        pass\n', 'class K:\n    pass\n', '@dec\n', 'pool = ThreadPoolExecutor(2)\n', 'if x:\n', 'else:\n', '"""', '(', 'os.fork()\n'];
  const text = Array.from({ length: 6 }, (_, n) => SOURCE.replaceAll('Service', `Service${n}`).replaceAll('helper', `helper${n}`).replaceAll('POOL', `POOL${n}`)).join('\n');

  for (const seed of [1, 2, 3]) {
    it(`gives the facts of a fresh extraction after each of 250 edits, a third of them or more in windows (seed ${seed})`, () => {
      const random = seededRandom(seed);
      const edited = new Edited(text);
      const undo: { line: number; removed: number; inserted: string; removedText: string }[] = [];
      let windowed = 0;
      for (let step = 0; step < 250; step++) {
        const lines = new LineIndex(edited.text);
        // After a syntax error, most edits undo one: the text is valid Python most of the time.
        const hasError = edited.document.parsedFacts.syntaxErrors.length > 0;
        if (undo.length > 0 && random() < (hasError ? 0.8 : 0.3)) {
          const last = undo.pop()!;
          edited.edit(last.line, 0, last.inserted.length, last.removedText);
        } else {
          const line = Math.floor(random() * lines.lineCount);
          const lineEnd = line + 1 < lines.lineCount ? lines.lineStarts[line + 1] : edited.text.length;
          const removedText = random() < 0.3 ? edited.text.slice(lines.lineStarts[line], lineEnd) : '';
          const inserted = removedText && random() < 0.5 ? '' : PIECES[Math.floor(random() * PIECES.length)];
          edited.edit(line, 0, removedText.length, inserted);
          undo.push({ line, removed: removedText.length, inserted, removedText });
        }
        if (edited.document.windowCount > 0) windowed++;
      }
      assert.ok(windowed >= 60, `${windowed} of 250 edits left windows`); // 85-114 with these seeds
      edited.document.dispose();
    });
  }
});
