/**
 * An open Python document: its text, its trees (kept only while the editor has it open) and its
 * facts. LSP changes are applied with `tree.edit` and an incremental reparse, of the statements
 * around the edit alone when that is sure to read the same (document-trees.ts). While a syntax
 * error ruins more than the text changed, readers see the last error-free facts (contained-facts.ts).
 *
 * Offsets: web-tree-sitter's startIndex/endIndex for a JS string are UTF-16 code-unit offsets,
 * and its points count rows at `\n` only, with UTF-16 columns. LSP lines also break at `\r` and
 * `\r\n`, so LSP positions are turned into offsets first, and tree points are computed from them.
 *
 * Call (and await) initPython() before creating documents.
 */
import { Edit, type Parser, type Point, type Tree } from 'web-tree-sitter';
import type { Range } from '../model';
import { ContainedFacts } from './contained-facts';
import { DocumentTrees, type WindowPlan } from './document-trees';
import { emptyFacts } from './extract';
import { ChunkedFactsExtractor } from './extract-chunks';
import type { PyFacts } from './facts';
import { newPythonParser } from './parser';
import { LineIndex, LogicalLines, textForParser, type LineEdit } from './source-text';

let documentParser: Parser | undefined;

function parser(): Parser {
  documentParser ??= newPythonParser();
  return documentParser;
}

/**
 * The tree-sitter point of an offset in the parser's text (textForParser): rows at `\n` and at a
 * lone `\r`, which are LSP's lines (`\r\n` is one break for both), so the point is the offset's LSP position.
 */
function treePoint(lines: LineIndex, offset: number): Point {
  const { line, character } = lines.position(offset);
  return { row: line, column: character };
}

/** The point after `inserted`, written at `start` (whose point is `startPoint`) in `newText`. */
function pointAfterInsert(newText: string, start: number, startPoint: Point, inserted: string): Point {
  if (inserted.includes('\r')) return treePointByScan(newText, start + inserted.length); // may join a `\r\n`: count in the text
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak === -1) return { row: startPoint.row, column: startPoint.column + inserted.length };
  let breaks = 0;
  for (let at = inserted.indexOf('\n'); at !== -1; at = inserted.indexOf('\n', at + 1)) breaks++;
  return { row: startPoint.row + breaks, column: inserted.length - lastBreak - 1 };
}

/** treePoint counted in the text itself. */
function treePointByScan(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  if (!text.includes('\r')) {
    for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
      row++;
      lineStart = at + 1;
    }
    return { row, column: offset - lineStart };
  }
  for (let i = 0; i < offset; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) {
      row++;
      lineStart = i + 1;
    }
  }
  return { row, column: offset - lineStart };
}

export interface PythonDocumentOptions {
  /**
   * Texts longer than this (UTF-8 bytes) are not parsed: their facts are an empty module. Parsing a
   * 10 MB generated file in the editor costs seconds and over a gigabyte of memory on every edit.
   */
  maxBytes?: number;
}

export class PythonDocument {
  private currentText: string;
  private trees: DocumentTrees | null;
  private cachedParsedFacts: PyFacts | undefined;
  private cachedFacts: PyFacts | undefined;
  /** Line starts of currentText: made for its extraction, used again by the next edit. */
  private lines: LineIndex | undefined;
  /** Logical lines of the text last extracted, and how the text changed since (undefined: it did not). */
  private logicalLines: LogicalLines | undefined;
  private lineEdit: LineEdit | 'unknown' | undefined;
  /** Re-extracts only the top-level statements an edit changed. */
  private readonly extractor = new ChunkedFactsExtractor();
  /** What readers see while the text has a syntax error that ruins more than the changed text. */
  private readonly contained = new ContainedFacts();
  private readonly maxBytes: number;
  /** UTF-8 size of the text when it is over the limit (and so not parsed), else undefined. */
  private oversizeBytes: number | undefined;
  /** False when the text surely has no `\r` (none at open, none typed since). */
  private mayHaveCarriageReturn: boolean;

  constructor(text: string, options: PythonDocumentOptions = {}) {
    this.maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.currentText = text;
    this.mayHaveCarriageReturn = text.includes('\r');
    this.oversizeBytes = this.measureOversize(text);
    this.trees = this.oversizeBytes === undefined ? this.parse(text) : null;
  }

  /** The text's UTF-8 size when it is too large to analyse, else undefined. */
  get tooLargeBytes(): number | undefined {
    return this.oversizeBytes;
  }

  get text(): string {
    return this.currentText;
  }

  private currentLines(): LineIndex {
    this.lines ??= new LineIndex(this.currentText);
    return this.lines;
  }

  /** Facts of the current text as it parses, syntax errors and all: extracted on first use after a change (several edits, one extraction). */
  get parsedFacts(): PyFacts {
    this.cachedParsedFacts ??= this.trees ? this.extractor.extract(this.trees, this.currentText, this.currentLines(), this.currentLogicalLines()) : emptyFacts(this.currentText);
    return this.cachedParsedFacts;
  }

  /**
   * The facts readers see: `parsedFacts`, except while a syntax error ruins more than the text
   * changed since the last error-free text: then that text's facts, moved through the changes (contained-facts.ts).
   */
  get facts(): PyFacts {
    this.cachedFacts ??= this.contained.choose(this.parsedFacts);
    return this.cachedFacts;
  }

