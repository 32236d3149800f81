/**
 * Facts of an open TS/JS document after an edit, re-extracting only the statements the edit
 * touched (the Python twin is python/extract-chunks.ts). Walking the 5,758-line bundle the
 * benchmark edits costs ~8 ms; an edit's own statements, a fraction of that.
 *
 * Every statement list the extractor walks (the file's, a function body's, a block's) is cut into
 * chunks: runs of statements on whole lines (statements sharing a line go in one chunk). A chunk's
 * facts depend only on its text, on what it inherits from where it sits (the context key: enclosing
 * function or not, async, generator, in a loop, inside a call's arguments, the guards in force, the
 * file's module-ness), on the line it starts at, and on how many calls and functions come before it
 * (their ids). So a chunk whose text and context key are unchanged takes its facts from the last
 * extraction: as they were when it starts on the same line after as many calls and functions, else
 * relocated (copies with lines shifted and ids renumbered). Its facts are one contiguous run of
 * each facts list, because the walk appends in source order and visits a chunk in one go.
 *
 * A chunk is reusable only when its statements would be read the same way anywhere:
 * - nothing but blanks before its first statement on its first line, and nothing but blanks or a
 *   `//` comment after its last one on its last line: the lines are then the chunk's alone (in
 *   `{ a(); } { a(); }` two lists' chunks would have the same lines, at other columns);
 * - no parse error in it: TypeScript's error recovery asks whether a token could start an item of
 *   any enclosing list, so the same broken text may parse otherwise elsewhere. (No seeded series of
 *   edits has found such a case; the check costs little.)
 * Only its ids and the enclosing function's and call's may appear in its facts (checked when it is
 * stored, as relocation can only move those); one naming another id is walked again every time.
 *
 * The store keeps the chunks of the last extraction (walked, or taken and carried with the chunks
 * found inside them, at their new offsets) and those of the one before (an edit undone).
 */
import { TextChunkStore } from '../extraction/text-chunks';
import type { Range } from '../model';
import type { LineIndex } from '../python/source-text';
import type { TsBinding, TsCall, TsExport, TsFacts, TsFunction, TsImport, TsMemberAssignment, TsValue } from './facts';

/** The facts lists a chunk appends to. */
export type ChunkFacts = Pick<TsFacts, 'imports' | 'exports' | 'functions' | 'calls' | 'bindings' | 'memberAssignments'>;

/** Where a chunk's facts sit in the file's: what relocation adjusts. */
export interface ChunkPlacement {
  /** First line of the chunk. */
  line: number;
  /** Id of the chunk's first call and first function (the lists' lengths before it). */
  firstCall: number;
  firstFunction: number;
  /** The enclosing function and the call whose arguments the chunk is in: the ids from outside its facts may name. */
  outerFunction: number | undefined;
  outerCall: number | undefined;
}

/** A chunk of a walk: statements[first, end) of one list, on the lines [startLine, endLine]. */
export interface LineChunk {
  first: number;
  end: number;
  startLine: number;
  endLine: number;
  /** Offsets of its whole lines. */
  from: number;
  to: number;
  /** Blank before and after it on its lines (see the file comment); the extractor adds its own conditions. */
  onWholeLines: boolean;
}

export interface StoredChunk {
  key: string;
  /** The chunk's text (a slice of the text it was last found in) and where it started there. */
  text: string;
  from: number;
  placement: ChunkPlacement;
  facts: ChunkFacts;
  /** The reusable chunks found inside it, carried along when it is taken whole. */
  children: StoredChunk[];
}

/** Smallest chunk worth storing: walking a few short statements again costs less than keeping them. */
export const MIN_STORED_CHUNK_CHARS = 160;

/**
 * The chunks an open document's extractions share. An extraction begins with `begin()`, finds and
 * adds chunks, and ends with `commit()` (or `clear()` when it failed).
 */
export class TsChunkReuse {
  private last = new TextChunkStore<StoredChunk>();
  private older = new TextChunkStore<StoredChunk>();
  private next = new TextChunkStore<StoredChunk>();

  constructor(readonly minStoredChars = MIN_STORED_CHUNK_CHARS) {}

  begin(): void {
    this.next = new TextChunkStore<StoredChunk>();
  }

  find(key: string, text: string, from: number): StoredChunk | undefined {
    return this.next.find(key, text, from) ?? this.last.find(key, text, from) ?? this.older.find(key, text, from);
  }

  /** Records a chunk walked in this extraction. */
  add(chunk: StoredChunk): void {
    this.next.add(chunk.key, chunk);
  }

  /**
   * Records a chunk taken whole, found at `from` of `text`, with every chunk inside it: the next
   * extraction finds them in this one's store. Their facts and placements stay as they were stored
   * (relocation always starts from a chunk's own placement); only their texts move to `text`.
   */
  carry(chunk: StoredChunk, text: string, from: number): StoredChunk {
    const moved: StoredChunk = { ...chunk, text: text.slice(from, from + chunk.text.length), from, children: [] };
    for (const child of chunk.children) moved.children.push(this.carry(child, text, from + child.from - chunk.from));
    this.next.add(moved.key, moved);
    return moved;
  }

