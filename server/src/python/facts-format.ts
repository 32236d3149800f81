/**
 * The encoded form of PyFacts (facts-encode.ts writes it, facts-decode.ts reads it): what scan
 * workers send to the main thread and the disk cache stores, one JSON line per file.
 *
 *   [PY_FACTS_VERSION, FACTS_ENCODING, strings, positions, statements, body]
 *
 * - strings: every distinct string of the file once (qualnames, callees, value texts, indents...);
 *   elsewhere a string is its index here.
 * - positions: every distinct position of the file once, as [line delta from the previous entry,
 *   character] pairs; a range is the index of its start and the distance from there to its end's.
 * - statements: the distinct statement spans, as [startLine, line count - 1, indent string] triples;
 *   an event names its statement by index.
 * - body: everything else, one flat list of integers read in a fixed order (see facts-encode.ts).
 *   An object's kind and which of its optional fields are present share one integer (a "head":
 *   the kind's code in the low bits, one bit per optional field above them); a list is its length
 *   followed by its items.
 *
 * positions, statements and body are lists of int32s, each written as one string of variable-length
 * digits (intsToText): most integers are small, and one character each. A number literal that is
 * not an int32 is kept as its string (see LITERAL_*).
 *
 * Why: JSON.parse of a few strings is much faster than of the nested tuples each object used to
 * be (decoding the standard library's facts: ~1.4 s then, ~0.3 s now; ~0.4 s with these integers
 * as JSON lists), and the tables make each repeat (half of all strings and positions are repeats)
 * an index, which decoding turns into one shared object.
 */
import type { PyBlockKind, PyEvent, PyFacts, PyScopeKind, PyValueKind } from './facts';

/**
 * Version of the encoding (bump when the layout changes): the second item of every encoded file,
 * and part of the cache pack's name, so a pack of another layout is never read.
 */
export const FACTS_ENCODING = 'flat3';

export class FactsCodecError extends Error {}

export const SCOPE_KINDS: readonly PyScopeKind[] = ['module', 'function', 'class'];
export const BLOCK_KINDS: readonly PyBlockKind[] = ['if', 'else', 'for', 'while', 'loop_else', 'try', 'except', 'try_else', 'finally', 'with', 'case', 'comprehension'];
export const VALUE_KINDS: readonly PyValueKind[] = ['str', 'num', 'bool', 'none', 'name', 'call', 'dict', 'list', 'comprehension', 'lambda', 'fstring', 'other'];
export const EOLS: readonly PyFacts['eol'][] = ['\n', '\r\n', '\r'];
export const EVENT_KINDS: readonly PyEvent['k'][] = ['call', 'assign', 'import', 'return', 'def'];

/** Kind codes take the low 4 bits of a head (3 for events); optional-field bits start above. */
export const KIND_BITS = 4;
export const KIND_MASK = (1 << KIND_BITS) - 1;
export const EVENT_KIND_BITS = 3;
export const EVENT_KIND_MASK = (1 << EVENT_KIND_BITS) - 1;

/** Scope head. */
export const SCOPE_ASYNC = 1 << KIND_BITS;
export const SCOPE_CLASS_NAME = 2 << KIND_BITS;

/** Block head. */
export const BLOCK_TEST = 1 << KIND_BITS;
export const BLOCK_TARGET = 2 << KIND_BITS;
export const BLOCK_CHAIN = 4 << KIND_BITS;

/** Value head: a 3-bit literal tag, then one bit per optional field. */
export const LITERAL_SHIFT = KIND_BITS;
export const LITERAL_MASK = 7 << LITERAL_SHIFT;
export const LITERAL_NONE = 0;
export const LITERAL_STRING = 1; // a string index follows
export const LITERAL_INT = 2; // the int32 follows
export const LITERAL_OTHER_NUMBER = 3; // a string index follows: the number as text (floats, big, -0, Infinity)
export const LITERAL_TRUE = 4;
export const LITERAL_FALSE = 5;
export const VALUE_DOTTED = 1 << (KIND_BITS + 3);
export const VALUE_CALL = 2 << (KIND_BITS + 3);
export const VALUE_ENTRIES = 4 << (KIND_BITS + 3);
export const VALUE_HAS_SPREAD = 8 << (KIND_BITS + 3); // hasSpread present...
export const VALUE_SPREAD_TRUE = 16 << (KIND_BITS + 3); // ...and true
export const VALUE_ELEMENTS = 32 << (KIND_BITS + 3);

