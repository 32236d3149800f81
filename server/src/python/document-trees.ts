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
 * So such an edit is reparsed in a window: the top-level statements around it, parsed alone
 * (tree-sitter's included ranges: the window's nodes keep their positions in the whole text),
 * when it leaves valid Python (at column 0 inside a class, it does not: the methods after it are
 * indented past the top level, and the text is parsed whole). An
 * edit inside a line's code goes to a window too once there is one, else to tree-sitter's own
 * incremental reparse, cheap for it.
 * Valid Python splits exactly between top-level statements that start at column 0: each reads the
 * same alone as in its file. The document then has several trees, each good for a stretch of the
 * text: the windows, and the base tree (parsed whole) for the rest. A window is kept only when
 * that reading surely holds:
 * - the base tree and the window's tree have no ERROR or MISSING node (error recovery looks past
 *   statements: an unclosed bracket or string in a window is an error in it, and falls back), and
 *   the window's tree no top-level statement indented past column 0 (an "unexpected indent"
 *   tree-sitter reads without error, differently alone than in its file);
 * - the window starts at a statement at column 0 (after blank lines and comments at column 0
 *   only: an indented comment after a block belongs to it) and ends before one (or at the end),
 *   and its last line does not end with a backslash;
 * - the text has no `\r` (the parser's text is then the text itself), and the change is one edit
 *   within one stretch.
 * Otherwise the text is parsed whole, incrementally from the base tree, and the windows are
 * dropped, which is also what happens past MAX_WINDOWS windows.
 *
 * The base tree itself is never edited: a copy is edited to the current text by each window's net
 * change (`working`), made anew after each change. So where typing was undone (`x` typed at column
 * 0, then deleted) the base tree is as good as new, and that window is dropped; and a whole reparse
 * reparses only what really changed, not every stretch where keystrokes once were.
 *
 * A tree's nodes keep the positions of the current text, but their `text` is of the text the tree
 * was parsed from: extraction reads the text by offsets, never by `node.text`.
 */
import { Edit, type Node, type Parser, type Point, type Range as TreeRange, type Tree } from 'web-tree-sitter';
import { isUnexpectedIndent } from './extract';
import { LineIndex } from './source-text';

/** A stretch of the text [from, to) and the tree its top-level statements are read from. */
export interface Stretch {
  tree: Tree;
  from: number;
  to: number;
}

/** A window: its stretch of the current text, and the stretch of the base text it replaces. */
interface Window extends Stretch {
  baseFrom: number;
  baseTo: number;
}

/** Where an edit is reparsed alone: a stretch of the text before the edit, and the window it replaces. */
export interface WindowPlan {
  from: number;
  to: number;
  /** How much longer the edit makes the stretch. */
  delta: number;
  /** The stretch [from, to) in the base text (for a new window). */
  baseFrom: number;
  replaces?: Window;
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
  /** Windows in text order, disjoint; each tree has no error, and each text differs from the base text's there. */
  private windows: Window[] = [];
  /** The text the windows and `working` are of (the document's, once a change is applied). */
  private text: string;
  private lines: LineIndex | undefined;
  private baseLines: LineIndex | undefined;
  /**
   * The base tree edited to the current text: by each window's net change from the base text
   * (nothing where typing was undone), then by the edits of a change being applied. Made anew
   * after each change, so a whole reparse only ever reparses what differs from the base text.
   */
  private working: Tree | undefined;
  /** Its top-level nodes, asked for once between two edits (each is a call into WASM). */
  private workingChildren: Node[] | undefined;
  /** While the base tree has a syntax error, the error-free base tree before it and its text (never edited either). */
  private previousBase: { tree: Tree; text: string } | undefined;
  /** The base tree has no syntax error (an ERROR or MISSING node, an unexpected indent): windows may be made over it. */
  private baseReadsAlone: boolean;

  private constructor(
    private readonly parser: Parser,
    /** The tree of `baseText`, parsed whole and never edited. */
    private base: Tree,
    private baseText: string,
  ) {
    this.text = baseText;
    this.baseReadsAlone = readsAsAlone(base, baseText);
  }

  /** The trees of `text` parsed whole; null when the parser gives no tree. */
  static parse(parser: Parser, text: string): DocumentTrees | null {
    const tree = parser.parse(text);
    return tree ? new DocumentTrees(parser, tree, text) : null;
  }

  /** Number of windows (for tests). */
  get windowCount(): number {
    return this.windows.length;
  }

  /** True when there are no windows: the base tree is the whole text's. */
  get isWhole(): boolean {
    return this.windows.length === 0;
  }

  /**
   * Where a change of [start, oldEnd) of the current text, to `inserted`, would be reparsed
   * alone, or undefined when it cannot be (see the file comment) or need not be: with no window
   * yet, an edit inside a line's code is left to tree-sitter's incremental reparse, cheap for it,
   * where a window would often be parsed in vain (most keystrokes mid-line make a syntax error for
   * a moment). Call before `edit`.
   */
  windowFor(start: number, oldEnd: number, inserted: string): WindowPlan | undefined {
    const text = this.text;
    if (!this.baseReadsAlone) return undefined;
    if (this.windows.length === 0 && !mayMoveIndentation(text, start, oldEnd, inserted)) return undefined;
    const delta = inserted.length - (oldEnd - start);
    let regionFrom = 0;
    let regionTo = text.length;
    /** How much longer the windows before the edit made the text than the base text. */
    let shift = 0;
    for (const window of this.windows) {
      if (window.to <= start) {
        regionFrom = window.to;
        shift += window.to - window.from - (window.baseTo - window.baseFrom);
        continue;
      }
      if (window.from <= start) return oldEnd <= window.to ? { from: window.from, to: window.to, delta, baseFrom: window.baseFrom, replaces: window } : undefined;
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
    return { from, to, delta, baseFrom: from - shift };
  }

  /**
   * Applies an edit of the current text to the trees: positions after it move, nodes it touches
   * are marked changed. The windows after it move, and the end of the one it is in. An edit
   * starting where a window starts is in that window, one starting where a window ends is not
   * (see windowFor). Then call reparseWindow or reparseWhole.
   */
  edit(edit: Edit): void {
    this.workingTree().edit(edit);
    this.workingChildren = undefined;
    const delta = edit.newEndIndex - edit.oldEndIndex;
    for (const window of this.windows) {
      window.tree.edit(edit);
      if (window.from > edit.startIndex) window.from += delta;
      if (window.to > edit.startIndex) window.to += delta;
    }
  }

  /**
   * Parses the window `plan` (found by windowFor, before the edit) of `text`, the text after the
   * edit. False when the window's reading may differ from the whole file's: then call reparseWhole.
   */
  reparseWindow(text: string, lines: LineIndex, plan: WindowPlan): boolean {
    const from = plan.from;
    const to = plan.to + plan.delta;
    if (to < from || !startsWithCodeAtColumnZero(text, from, to) || endsWithBackslash(text, to)) return false;
    const range: TreeRange = { startIndex: from, endIndex: to, startPosition: pointOf(lines, from), endPosition: pointOf(lines, to) };
    let tree: Tree | null;
    try {
      tree = this.parser.parse(text, plan.replaces?.tree ?? this.workingTree(), { includedRanges: [range] });
    } catch {
      return false;
    }
    if (!tree) return false;
    if (tree.rootNode.type !== 'module' || !readsAsAlone(tree, text)) {
      tree.delete();
      return false;
    }
    const window = plan.replaces ?? { tree, from, to, baseFrom: plan.baseFrom, baseTo: plan.baseFrom + plan.to - plan.from };
    if (plan.replaces) {
      plan.replaces.tree.delete();
      Object.assign(plan.replaces, { tree, from, to });
    } else {
      const at = this.windows.findIndex((other) => other.from >= to);
      this.windows.splice(at === -1 ? this.windows.length : at, 0, window);
    }
    this.setText(text, lines);
    // Typing undone: the base tree reads this stretch already.
    if (window.to - window.from === window.baseTo - window.baseFrom && text.startsWith(this.baseText.slice(window.baseFrom, window.baseTo), window.from)) {
      window.tree.delete();
      this.windows.splice(this.windows.indexOf(window), 1);
    }
    return true;
  }

  /** Parses `text` whole, incrementally from the base tree edited to it; the windows go. */
  reparseWhole(text: string, incremental: boolean): boolean {
    let tree: Tree | null;
    // An edit that made a syntax error undone (`x` typed at column 0 in a class, then removed):
    // the base tree before it reads this text already, where a reparse would read the rest of the file again.
    const undone = this.previousBase?.text === text ? this.previousBase.tree : undefined;
    try {
      tree = undone ?? this.parser.parse(text, incremental ? this.workingTree() : null);
    } catch {
      tree = null;
    }
    if (!tree) return false;
    for (const window of this.windows) window.tree.delete();
    this.windows = [];
    const readsAlone = undone !== undefined || readsAsAlone(tree, text);
    // The last error-free base is kept only while the text has a syntax error: a second tree costs
    // memory, and (measured) time in the reparses of ordinary edits.
    if (readsAlone) {
      if (!undone) this.previousBase?.tree.delete();
      this.previousBase = undefined;
      this.base.delete();
    } else if (this.previousBase === undefined && this.baseReadsAlone) {
      this.previousBase = { tree: this.base, text: this.baseText };
    } else {
      this.base.delete();
    }
    this.base = tree;
    this.baseText = text;
    this.baseReadsAlone = readsAlone;
    this.baseLines = undefined;
    this.setText(text, undefined);
    return true;
  }

  /**
   * The stretches covering the text in order, each with its tree: the windows, and the base tree
   * (edited to the current text) between them.
   */
  stretches(): Stretch[] {
    const length = this.text.length;
    if (this.windows.length === 0) return [{ tree: this.base, from: 0, to: length }];
    const base = this.workingTree();
    const stretches: Stretch[] = [];
    let at = 0;
    for (const window of this.windows) {
      if (window.from > at) stretches.push({ tree: base, from: at, to: window.from });
      stretches.push(window);
      at = window.to;
    }
    if (at < length) stretches.push({ tree: base, from: at, to: length });
    return stretches;
  }

  /** The top-level statements and comments of a stretch, in order. */
  statementsOf(stretch: Stretch): Node[] {
    if (this.windows.length === 0 || this.windows.includes(stretch as Window)) return stretch.tree.rootNode.namedChildren as Node[];
    return this.baseStatements(stretch.from, stretch.to, true);
  }

  /**
   * One tree of the whole text: the base tree, after parsing the text whole when there are
   * windows (from scratch if the incremental parse gives no tree).
   */
  wholeTree(): Tree {
    if (this.windows.length > 0 && !this.reparseWhole(this.text, true)) this.reparseWhole(this.text, false);
    return this.base;
  }

  dispose(): void {
    for (const window of this.windows) window.tree.delete();
    this.windows = [];
    this.working?.delete();
    this.working = undefined;
    this.previousBase?.tree.delete();
    this.previousBase = undefined;
    this.base.delete();
  }

  private setText(text: string, lines: LineIndex | undefined): void {
    this.text = text;
    this.lines = lines;
    this.working?.delete();
    this.working = undefined;
    this.workingChildren = undefined;
  }

  /** The base tree edited to the current text (see `working`). */
  private workingTree(): Tree {
    if (this.working) return this.working;
    const working = this.base.copy();
    if (this.windows.length > 0) {
      this.lines ??= new LineIndex(this.text);
      this.baseLines ??= new LineIndex(this.baseText);
      for (const window of this.windows) {
        const edit = netEdit(window, this.text, this.lines, this.baseText, this.baseLines);
        if (edit) working.edit(edit);
      }
    }
    this.working = working;
    return working;
  }

  /**
   * The base tree's top-level nodes starting in [from, to) of the current text, comments included
   * or not. Nodes the base tree has inside windows are stale: a net change there squeezes those it
   * removes to nothing at its end, which is inside the window as long as the window ends in a line
   * break; at the end of a text without one it is the window's end, so empty nodes are left out (no
   * statement is empty).
   */
  private baseStatements(from: number, to: number, withComments: boolean): Node[] {
    const statements: Node[] = [];
    this.workingChildren ??= this.workingTree().rootNode.namedChildren as Node[];
    for (const node of this.workingChildren) {
      const start = node.startIndex;
      if (start < from || node.endIndex === start) continue;
      if (start >= to) break;
      if (withComments || node.type !== 'comment') statements.push(node);
    }
    return statements;
  }
}

/**
 * The edit from the base text's stretch of a window to the window's text, trimmed to what differs,
 * in the coordinates of a tree already edited for the windows before it; undefined when equal.
 */
function netEdit(window: Window, text: string, lines: LineIndex, baseText: string, baseLines: LineIndex): Edit | undefined {
  const newLength = window.to - window.from;
  const oldLength = window.baseTo - window.baseFrom;
  let prefix = 0;
  const most = Math.min(newLength, oldLength);
  while (prefix < most && text.charCodeAt(window.from + prefix) === baseText.charCodeAt(window.baseFrom + prefix)) prefix++;
  if (prefix === newLength && prefix === oldLength) return undefined;
  let suffix = 0;
  while (suffix < most - prefix && text.charCodeAt(window.to - 1 - suffix) === baseText.charCodeAt(window.baseTo - 1 - suffix)) suffix++;
  // Lines before the window are those of the current text: the base text's lines of the window move by as many.
  const rowShift = lines.lineOf(window.from) - baseLines.lineOf(window.baseFrom);
  const oldEnd = baseLines.position(window.baseTo - suffix);
  return new Edit({
    startIndex: window.from + prefix,
    oldEndIndex: window.from + oldLength - suffix,
    newEndIndex: window.to - suffix,
    startPosition: pointOf(lines, window.from + prefix),
    oldEndPosition: { row: oldEnd.line + rowShift, column: oldEnd.character },
    newEndPosition: pointOf(lines, window.to - suffix),
  });
}

/** A tree of `text` without syntax errors: no ERROR or MISSING node, no top-level statement indented past column 0. */
function readsAsAlone(tree: Tree, text: string): boolean {
  return !tree.rootNode.hasError && !(tree.rootNode.namedChildren as Node[]).some((statement) => isUnexpectedIndent(statement, text));
}

function pointOf(lines: LineIndex, offset: number): Point {
  const { line, character } = lines.position(offset);
  return { row: line, column: character };
}

function isLineStart(text: string, offset: number): boolean {
  return offset === 0 || offset === text.length || text.charCodeAt(offset - 1) === NEWLINE;
}

/**
 * Whether an edit may change where the Python scanner sees indentation: it adds or removes a line
 * break, or it is in a line's leading whitespace (or in a blank line).
 */
function mayMoveIndentation(text: string, start: number, oldEnd: number, inserted: string): boolean {
  if (inserted.includes('\n') || inserted.includes('\r')) return true;
  for (let at = start; at < oldEnd; at++) {
    const code = text.charCodeAt(at);
    if (code === NEWLINE || code === CARRIAGE_RETURN) return true;
  }
  for (let at = start - 1; at >= 0; at--) {
    const code = text.charCodeAt(at);
    if (code === NEWLINE || code === CARRIAGE_RETURN) return true;
    if (code !== SPACE && code !== TAB && code !== FORM_FEED) return false;
  }
  return true;
}

/**
 * The first line of [from, to) that is neither blank nor a comment at column 0 starts with code at
 * column 0 (or there is none). An indented comment before it would not do: after a block, a whole
 * parse reads it as the end of that block, a statement before the window.
 */
function startsWithCodeAtColumnZero(text: string, from: number, to: number): boolean {
  let lineStart = from;
  while (lineStart < to) {
    let at = lineStart;
    while (at < to) {
      const code = text.charCodeAt(at);
      if (code !== SPACE && code !== TAB && code !== FORM_FEED) break;
      at++;
    }
    const code = text.charCodeAt(at);
    const blank = at >= to || code === NEWLINE || code === CARRIAGE_RETURN;
    if (!blank && at !== lineStart) return false;
    if (!blank && code !== HASH) return true;
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
