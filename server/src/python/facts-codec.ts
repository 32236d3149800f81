/**
 * A compact, JSON-able encoding of PyFacts for the disk cache and for worker -> main transfer.
 *
 * Plain JSON of PyFacts is ~7x the source, two thirds of it Range objects
 * (`{"start":{"line":1,"character":2},"end":{...}}`) and repeated key names. Here every object is a
 * tuple in a fixed field order, a range is 4 numbers, boolean flags are one bit mask, and absent
 * optional fields are `null` (trailing ones dropped). Decoding rebuilds exactly the PyFacts that
 * was encoded (same fields present, same values), so readers never see the difference.
 *
 * Decoded facts share equal Position objects (across files, see sharedPositions) and statement-span
 * objects within a file (a call's start is also its callee's start, its callee's end its argument
 * list's start...): half the positions of a file are repeats, and they were half of all the objects
 * facts are made of. Facts are read-only for every reader, so sharing is invisible.
 *
 * Decoding validates shapes only as far as needed not to crash: malformed input throws a
 * FactsCodecError, which the cache treats as a miss.
 */
import type { FactsCodec } from '../extraction/codec';
import type { Position, Range } from '../model';
import {
  PY_FACTS_VERSION,
  type PyBlock,
  type PyBlockKind,
  type PyCallEvent,
  type PyClass,
  type PyEvent,
  type PyFacts,
  type PyImportEvent,
  type PyKeywordArg,
  type PyScope,
  type PyScopeKind,
  type PyStatementSpan,
  type PySuppression,
  type PyValue,
  type PyValueKind,
} from './facts';

/** The encoded form: nested arrays of numbers, strings and nulls. Opaque outside this file. */
export type PackedFacts = readonly unknown[];

export class FactsCodecError extends Error {}

type Packed = unknown[];

const SCOPE_KINDS: readonly PyScopeKind[] = ['module', 'function', 'class'];
const BLOCK_KINDS: readonly PyBlockKind[] = ['if', 'else', 'for', 'while', 'loop_else', 'try', 'except', 'try_else', 'finally', 'with', 'case', 'comprehension'];
const VALUE_KINDS: readonly PyValueKind[] = ['str', 'num', 'bool', 'none', 'name', 'call', 'dict', 'list', 'comprehension', 'lambda', 'fstring', 'other'];
const EOLS: readonly PyFacts['eol'][] = ['\n', '\r\n', '\r'];
const EVENT_KINDS: readonly PyEvent['k'][] = ['call', 'assign', 'import', 'return', 'def'];

/** Bits of a call event's flags. */
const CALL_FLAGS = ['hasStarArgs', 'hasStarKwargs', 'isIterable', 'awaited', 'withItem', 'returned'] as const;

function fail(what: string): never {
  throw new FactsCodecError(`malformed packed facts: ${what}`);
}

function codeOf<T>(list: readonly T[], value: T, what: string): number {
  const code = list.indexOf(value);
  if (code < 0) fail(`unknown ${what} ${String(value)}`);
  return code;
}

function fromCode<T>(list: readonly T[], code: unknown, what: string): T {
  const value = list[code as number];
  if (value === undefined) fail(`unknown ${what} code ${String(code)}`);
  return value;
}

function asArray(value: unknown, what: string): Packed {
  if (!Array.isArray(value)) fail(`${what} is not a list`);
  return value;
}

function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') fail(`${what} is not a string`);
  return value;
}

function asNumber(value: unknown, what: string): number {
  if (typeof value !== 'number') fail(`${what} is not a number`);
  return value;
}

/** Drops trailing nulls so absent optional fields cost nothing. */
function trimmed(tuple: Packed): Packed {
  let length = tuple.length;
  while (length > 0 && tuple[length - 1] === null) length--;
  tuple.length = length;
  return tuple;
}

function optional<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

// ---- ranges and spans ----------------------------------------------------------------------

