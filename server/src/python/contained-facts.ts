/**
 * Keeps a syntax error where it was typed. tree-sitter's error recovery sometimes reads one
 * mistyped statement as the ruin of everything around it: `ifx not a > b:` typed in a method of
 * unittest's 6,000-line case.py makes the whole file one ERROR node, and its TestCase class loses
 * 10 of its 72 methods. Every file calling those methods then resolves differently, and is
 * analysed again: 40,000 scope analyses, 1.4 s per keystroke while the error lasts, and findings
 * across the workspace that go and come back as the user types.
 *
 * So while an open document has syntax errors, readers get the facts of its last error-free text,
 * moved through every change since (positions after a change shift, as in the editor), whenever
 * the current facts lost anything outside the changed text: a scope, or an event of a scope, that
 * does not touch a change. Damage confined to the changed text is read as it is: the current
 * facts are used (an unclosed call, a half-typed statement). The file-wide fields (syntax errors,
 * suppressions, line count) always come from the current text.
 *
 * A document that never parsed cleanly since it was opened, or whose whole text was replaced,
 * has no error-free facts to keep: its current facts are used.
 */
import type { Position, Range } from '../model';
import type { PyFacts, PyScope } from './facts';
import { relocateClass, relocateRange, relocateScope, type Shift } from './relocate-facts';

/** An LSP change with a range: `range` of the text before it is replaced by `text`. */
export interface RangedChange {
  range: Range;
  text: string;
}

/** Past this many changed stretches, they are merged into one that covers them all. */
const MAX_CHANGED_STRETCHES = 64;

export class ContainedFacts {
  /** Facts of the last error-free text, moved through the changes in `pending`. */
  private lastGood: PyFacts | undefined;
  private pending: Move[] = [];
  /** Where the text changed since the last error-free text, in positions of the current text. */
  private changed: Range[] = [];

  /** Records a change applied to the document, in order. */
  noteChange(change: { range?: Range; text: string }): void {
    if (this.lastGood === undefined) return;
    // A whole new text, or a line break `\r` that changeShift does not count: nothing to move.
    if (change.range === undefined || change.text.includes('\r')) {
      this.forget();
      return;
    }
    const { start, end } = change.range;
    const range = before(end, start) ? { start: end, end: start } : change.range;
    const move = moveOf({ range, text: change.text });
    const { shift } = move;
    this.pending.push(move);
    this.changed = this.changed.map((stretch) => relocateRange(stretch, shift));
    this.changed.push({ start: range.start, end: shift.position(range.end) });
    if (this.changed.length > MAX_CHANGED_STRETCHES) this.changed = [covering(this.changed)];
  }

  /** The facts readers see, given those extracted from the current text. */
  choose(current: PyFacts): PyFacts {
    if (current.syntaxErrors.length === 0) {
      this.forget();
      this.lastGood = current;
      return current;
    }
    if (this.lastGood === undefined) return current;
    for (const move of this.pending) this.lastGood = relocateFacts(this.lastGood, move);
    this.pending = [];
    if (!lostOutside(this.lastGood, current, this.changed)) return current;
    const { eol, lineCount, syntaxErrors, suppressions } = current;
    return { ...this.lastGood, eol, lineCount, syntaxErrors, suppressions };
  }

  private forget(): void {
    this.lastGood = undefined;
    this.pending = [];
    this.changed = [];
  }
}

/** How positions move through one change: those after it shift with the text, those inside go to its start. */
export function changeShift(change: RangedChange): Shift {
  const { start, end } = change.range;
  let breaks = 0;
  for (let at = change.text.indexOf('\n'); at !== -1; at = change.text.indexOf('\n', at + 1)) breaks++;
  const lastLineLength = change.text.length - change.text.lastIndexOf('\n') - 1;
  const newEnd: Position = { line: start.line + breaks, character: breaks === 0 ? start.character + lastLineLength : lastLineLength };
  const lines = newEnd.line - end.line;
  const still = lines === 0 && newEnd.character === end.character && start.line === end.line && start.character === end.character;
  return {
    still,
    position: (position) => {
      if (before(position, start)) return position;
      if (before(position, end)) return start;
      if (position.line === end.line) return { line: newEnd.line, character: newEnd.character + position.character - end.character };
      return lines === 0 ? position : { line: position.line + lines, character: position.character };
    },
    line: (line) => (line < start.line ? line : line >= end.line ? line + lines : start.line),
    scope: (index) => index,
    events: 0,
    blocks: 0,
  };
}

/** A change, as what it does to facts: the Shift, and which ranges it moves at all. */
interface Move {
  shift: Shift;
  moves(range: Range): boolean;
}

function moveOf(change: RangedChange): Move {
  const shift = changeShift(change);
  const { start, end } = change.range;
  const lines = shift.line(end.line) - end.line;
  // Positions before the change stay; after its last line, they stay unless lines come or go.
  return { shift, moves: (range) => !before(range.end, start) && (lines !== 0 || range.start.line <= end.line) };
}

/**
 * The facts moved through one change. A scope or class nothing of which moves stays the same
 * object, so the program analyses again only the scopes the change moved.
 */
function relocateFacts(facts: PyFacts, move: Move): PyFacts {
  const { shift, moves } = move;
  if (shift.still) return facts;
  return {
    ...facts,
    scopes: facts.scopes.map((scope) => (moves(scope.range) ? relocateScope(scope, shift) : scope)),
    classes: facts.classes.map((pyClass) => (moves(pyClass.range) ? relocateClass(pyClass, shift) : pyClass)),
    importInsertLine: shift.line(facts.importInsertLine),
  };
}

/**
 * Whether `current` lost something of `lastGood` outside the changed stretches: a scope that does
 * not touch them, or an event (in a scope both have) that does not.
 */
function lostOutside(lastGood: PyFacts, current: PyFacts, changed: Range[]): boolean {
  const touchesChange = (range: Range): boolean => changed.some((stretch) => !before(range.end, stretch.start) && !before(stretch.end, range.start));
  const untouchedEvents = (scope: PyScope): number => scope.events.reduce((count, event) => (touchesChange(event.range) ? count : count + 1), 0);
  const counterparts = new Map(current.scopes.map((scope) => [scopeKey(scope), scope]));
  for (const scope of lastGood.scopes) {
    const counterpart = counterparts.get(scopeKey(scope));
    if (counterpart === undefined) {
      if (!touchesChange(scope.range)) return true;
    } else if (untouchedEvents(scope) !== untouchedEvents(counterpart)) {
      return true;
    }
  }
  return false;
}

function scopeKey(scope: PyScope): string {
  return `${scope.kind} ${scope.qualname} ${scope.range.start.line}:${scope.range.start.character}`;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function covering(ranges: Range[]): Range {
  let { start, end } = ranges[0];
  for (const range of ranges) {
    if (before(range.start, start)) start = range.start;
    if (before(end, range.end)) end = range.end;
  }
  return { start, end };
}
