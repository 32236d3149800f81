/**
 * Pure-JavaScript helpers over the source text: positions from string offsets, line endings,
 * statement indentation, Python string literals. No tree access here, so these are cheap.
 */
import type { Position, Range } from '../model';

/**
 * Maps UTF-16 offsets (what web-tree-sitter's startIndex/endIndex are for JS strings) to LSP
 * positions. Lines break at `\n`, `\r\n` and a lone `\r`, as LSP counts them.
 */
export class LineIndex {
  /** Offset where each line starts. */
  readonly lineStarts: number[];
  private lastLine = 0;

  constructor(readonly text: string) {
    const starts = [0];
    if (!text.includes('\r')) {
      // The usual case: indexOf finds line breaks much faster than a loop over every character.
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code === 10) starts.push(i + 1);
        else if (code === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  lineOf(offset: number): number {
    const starts = this.lineStarts;
    // Extraction asks for nearby offsets in a row: try the last line first.
    const last = this.lastLine;
    if (offset >= starts[last] && (last + 1 === starts.length || offset < starts[last + 1])) return last;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    this.lastLine = low;
    return low;
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, character: offset - this.lineStarts[line] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  /**
   * The offset of an LSP position (the inverse of position()); a position before the text means
   * its start, a line past the end its end, a character past the end of its line the line's end.
   */
  offsetAt(position: Position): number {
    const { lineStarts, text } = this;
    if (position.line < 0) return 0;
    if (position.line >= lineStarts.length) return text.length;
    const lineStart = lineStarts[position.line];
    let lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] : text.length;
    while (lineEnd > lineStart && (text.charCodeAt(lineEnd - 1) === 10 || text.charCodeAt(lineEnd - 1) === 13)) lineEnd--;
    return Math.min(lineStart + Math.max(0, position.character), lineEnd);
  }

  /** Leading whitespace of a line, exactly as written. */
  indentOf(line: number): string {
    const start = this.lineStarts[line];
    let end = start;
    const text = this.text;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code !== 32 && code !== 9 && code !== 12) break;
      end++;
    }
    return text.slice(start, end);
  }
}

/**
 * The text as the parser should see it. tree-sitter-python breaks lines at `\n` only, so a file
 * with classic-Mac `\r` endings (valid Python) would parse as one broken line. A lone `\r` becomes
 * `\n`: same length, so every offset, and every range computed from the original text, is unchanged.
 */
