/**
 * Text edits for FG002's TS/JS quick fixes, in the layout the code already has: a property added
 * to an object literal (one line: `{ a, b, x }`; several lines: `x` on its own line with the last
 * property's indentation, keeping or omitting the trailing comma as the literal does), an argument
 * added to a call (padding skipped optional arguments with `undefined`, or inserted before a
 * callback), a query parameter appended inside a URL string literal. Each returns undefined when the
 * source text does not match the facts, so no fix is better than a wrong one.
 */
import type { Position, Range, TextEdit } from '../../model';
import type { TsValue } from '../../typescript/facts';
import { insertAt } from '../edits';

export type ObjectValue = Extract<TsValue, { kind: 'object' }>;

/** Source lines of one file and its line ending. */
export interface SourceText {
  file: string;
  lines: string[];
  eol: string;
}

/** Appends `name: value` to an object literal. */
export function addProperty(source: SourceText, object: ObjectValue, property: string): TextEdit | undefined {
  if (object.hasSpread) return undefined;
  if (object.properties.length === 0) {
    const inner = textOf(source, object.range);
    if (inner === undefined || !/^\{\s*\}$/.test(inner)) return undefined; // comments or properties the facts do not list
    return { file: source.file, range: object.range, newText: `{ ${property} }` };
  }
  return appendItem(source, object.range, object.properties.map((p) => p.range), property);
}

/**
 * Adds `text` as argument `index` of a call whose arguments are `args` (ranges) inside `argsRange`
 * (`(` to `)`): appended after the last one (padding skipped positions with `undefined`), or
 * inserted before the argument now at `index` (a callback), on its own line when that one is.
 */
export function addArgument(source: SourceText, argsRange: Range, args: Range[], index: number, text: string): TextEdit | undefined {
  if (index >= args.length) {
    const padded = [...Array<string>(index - args.length).fill('undefined'), text].join(', ');
    return appendItem(source, argsRange, args, padded);
  }
  const before = args[index];
  if (!before) return undefined;
  const previous = index > 0 ? args[index - 1] : undefined;
  if (previous && previous.end.line !== before.start.line) {
    const indent = /^\s*/.exec(source.lines[before.start.line] ?? '')?.[0] ?? '';
    return insertAt(source.file, before.start, `${text},${source.eol}${indent}`);
  }
  return insertAt(source.file, before.start, `${text}, `);
}

/**
 * Appends `name=value` to the query of a one-line string literal whose text is exactly `url`
 * (`'postgres://db/app'` -> `'postgres://db/app?statement_timeout=30000'`, `&` when it has a query).
 */
export function appendUrlParameter(source: SourceText, literal: Range, url: string, parameter: string): TextEdit | undefined {
  const text = textOf(source, literal);
  const quoted = text === undefined ? undefined : /^(['"`])([^'"`\\$\r\n]*)\1$/.exec(text);
  if (!quoted || quoted[2] !== url || url.includes('#')) return undefined;
  const separator = url.includes('?') ? (url.endsWith('?') || url.endsWith('&') ? '' : '&') : '?';
  return insertAt(source.file, { line: literal.end.line, character: literal.end.character - 1 }, `${separator}${parameter}`);
}

/**
 * Appends `item` to a bracketed list (`(...)` of a call, `{...}` of an object literal) whose items
 * are at `items`: inline after the last item when it ends on the closer's line; otherwise on a new
 * line with the last item's indentation, after a comment that ends that item's line, with a
 * trailing comma exactly when the list has one.
 */
function appendItem(source: SourceText, list: Range, items: Range[], item: string): TextEdit | undefined {
  const closer = { line: list.end.line, character: list.end.character - 1 };
  if (!/[)}\]]/.test(source.lines[closer.line]?.[closer.character] ?? '')) return undefined;
  const last = items.reduce<Range | undefined>((best, r) => (best === undefined || positionBefore(best.end, r.end) ? r : best), undefined);
  if (!last) {
    // Nothing listed, yet the list may hold what the facts leave out (a comment): only a truly empty one is written into.
    const inner = textOf(source, { start: { line: list.start.line, character: list.start.character + 1 }, end: closer });
    if (inner === undefined || /\S/.test(inner)) return undefined;
    return insertAt(source.file, closer, item);
  }
  if (last.end.line === closer.line) return insertAt(source.file, last.end, `, ${item}`);
  const line = source.lines[last.end.line] ?? '';
  const indent = /^\s*/.exec(source.lines[last.start.line] ?? '')?.[0] ?? '';
  const rest = line.slice(last.end.character);
  const lineEnd = { line: last.end.line, character: line.length };
  if (/^\s*,/.test(rest)) return insertAt(source.file, lineEnd, `${source.eol}${indent}${item},`);
  return { file: source.file, range: { start: last.end, end: lineEnd }, newText: `,${rest}${source.eol}${indent}${item}` };
}

/** Replaces a range by new text (an explicit `0` by the configured value, a value wrapped in an object). */
export function replaceRange(source: SourceText, range: Range, newText: string): TextEdit {
  return { file: source.file, range, newText };
}

/** The source text of a range, or undefined when the range is not in the file. */
export function textOf(source: SourceText, range: Range): string | undefined {
  const { start, end } = range;
  if (start.line >= source.lines.length || end.line >= source.lines.length) return undefined;
  if (start.line === end.line) return (source.lines[start.line] ?? '').slice(start.character, end.character);
  const middle = source.lines.slice(start.line + 1, end.line);
  return [(source.lines[start.line] ?? '').slice(start.character), ...middle, (source.lines[end.line] ?? '').slice(0, end.character)].join(source.eol);
}

export function positionBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
