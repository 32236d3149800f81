/**
 * Indexes over one file's facts that name lookups use instead of scanning every event of a scope
 * (which made resolving all calls of a large scope quadratic in its size). They depend on the facts
 * object alone, so they are kept in WeakMaps keyed by it: new facts for a file get new indexes, and
 * nothing has to be invalidated.
 */
import type { PyFacts, PyScope } from './facts';

/** An event of a scope that binds a name, and how. */
export type LocalBinding =
  | { k: 'import'; event: number; target: string }
  | { k: 'call'; event: number }
  | { k: 'assign'; event: number; dotted?: string }
  | { k: 'def'; event: number; scope: number };

/** Per scope: name -> the events binding it, in event order (an event binding a name twice counts once). */
const localBindings = new WeakMap<PyScope, Map<string, LocalBinding[]>>();
/** Per scope: names bound by `for`/comprehension/`with` targets (the values are unknown). */
const blockTargets = new WeakMap<PyScope, Set<string>>();
/** Per file: where each class is, by qualname and by its body's scope (first class of each, as findIndex would give). */
const classIndexes = new WeakMap<PyFacts, { byQualname: Map<string, number>; byScope: Map<number, number> }>();
/** Per file: module-global name -> calls assigning it (module level, or a scope declaring it `global`), in scope then event order. */
const globalAssignments = new WeakMap<PyFacts, Map<string, { scope: number; event: number }[]>>();

/**
 * Scopes with fewer events than this are scanned at each lookup: the scan is as cheap as the index
 * there, and most scopes are that small, so the indexes' memory goes to the scopes that need them.
 */
const MIN_EVENTS_TO_INDEX = 24;

export function bindingsOf(facts: PyFacts, scope: PyScope, name: string): readonly LocalBinding[] | undefined {
  if (scope.events.length < MIN_EVENTS_TO_INDEX) return scanBindings(facts, scope, name);
  let index = localBindings.get(scope);
  if (!index) localBindings.set(scope, (index = buildLocalBindings(facts, scope)));
  return index.get(name);
}

export function isBlockTarget(scope: PyScope, name: string, splitTargets: (target: string | undefined) => string[]): boolean {
  if (scope.blocks.length < MIN_EVENTS_TO_INDEX) {
    // A target that does not contain the name's text cannot bind it: most are not split at all.
    return scope.blocks.some((b) => (b.kind === 'for' || b.kind === 'comprehension' || b.kind === 'with') && b.target?.includes(name) === true && splitTargets(b.target).includes(name));
  }
  let targets = blockTargets.get(scope);
  if (!targets) {
    targets = new Set();
    for (const block of scope.blocks) {
      if (block.kind === 'for' || block.kind === 'comprehension' || block.kind === 'with') for (const target of splitTargets(block.target)) targets.add(target);
    }
    blockTargets.set(scope, targets);
  }
  return targets.has(name);
}

/** Index into facts.classes of the first class with this qualname, or -1. */
export function classByQualname(facts: PyFacts, qualname: string): number {
  return classIndexOf(facts).byQualname.get(qualname) ?? -1;
}

/** Index into facts.classes of the class whose body is this scope, or -1. */
export function classByScope(facts: PyFacts, scope: number): number {
  return classIndexOf(facts).byScope.get(scope) ?? -1;
}

function classIndexOf(facts: PyFacts): { byQualname: Map<string, number>; byScope: Map<number, number> } {
  let index = classIndexes.get(facts);
  if (!index) {
    index = { byQualname: new Map(), byScope: new Map() };
    facts.classes.forEach((cls, i) => {
      if (!index!.byQualname.has(cls.qualname)) index!.byQualname.set(cls.qualname, i);
      if (!index!.byScope.has(cls.scope)) index!.byScope.set(cls.scope, i);
    });
    classIndexes.set(facts, index);
  }
  return index;
}

export function globalAssignmentsOf(facts: PyFacts, name: string): readonly { scope: number; event: number }[] | undefined {
  let index = globalAssignments.get(facts);
  if (!index) globalAssignments.set(facts, (index = buildGlobalAssignments(facts)));
  return index.get(name);
}

/** The bindings of one name, by scanning the scope (what the index holds for it). */
function scanBindings(facts: PyFacts, scope: PyScope, name: string): LocalBinding[] | undefined {
  let found: LocalBinding[] | undefined;
  const events = scope.events;
  for (let position = 0; position < events.length; position++) {
    const event = events[position];
    let binding: LocalBinding | undefined;
    if (event.k === 'import') {
      const bound = event.bindings.find((b) => b.local === name);
      if (bound) binding = { k: 'import', event: position, target: bound.target };
    } else if (event.k === 'call') {
      if (event.targets?.includes(name)) binding = { k: 'call', event: position };
    } else if (event.k === 'assign') {
      if (event.targets.includes(name)) {
        const value = event.value;
        binding = { k: 'assign', event: position, dotted: value.kind === 'name' && value.dotted ? value.dotted : undefined };
      }
    } else if (event.k === 'def') {
      const inner = facts.scopes[event.scope];
      if (inner && lastPart(inner.qualname) === name) binding = { k: 'def', event: position, scope: event.scope };
    }
    if (binding) (found ??= []).push(binding);
  }
  return found;
}

function lastPart(qualname: string): string {
  return qualname.slice(qualname.lastIndexOf('.') + 1);
}

/** Name -> bindings of the scope, in event order. */
function buildLocalBindings(facts: PyFacts, scope: PyScope): Map<string, LocalBinding[]> {
  const index = new Map<string, LocalBinding[]>();
  const add = (name: string, binding: LocalBinding): void => {
    const list = index.get(name);
    if (!list) index.set(name, [binding]);
    // The first binding of a name in an event wins (as when scanning the event's bindings in order).
    else if (list[list.length - 1].event !== binding.event) list.push(binding);
  };
  scope.events.forEach((event, position) => {
    if (event.k === 'import') {
      for (const binding of event.bindings) add(binding.local, { k: 'import', event: position, target: binding.target });
    } else if (event.k === 'call') {
      for (const target of event.targets ?? []) add(target, { k: 'call', event: position });
    } else if (event.k === 'assign') {
      const value = event.value;
      const dotted = value.kind === 'name' && value.dotted ? value.dotted : undefined;
      for (const target of event.targets) add(target, { k: 'assign', event: position, dotted });
    } else if (event.k === 'def') {
      const inner = facts.scopes[event.scope];
      if (inner) add(lastPart(inner.qualname), { k: 'def', event: position, scope: event.scope });
    }
  });
  return index;
}

function buildGlobalAssignments(facts: PyFacts): Map<string, { scope: number; event: number }[]> {
  const index = new Map<string, { scope: number; event: number }[]>();
  facts.scopes.forEach((scope, s) => {
    if (s !== 0 && scope.globals.length === 0) return;
    scope.events.forEach((event, position) => {
      if (event.k !== 'call' || !event.targets) return;
      for (const target of new Set(event.targets)) {
        if (s !== 0 && !scope.globals.includes(target)) continue;
        const list = index.get(target);
        if (list) list.push({ scope: s, event: position });
        else index.set(target, [{ scope: s, event: position }]);
      }
    });
  });
  return index;
}
