/**
 * Text edits that add an item to a Python argument list or dict display, in the layout the code
 * already has: `f(a, b)` -> `f(a, b, timeout=30)`; a multi-line call gets the item on its own
 * line with the previous item's indentation (after a trailing comma, keeping one after it).
 */
import type { Position, Range, TextEdit } from '../../model';
import { insertAt } from '../edits';

export interface ItemList {
  /** The whole display: `(...)` of a call, `{...}` of a dict. Its last character is the closer. */
  range: Range;
  /** Ranges of the items already there (any order). */
  items: Range[];
}

/** The edit that appends `item` to the list, or undefined when the text does not match the facts. */
export function appendItem(file: string, lines: string[], list: ItemList, item: string, eol: string): TextEdit | undefined {
  const closer = { line: list.range.end.line, character: list.range.end.character - 1 };
  if (!/[)}\]]/.test(lines[closer.line]?.[closer.character] ?? '')) return undefined;
  const last = list.items.reduce<Range | undefined>((best, r) => (best === undefined || after(r.end, best.end) ? r : best), undefined);
  if (!last) {
    // No item known, yet the display may hold some the facts do not list (`f(*args)`): writing
    // `item` there would glue it to them, so the edit is only made into a truly empty display.
    if (/\S/.test(textBetween(lines, list.range.start, closer).slice(1))) return undefined;
    return insertAt(file, closer, item);
  }
  if (last.end.line === closer.line) return insertAt(file, last.end, `, ${item}`);
  const indent = /^\s*/.exec(lines[last.start.line] ?? '')?.[0] ?? '';
  const rest = lines[last.end.line]?.slice(last.end.character) ?? '';
  const comma = /^\s*,/.exec(rest);
  if (comma) return insertAt(file, { line: last.end.line, character: last.end.character + comma[0].length }, `${eol}${indent}${item},`);
  return insertAt(file, last.end, `,${eol}${indent}${item}`);
}

/** The text from `start` up to (not including) `end`, lines joined with `\n`. */
function textBetween(lines: string[], start: Position, end: Position): string {
  if (start.line === end.line) return (lines[start.line] ?? '').slice(start.character, end.character);
  const middle = lines.slice(start.line + 1, end.line);
  return [(lines[start.line] ?? '').slice(start.character), ...middle, (lines[end.line] ?? '').slice(0, end.character)].join('\n');
}

function after(a: Position, b: Position): boolean {
  return a.line > b.line || (a.line === b.line && a.character > b.character);
}