  commit(): void {
    this.older = this.last;
    this.last = this.next;
    this.next = new TextChunkStore<StoredChunk>();
  }

  clear(): void {
    this.last = new TextChunkStore<StoredChunk>();
    this.older = new TextChunkStore<StoredChunk>();
    this.next = new TextChunkStore<StoredChunk>();
  }
}

/**
 * Statements grouped into chunks of whole lines, in order. `starts[i]` and `ends[i]`: where
 * statement i starts (its first token) and ends.
 */
export function lineChunks(starts: readonly number[], ends: readonly number[], lines: LineIndex): LineChunk[] {
  const chunks: LineChunk[] = [];
  const text = lines.text;
  let current: LineChunk | undefined;
  const close = (): void => {
    if (!current) return;
    const chunk = current;
    chunk.from = lines.lineStarts[chunk.startLine];
    chunk.to = chunk.endLine + 1 < lines.lineCount ? lines.lineStarts[chunk.endLine + 1] : text.length;
    chunk.onWholeLines = isBlank(text, chunk.from, starts[chunk.first]) && isBlankOrLineComment(text, ends[chunk.end - 1], chunk.to);
    chunks.push(chunk);
    current = undefined;
  };
  for (let i = 0; i < starts.length; i++) {
    const startLine = lines.lineOf(starts[i]);
    const endLine = lines.lineOf(ends[i]);
    if (current && startLine <= current.endLine) {
      current.end = i + 1;
      current.endLine = Math.max(current.endLine, endLine);
      continue;
    }
    close();
    current = { first: i, end: i + 1, startLine, endLine, from: 0, to: 0, onWholeLines: false };
  }
  close();
  return chunks;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0b && code !== 0x0c) return false;
  }
  return true;
}

/** Blanks, optionally then a `//` comment to the end of the line. */
function isBlankOrLineComment(text: string, from: number, to: number): boolean {
  let at = from;
  while (at < to && isBlank(text, at, at + 1)) at++;
  if (at === to) return true;
  if (text.charCodeAt(at) !== 0x2f || text.charCodeAt(at + 1) !== 0x2f) return false;
  for (; at < to; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) return isBlank(text, at, to);
  }
  return true;
}

// ---- relocation ---------------------------------------------------------------------------

/** Thrown when a stored chunk's facts name an id from outside it other than its placement's. */
class ForeignReference extends Error {}

interface Shift {
  lines: number;
  call(id: number): number;
  fn(id: number): number;
}

/**
 * A stored chunk's facts at another placement: the facts themselves when nothing moves, else
 * copies (facts are shared with readers and read-only). The store keeps only chunks whose facts
 * name no id from outside but their enclosing function's and call's (namesOnlyPlacedIds);
 * undefined when one of those is named and the new placement has none (then it is walked again).
 */
export function placedFacts(stored: StoredChunk, to: ChunkPlacement): ChunkFacts | undefined {
  const from = stored.placement;
  if (from.line === to.line && from.firstCall === to.firstCall && from.firstFunction === to.firstFunction && from.outerFunction === to.outerFunction && from.outerCall === to.outerCall) {
    return stored.facts;
  }
  const calls = stored.facts.calls.length;
  const functions = stored.facts.functions.length;
  const shift: Shift = {
    lines: to.line - from.line,
    call: (id) => {
      if (id >= from.firstCall && id < from.firstCall + calls) return id - from.firstCall + to.firstCall;
      if (id === from.outerCall && to.outerCall !== undefined) return to.outerCall;
      throw new ForeignReference();
    },
    fn: (id) => {
      if (id >= from.firstFunction && id < from.firstFunction + functions) return id - from.firstFunction + to.firstFunction;
      if (id === from.outerFunction && to.outerFunction !== undefined) return to.outerFunction;
      throw new ForeignReference();
    },
  };
  try {
    return relocateFacts(stored.facts, shift);
  } catch (error) {
    if (error instanceof ForeignReference) return undefined;
    throw error;
  }
}

/**
 * Whether a walked chunk's facts name only its own ids and its placement's enclosing function and
 * call: the chunks the store keeps (relocation can only move those).
 */
