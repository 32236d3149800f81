/**
 * Calls, assignments and parameter lists read from the source text instead of the tree, when
 * they are written simply. Each step down the tree from JavaScript costs a call into WASM and a new Node object;
 * most calls (`f()`, `self.get(key, None)`, `open(path, "rb", buffering=0)`, `g(h(x))`) and
 * assignments (`x = None`, `self.pool = make()`) are one line whose tokens a few character tests
 * tell apart, and that gives exactly what the tree would.
 *
 * Only for trees without errors: the reading relies on the text being valid Python as
 * tree-sitter-python parsed it (brackets balanced, a call ending with the `)` of its arguments).
 * Anything it does not know (a line break, a comment, an f-string, a triple quote, non-ASCII
 * text...) makes it decline, and the caller asks the tree.
 */
import type { PyKeywordArg, PyValue } from './facts';
import { callValue, plainStringValue, simpleValueOf } from './extract-values';
import type { LineIndex } from './source-text';

/** What simpleCallShape needs from its caller. */
export interface SimpleCallContext {
  readonly text: string;
  readonly lines: LineIndex;
  /** The call node spanning exactly [start, end), when the caller can tell (else undefined). */
  callNodeAt(start: number, end: number): SimpleCallNode | undefined;
}

/** A call node an argument is (opaque here: the caller links the value to it). */
export type SimpleCallNode = object;

/** A call read from its text (see simpleCallShape). */
export interface SimpleCallShape {
  /** End of the callee: the last character before the `(` of the arguments, blanks skipped. */
  calleeEnd: number;
  /** Offset of the `(` that opens the arguments. */
  argumentsStart: number;
  args: PyValue[];
  kwargs: PyKeywordArg[];
  /** Argument values that are calls, in source order, with their call nodes: for linkCall. */
  calls: { value: PyValue; node: SimpleCallNode }[];
}

/** Longer calls are left to the tree (see simpleCallShape). */
const MAX_SIMPLE_CALL_LENGTH = 1000;

/** String prefixes (Python 3, no f/t: those interpolate) a simple argument may have. */
const PLAIN_STRING_PREFIXES = new Set(['', 'r', 'R', 'b', 'B', 'u', 'U', 'rb', 'rB', 'Rb', 'RB', 'br', 'bR', 'Br', 'BR']);

/**
 * The shape of the call node spanning [start, end), written on one line, whose arguments are each
 * a simple value (see simpleValueOf), a one-line plain string, a call (callNodeAt), or `name=` one
 * of these. Undefined for any other call. The callee can be anything on that line.
 */
export function simpleCallShape(context: SimpleCallContext, start: number, end: number): SimpleCallShape | undefined {
  // Each call reads its whole text, its arguments' calls theirs again: bounded, so that deeply
  // nested calls on one long line cannot make this quadratic.
  if (end - start > MAX_SIMPLE_CALL_LENGTH) return undefined;
  const text = context.text;
  const close = end - 1;
  if (text.charCodeAt(close) !== 41) return undefined;
  const open = argumentsOpen(text, start, close);
  if (open === undefined) return undefined;
  let calleeLast = open - 1;
  while (calleeLast > start && isInlineBlank(text.charCodeAt(calleeLast))) calleeLast--;
  const shape: SimpleCallShape = { calleeEnd: calleeLast + 1, argumentsStart: open, args: [], kwargs: [], calls: [] };
  let pieceStart = open + 1;
  let pieces = 0;
  for (let at = open + 1; at <= close; at++) {
    const code = at === close ? 44 : text.charCodeAt(at);
    if (code === 34 || code === 39) {
      at = stringEnd(text, at, close);
      if (at < 0) return undefined;
      continue;
    }
    if (code === 40 || code === 91 || code === 123) {
      at = bracketEnd(text, at, close);
      if (at < 0) return undefined;
      continue;
    }
    if (code !== 44) continue;
    const first = skipInlineBlanks(text, pieceStart);
    let last = at;
    while (last > first && isInlineBlank(text.charCodeAt(last - 1))) last--;
    pieceStart = at + 1;
    if (first === last) {
      // Nothing between commas: fine only as `f()`, or after a trailing comma: `f(a,)`.
      if (at === close && (pieces > 0 || text.charCodeAt(at - 1) !== 44)) break;
      return undefined;
    }
    pieces++;
    if (!readArgument(context, shape, first, last)) return undefined;
  }
  return shape;
}

