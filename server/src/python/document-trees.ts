/**
 * The syntax trees of an open document (document.ts), kept up to date edit by edit.
 *
 * tree-sitter reparses an edit incrementally, reusing the nodes the edit left alone. But an edit
 * where the Python scanner emits a dedent (a character typed on a blank line between two
 * definitions, or at column 0 inside a class) defeats that reuse: the scanner's state differs from
 * the old tree's from there on, and the whole rest of the file is parsed again (the mechanism
 * tree-sitter/tree-sitter-html#23 describes). In a 6,000-line file that is 15-30 ms, against 2-3 ms
 * for an edit inside a statement: one keystroke in five of the benchmark's.
 *
 * So an edit is first reparsed in a window: the top-level statements around it, parsed alone
 * (tree-sitter's included ranges: the window's nodes keep their positions in the whole text).
 * Valid Python splits exactly between top-level statements that start at column 0: each reads the
 * same alone as in its file. The document then has several trees, each good for a stretch of the
 * text: the windows, and the base tree (parsed whole, edited along, stale inside windows) for the
 * rest. A window is kept only when that reading surely holds:
 * - the base tree and the window's tree have no ERROR or MISSING node (error recovery looks past
 *   statements: an unclosed bracket or string in a window is an error in it, and falls back);
 * - the window starts at a statement at column 0 (after blank and comment lines) and ends before
 *   one (or at the end), and its last line does not end with a backslash;
 * - the text has no `\r` (the parser's text is then the text itself), and the change is one edit
 *   within one stretch.
 * Otherwise the base tree is reparsed whole, incrementally, and the windows are dropped, which is
 * also what happens past MAX_WINDOWS windows.
 *
 * A tree's nodes keep the positions of the current text, but their `text` is of the text the tree
 * was parsed from: extraction reads the text by offsets, never by `node.text`.
 */
import type { Edit, Node, Parser, Point, Range as TreeRange, Tree } from 'web-tree-sitter';
import type { LineIndex } from './source-text';

/** A stretch of the text [from, to) and the tree its top-level statements are read from. */
export interface Stretch {
  tree: Tree;
  from: number;
  to: number;
}

/** Where an edit is reparsed alone: a stretch of the text before the edit, and the window it replaces. */
export interface WindowPlan {
  from: number;
  to: number;
  replaces?: Stretch;
}

/** Windows kept at most; one more and the base tree is reparsed whole (the windows then go). */
export const MAX_WINDOWS = 16;

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const TAB = 9;
const FORM_FEED = 12;
const HASH = 35;
const BACKSLASH = 92;

export class DocumentTrees {
  /** Windows in text order, disjoint; each tree has no error. */
  private windows: Stretch[] = [];

  private constructor(
    private readonly parser: Parser,
    private base: Tree,
  ) {}

  /** The trees of `text` parsed whole; null when the parser gives no tree. */
  static parse(parser: Parser, text: string): DocumentTrees | null {
    const tree = parser.parse(text);
    return tree ? new DocumentTrees(parser, tree) : null;
  }

  /** Number of windows (for tests). */
  get windowCount(): number {
    return this.windows.length;
  }

  /**
   * Where a change of [start, oldEnd) of `text` (the text all trees are of) would be reparsed
   * alone, or undefined when it cannot be (see the file comment). Call before `edit`.
   */
  windowFor(text: string, start: number, oldEnd: number): WindowPlan | undefined {
    if (this.base.rootNode.hasError) return undefined;
    let regionFrom = 0;
    let regionTo = text.length;
    for (const window of this.windows) {
      if (window.to <= start) {
        regionFrom = window.to;
        continue;
      }
      if (window.from <= start) return oldEnd <= window.to ? { from: window.from, to: window.to, replaces: window } : undefined;
      regionTo = window.from;
      break;
    }
    if (oldEnd > regionTo || this.windows.length >= MAX_WINDOWS) return undefined;
    // The statements of the base tree's stretch around the edit: the window runs from the last one
    // starting at or before the edit to the first one starting after the statement its end is in.
    const statements = this.baseStatements(regionFrom, regionTo, false);
    let first = -1;
    let last = -1;
    for (let i = 0; i < statements.length; i++) {
      const statement = statements[i];
      if (statement.startIndex <= start) first = i;
      if (last === -1 && statement.endIndex >= oldEnd) last = i;
    }
    const from = first === -1 ? regionFrom : statements[first].startIndex;
    const to = last !== -1 && last + 1 < statements.length ? statements[last + 1].startIndex : regionTo;
    if (!isLineStart(text, from) || !isLineStart(text, to) || to < oldEnd) return undefined;
    return { from, to };
  }

  /**
   * Applies an edit to every tree (positions after it move; nodes it touches are marked changed),
   * and moves the windows: those after it, and the end of the one it is in. An edit starting where
   * a window starts is in that window, one starting where a window ends is not (see windowFor).
   */
  edit(edit: Edit): void {
    this.base.edit(edit);
    const delta = edit.newEndIndex - edit.oldEndIndex;
    for (const window of this.windows) {
      window.tree.edit(edit);
      if (window.from > edit.startIndex) window.from += delta;
      if (window.to > edit.startIndex) window.to += delta;
    }
  }