function packRange(range: Range): number[] {
  return [range.start.line, range.start.character, range.end.line, range.end.character];
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
/** Statement spans of the file being decoded (see the file comment); reset per file. */
const statementsOfFile = new Map<number, PyStatementSpan>();
/** Statement keys are startLine * KEY_SCALE + line count. */
const KEY_SCALE = 2 ** 20;

function position(line: unknown, character: unknown): Position {
  if (typeof line !== 'number' || typeof character !== 'number') fail('position');
  if (!(line >= 0 && line < MAX_SHARED_LINE && character >= 0 && character < MAX_SHARED_CHARACTER) || !Number.isInteger(line) || !Number.isInteger(character)) {
    return { line, character };
  }
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

function unpackRange(value: unknown): Range {
  const r = value as number[];
  if (!Array.isArray(r) || r.length !== 4) fail('range');
  return { start: position(r[0], r[1]), end: position(r[2], r[3]) };
}

function packStatement(stmt: PyStatementSpan): Packed {
  return [stmt.startLine, stmt.endLine, stmt.indent];
}

/** Events of one statement share its span: it is a function of the statement's lines. */
function unpackStatement(value: unknown): PyStatementSpan {
  const s = asArray(value, 'statement');
  const startLine = asNumber(s[0], 'statement line');
  const endLine = asNumber(s[1], 'statement line');
  const key = startLine * KEY_SCALE + (endLine - startLine);
  const shared = statementsOfFile.get(key);
  if (shared !== undefined && shared.endLine === endLine) return shared;
  const statement = { startLine, endLine, indent: asString(s[2], 'indent') };
  statementsOfFile.set(key, statement);
  return statement;
}

// ---- values --------------------------------------------------------------------------------

function packValue(value: PyValue): Packed {
  return trimmed([
    codeOf(VALUE_KINDS, value.kind, 'value kind'),
    value.text,
    packRange(value.range),
    optional(value.literal),
    optional(value.dotted),
    optional(value.call),
    value.entries ? value.entries.map((entry) => [entry.key, packValue(entry.value), packRange(entry.range)]) : null,
    value.hasSpread === undefined ? null : value.hasSpread,
    value.elements ? value.elements.map(packValue) : null,
  ]);
}

function unpackValue(packed: unknown): PyValue {
  const v = asArray(packed, 'value');
  const value: PyValue = { kind: fromCode(VALUE_KINDS, v[0], 'value kind'), text: asString(v[1], 'value text'), range: unpackRange(v[2]) };
  if (v[3] != null) value.literal = v[3] as string | number | boolean;
  if (v[4] != null) value.dotted = asString(v[4], 'dotted');
  if (v[5] != null) value.call = asNumber(v[5], 'call index');
  if (v[6] != null) {
    value.entries = asArray(v[6], 'entries').map((entry) => {
      const e = asArray(entry, 'entry');
      return { key: asString(e[0], 'entry key'), value: unpackValue(e[1]), range: unpackRange(e[2]) };
    });
  }
  if (v[7] != null) value.hasSpread = v[7] === true;
  if (v[8] != null) value.elements = asArray(v[8], 'elements').map(unpackValue);
  return value;
}

function packKeyword(kwarg: PyKeywordArg): Packed {
  return [kwarg.name, packValue(kwarg.value), packRange(kwarg.range)];
}

function unpackKeyword(packed: unknown): PyKeywordArg {
  const k = asArray(packed, 'keyword argument');
  return { name: asString(k[0], 'keyword name'), value: unpackValue(k[1]), range: unpackRange(k[2]) };
}

// ---- events --------------------------------------------------------------------------------

/** [kind, block, range, stmt, ...fields of the kind]. */
function packEvent(event: PyEvent): Packed {
  const head: Packed = [codeOf(EVENT_KINDS, event.k, 'event kind'), event.block, packRange(event.range), packStatement(event.stmt)];
  switch (event.k) {
    case 'call': {
      let flags = 0;
      CALL_FLAGS.forEach((flag, bit) => {
        if (event[flag]) flags |= 1 << bit;
      });
      // An optional flag present but false must come back as false, not absent: record which are present.
      let present = 0;
      CALL_FLAGS.forEach((flag, bit) => {
        if (event[flag] !== undefined) present |= 1 << bit;
      });
      return trimmed([
        ...head,
        event.callee,
        packRange(event.calleeRange),
        packRange(event.argsRange),
        event.args.map(packValue),
        event.kwargs.map(packKeyword),
        flags,
        present,
        optional(event.targets),
      ]);
    }
    case 'assign':
      return [...head, event.targets, packValue(event.value)];
    case 'import':
      return trimmed([
        ...head,
        event.module,
        event.bindings.map((binding) => [binding.local, binding.target, packRange(binding.range)]),
        optional(event.names),
        event.star === undefined ? null : event.star,
      ]);
    case 'return':
      return trimmed([...head, event.value ? packValue(event.value) : null]);
    case 'def':
      return [...head, event.scope];
  }
}

function unpackEvent(packed: unknown): PyEvent {
  const e = asArray(packed, 'event');
  const k = fromCode(EVENT_KINDS, e[0], 'event kind');
  const block = asNumber(e[1], 'event block');
  const range = unpackRange(e[2]);
  const stmt = unpackStatement(e[3]);
  switch (k) {
    case 'call': {
      const event: PyCallEvent = {
        k,
        block,
        range,
        stmt,
        callee: asString(e[4], 'callee'),
        calleeRange: unpackRange(e[5]),
        argsRange: unpackRange(e[6]),
        args: asArray(e[7], 'arguments').map(unpackValue),
        kwargs: asArray(e[8], 'keyword arguments').map(unpackKeyword),
        hasStarArgs: false,
        hasStarKwargs: false,
      };
      const flags = asNumber(e[9], 'call flags');
      const present = asNumber(e[10], 'call flags');
      CALL_FLAGS.forEach((flag, bit) => {
        if (present & (1 << bit)) event[flag] = (flags & (1 << bit)) !== 0;
      });
      if (e[11] != null) event.targets = asArray(e[11], 'targets') as string[];
      return event;
    }
    case 'assign':
      return { k, block, range, stmt, targets: asArray(e[4], 'targets') as string[], value: unpackValue(e[5]) };
    case 'import': {
      const event: PyImportEvent = {
        k,
        block,
        range,
        stmt,
        module: asString(e[4], 'module'),
        bindings: asArray(e[5], 'bindings').map((binding) => {
          const b = asArray(binding, 'binding');
          return { local: asString(b[0], 'binding'), target: asString(b[1], 'binding'), range: unpackRange(b[2]) };
        }),
      };
      if (e[6] != null) event.names = asArray(e[6], 'names') as string[];
      if (e[7] != null) event.star = e[7] === true;
      return event;
    }
    case 'return':
      return e[4] != null ? { k, block, range, stmt, value: unpackValue(e[4]) } : { k, block, range, stmt };
    case 'def':
      return { k, block, range, stmt, scope: asNumber(e[4], 'def scope') };
  }
}

// ---- blocks, scopes, classes ---------------------------------------------------------------

function packBlock(block: PyBlock): Packed {
  return trimmed([codeOf(BLOCK_KINDS, block.kind, 'block kind'), block.parent, packRange(block.range), optional(block.test), optional(block.target), optional(block.chain)]);
}

function unpackBlock(packed: unknown): PyBlock {
  const b = asArray(packed, 'block');
  const block: PyBlock = { kind: fromCode(BLOCK_KINDS, b[0], 'block kind'), parent: asNumber(b[1], 'block parent'), range: unpackRange(b[2]) };
  if (b[3] != null) block.test = asString(b[3], 'block test');
  if (b[4] != null) block.target = asString(b[4], 'block target');
  if (b[5] != null) block.chain = asNumber(b[5], 'block chain');
  return block;
}

function packScope(scope: PyScope): Packed {
  return trimmed([
    scope.qualname,
    codeOf(SCOPE_KINDS, scope.kind, 'scope kind'),
    scope.parent,
    scope.isAsync ? 1 : 0,
    scope.params,
    scope.decorators,
    scope.globals,
    packRange(scope.range),
    packRange(scope.nameRange),
    scope.blocks.map(packBlock),
    scope.events.map(packEvent),
    optional(scope.className),
  ]);
}

function unpackScope(packed: unknown): PyScope {
  const s = asArray(packed, 'scope');
  const scope: PyScope = {
    qualname: asString(s[0], 'qualname'),
    kind: fromCode(SCOPE_KINDS, s[1], 'scope kind'),
    parent: asNumber(s[2], 'scope parent'),
    isAsync: s[3] === 1,
    params: asArray(s[4], 'params') as string[],
    decorators: asArray(s[5], 'decorators') as string[],
    globals: asArray(s[6], 'globals') as string[],
    range: unpackRange(s[7]),
    nameRange: unpackRange(s[8]),
    blocks: asArray(s[9], 'blocks').map(unpackBlock),
    events: asArray(s[10], 'events').map(unpackEvent),
  };
  if (s[11] != null) scope.className = asString(s[11], 'class name');
  return scope;
}

function packClass(pyClass: PyClass): Packed {
  return [pyClass.qualname, pyClass.bases, pyClass.scope, Object.entries(pyClass.methods).flat(), packRange(pyClass.range), packRange(pyClass.nameRange)];
}

function unpackClass(packed: unknown): PyClass {
  const c = asArray(packed, 'class');
  const methodList = asArray(c[3], 'methods');
  const methods: Record<string, number> = {};
  for (let i = 0; i + 1 < methodList.length; i += 2) methods[asString(methodList[i], 'method name')] = asNumber(methodList[i + 1], 'method scope');
  return { qualname: asString(c[0], 'class qualname'), bases: asArray(c[1], 'bases') as string[], scope: asNumber(c[2], 'class scope'), methods, range: unpackRange(c[4]), nameRange: unpackRange(c[5]) };
}

function packSuppression(suppression: PySuppression): Packed {
  return [suppression.line, suppression.codes, packRange(suppression.range)];
}

function unpackSuppression(packed: unknown): PySuppression {
  const s = asArray(packed, 'suppression');
  return { line: asNumber(s[0], 'suppression line'), codes: s[1] === null ? null : (asArray(s[1], 'suppression codes') as string[]), range: unpackRange(s[2]) };
}

// ---- files ---------------------------------------------------------------------------------

/** PyFacts as one line of text (JSON of the packed form): what scan workers send and the disk cache stores. */
export const PY_FACTS_CODEC: FactsCodec<PyFacts> = {
  encode: (facts) => JSON.stringify(packFacts(facts)),
  decode: (encoded) => unpackFacts(JSON.parse(encoded)),
};

/** [version, eol, lineCount, syntaxErrors, scopes, classes, suppressions, importInsertLine]. */
export function packFacts(facts: PyFacts): PackedFacts {
  return [
    facts.version,
    codeOf(EOLS, facts.eol, 'line ending'),
    facts.lineCount,
    facts.syntaxErrors.map(packRange),
    facts.scopes.map(packScope),
    facts.classes.map(packClass),
    facts.suppressions.map(packSuppression),
    facts.importInsertLine,
  ];
}

/** The PyFacts that packFacts encoded. Throws FactsCodecError on anything else. */
export function unpackFacts(packed: unknown): PyFacts {
  const f = asArray(packed, 'facts');
  if (f[0] !== PY_FACTS_VERSION) fail(`facts version ${String(f[0])}, expected ${PY_FACTS_VERSION}`);
  statementsOfFile.clear();
  try {
    const scopes = asArray(f[4], 'scopes').map(unpackScope);
    if (scopes.length === 0) fail('no module scope');
    return {
      version: PY_FACTS_VERSION,
      eol: fromCode(EOLS, f[1], 'line ending'),
      lineCount: asNumber(f[2], 'line count'),
      syntaxErrors: asArray(f[3], 'syntax errors').map(unpackRange),
      scopes,
      classes: asArray(f[5], 'classes').map(unpackClass),
      suppressions: asArray(f[6], 'suppressions').map(unpackSuppression),
      importInsertLine: asNumber(f[7], 'import line'),
    };
  } catch (error) {
    // A wrong type deep inside (a string where a list was) surfaces as a TypeError: same verdict.
    if (error instanceof FactsCodecError) throw error;
    throw new FactsCodecError(`malformed packed facts: ${(error as Error).message}`);
  } finally {
    statementsOfFile.clear();
  }
}