/** Adds the argument spanning [start, end) to the shape; false when it is not simple. */
function readArgument(context: SimpleCallContext, shape: SimpleCallShape, start: number, end: number): boolean {
  const text = context.text;
  // `name=value` (not `==`): the range is the whole argument, the value what follows `=`.
  const nameEnd = skipAsciiWord(text, start);
  const equals = skipInlineBlanks(text, nameEnd);
  if (nameEnd > start && text.charCodeAt(equals) === 61 && text.charCodeAt(equals + 1) !== 61) {
    const first = text.charCodeAt(start);
    if (first >= 48 && first <= 57) return false;
    const value = argumentValue(context, shape, skipInlineBlanks(text, equals + 1), end);
    if (!value) return false;
    shape.kwargs.push({ name: text.slice(start, nameEnd), value, range: context.lines.range(start, end) });
    return true;
  }
  const value = argumentValue(context, shape, start, end);
  if (!value) return false;
  shape.args.push(value);
  return true;
}

/** The value of the expression spanning [start, end) if it is simple (see simpleCallShape). */
function argumentValue(context: SimpleCallContext, shape: SimpleCallShape, start: number, end: number): PyValue | undefined {
  const simple = simpleArgumentAt(context.text, context.lines, start, end);
  if (simple && simple.end === end) return simple.value;
  const node = context.callNodeAt(start, end);
  if (!node) return undefined;
  const value = callValue(context, start, end);
  shape.calls.push({ value, node });
  return value;
}

/**
 * The simple value (see simpleValueOf) or one-line plain string starting at `start`, and where it
 * ends; undefined for anything else. A string must end before `close`.
 */
export function simpleArgumentAt(text: string, lines: LineIndex, start: number, close: number): { value: PyValue; end: number } | undefined {
  const at = skipWordOrDot(text, start);
  const quote = text.charCodeAt(at);
  if (quote === 34 || quote === 39) {
    if (!PLAIN_STRING_PREFIXES.has(text.slice(start, at))) return undefined;
    const last = stringEnd(text, at, close);
    if (last < 0) return undefined;
    const end = last + 1;
    if (end - start >= 200) return undefined;
    const token = text.slice(start, end);
    return { value: plainStringValue(token, token, lines.range(start, end)), end };
  }
  if (at === start || at - start >= 200) return undefined;
  const value = simpleValueOf(text.slice(start, at), lines.range(start, at));
  return value ? { value, end: at } : undefined;
}

/**
 * The `(` whose `)` is at `close`, scanning the call's text from `start`; undefined when the text
 * is not one line of plain tokens, or its brackets do not pair up that way.
 */
function argumentsOpen(text: string, start: number, close: number): number | undefined {
  let open: number | undefined;
  for (let at = start; at < close; at++) {
    const code = text.charCodeAt(at);
    if (code === 34 || code === 39) {
      at = stringEnd(text, at, close);
      if (at < 0) return undefined;
    } else if (code === 40 || code === 91 || code === 123) {
      const closing = bracketEnd(text, at, close + 1);
      if (closing < 0) return undefined;
      if (closing === close) open = code === 40 ? at : undefined;
      at = closing;
    } else if (!isPlainCodeChar(code)) return undefined;
  }
  return open;
}

