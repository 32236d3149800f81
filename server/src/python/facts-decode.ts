/**
 * Reads PyFacts back from the flat encoded form of facts-format.ts: the warm start's hot path
 * (every cached file) and the cold scan's (every file a worker extracted).
 *
 * Decoding rebuilds exactly the PyFacts that was encoded: the same fields present, the same values.
 * Each object is built by one literal holding the fields it has where that is cheap to arrange
 * (values, calls, scopes): V8 then allocates it at its final size, where a field added later costs
 * a separate property store.
 *
 * Decoded facts share equal objects: a file's strings come from its table once each, and most of
 * its equal ranges are one object (FactsReader.recentRanges); positions, statement spans, empty
 * lists and lists of one string are shared across files (sharedPositions, sharedStatements,
 * EMPTY_LIST, sharedSingletons; forgetSharedObjects empties those tables after a bulk decode).
 * Facts are read-only for every reader, so sharing is invisible.
 *
 * Validation is what keeps malformed input from crashing here or later: the strings table is
 * checked to hold strings, the integer texts to be digits (every integer then is an int32), every
 * kind code, string, position and statement index on use, list lengths against what is left, and
 * that the body is read exactly to its end. Anything else throws a FactsCodecError, which the cache
 * treats as a miss.
 */
import type { Position, Range } from '../model';
import type { PyBlock, PyBlockKind, PyCallEvent, PyClass, PyEvent, PyFacts, PyImportEvent, PyKeywordArg, PyScope, PyStatementSpan, PySuppression, PyValue } from './facts';
import { PY_FACTS_VERSION } from './facts';
import * as format from './facts-format';
import { FactsCodecError, textToInts } from './facts-format';

// Local constants, not imported bindings: under tsx (tests, benches) every use of an imported
// binding is a getter call, a quarter of decoding's time. (A bundle has no such cost.)
const {
  BLOCK_CHAIN,
  BLOCK_KINDS,
  BLOCK_TARGET,
  BLOCK_TEST,
  CALL_FLAG_PRESENT_SHIFT,
  CALL_FLAG_VALUE_SHIFT,
  CALL_TARGETS,
  EOLS,
  EVENT_KIND_MASK,
  EVENT_KINDS,
  FACTS_ENCODING,
  IMPORT_HAS_STAR,
  IMPORT_NAMES,
  IMPORT_STAR_TRUE,
  KIND_MASK,
  LITERAL_FALSE,
  LITERAL_INT,
  LITERAL_MASK,
  LITERAL_OTHER_NUMBER,
  LITERAL_SHIFT,
  LITERAL_STRING,
  LITERAL_TRUE,
  RETURN_VALUE,
  SCOPE_ASYNC,
  SCOPE_CLASS_NAME,
  SCOPE_KINDS,
  VALUE_CALL,
  VALUE_DOTTED,
  VALUE_ELEMENTS,
  VALUE_ENTRIES,
  VALUE_HAS_SPREAD,
  VALUE_KINDS,
  VALUE_SPREAD_TRUE,
} = format;

function fail(what: string): never {
  throw new FactsCodecError(`malformed packed facts: ${what}`);
}

/**
 * Positions are shared by every decoded file, not just within one: line 12, character 4 is the
 * same read-only object everywhere. Positions and ranges are ~40% of the heap facts take; sharing
 * positions across files saves about a sixth of it (425 -> ~350 MiB for the standard library)
 * for a table of a few hundred thousand entries. The table is dropped when it grows past
 * SHARED_POSITIONS_LIMIT (files decoded later then share among themselves again).
 */
const sharedPositions: Position[][] = []; // [line][character]: array indexing beats a Map here
let sharedPositionCount = 0;
const SHARED_POSITIONS_LIMIT = 2_000_000;
/** Positions past these are not shared (rare: generated files), keeping the table's rows small. */
const MAX_SHARED_LINE = 1_000_000;
const MAX_SHARED_CHARACTER = 4096;

function sharedPosition(line: number, character: number): Position {
  if (!(line >= 0 && line < MAX_SHARED_LINE && character >= 0 && character < MAX_SHARED_CHARACTER)) return { line, character };
  let row = sharedPositions[line];
  if (row === undefined) {
    if (sharedPositionCount >= SHARED_POSITIONS_LIMIT) {
      sharedPositions.length = 0;
      sharedPositionCount = 0;
    }
    // Fill the gap so the table stays a packed array (holes would make V8 switch it to a dictionary).
    for (let missing = sharedPositions.length; missing < line; missing++) sharedPositions.push(undefined as unknown as Position[]);
    row = [];
    sharedPositions[line] = row;
  }
  let shared = row[character];
  if (shared === undefined) {
    shared = { line, character };
    row[character] = shared;
    sharedPositionCount++;
  }
  return shared;
}