export function textForParser(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** The first line ending in the text; `\n` when there is none. */
export function detectEol(text: string): '\n' | '\r\n' | '\r' {
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  if (cr === -1) return '\n';
  if (lf === -1 || cr < lf) return text.charCodeAt(cr + 1) === 10 ? '\r\n' : '\r';
  return '\n';
}

/** `text` cut to at most `max` characters (values and block tests are capped at 200). */
export function cut(text: string, max = 200): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** The letters of a string prefix, in either case: r, b, u, f, t. */
function isStringPrefixLetter(code: number): boolean {
  const letter = code | 32;
  return letter === 114 || letter === 98 || letter === 117 || letter === 102 || letter === 116;
}

export interface StringLiteral {
  /** f-strings (and t-strings) are not literals: they interpolate. */
  interpolated: boolean;
  /** The decoded value; undefined when an escape is beyond the simple ones. */
  value?: string;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/** Decodes one Python string literal token (`'a'`, `r"x"`, `"""doc"""`, `f"{x}"`). */
export function parseStringLiteral(token: string): StringLiteral | undefined {
  // /^([rRbBuUfFtT]{0,2})('''|"""|'|")/ by hand (this runs for every string argument): up to two
  // prefix letters (backtracking into them cannot help: a letter is never a quote), then the quote.
  let prefixLength = 0;
  while (prefixLength < 2 && isStringPrefixLetter(token.charCodeAt(prefixLength))) prefixLength++;
  const quoteCode = token.charCodeAt(prefixLength);
  if (quoteCode !== 34 && quoteCode !== 39) return undefined;
  let interpolated = false;
  let raw = false;
  for (let i = 0; i < prefixLength; i++) {
    const letter = token.charCodeAt(i) | 32; // lower case
    if (letter === 102 || letter === 116) interpolated = true; // f, t
    else if (letter === 114) raw = true; // r
  }
  if (interpolated) return { interpolated: true };
  const isTriple = token.charCodeAt(prefixLength + 1) === quoteCode && token.charCodeAt(prefixLength + 2) === quoteCode;
  const quote = token.slice(prefixLength, prefixLength + (isTriple ? 3 : 1));
  const bodyStart = prefixLength + quote.length;
  const bodyEnd = token.endsWith(quote) && token.length >= bodyStart + quote.length ? token.length - quote.length : token.length;
  const body = token.slice(bodyStart, bodyEnd);
  if (raw || !body.includes('\\')) return { interpolated: false, value: body };
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = body[i + 1];
    const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
    if (simple === undefined) return { interpolated: false }; // \x, \u, \N{...}, octal: not needed for our literals
    value += simple;
    i++;
  }
  return { interpolated: false, value };
}

/** ASCII characters LogicalLines can skip outside strings: all but line breaks, quotes, `#`, brackets, `\\`. */
const PLAIN_CHARS = new Uint8Array(128).fill(1);
for (const char of '\n\r"\'#()[]{}\\') PLAIN_CHARS[char.charCodeAt(0)] = 0;

/** Where an edit changed the lines of a text (for the LogicalLines constructor, to rescan from it only). */
export interface LineEdit {
  /** The line where the edit starts (the same before and after it). */
  startLine: number;
  /** The line where the replaced text ended, before the edit. */
  oldEndLine: number;
  /** The line where the inserted text ends, after the edit. */
  newEndLine: number;
}

/**
 * Python logical lines: a statement can span several physical lines (open brackets, a trailing
 * backslash, a triple-quoted string). For each physical line, the first and last physical line of
 * the logical line it belongs to. A light tokenizer (strings, comments, brackets) is enough, and
 * it is much cheaper than asking the tree for every event's statement.
 */
export class LogicalLines {
  private readonly first: Int32Array;
  private readonly last: Int32Array;

  constructor(lines: LineIndex, reuse?: { previous: LogicalLines; edit: LineEdit }) {
    const count = lines.lineCount;
    this.first = new Int32Array(count);
    this.last = new Int32Array(count);
    if (!reuse) {
      this.scan(lines, 0, () => false);
      return;
    }
    // Lines before the logical line the edit starts in are as they were, and the scan can start
    // there (nothing is open at a logical line's start). It stops at the first logical line start
    // past the edit that was one before it too: from there on, the same text from the same state.
    const { previous, edit } = reuse;
    const delta = edit.newEndLine - edit.oldEndLine;
    const from = previous.startOf(edit.startLine);
    this.first.set(previous.first.subarray(0, from));
    this.last.set(previous.last.subarray(0, from));
    const stoppedAt = this.scan(lines, from, (line) => line > edit.newEndLine && line - delta < previous.first.length && previous.first[line - delta] === line - delta);
    for (let line = stoppedAt; line < count; line++) {
      this.first[line] = previous.first[line - delta] + delta;
      this.last[line] = previous.last[line - delta] + delta;
    }
  }

  /**
   * Fills first/last from line `fromLine` (a logical line start) on, until a logical line starts at
   * a line `stopAt` accepts, or the end. Returns the line it stopped at (the line count at the end).
   */
  private scan(lines: LineIndex, fromLine: number, stopAt: (line: number) => boolean): number {
    const { first, last } = this;
    const text = lines.text;
    const length = text.length;
    const count = lines.lineCount;
    let depth = 0;
    let quote = 0; // 0 outside strings, else the quote char code
    let triple = false;
    let line = fromLine;
    let logicalStart = fromLine;
    let continued = false; // backslash at the end of the physical line (only read at that line break)
    for (let i = lines.lineStarts[fromLine] ?? length; i < length; i++) {
      let code = text.charCodeAt(i);
      if (quote === 0) {
        // Most characters change nothing: skip them in a tight loop.
        while (code < 128 && PLAIN_CHARS[code] === 1 && ++i < length) code = text.charCodeAt(i);
        if (i === length) break;
      }
      if (code === 10 || code === 13) {
        if (code === 13 && text.charCodeAt(i + 1) === 10) i++;
        if (quote !== 0 && !triple && !continued) quote = 0; // an unterminated one-line string ends here
        const nextContinues = depth > 0 || continued || quote !== 0;
        first[line] = logicalStart;
        if (!nextContinues) {
          for (let l = logicalStart; l <= line; l++) last[l] = line;
          logicalStart = line + 1;
          if (line + 1 < count && stopAt(line + 1)) return line + 1;
        }
        line++;
        continued = false;
        continue;
      }
      if (quote !== 0) {
        if (code === 92) {
          // backslash: skips the next char, unless it is a line break (handled as continuation)
          const next = text.charCodeAt(i + 1);
          if (next === 10 || next === 13) continued = true;
          else i++;
        } else if (code === quote) {
          if (!triple) quote = 0;
          else if (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) {
            quote = 0;
            i += 2;
          }
        }
        continue;
      }
      switch (code) {
        case 34: // "
        case 39: // '
          quote = code;
          triple = text.charCodeAt(i + 1) === code && text.charCodeAt(i + 2) === code;
          if (triple) i += 2;
          break;
        case 35: {
          // comment: to the end of the line
          let j = i + 1;
          while (j < length && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
          i = j - 1;
          break;
        }
        case 40:
        case 91:
        case 123:
          depth++;
          break;
        case 41:
        case 93:
        case 125:
          if (depth > 0) depth--;
          break;
        case 92: {
          const next = text.charCodeAt(i + 1);
          if (next === 10 || next === 13) continued = true;
          break;
        }
      }
    }
    while (line < count) {
      first[line] = logicalStart;
      for (let l = logicalStart; l <= line; l++) last[l] = line;
      logicalStart = line + 1;
      line++;
    }
    return count;
  }

  /** First physical line of the logical line holding `line`. */
  startOf(line: number): number {
    return this.first[line] ?? line;
  }

  /** Last physical line of the logical line holding `line`. */
  endOf(line: number): number {
    return this.last[line] ?? line;
  }
}