  /**
   * Parses the window `plan` (found by windowFor, then moved by the edit: its end by `delta`) of
   * `text`, the text after the edit. False when the window's reading may differ from the whole
   * file's: then call reparseWhole.
   */
  reparseWindow(text: string, lines: LineIndex, plan: WindowPlan, delta: number): boolean {
    const from = plan.from;
    const to = plan.to + delta;
    if (to < from || !codeStartsAtColumnZero(text, from, to) || endsWithBackslash(text, to)) return false;
    const range: TreeRange = { startIndex: from, endIndex: to, startPosition: pointOf(lines, from), endPosition: pointOf(lines, to) };
    let tree: Tree | null;
    try {
      tree = this.parser.parse(text, plan.replaces?.tree ?? this.base, { includedRanges: [range] });
    } catch {
      return false;
    }
    if (!tree) return false;
    if (tree.rootNode.hasError || tree.rootNode.type !== 'module') {
      tree.delete();
      return false;
    }
    if (plan.replaces) {
      plan.replaces.tree.delete();
      plan.replaces.tree = tree;
      plan.replaces.from = from;
      plan.replaces.to = to;
    } else {
      const window = { tree, from, to };
      const at = this.windows.findIndex((other) => other.from >= to);
      if (at === -1) this.windows.push(window);
      else this.windows.splice(at, 0, window);
    }
    return true;
  }

  /** Parses `text` whole, reusing the base tree (edited along); the windows go. */
  reparseWhole(text: string, incremental: boolean): boolean {
    let tree: Tree | null;
    try {
      tree = this.parser.parse(text, incremental ? this.base : null);
    } catch {
      tree = null;
    }
    if (!tree) return false;
    this.dropWindows();
    this.base.delete();
    this.base = tree;
    return true;
  }

  /**
   * The stretches covering the text (`length` long) in order, each with its tree: the windows and
   * the base tree between them.
   */
  stretches(length: number): Stretch[] {
    const stretches: Stretch[] = [];
    let at = 0;
    for (const window of this.windows) {
      if (window.from > at) stretches.push({ tree: this.base, from: at, to: window.from });
      stretches.push(window);
      at = window.to;
    }
    if (at < length || stretches.length === 0) stretches.push({ tree: this.base, from: at, to: length });
    return stretches;
  }

  /** The top-level statements and comments of a stretch, in order. */
  statementsOf(stretch: Stretch): Node[] {
    if (stretch.tree !== this.base) return stretch.tree.rootNode.namedChildren as Node[];
    if (this.windows.length === 0) return this.base.rootNode.namedChildren as Node[];
    return this.baseStatements(stretch.from, stretch.to, true);
  }

  /** One tree of the whole text: the base tree, after reparsing it whole when there are windows. */
  wholeTree(text: string): Tree {
    if (this.windows.length > 0) this.reparseWhole(text, true);
    return this.base;
  }

  /** True when there are no windows: the base tree is the whole text's. */
  get isWhole(): boolean {
    return this.windows.length === 0;
  }

  dispose(): void {
    this.dropWindows();
    this.base.delete();
  }

  private dropWindows(): void {
    for (const window of this.windows) window.tree.delete();
    this.windows = [];
  }

  /**
   * The base tree's top-level nodes starting in [from, to), comments included or not. Nodes the
   * base tree keeps inside windows are stale; an edit there can squeeze one to nothing at a
   * window's edge, so empty nodes are left out (no statement is empty).
   */
  private baseStatements(from: number, to: number, withComments: boolean): Node[] {
    const statements: Node[] = [];
    for (const node of this.base.rootNode.namedChildren as Node[]) {
      const start = node.startIndex;
      if (start < from || node.endIndex === start) continue;
      if (start >= to) break;
      if (withComments || node.type !== 'comment') statements.push(node);
    }
    return statements;
  }
}

function pointOf(lines: LineIndex, offset: number): Point {
  const { line, character } = lines.position(offset);
  return { row: line, column: character };
}

function isLineStart(text: string, offset: number): boolean {
  return offset === 0 || offset === text.length || text.charCodeAt(offset - 1) === NEWLINE;
}

/** The first line of [from, to) that is neither blank nor a comment starts at column 0 (or there is none). */
function codeStartsAtColumnZero(text: string, from: number, to: number): boolean {
  let lineStart = from;
  while (lineStart < to) {
    let at = lineStart;
    while (at < to) {
      const code = text.charCodeAt(at);
      if (code !== SPACE && code !== TAB && code !== FORM_FEED) break;
      at++;
    }
    const code = text.charCodeAt(at);
    if (at < to && code !== NEWLINE && code !== CARRIAGE_RETURN && code !== HASH) return at === lineStart;
    const lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) return true;
    lineStart = lineEnd + 1;
  }
  return true;
}

/** The line before `to` (a line start) ends with a backslash: a continuation into the next stretch. */
function endsWithBackslash(text: string, to: number): boolean {
  return to >= 2 && text.charCodeAt(to - 1) === NEWLINE && text.charCodeAt(to - 2) === BACKSLASH;
}
