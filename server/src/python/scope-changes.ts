/**
 * Which scopes of a file an edit can have changed the analysis of, when that is provably a few of
 * them: typing inside the body of one function of a 6,000-line module must not re-analyse its
 * hundreds of other functions (PyProgram keeps their summaries and hazards, see
 * `invalidateWithCutoff`).
 *
 * Another scope's analysis reads a function's facts only through the function's name (a call, a
 * reference, a method found by name), through the implicit calls of dunder methods (`__init__`), or
 * through what the function assigns outside itself: attributes (`self.x = ...`, which class layouts
 * and pool identities read) and `global` names. So the edited scopes alone are re-analysed (with
 * the scopes nested in them) only when:
 * - the edit changed no line count, and only the contents of function scopes: the module scope,
 *   class bodies, the class list and every other scope are equal to what they were (shared objects
 *   or equal values), so nothing moved and no name was bound or unbound outside those functions.
 *   The one difference allowed is where a function's `def` statement ends on its last line (an edit
 *   there moves it, and the end of every scope and class around it): those scopes are analysed
 *   again as well (not the scopes nested in them);
 * - each changed function keeps its kind, parent and class, and its name, or is a method renamed
 *   (the one difference in its class's methods), with no scope nested in it; it is not a dunder
 *   method, and its name (both names, renamed) appears nowhere in the file outside its own
 *   definition but as the name of another
 *   definition (`def NAME`, `class NAME`: test classes repeat method names; a definition refers to
 *   nothing). A whole-word search of the text, comments and strings included, which only errs on
 *   the side of re-analysing everything;
 * - neither the changed functions nor the scopes nested in them declare a `global`/`nonlocal` or,
 *   as methods, assign an attribute of their `self`, before or after the edit, and no class is
 *   defined inside them.
 * Anything else returns undefined: the whole file is re-analysed, as before.
 */
import type { Range } from '../model';
import type { PyEvent, PyFacts, PyScope, PyStatementSpan } from './facts';
import { isSimpleName } from './resolve';

/** The scopes to re-analyse (changed function scopes and the scopes nested in them), or undefined for the whole file. */
export function scopesToReanalyse(previous: PyFacts, next: PyFacts, text: string | undefined): Set<number> | undefined {
  if (text === undefined || previous.lineCount !== next.lineCount || previous.scopes.length !== next.scopes.length) return undefined;
  if (previous.classes.length !== next.classes.length) return undefined;
  const renamed = new Set<number>();
  for (let i = 0; i < next.classes.length; i++) {
    const before = previous.classes[i];
    const after = next.classes[i];
    if (!sameValue(before.methods, after.methods) && !addRenamedMethods(before.methods, after.methods, renamed)) return undefined;
    if (compare({ ...before, methods: {} }, { ...after, methods: {} }) === 'different') return undefined;
  }
  const changed: number[] = [];
  const moved: number[] = [];
  for (let index = 0; index < next.scopes.length; index++) {
    const before = previous.scopes[index];
    const after = next.scopes[index];
    const difference = compareScopes(before, after);
    if (difference === 'same') continue;
    if (difference === 'ends') {
      moved.push(index);
      continue;
    }
    if (after.kind !== 'function' || isDunder(after.qualname) || isDunder(before.qualname)) return undefined;
    if (!sameHeader(before, after) && !(renamed.has(index) && renamedMethod(before, after))) return undefined;
    changed.push(index);
  }

  const affected = new Set(changed);
  // Scopes are in source order and a nested scope follows its parent: one pass finds the descendants.
  for (let index = 0; index < next.scopes.length; index++) {
    if (affected.has(next.scopes[index].parent)) affected.add(index);
  }
  for (const index of affected) {
    if (writesOutside(previous.scopes[index]) || writesOutside(next.scopes[index])) return undefined;
  }
  if (next.classes.some((cls) => affected.has(cls.scope))) return undefined;
  for (const index of changed) {
    const scope = next.scopes[index];
    if (mentionedOutside(text, lastName(scope.qualname), scope)) return undefined;
    const formerName = lastName(previous.scopes[index].qualname);
    if (formerName !== lastName(scope.qualname) && mentionedOutside(text, formerName, scope)) return undefined;
  }
  // A scope whose statements only end elsewhere on their last line is analysed again too (a class
  // body's step in a chain carries its range), without the scopes nested in it.
  for (const index of moved) affected.add(index);
  return affected;
}