function asList(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) fail(`${what} is not a list`);
  return value;
}

/** The int32s of one of the encoded integer texts (facts-format.ts). */
function asInts(value: unknown, what: string): Int32Array {
  const ints = typeof value === 'string' ? textToInts(value) : undefined;
  if (ints === undefined) fail(`${what} is not a text of integers`);
  return ints;
}

function asStringList(value: unknown, what: string): string[] {
  const list = asList(value, what);
  for (let i = 0; i < list.length; i++) if (typeof list[i] !== 'string') fail(`${what} holds a non-string`);
  return list as string[];
}

function positionTable(pairs: Int32Array): Position[] {
  if (pairs.length % 2 !== 0) fail('positions');
  const positions = new Array<Position>(pairs.length / 2);
  let line = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    line += pairs[i];
    positions[i / 2] = sharedPosition(line, pairs[i + 1]);
  }
  return positions;
}

/**
 * Statement spans are shared across files like positions: a span is its first and last line and its
 * indent, and four in five of them have a twin in another file of the standard library (~15 MiB).
 * Rows hold the spans starting on a line (up to SHARED_STATEMENTS_PER_LINE); the table is dropped
 * past SHARED_STATEMENTS_LIMIT like sharedPositions.
 */
const sharedStatements: PyStatementSpan[][] = [];
let sharedStatementCount = 0;
const SHARED_STATEMENTS_LIMIT = 500_000;
const SHARED_STATEMENTS_PER_LINE = 64;

function sharedStatement(startLine: number, endLine: number, indent: string): PyStatementSpan {
  if (!(startLine >= 0 && startLine < MAX_SHARED_LINE)) return { startLine, endLine, indent };
  let row = sharedStatements[startLine];
  if (row === undefined) {
    if (sharedStatementCount >= SHARED_STATEMENTS_LIMIT) {
      sharedStatements.length = 0;
      sharedStatementCount = 0;
    }
    for (let missing = sharedStatements.length; missing < startLine; missing++) sharedStatements.push(undefined as unknown as PyStatementSpan[]);
    row = [];
    sharedStatements[startLine] = row;
  }
  for (let i = 0; i < row.length; i++) {
    const shared = row[i];
    if (shared.endLine === endLine && shared.indent === indent) return shared;
  }
  const statement = { startLine, endLine, indent };
  if (row.length < SHARED_STATEMENTS_PER_LINE) {
    row.push(statement);
    sharedStatementCount++;
  }
  return statement;
}

function statementTable(triples: Int32Array, strings: readonly string[]): PyStatementSpan[] {
  if (triples.length % 3 !== 0) fail('statements');
  const statements = new Array<PyStatementSpan>(triples.length / 3);
  for (let i = 0; i < triples.length; i += 3) {
    const indent = strings[triples[i + 2]];
    if (indent === undefined) fail('statement indent');
    statements[i / 3] = sharedStatement(triples[i], triples[i] + triples[i + 1], indent);
  }
  return statements;
}

/**
 * One frozen empty list stands for every empty list of every file: half of all lists are empty
 * (no decorators, no keyword arguments...), ~18 MiB of heap for the standard library. Facts are
 * read-only; frozen, a reader that tried to push into one would fail loudly rather than corrupt
 * another file's facts.
 */
const EMPTY_LIST: readonly never[] = Object.freeze([]);

function listOf<T>(length: number): T[] {
  return length === 0 ? (EMPTY_LIST as never[]) : new Array<T>(length);
}

/**
 * Lists of one string (parameters `self`, base `object`, a call's one target...) are shared across
 * files like positions: four in five have a twin (~7 MiB for the standard library). Frozen like
 * EMPTY_LIST; the table is dropped past SHARED_SINGLETONS_LIMIT.
 */
const sharedSingletons = new Map<string, string[]>();
const SHARED_SINGLETONS_LIMIT = 200_000;

function sharedSingleton(text: string): string[] {
  let list = sharedSingletons.get(text);
  if (list === undefined) {
    if (sharedSingletons.size >= SHARED_SINGLETONS_LIMIT) sharedSingletons.clear();
    list = Object.freeze([text]) as string[];
    sharedSingletons.set(text, list);
  }
  return list;
}

