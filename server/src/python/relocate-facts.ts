/**
 * Facts moved: copies of scopes and classes whose positions, lines and indices are moved by a
 * Shift. A chunk of a document moved down by an edit above it (extract-chunks.ts), or a document's
 * last facts moved through an edit (contained-facts.ts).
 *
 * Facts are shared with readers and read-only, so nothing is changed in place: every object
 * holding a moved position, line or index is copied, and a range none of whose positions move is
 * shared as it is.
 */
import type { Position, Range } from '../model';
import type { PyBlock, PyCallEvent, PyClass, PyDotted, PyEvent, PyKeywordArg, PyScope, PyStatementSpan, PyValue } from './facts';

/** How positions, lines and indices move. */
export interface Shift {
  /** No position or line moves. */
  still: boolean;
  position(position: Position): Position;
  /** Where a line moves (statement spans). */
  line(line: number): number;
  /** Scope index in the old placement -> in the new. */
  scope: (index: number) => number;
  /** Added to event and block indices of the shared scope (0 for the part's own scopes). */
  events: number;
  blocks: number;
}

/** Positions and lines moved down by `lines` (up when negative); indices left to the caller. */
export function lineShift(lines: number): Pick<Shift, 'still' | 'position' | 'line'> {
  return {
    still: lines === 0,
    position: (position) => ({ line: position.line + lines, character: position.character }),
    line: (line) => line + lines,
  };
}

export function relocateRange(range: Range, shift: Shift): Range {
  if (shift.still) return range; // ranges are read-only: sharing one is safe
  const start = shift.position(range.start);
  const end = shift.position(range.end);
  return start === range.start && end === range.end ? range : { start, end };
}

export function relocateScope(scope: PyScope, shift: Shift): PyScope {
  return {
    ...scope,
    parent: shift.scope(scope.parent),
    range: relocateRange(scope.range, shift),
    nameRange: relocateRange(scope.nameRange, shift),
    blocks: scope.blocks.map((block) => relocateBlock(block, shift)),
    events: scope.events.map((event) => relocateEvent(event, shift)),
  };
}

export function relocateClass(pyClass: PyClass, shift: Shift): PyClass {
  const methods: Record<string, number> = {};
  for (const [name, index] of Object.entries(pyClass.methods)) methods[name] = shift.scope(index);
  return {
    ...pyClass,
    scope: shift.scope(pyClass.scope),
    methods,
    range: relocateRange(pyClass.range, shift),
    nameRange: relocateRange(pyClass.nameRange, shift),
  };
}

function relocateBlockIndex(index: number, shift: Shift): number {
  return index >= 0 ? index + shift.blocks : index;
}

function relocateBlock(block: PyBlock, shift: Shift): PyBlock {
  const copy: PyBlock = { ...block, parent: relocateBlockIndex(block.parent, shift), range: relocateRange(block.range, shift) };
  if (block.chain !== undefined) copy.chain = relocateBlockIndex(block.chain, shift);
  return copy;
}

/** `#k.rest` -> `#(k + shift).rest`. */
function relocateDotted(dotted: PyDotted, shift: Shift): PyDotted {
  if (shift.events === 0 || dotted.charCodeAt(0) !== 35) return dotted;
  const match = /^#(\d+)/.exec(dotted);
  return match ? '#' + (Number(match[1]) + shift.events) + dotted.slice(match[0].length) : dotted;
}

function relocateStatement(stmt: PyStatementSpan, shift: Shift): PyStatementSpan {
  if (shift.still) return stmt;
  const startLine = shift.line(stmt.startLine);
  const endLine = shift.line(stmt.endLine);
  return startLine === stmt.startLine && endLine === stmt.endLine ? stmt : { startLine, endLine, indent: stmt.indent };
}

function relocateValue(value: PyValue, shift: Shift): PyValue {
  const copy: PyValue = { ...value, range: relocateRange(value.range, shift) };
  if (value.dotted !== undefined) copy.dotted = relocateDotted(value.dotted, shift);
  if (value.call !== undefined) copy.call = value.call + shift.events;
  if (value.entries) copy.entries = value.entries.map((entry) => ({ key: entry.key, value: relocateValue(entry.value, shift), range: relocateRange(entry.range, shift) }));
  if (value.elements) copy.elements = value.elements.map((element) => relocateValue(element, shift));
  return copy;
}

function relocateKeyword(kwarg: PyKeywordArg, shift: Shift): PyKeywordArg {
  return { name: kwarg.name, value: relocateValue(kwarg.value, shift), range: relocateRange(kwarg.range, shift) };
}

function relocateEvent(event: PyEvent, shift: Shift): PyEvent {
  const base = { block: relocateBlockIndex(event.block, shift), range: relocateRange(event.range, shift), stmt: relocateStatement(event.stmt, shift) };
  switch (event.k) {
    case 'call': {
      const copy: PyCallEvent = {
        ...event,
        ...base,
        callee: relocateDotted(event.callee, shift),
        calleeRange: relocateRange(event.calleeRange, shift),
        argsRange: relocateRange(event.argsRange, shift),
        args: event.args.map((arg) => relocateValue(arg, shift)),
        kwargs: event.kwargs.map((kwarg) => relocateKeyword(kwarg, shift)),
      };
      if (event.targets) copy.targets = event.targets.map((target) => relocateDotted(target, shift));
      return copy;
    }
    case 'assign':
      return { ...event, ...base, targets: event.targets.map((target) => relocateDotted(target, shift)), value: relocateValue(event.value, shift) };
    case 'import':
      return { ...event, ...base, bindings: event.bindings.map((binding) => ({ ...binding, range: relocateRange(binding.range, shift) })) };
    case 'return':
      return event.value ? { ...event, ...base, value: relocateValue(event.value, shift) } : { ...event, ...base };
    case 'def':
      return { ...event, ...base, scope: shift.scope(event.scope) };
  }
}