/**
 * The names an edit of module-level statements alone bound or unbound, when that is provably all
 * it changed for the file's other scopes; undefined otherwise.
 *
 * A function reads the module's top level through the names it mentions (resolution, values of
 * module variables) and through the pools the module creates at import time (PyProgram checks
 * those itself, see ScopeAnalysis.seesImportTimePools). So the module scope alone is re-analysed
 * when:
 * - every other scope and every class is equal to what it was (nothing moved: an edit at the end of
 *   the file, or one that keeps the line count);
 * - the module's events differ in one stretch, and the events after it keep their indices (other
 *   scopes refer to module-level assignments by index);
 * - the events of that stretch, before and after, define no function or class, import no `*`, and
 *   assign plain names only (`X = ...`, not `C.attr = ...`, which class layouts read);
 * - none of the names they bind is mentioned (a whole-word search, comments and strings included)
 *   inside a `def` or `class` statement, decorators included, but as the name it defines.
 */
export function moduleLevelNames(previous: PyFacts, next: PyFacts, text: string | undefined): Set<string> | undefined {
  if (text === undefined || previous.scopes.length !== next.scopes.length || previous.classes.length !== next.classes.length) return undefined;
  for (let i = 0; i < next.classes.length; i++) if (!sameValue(previous.classes[i], next.classes[i])) return undefined;
  for (let i = 1; i < next.scopes.length; i++) if (compareScopes(previous.scopes[i], next.scopes[i]) !== 'same') return undefined;
  const before = previous.scopes[0].events;
  const after = next.scopes[0].events;
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && sameValue(before[prefix], after[prefix])) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && sameValue(before[before.length - 1 - suffix], after[after.length - 1 - suffix])) suffix++;
  if (suffix > 0 && before.length !== after.length) return undefined;
  const names = new Set<string>();
  const changed = [...before.slice(prefix, before.length - suffix), ...after.slice(prefix, after.length - suffix)];
  for (const event of changed) if (!addBoundNames(event, names)) return undefined;
  const definitions = after.filter((event) => event.k === 'def').map((event) => event.stmt);
  for (const name of names) if (mentionedInDefinitions(text, name, definitions)) return undefined;
  return names;
}

/** Adds the module-level names an event binds; false when it defines a scope, imports `*` or assigns other than a name. */
function addBoundNames(event: PyEvent, names: Set<string>): boolean {
  if (event.k === 'def' || (event.k === 'import' && event.star)) return false;
  if (event.k === 'import') for (const binding of event.bindings) names.add(binding.local);
  if (event.k === 'call' || event.k === 'assign') {
    for (const target of event.targets ?? []) {
      if (!isSimpleName(target)) return false;
      names.add(target);
    }
  }
  return true;
}

/** Whether `name` occurs as a whole word on the lines of one of the `definitions` (module-level `def` or `class` statements), other than as a name being defined. */
function mentionedInDefinitions(text: string, name: string, definitions: readonly PyStatementSpan[]): boolean {
  return wordLines(text, name).some((line) => definitions.some((span) => line >= span.startLine && line <= span.endLine));
}

type Difference = 'same' | 'ends' | 'different';

/**
 * 'ends' when the only differences are where ranges end on their last line (an edit on the last
 * line of a function moves the end of its `def` statement, of the class body around it, and so on).
 */
function compareScopes(a: PyScope, b: PyScope): Difference {
  if (a === b) return 'same';
  const keys = Object.keys(b) as (keyof PyScope)[];
  if (keys.length !== Object.keys(a).length || a.events.length !== b.events.length) return 'different';
  let result: Difference = 'same';
  for (const key of keys) {
    if (key === 'events') continue;
    result = worse(result, key === 'range' ? compareRanges(a.range, b.range) : sameValue(a[key], b[key]) ? 'same' : 'different');
  }
  for (let i = 0; i < a.events.length && result !== 'different'; i++) {
    const before = a.events[i];
    const after = b.events[i];
    if (sameValue(before, after)) continue;
    result = worse(result, before.k === 'def' && after.k === 'def' ? compare(before, after) : 'different');
  }
  return result;
}

function worse(a: Difference, b: Difference): Difference {
  return a === 'different' || b === 'different' ? 'different' : a === 'ends' || b === 'ends' ? 'ends' : 'same';
}

/** compareScopes for a class entry: its range (and nothing else) may end elsewhere on its last line. */
function compare<T extends object>(a: T, b: T): Difference {
  if (sameValue(a, b)) return 'same';
  const range = (value: T): Range | undefined => (value as { range?: Range }).range;
  const rangeA = range(a);
  const rangeB = range(b);
  if (!rangeA || !rangeB || !sameValue({ ...a, range: undefined }, { ...b, range: undefined })) return 'different';
  return compareRanges(rangeA, rangeB);
}