/** One file's body, read front to back (the order facts-encode.ts wrote it in). */
class FactsReader {
  private at = 0;
  /**
   * The last two ranges read that start at each position: [2i] the last, [2i + 1] the one before,
   * for the position of index i. A range equal to one of them is that same object. One range in
   * eleven of the standard library repeats an earlier one of its file, nearly always one of those
   * two (a call and the value it is, with the callee's range starting at the same place between
   * them; an event and the call it holds): ~7 MiB.
   */
  private readonly recentRanges: (Range | undefined)[];

  constructor(
    private readonly body: Int32Array,
    private readonly strings: readonly string[],
    private readonly positions: readonly Position[],
    private readonly statements: readonly PyStatementSpan[],
  ) {
    this.recentRanges = new Array<Range | undefined>(2 * positions.length).fill(undefined);
  }

  facts(): PyFacts {
    const eol = EOLS[this.int()];
    if (eol === undefined) fail('line ending');
    const lineCount = this.int();
    const importInsertLine = this.int();
    const syntaxErrors = listOf<Range>(this.count());
    for (let i = 0; i < syntaxErrors.length; i++) syntaxErrors[i] = this.range();
    const scopes = listOf<PyScope>(this.count());
    if (scopes.length === 0) fail('no module scope');
    for (let i = 0; i < scopes.length; i++) scopes[i] = this.scope();
    const classes = listOf<PyClass>(this.count());
    for (let i = 0; i < classes.length; i++) classes[i] = this.pyClass();
    const suppressions = listOf<PySuppression>(this.count());
    for (let i = 0; i < suppressions.length; i++) suppressions[i] = this.suppression();
    if (this.at !== this.body.length) fail(`body read to ${this.at} of ${this.body.length}`);
    return { version: PY_FACTS_VERSION, eol, lineCount, syntaxErrors, scopes, classes, suppressions, importInsertLine };
  }

  /** An int; past the end undefined, which facts() catches when it checks where reading stopped. */
  private int(): number {
    return this.body[this.at++];
  }

  /** A list's length: every item takes at least one integer, so it cannot exceed what is left. */
  private count(): number {
    const count = this.body[this.at++];
    if (!(count >= 0 && count <= this.body.length - this.at)) fail('list length');
    return count;
  }

  private string(): string {
    const text = this.strings[this.body[this.at++]];
    if (text === undefined) fail('string index');
    return text;
  }

  private stringList(): string[] {
    const count = this.count();
    if (count === 1) return sharedSingleton(this.string());
    const list = listOf<string>(count);
    for (let i = 0; i < list.length; i++) list[i] = this.string();
    return list;
  }

  private range(): Range {
    const startIndex = this.body[this.at++];
    const start = this.positions[startIndex];
    const end = this.positions[startIndex + this.body[this.at++]];
    if (start === undefined || end === undefined) fail('position index');
    const slot = 2 * startIndex;
    const last = this.recentRanges[slot];
    if (last !== undefined && last.end === end) return last;
    const previous = this.recentRanges[slot + 1];
    if (previous !== undefined && previous.end === end) return previous;
    const range = { start, end };
    this.recentRanges[slot + 1] = last;
    this.recentRanges[slot] = range;
    return range;
  }

  private statement(): PyStatementSpan {
    const statement = this.statements[this.body[this.at++]];
    if (statement === undefined) fail('statement index');
    return statement;
  }

  private scope(): PyScope {
    const head = this.int();
    const kind = SCOPE_KINDS[head & KIND_MASK];
    if (kind === undefined) fail('scope kind');
    const qualname = this.string();
    const isAsync = (head & SCOPE_ASYNC) !== 0;
    if (head & SCOPE_CLASS_NAME) {
      const className = this.string();
      return { qualname, kind, parent: this.int(), className, isAsync, params: this.stringList(), decorators: this.stringList(), globals: this.stringList(), range: this.range(), nameRange: this.range(), blocks: this.blocks(), events: this.events() };
    }
    return { qualname, kind, parent: this.int(), isAsync, params: this.stringList(), decorators: this.stringList(), globals: this.stringList(), range: this.range(), nameRange: this.range(), blocks: this.blocks(), events: this.events() };
  }

  private blocks(): PyBlock[] {
    const blocks = listOf<PyBlock>(this.count());
    for (let i = 0; i < blocks.length; i++) {
      const head = this.int();
      const kind = BLOCK_KINDS[head & KIND_MASK];
      if (kind === undefined) fail('block kind');
      blocks[i] = this.block(head, kind);
    }
    return blocks;
  }