/** The offset of the bracket closing the one at `at`, before `limit`; -1 when there is none (or a string is not plain). */
function bracketEnd(text: string, at: number, limit: number): number {
  let depth = 0;
  for (; at < limit; at++) {
    const code = text.charCodeAt(at);
    if (code === 34 || code === 39) {
      at = stringEnd(text, at, limit);
      if (at < 0) return -1;
    } else if (code === 40 || code === 91 || code === 123) depth++;
    else if (code === 41 || code === 93 || code === 125) {
      if (--depth === 0) return at;
    } else if (!isPlainCodeChar(code)) return -1;
  }
  return -1;
}

/**
 * The offset of the quote closing the one-line, not triple-quoted, not interpolated string whose
 * opening quote is at `at`; -1 when it does not close before `limit` or is not of that kind.
 */
function stringEnd(text: string, at: number, limit: number): number {
  const quote = text.charCodeAt(at);
  // The prefix: an f or t (in any word before a quote) makes it an f-string, whose braces may hold quotes.
  for (let prefix = at - 1; prefix >= 0 && isAsciiLetter(text.charCodeAt(prefix)); prefix--) {
    const code = text.charCodeAt(prefix) | 32;
    if (code === 102 || code === 116) return -1;
  }
  if (text.charCodeAt(at + 1) === quote && text.charCodeAt(at + 2) === quote) return -1;
  for (at++; at < limit; at++) {
    const code = text.charCodeAt(at);
    if (code === quote) return at;
    if (code === 10 || code === 13) return -1;
    // A backslash escapes the next character (also in raw strings, as far as the end goes).
    if (code === 92) {
      const next = text.charCodeAt(at + 1);
      if (next === 10 || next === 13) return -1;
      at++;
    }
  }
  return -1;
}

/**
 * The source of each parameter (trimmed) of the parameter list whose `(` is at `open`, when the
 * list is plain text: ASCII, no comment, no line continuation, strings one-line and plain (line
 * breaks between brackets are fine), no lambda. Undefined otherwise.
 */
export function parameterSources(text: string, open: number): string[] | undefined {
  const sources: string[] = [];
  let depth = 0;
  let pieceStart = open + 1;
  for (let at = open; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 34 || code === 39) {
      at = stringEnd(text, at, text.length);
      if (at < 0) return undefined;
    } else if (code === 40 || code === 91 || code === 123) depth++;
    else if (code === 41 || code === 93 || code === 125) {
      if (--depth === 0) {
        addTrimmed(text, pieceStart, at, sources);
        // A lambda default has commas of its own between its parameters, outside any bracket.
        return text.slice(open, at).includes('lambda') ? undefined : sources;
      }
    } else if (code === 44) {
      if (depth === 1) {
        addTrimmed(text, pieceStart, at, sources);
        pieceStart = at + 1;
      }
    } else if (!isPlainCodeChar(code) && code !== 10 && code !== 13) return undefined;
  }
  return undefined;
}

/** Adds text[start, end) without its leading and trailing whitespace to `sources`, unless that leaves nothing. */
function addTrimmed(text: string, start: number, end: number, sources: string[]): void {
  while (start < end && isWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
  if (end > start) sources.push(text.slice(start, end));
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12;
}

/** Printable ASCII other than `#` (a comment) and `\` (a line continuation), and blanks. */
function isPlainCodeChar(code: number): boolean {
  return (code >= 32 && code <= 126 && code !== 35 && code !== 92) || code === 9 || code === 12;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

function isInlineBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 12;
}

export function skipInlineBlanks(text: string, at: number): number {
  while (isInlineBlank(text.charCodeAt(at))) at++;
  return at;
}

function skipAsciiWord(text: string, at: number): number {
  for (;;) {
    const code = text.charCodeAt(at);
    if (!(isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 95)) return at;
    at++;
  }
}

/** The end of the run of ASCII letters, digits, `_` and `.` (what simple names and integers are written with) from `at`. */
export function skipWordOrDot(text: string, at: number): number {
  for (;;) {
    const code = text.charCodeAt(at);
    if (!(isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 95 || code === 46)) return at;
    at++;
  }
}