function compareRanges(a: Range, b: Range): Difference {
  if (sameValue(a, b)) return 'same';
  return sameValue(a.start, b.start) && a.end.line === b.end.line ? 'ends' : 'different';
}

function sameHeader(a: PyScope, b: PyScope): boolean {
  return a.qualname === b.qualname && a.kind === b.kind && a.parent === b.parent && a.className === b.className;
}

/**
 * Adds the scopes of methods renamed between two `methods` records to `renamed`; false when the
 * records differ otherwise (a method added, removed, or two now sharing a name).
 */
function addRenamedMethods(before: Record<string, number>, after: Record<string, number>, renamed: Set<number>): boolean {
  const nameOf = new Map<number, string>();
  for (const name of Object.keys(before)) nameOf.set(before[name], name);
  const afterNames = Object.keys(after);
  if (afterNames.length !== nameOf.size || afterNames.length !== Object.keys(before).length) return false;
  for (const name of afterNames) {
    const formerName = nameOf.get(after[name]);
    if (formerName === undefined) return false;
    if (formerName !== name) renamed.add(after[name]);
  }
  return true;
}

/** The same method under another name: same kind, parent and class, the qualname's last part alone differing. */
function renamedMethod(a: PyScope, b: PyScope): boolean {
  const prefix = (qualname: string): string => qualname.slice(0, qualname.lastIndexOf('.') + 1);
  return a.className !== undefined && a.className === b.className && a.kind === b.kind && a.parent === b.parent && prefix(a.qualname) === prefix(b.qualname);
}

/**
 * Whether other scopes of the file may read a function's analysis: it is called implicitly (a
 * dunder method) or its name is mentioned outside its own lines (see mentionedOutside).
 */
export function readElsewhereInFile(text: string, scope: PyScope): boolean {
  return isDunder(scope.qualname) || mentionedOutside(text, lastName(scope.qualname), scope);
}

function isDunder(qualname: string): boolean {
  const name = lastName(qualname);
  return name.startsWith('__') && name.endsWith('__');
}

function lastName(qualname: string): string {
  return qualname.slice(qualname.lastIndexOf('.') + 1);
}

/**
 * Declares a `global`/`nonlocal`, or is a method assigning an attribute or item of its `self`
 * (`self.x = ...`): class layouts and pool identities read those of every method.
 */
function writesOutside(scope: PyScope): boolean {
  if (scope.globals.length > 0) return true;
  const self = scope.className !== undefined ? scope.params[0] : undefined;
  if (self === undefined) return false;
  const ofSelf = (target: string): boolean => target.startsWith(`${self}.`) || target.startsWith(`${self}[`);
  for (const event of scope.events) {
    const targets = event.k === 'call' || event.k === 'assign' ? event.targets : undefined;
    if (targets?.some(ofSelf)) return true;
  }
  return scope.blocks.some((block) => block.target !== undefined && block.target.split(',').some((target) => ofSelf(target.trim())));
}

/** Whether `name` occurs as a whole word in the text outside the scope's own lines, other than as a name being defined. */
function mentionedOutside(text: string, name: string, scope: PyScope): boolean {
  const { start, end } = scope.range;
  return wordLines(text, name).some((line) => line < start.line || line > end.line);
}

/** The lines (0-based, in order) where `name` occurs as a whole word, other than as the name a `def` or `class` defines. */
function wordLines(text: string, name: string): number[] {
  const word = new RegExp(`(?<![\\w])${name.replace(/[^\w]/g, '\\$&')}(?![\\w])`, 'g');
  const lines: number[] = [];
  let line = 0;
  let lineStart = 0;
  for (let match = word.exec(text); match !== null; match = word.exec(text)) {
    // Count lines up to the match (matches come in order, so the count carries over).
    for (let newline = text.indexOf('\n', lineStart); newline !== -1 && newline < match.index; newline = text.indexOf('\n', lineStart)) {
      line++;
      lineStart = newline + 1;
    }
    if (!isDefinedName(text, match.index)) lines.push(line);
  }
  return lines;
}

/** The word at `at` is the name a `def` or `class` statement defines (exactly one space after the keyword). */
function isDefinedName(text: string, at: number): boolean {
  return endsWithKeyword(text, at - 1, 'def') || endsWithKeyword(text, at - 1, 'class');
}

/** `text` has `keyword` and one space just before `space` (the space at `space`), as a whole word. */
function endsWithKeyword(text: string, space: number, keyword: string): boolean {
  const start = space - keyword.length;
  if (start < 0 || text.charCodeAt(space) !== 32 || !text.startsWith(keyword, start)) return false;
  return start === 0 || !/\w/.test(text[start - 1]);
}

/** Structural equality of facts values (plain objects, arrays, primitives); shared objects compare at once. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