  private block(head: number, kind: PyBlockKind): PyBlock {
    const parent = this.int();
    const range = this.range();
    // Built whole for the combinations of optional fields that occur (see value()).
    switch (head & ~KIND_MASK) {
      case 0:
        return { kind, parent, range };
      case BLOCK_TEST:
        return { kind, parent, range, test: this.string() };
      case BLOCK_TARGET:
        return { kind, parent, range, target: this.string() };
      case BLOCK_TEST | BLOCK_TARGET:
        return { kind, parent, range, test: this.string(), target: this.string() };
      case BLOCK_TEST | BLOCK_CHAIN:
        return { kind, parent, range, test: this.string(), chain: this.int() };
    }
    const block: PyBlock = { kind, parent, range };
    if (head & BLOCK_TEST) block.test = this.string();
    if (head & BLOCK_TARGET) block.target = this.string();
    if (head & BLOCK_CHAIN) block.chain = this.int();
    return block;
  }

  private events(): PyEvent[] {
    const events = listOf<PyEvent>(this.count());
    for (let i = 0; i < events.length; i++) events[i] = this.event();
    return events;
  }

  private event(): PyEvent {
    const head = this.int();
    const block = this.int();
    const range = this.range();
    const stmt = this.statement();
    switch (EVENT_KINDS[head & EVENT_KIND_MASK]) {
      case 'call':
        return this.call(head, block, range, stmt);
      case 'assign':
        return { k: 'assign', block, range, stmt, targets: this.stringList(), value: this.value() };
      case 'import':
        return this.importEvent(head, block, range, stmt);
      case 'return':
        return head & RETURN_VALUE ? { k: 'return', block, range, stmt, value: this.value() } : { k: 'return', block, range, stmt };
      case 'def':
        return { k: 'def', block, range, stmt, scope: this.int() };
      default:
        fail('event kind');
    }
  }

  private call(head: number, block: number, range: Range, stmt: PyStatementSpan): PyCallEvent {
    const callee = this.string();
    const calleeRange = this.range();
    const argsRange = this.range();
    const args = this.values();
    const kwargs = listOf<PyKeywordArg>(this.count());
    for (let i = 0; i < kwargs.length; i++) kwargs[i] = { name: this.string(), value: this.value(), range: this.range() };
    const hasStarArgs = (head & (1 << CALL_FLAG_VALUE_SHIFT)) !== 0;
    const hasStarKwargs = (head & (2 << CALL_FLAG_VALUE_SHIFT)) !== 0;
    const event: PyCallEvent =
      head & CALL_TARGETS
        ? { k: 'call', block, range, stmt, callee, calleeRange, argsRange, args, kwargs, hasStarArgs, hasStarKwargs, targets: this.stringList() }
        : { k: 'call', block, range, stmt, callee, calleeRange, argsRange, args, kwargs, hasStarArgs, hasStarKwargs };
    // The optional flags (CALL_FLAGS after the first two) are rare: added when present.
    if (head & (4 << CALL_FLAG_PRESENT_SHIFT)) event.isIterable = (head & (4 << CALL_FLAG_VALUE_SHIFT)) !== 0;
    if (head & (8 << CALL_FLAG_PRESENT_SHIFT)) event.awaited = (head & (8 << CALL_FLAG_VALUE_SHIFT)) !== 0;
    if (head & (16 << CALL_FLAG_PRESENT_SHIFT)) event.withItem = (head & (16 << CALL_FLAG_VALUE_SHIFT)) !== 0;
    if (head & (32 << CALL_FLAG_PRESENT_SHIFT)) event.returned = (head & (32 << CALL_FLAG_VALUE_SHIFT)) !== 0;
    return event;
  }

  private importEvent(head: number, block: number, range: Range, stmt: PyStatementSpan): PyImportEvent {
    const module = this.string();
    const bindings = listOf<PyImportEvent['bindings'][number]>(this.count());
    for (let i = 0; i < bindings.length; i++) bindings[i] = { local: this.string(), target: this.string(), range: this.range() };
    const event: PyImportEvent = { k: 'import', block, range, stmt, module, bindings };
    if (head & IMPORT_NAMES) event.names = this.stringList();
    if (head & IMPORT_HAS_STAR) event.star = (head & IMPORT_STAR_TRUE) !== 0;
    return event;
  }