  /** Logical lines of the current text: after one edit, rescanned from the edit on only. */
  private currentLogicalLines(): LogicalLines {
    const lines = this.currentLines();
    const previous = this.logicalLines;
    const edit = this.lineEdit;
    if (!previous || edit === 'unknown') this.logicalLines = new LogicalLines(lines);
    else if (edit) this.logicalLines = new LogicalLines(lines, { previous, edit });
    this.lineEdit = undefined;
    return this.logicalLines!;
  }

  /**
   * Records where a change moved lines, for currentLogicalLines: one change since the last logical
   * lines, in a text without `\r` (where line counts follow `\n` alone); anything else is 'unknown'.
   */
  private noteLineEdit(lines: LineIndex, start: number, oldEnd: number, inserted: string): void {
    if (this.lineEdit !== undefined || this.mayHaveCarriageReturn) {
      this.lineEdit = 'unknown';
      return;
    }
    const startLine = lines.lineOf(start);
    let newEndLine = startLine;
    for (let at = inserted.indexOf('\n'); at !== -1; at = inserted.indexOf('\n', at + 1)) newEndLine++;
    this.lineEdit = { startLine, oldEndLine: lines.lineOf(oldEnd), newEndLine };
  }

  /** Applies LSP content changes in order; a change without a range replaces the whole text. */
  update(changes: { range?: Range; text: string }[]): void {
    let text = this.currentText;
    const trees = this.trees;
    let incremental = trees !== null;
    /** Where the change is reparsed alone, when it is one change that can be (see document-trees.ts). */
    let window: WindowPlan | undefined;
    for (const change of changes) {
      this.contained.noteChange(change);
      this.mayHaveCarriageReturn ||= change.text.includes('\r');
      if (!change.range) {
        text = change.text;
        this.mayHaveCarriageReturn = text.includes('\r');
        incremental = false;
        this.lineEdit = 'unknown';
        continue;
      }
      const lines = text === this.currentText ? this.currentLines() : new LineIndex(text);
      let start = lines.offsetAt(change.range.start);
      let oldEnd = lines.offsetAt(change.range.end);
      if (oldEnd < start) [start, oldEnd] = [oldEnd, start];
      this.noteLineEdit(lines, start, oldEnd, change.text);
      // A `\r` just before the edit may join or leave a `\r\n` and so change how textForParser shows
      // it, outside the edited range: parse from scratch then rather than trust the old tree.
      if (start > 0 && text.charCodeAt(start - 1) === 13) incremental = false;
      const newText = text.slice(0, start) + change.text + text.slice(oldEnd);
      if (incremental && trees) {
        if (changes.length === 1 && !this.mayHaveCarriageReturn) window = trees.windowFor(start, oldEnd, change.text);
        trees.edit(
          new Edit({
            startIndex: start,
            oldEndIndex: oldEnd,
            newEndIndex: start + change.text.length,
            startPosition: treePoint(lines, start),
            oldEndPosition: treePoint(lines, oldEnd),
            newEndPosition: pointAfterInsert(newText, start, treePoint(lines, start), change.text),
          }),
        );
      }
      text = newText;
    }
    this.oversizeBytes = this.measureOversize(text);
    this.currentText = text;
    this.lines = undefined;
    this.cachedParsedFacts = undefined;
    this.cachedFacts = undefined;
    if (this.oversizeBytes !== undefined || !trees || !incremental) {
      trees?.dispose();
      this.trees = this.oversizeBytes === undefined ? this.parse(text) : null;
    } else if (!(window && trees.reparseWindow(text, this.currentLines(), window)) && !this.reparseWhole(trees, text)) {
      trees.dispose();
      this.trees = null; // facts fall back to an empty module; the next edit tries again
    }
  }

  dispose(): void {
    this.trees?.dispose();
    this.trees = null;
    this.cachedParsedFacts = undefined;
    this.cachedFacts = undefined;
    this.extractor.clear();
  }

  private measureOversize(text: string): number | undefined {
    // A UTF-8 byte is at most one UTF-16 unit, and a unit at most 3 bytes: skip the count when it cannot matter.
    if (text.length * 3 <= this.maxBytes) return undefined;
    const bytes = Buffer.byteLength(text, 'utf8');
    return bytes > this.maxBytes ? bytes : undefined;
  }

  /**
   * One syntax tree of the current text (null when too large or unparsable), parsed whole if the
   * document had been reparsed in windows. Owned by the document: do not delete it.
   */
  get syntaxTree(): Tree | null {
    return this.trees?.wholeTree() ?? null;
  }

  /** Windows the document's edits are reparsed in now (document-trees.ts; for tests). */
  get windowCount(): number {
    return this.trees?.windowCount ?? 0;
  }

  /** A file without `\r` is its own parser text: no need to look for one in the whole text at every edit. */
  private parserText(text: string): string {
    return this.mayHaveCarriageReturn ? textForParser(text) : text;
  }

  private parse(text: string): DocumentTrees | null {
    try {
      return DocumentTrees.parse(parser(), this.parserText(text));
    } catch {
      return null; // facts fall back to an empty module; the next edit tries again
    }
  }

  private reparseWhole(trees: DocumentTrees, text: string): boolean {
    return trees.reparseWhole(this.parserText(text), true);
  }
}