/**
 * Call event head: which optional flags are present (CALL_FLAGS order) and which of those are
 * true, since a flag present but false must come back as false, not absent.
 */
export const CALL_FLAGS = ['hasStarArgs', 'hasStarKwargs', 'isIterable', 'awaited', 'withItem', 'returned'] as const;
export const CALL_FLAG_VALUE_SHIFT = EVENT_KIND_BITS;
export const CALL_FLAG_PRESENT_SHIFT = EVENT_KIND_BITS + CALL_FLAGS.length;
export const CALL_TARGETS = 1 << (EVENT_KIND_BITS + 2 * CALL_FLAGS.length);

/** Import event head. */
export const IMPORT_NAMES = 1 << EVENT_KIND_BITS;
export const IMPORT_HAS_STAR = 2 << EVENT_KIND_BITS;
export const IMPORT_STAR_TRUE = 4 << EVENT_KIND_BITS;

/** Return event head. */
export const RETURN_VALUE = 1 << EVENT_KIND_BITS;

// ---- integers as text ----------------------------------------------------------------------

/**
 * The digits: the printable ASCII characters a JSON string holds unescaped ('#' to '~' without
 * the backslash), so JSON.stringify and JSON.parse copy them as they are. An integer is zigzagged
 * (0, -1, 1, -2... -> 0, 1, 2, 3...), then written as base-27 "more" digits, most significant first,
 * and one base-64 final digit: 0..31 and -32..-1 take one character, up to +-863 two.
 */
const DIGITS = Array.from({ length: 0x7f - 0x23 }, (_, i) => String.fromCharCode(0x23 + i)).filter((digit) => digit !== '\\').join('');
const FINAL_DIGITS = 64;
const MORE_DIGITS = DIGITS.length - FINAL_DIGITS; // 27
/** Digit value by character code; -1 for a character that is not a digit. */
const DIGIT_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < DIGITS.length; i++) DIGIT_VALUES[DIGITS.charCodeAt(i)] = i;

const DIGIT_CODES = Uint8Array.from(DIGITS, (digit) => digit.charCodeAt(0));
/** Reused by every intsToText call (grown as needed): written, then copied out as a string. */
let digitBuffer = Buffer.allocUnsafe(1 << 16);

/** The int32s `ints` as one line of digits (see DIGITS). */
export function intsToText(ints: readonly number[]): string {
  // At most 7 characters an int32: 6 "more" digits (27^6 > 2^32 / 64) and the final one.
  if (digitBuffer.length < ints.length * 7) digitBuffer = Buffer.allocUnsafe(ints.length * 7);
  const bytes = digitBuffer;
  let length = 0;
  for (let i = 0; i < ints.length; i++) {
    const int = ints[i];
    const value = int >= 0 ? int * 2 : -int * 2 - 1;
    const final = value % FINAL_DIGITS;
    let more = (value - final) / FINAL_DIGITS;
    if (more > 0) {
      let moreDigits = 0;
      for (let rest = more; rest > 0; rest = Math.floor(rest / MORE_DIGITS)) moreDigits++;
      for (let at = length + moreDigits - 1; at >= length; at--) {
        bytes[at] = DIGIT_CODES[FINAL_DIGITS + (more % MORE_DIGITS)];
        more = Math.floor(more / MORE_DIGITS);
      }
      length += moreDigits;
    }
    bytes[length++] = DIGIT_CODES[final];
  }
  return bytes.toString('latin1', 0, length);
}

/**
 * The int32s of intsToText's text; undefined when `text` is not such a text (a character that is not
 * a digit, or a last integer cut off). Every integer decoded is an int32, whatever the digits.
 */
export function textToInts(text: string): Int32Array | undefined {
  const ints = new Int32Array(text.length); // one character an integer at most
  let count = 0;
  let value = 0;
  let pending = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? DIGIT_VALUES[code] : -1;
    if (digit < FINAL_DIGITS) {
      if (digit < 0) return undefined;
      value = value * FINAL_DIGITS + digit;
      ints[count++] = (value >>> 1) ^ -(value & 1);
      value = 0;
      pending = false;
    } else {
      value = value * MORE_DIGITS + (digit - FINAL_DIGITS);
      pending = true;
    }
  }
  return pending ? undefined : ints.subarray(0, count);
}