  private value(): PyValue {
    const head = this.int();
    const kind = VALUE_KINDS[head & KIND_MASK];
    if (kind === undefined) fail('value kind');
    const text = this.string();
    const range = this.range();
    // The common values have one optional field or none: built whole.
    switch (head & ~KIND_MASK) {
      case 0:
        return { kind, text, range };
      case VALUE_DOTTED:
        return { kind, text, range, dotted: this.string() };
      case VALUE_CALL:
        return { kind, text, range, call: this.int() };
      case VALUE_ELEMENTS:
        return { kind, text, range, elements: this.values() };
      case LITERAL_STRING << LITERAL_SHIFT:
      case LITERAL_INT << LITERAL_SHIFT:
      case LITERAL_OTHER_NUMBER << LITERAL_SHIFT:
      case LITERAL_TRUE << LITERAL_SHIFT:
      case LITERAL_FALSE << LITERAL_SHIFT:
        return { kind, text, range, literal: this.literal(head) };
    }
    const value: PyValue = { kind, text, range };
    if (head & LITERAL_MASK) value.literal = this.literal(head);
    if (head & VALUE_DOTTED) value.dotted = this.string();
    if (head & VALUE_CALL) value.call = this.int();
    if (head & VALUE_ENTRIES) {
      const entries = listOf<NonNullable<PyValue['entries']>[number]>(this.count());
      for (let i = 0; i < entries.length; i++) entries[i] = { key: this.string(), value: this.value(), range: this.range() };
      value.entries = entries;
    }
    if (head & VALUE_HAS_SPREAD) value.hasSpread = (head & VALUE_SPREAD_TRUE) !== 0;
    if (head & VALUE_ELEMENTS) value.elements = this.values();
    return value;
  }

  private values(): PyValue[] {
    const values = listOf<PyValue>(this.count());
    for (let i = 0; i < values.length; i++) values[i] = this.value();
    return values;
  }

  private literal(head: number): string | number | boolean {
    switch ((head & LITERAL_MASK) >> LITERAL_SHIFT) {
      case LITERAL_STRING:
        return this.string();
      case LITERAL_INT:
        return this.int();
      case LITERAL_OTHER_NUMBER:
        return Number(this.string());
      case LITERAL_TRUE:
        return true;
      case LITERAL_FALSE:
        return false;
      default:
        fail('literal tag');
    }
  }

  private pyClass(): PyClass {
    const qualname = this.string();
    const bases = this.stringList();
    const scope = this.int();
    const methodCount = this.count();
    const methods: Record<string, number> = {};
    for (let i = 0; i < methodCount; i++) methods[this.string()] = this.int();
    return { qualname, bases, scope, methods, range: this.range(), nameRange: this.range() };
  }

  private suppression(): PySuppression {
    const line = this.int();
    const codeCount = this.count();
    let codes: string[] | null = null;
    if (codeCount > 0) {
      codes = listOf<string>(codeCount - 1);
      for (let i = 0; i < codes.length; i++) codes[i] = this.string();
    }
    return { line, codes, range: this.range() };
  }
}

/**
 * Empties the tables that share positions, statement spans and one-string lists across files
 * (~10 MiB for the standard library once every file is decoded). For the end of a bulk decode:
 * the objects already shared stay shared; files decoded later share among themselves again.
 */
export function forgetSharedObjects(): void {
  sharedPositions.length = 0;
  sharedPositionCount = 0;
  sharedStatements.length = 0;
  sharedStatementCount = 0;
  sharedSingletons.clear();
}

/** The PyFacts that packFacts encoded (parsed from JSON). Throws FactsCodecError on anything else. */
export function unpackFacts(packed: unknown): PyFacts {
  const f = asList(packed, 'facts');
  if (f[0] !== PY_FACTS_VERSION || f[1] !== FACTS_ENCODING) fail(`facts version ${String(f[0])} ${String(f[1])}, expected ${PY_FACTS_VERSION} ${FACTS_ENCODING}`);
  if (f.length !== 6) fail('top-level length');
  try {
    const strings = asStringList(f[2], 'strings');
    const positions = positionTable(asInts(f[3], 'positions'));
    const statements = statementTable(asInts(f[4], 'statements'), strings);
    return new FactsReader(asInts(f[5], 'body'), strings, positions, statements).facts();
  } catch (error) {
    // Nothing above should throw anything else, but a cache entry must never crash a scan.
    if (error instanceof FactsCodecError) throw error;
    throw new FactsCodecError(`malformed packed facts: ${(error as Error).message}`);
  }
}
