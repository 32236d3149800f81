/**
 * An open Python document: its text, its tree (kept only while the editor has it open) and its
 * facts. LSP changes are applied with `tree.edit` and an incremental reparse.
 *
 * Offsets: web-tree-sitter's startIndex/endIndex for a JS string are UTF-16 code-unit offsets,
 * and its points count rows at `\n` only, with UTF-16 columns. LSP lines also break at `\r` and
 * `\r\n`, so LSP positions are turned into offsets first, and tree points are computed from them.
 *
 * Call (and await) initPython() before creating documents.
 */
import { Edit, type Parser, type Point, type Tree } from 'web-tree-sitter';
import type { Position, Range } from '../model';
import { emptyFacts, extractFacts } from './extract';
import type { PyFacts } from './facts';
import { newPythonParser } from './parser';
import { LineIndex } from './source-text';

let documentParser: Parser | undefined;

function parser(): Parser {
  documentParser ??= newPythonParser();
  return documentParser;
}

/** The tree-sitter point of an offset: rows counted at `\n` only. */
function treePoint(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    row++;
    lineStart = at + 1;
  }
  return { row, column: offset - lineStart };
}

/** The offset of an LSP position; a character past the end of its line means the line's end. */
function offsetAt(lines: LineIndex, position: Position): number {
  const { lineStarts, text } = lines;
  if (position.line < 0) return 0;
  if (position.line >= lineStarts.length) return text.length;
  const lineStart = lineStarts[position.line];
  let lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : text.length;
  while (lineEnd > lineStart && (text.charCodeAt(lineEnd - 1) === 10 || text.charCodeAt(lineEnd - 1) === 13)) lineEnd--;
  return Math.min(lineStart + Math.max(0, position.character), lineEnd);
}

export class PythonDocument {
  private currentText: string;
  private tree: Tree | null;
  private cachedFacts: PyFacts | undefined;

  constructor(text: string) {
    this.currentText = text;
    this.tree = this.parse(text, null);
  }

  get text(): string {
    return this.currentText;
  }

  /** Facts of the current text, extracted on first use after a change (several edits, one extraction). */
  get facts(): PyFacts {
    this.cachedFacts ??= this.tree ? extractFacts(this.tree, this.currentText) : emptyFacts(this.currentText);
    return this.cachedFacts;
  }

  /** Applies LSP content changes in order; a change without a range replaces the whole text. */
  update(changes: { range?: Range; text: string }[]): void {
    let text = this.currentText;
    let tree = this.tree;
    let incremental = tree !== null;
    for (const change of changes) {
      if (!change.range) {
        text = change.text;
        incremental = false;
        continue;
      }
      const lines = new LineIndex(text);
      let start = offsetAt(lines, change.range.start);
      let oldEnd = offsetAt(lines, change.range.end);
      if (oldEnd < start) [start, oldEnd] = [oldEnd, start];
      const newText = text.slice(0, start) + change.text + text.slice(oldEnd);
      if (incremental && tree) {
        tree.edit(
          new Edit({
            startIndex: start,
            oldEndIndex: oldEnd,
            newEndIndex: start + change.text.length,
            startPosition: treePoint(text, start),
            oldEndPosition: treePoint(text, oldEnd),
            newEndPosition: treePoint(newText, start + change.text.length),
          }),
        );
      }
      text = newText;
    }
    const newTree = this.parse(text, incremental ? tree : null);
    tree?.delete();
    this.tree = newTree;
    this.currentText = text;
    this.cachedFacts = undefined;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = null;
    this.cachedFacts = undefined;
  }

  private parse(text: string, oldTree: Tree | null): Tree | null {
    try {
      return parser().parse(text, oldTree);
    } catch {
      return null; // facts fall back to an empty module; the next edit tries again
    }
  }
}