export function namesOnlyPlacedIds(facts: ChunkFacts, placement: ChunkPlacement): boolean {
  const ownCall = (id: number | undefined): boolean =>
    id === undefined || (id >= placement.firstCall && id < placement.firstCall + facts.calls.length) || id === placement.outerCall;
  const ownFunction = (id: number | undefined): boolean =>
    id === undefined || (id >= placement.firstFunction && id < placement.firstFunction + facts.functions.length) || id === placement.outerFunction;
  const valueIds = (value: TsValue | undefined): boolean => {
    if (value === undefined) return true;
    switch (value.kind) {
      case 'object':
        return value.properties.every((property) => valueIds(property.value));
      case 'array':
        return value.elements.every(valueIds);
      case 'call':
        return ownCall(value.call);
      case 'function':
        return ownFunction(value.function);
      case 'await':
        return valueIds(value.value);
      default:
        return true;
    }
  };
  return (
    facts.imports.every((entry) => ownFunction(entry.function)) &&
    facts.exports.every((entry) => ownFunction(entry.function) && valueIds(entry.value)) &&
    facts.functions.every((fn) => ownFunction(fn.parent) && ownCall(fn.argumentOf?.call)) &&
    facts.calls.every((call) => ownCall(call.calleeCall) && ownCall(call.parentCall) && ownFunction(call.function) && call.args.every(valueIds)) &&
    facts.bindings.every((entry) => ownFunction(entry.function) && valueIds(entry.value)) &&
    facts.memberAssignments.every((entry) => ownFunction(entry.function) && valueIds(entry.value))
  );
}

function relocateFacts(facts: ChunkFacts, shift: Shift): ChunkFacts {
  return {
    imports: facts.imports.map((entry) => relocateImport(entry, shift)),
    exports: facts.exports.map((entry) => relocateExport(entry, shift)),
    functions: facts.functions.map((entry) => relocateFunction(entry, shift)),
    calls: facts.calls.map((entry) => relocateCall(entry, shift)),
    bindings: facts.bindings.map((entry) => relocateBinding(entry, shift)),
    memberAssignments: facts.memberAssignments.map((entry) => relocateMemberAssignment(entry, shift)),
  };
}

function moved(range: Range, lines: number): Range {
  if (lines === 0) return range;
  return { start: { line: range.start.line + lines, character: range.start.character }, end: { line: range.end.line + lines, character: range.end.character } };
}

function relocateValue(value: TsValue, shift: Shift): TsValue {
  const range = moved(value.range, shift.lines);
  switch (value.kind) {
    case 'object':
      return { ...value, range, properties: value.properties.map((property) => ({ ...property, range: moved(property.range, shift.lines), value: relocateValue(property.value, shift) })) };
    case 'array':
      return { ...value, range, elements: value.elements.map((element) => relocateValue(element, shift)) };
    case 'call':
      return { ...value, range, call: shift.call(value.call) };
    case 'function':
      return { ...value, range, function: shift.fn(value.function) };
    case 'await':
      return { ...value, range, value: relocateValue(value.value, shift) };
    default:
      return { ...value, range };
  }
}

function relocateCall(call: TsCall, shift: Shift): TsCall {
  const copy: TsCall = {
    ...call,
    id: shift.call(call.id),
    range: moved(call.range, shift.lines),
    nameRange: moved(call.nameRange, shift.lines),
    args: call.args.map((argument) => relocateValue(argument, shift)),
    statement: { ...call.statement, range: moved(call.statement.range, shift.lines) },
  };
  if (call.calleeCall !== undefined) copy.calleeCall = shift.call(call.calleeCall);
  if (call.argsRange !== undefined) copy.argsRange = moved(call.argsRange, shift.lines);
  if (call.function !== undefined) copy.function = shift.fn(call.function);
  if (call.parentCall !== undefined) copy.parentCall = shift.call(call.parentCall);
  return copy;
}

function relocateFunction(fn: TsFunction, shift: Shift): TsFunction {
  const copy: TsFunction = { ...fn, id: shift.fn(fn.id), range: moved(fn.range, shift.lines), bodyRange: moved(fn.bodyRange, shift.lines) };
  if (fn.parent !== undefined) copy.parent = shift.fn(fn.parent);
  if (fn.argumentOf !== undefined) copy.argumentOf = { ...fn.argumentOf, call: shift.call(fn.argumentOf.call) };
  return copy;
}

function relocateImport(entry: TsImport, shift: Shift): TsImport {
  const copy: TsImport = { ...entry, range: moved(entry.range, shift.lines) };
  if (entry.function !== undefined) copy.function = shift.fn(entry.function);
  return copy;
}

function relocateExport(entry: TsExport, shift: Shift): TsExport {
  const copy: TsExport = { ...entry, range: moved(entry.range, shift.lines) };
  if (entry.function !== undefined) copy.function = shift.fn(entry.function);
  if (entry.value !== undefined) copy.value = relocateValue(entry.value, shift);
  return copy;
}

function relocateBinding(entry: TsBinding, shift: Shift): TsBinding {
  const copy: TsBinding = { ...entry, value: relocateValue(entry.value, shift), statement: { ...entry.statement, range: moved(entry.statement.range, shift.lines) } };
  if (entry.function !== undefined) copy.function = shift.fn(entry.function);
  return copy;
}

function relocateMemberAssignment(entry: TsMemberAssignment, shift: Shift): TsMemberAssignment {
  const copy: TsMemberAssignment = { ...entry, value: relocateValue(entry.value, shift), range: moved(entry.range, shift.lines) };
  if (entry.function !== undefined) copy.function = shift.fn(entry.function);
  return copy;
}
