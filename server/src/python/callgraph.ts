/**
 * Call resolution: what each call event of a scope runs. A callee is resolved through the scope's
 * bindings (local and function-local imports, closures, module bindings), then attribute by
 * attribute over static symbols and inferred values: `self`/`cls` in methods, local variables
 * and module globals typed by the call that assigned them (`m = Manager()`), attributes typed in
 * any method of the class (`self._svc = Service()`), returned values, `super()`, and base classes
 * through a left-to-right depth-first MRO. A method whose receiver stays unknown falls back to the
 * workspace methods of that name when there are at most MAX_FALLBACK_CANDIDATES.
 */
import type { PyFacts, PyScope } from './facts';
import { isSimpleName, type NameResolver, type PySymbol } from './resolve';
import type { ModuleIndex } from './module-index';
import { bindingsOf, classByQualname, classByScope, globalAssignmentsOf, isBlockTarget, type LocalBinding } from './scope-index';

export interface CallSiteRef {
  file: string;
  scope: number;
  event: number;
}

/** A value as far as it can be known statically. */
export type PyValueRef =
  | PySymbol
  | { k: 'instance'; file: string; cls: number }
  /** A value made by external code: `qname` ends in `()` for a call's result (`threading.Thread()`). */
  | { k: 'external-value'; qname: string; calls: CallSiteRef[] }
  | { k: 'unknown' };

export interface FunctionRef {
  file: string;
  scope: number;
}

export interface ResolvedCall {
  /** Workspace functions this call may run (a constructor runs `__init__`; a fallback several). */
  functions: FunctionRef[];
  /** Qualified names of the external API called (alternatives when bases are several). */
  externals: string[];
  /** Earlier calls whose results the callee hangs off (`ProcessLauncher(...)` for `launcher.launch_service`). */
  receiverCalls: CallSiteRef[];
  /** The functions were found by method name only (the receiver could not be resolved). */
  byName: boolean;
  /** What the call returns, as far as known (resolveCall's cached answers leave it unknown). */
  result: PyValueRef;
}

export interface CallGraphHost {
  facts(file: string): PyFacts | undefined;
  /** A class's own method of that name (its scope), read as that one value of the class's file (PyProgram.ownMethod). */
  ownMethod(file: string, cls: number, name: string): number | undefined;
  /**
   * A value computed from `file` as its derived data, read by another file as that value (early
   * cutoff), not as the file's facts (PyProgram.derived).
   */
  derived<T>(file: string, key: string, compute: () => T): T;
  readonly modules: ModuleIndex;
  readonly resolver: NameResolver;
  /** Records a read of the file's facts (made by a result without reading them directly). */
  touch(file: string): void;
  /**
   * Records a read of one value derived for `file`, for early cutoff: `call SCOPE EVENT`, `layout
   * CLASS`, `methods NAME` (where the file's methods of that name are), `method CLASS.NAME` (one
   * class's own method of that name).
   */
  readDerived(file: string, kind: 'call' | 'layout' | 'methods', first: number | string, second?: number): void;
  /** Workspace methods with this name (for the fallback by name). */
  methodsNamed(name: string): FunctionRef[];
  /** Runs `compute` with `file` as the file whose derived data is being computed (dependency tracking). */
  track<T>(file: string, compute: () => T): T;
}

export const MAX_FALLBACK_CANDIDATES = 3;
const MAX_INFERENCE_DEPTH = 8;
const UNKNOWN: PyValueRef = { k: 'unknown' };
const HASH = '#'.charCodeAt(0);

/** A class's method resolution order. */
interface ClassLayout {
  classes: { file: string; cls: number }[];
  externalBases: string[];
}

/** What is derived for one file: call resolutions per scope, class layouts and own attribute assignments per class. */
interface FileCache {
  calls: Map<number, (ResolvedCall | undefined)[]>;
  layouts: Map<number, ClassLayout>;
  /** `self.<name>` -> the calls assigning it in the class's own methods, in method and event order (built on first use). */
  attributeCalls: Map<number, Map<string, CallSiteRef[]>>;
}

export class CallGraph {
  private readonly cache = new Map<string, FileCache>();
  private shared = new SharedAnswers();

  constructor(private readonly host: CallGraphHost) {}

  forgetFile(file: string): void {
    this.cache.delete(file);
  }

  /** Forgets the call resolutions of some scopes of a file (their facts changed; nothing else read them). */
  forgetScopes(file: string, scopes: ReadonlySet<number>): void {
    const cache = this.cache.get(file);
    if (!cache) return;
    for (const scope of scopes) cache.calls.delete(scope);
    cache.attributeCalls.clear(); // built from the methods' events
  }

  /** Forgets every derived result (the module index changed: any resolution may differ). */
  forgetAll(): void {
    this.cache.clear();
    this.shared = new SharedAnswers();
  }

  hasCachedData(): boolean {
    return this.cache.size > 0;
  }

  /** The call resolutions kept for a file, as [scope, event, resolution] (for early cutoff). */
  *cachedCalls(file: string): Generator<[number, number, ResolvedCall | undefined]> {
    for (const [scope, calls] of this.cache.get(file)?.calls ?? []) {
      for (let event = 0; event < calls.length; event++) if (event in calls) yield [scope, event, calls[event]];
    }
  }

  /** The class layouts kept for a file, as [class index, layout] (for early cutoff). */
  *cachedLayouts(file: string): Generator<[number, { classes: { file: string; cls: number }[]; externalBases: string[] }]> {
    yield* this.cache.get(file)?.layouts ?? [];
  }

  /** Forgets every class layout (the module index changed: a base may resolve differently). */
  forgetLayouts(): void {
    for (const cache of this.cache.values()) cache.layouts.clear();
  }

  private fileCache(file: string): FileCache {
    let cache = this.cache.get(file);
    if (!cache) this.cache.set(file, (cache = { calls: new Map(), layouts: new Map(), attributeCalls: new Map() }));
    return cache;
  }

  /** The resolution of a call event (undefined when the event is not a call). */
  resolveCall(file: string, scope: number, event: number): ResolvedCall | undefined {
    this.host.readDerived(file, 'call', scope, event);
    const byScope = this.fileCache(file).calls;
    let calls = byScope.get(scope);
    if (!calls) {
      calls = [];
      byScope.set(scope, calls);
    }
    if (event in calls) return calls[event];
    const resolved = this.host.track(file, () => this.computeCall({ file, scope, event }, 0));
    calls[event] = resolved && this.shared.compact(resolved);
    return calls[event];
  }

  /** The value a dotted expression has at an event of a scope. */
  valueOf(file: string, scope: number, dotted: string, atEvent: number): PyValueRef {
    return this.valueOfDotted({ file, scope, event: atEvent }, dotted, 0);
  }

  /** The class (workspace) a method scope belongs to, as an index into facts.classes. */
  classOfMethod(file: string, scope: number): number | undefined {
    const facts = this.host.facts(file);
    const className = facts?.scopes[scope]?.className;
    if (!facts || className === undefined) return undefined;
    const cls = classByQualname(facts, className);
    return cls >= 0 ? cls : undefined;
  }

  /**
   * Method resolution order: the class, then its workspace bases depth-first; external bases by
   * name. Computed once per class as derived data of the class's file (so a change to a base's
   * file drops it), and the caller depends on that file.
   */
  mro(file: string, cls: number): { classes: { file: string; cls: number }[]; externalBases: string[] } {
    return this.layout(file, cls);
  }

  private layout(file: string, cls: number): ClassLayout {
    this.host.readDerived(file, 'layout', cls);
    const layouts = this.fileCache(file).layouts;
    let layout = layouts.get(cls);
    if (!layout) {
      // A base written through the class itself (`class A(A.X)`) must not recurse forever.
      layouts.set(cls, { classes: [{ file, cls }], externalBases: [] });
      layout = this.host.track(file, () => this.computeMro(file, cls));
      layouts.set(cls, layout);
    }
    return layout;
  }

  private computeMro(file: string, cls: number): ClassLayout {
    const classes: { file: string; cls: number }[] = [];
    const externalBases: string[] = [];
    const seen = new Set<string>();
    const visit = (f: string, c: number, depth: number): void => {
      const key = `${f}#${c}`;
      if (seen.has(key) || depth > MAX_INFERENCE_DEPTH) return;
      seen.add(key);
      classes.push({ file: f, cls: c });
      for (const value of this.basesOf(f, c, depth)) {
        if (value.k === 'class') visit(value.file, value.cls, depth + 1);
        else if (value.k === 'external') externalBases.push(value.qname);
      }
    };
    visit(file, cls, 0);
    return { classes, externalBases };
  }

  /** What a class's bases are, resolved where the class is defined (a value of its file, see `derived`). */
  private basesOf(file: string, cls: number, depth: number): PyValueRef[] {
    return this.host.derived(file, `bases ${cls} ${depth}`, () => {
      const facts = this.host.facts(file);
      const info = facts?.classes[cls];
      if (!facts || !info) return [];
      const definingScope = facts.scopes[info.scope]?.parent ?? 0;
      return info.bases.map((base) => this.valueOfDotted({ file, scope: Math.max(0, definingScope), event: Number.MAX_SAFE_INTEGER }, base, depth + 1));
    });
  }

  /** Finds a method along the MRO, starting after `skip` classes (1 for `super()`). */
  findMethod(file: string, cls: number, name: string, skip = 0): FunctionRef | undefined {
    const { classes } = this.mro(file, cls);
    for (let i = skip; i < classes.length; i++) {
      const entry = classes[i];
      const scope = this.host.ownMethod(entry.file, entry.cls, name);
      if (scope !== undefined) return { file: entry.file, scope };
    }
    return undefined;
  }

  private computeCall(site: CallSiteRef, depth: number): ResolvedCall | undefined {
    const facts = this.host.facts(site.file);
    const event = facts?.scopes[site.scope]?.events[site.event];
    if (!facts || !event || event.k !== 'call') return undefined;
    const callee = event.callee;
    const empty: ResolvedCall = { functions: [], externals: [], receiverCalls: [], byName: false, result: UNKNOWN };
    if (callee === '') return empty;

    const superCall = this.superCall(site, facts, callee);
    if (superCall) return superCall;

    const { receiver, member } = splitCallee(callee);
    // The receiver is evaluated once: `a.b.m` is the member `m` of the value of `a.b` (the same
    // walk valueOfDotted does for the whole callee, at the same depths).
    const receiverValue = receiver === undefined ? undefined : this.valueOfDotted(site, receiver, depth);
    const receiverCalls = receiverValue?.k === 'external-value' ? receiverValue.calls : [];
    const calleeValue =
      receiverValue === undefined || member === undefined
        ? this.valueOfDotted(site, callee, depth)
        : receiverValue.k === 'unknown' || member.endsWith('[]')
          ? UNKNOWN
          : this.attributeOf(receiverValue, member, depth + 1);
    const resolved = this.callValue(calleeValue, site, depth);
    resolved.receiverCalls = receiverCalls;
    if (resolved.functions.length === 0 && resolved.externals.length === 0 && receiverValue !== undefined && member !== undefined) {
      if (receiverValue.k === 'unknown') {
        const candidates = this.host.methodsNamed(member);
        if (candidates.length > 0 && candidates.length <= MAX_FALLBACK_CANDIDATES) {
          // The resolution reads where those methods are, not the rest of their files.
          for (const file of new Set(candidates.map((candidate) => candidate.file))) this.host.readDerived(file, 'methods', member);
          return { ...resolved, functions: candidates, byName: true };
        }
      }
    }
    return resolved;
  }

  /** `super().m(...)`: the method after the current class in its MRO, or the external base's. */
  private superCall(site: CallSiteRef, facts: PyFacts, callee: string): ResolvedCall | undefined {
    const match = /^#(\d+)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(callee);
    if (!match) return undefined;
    const inner = facts.scopes[site.scope].events[Number(match[1])];
    if (!inner || inner.k !== 'call' || inner.callee !== 'super') return undefined;
    const method = match[2];
    const cls = this.classOfMethod(site.file, site.scope);
    const resolved: ResolvedCall = { functions: [], externals: [], receiverCalls: [], byName: false, result: UNKNOWN };
    if (cls === undefined) return resolved;
    const found = this.findMethod(site.file, cls, method, 1);
    if (found) resolved.functions.push(found);
    else {
      const { externalBases } = this.mro(site.file, cls);
      resolved.externals = externalBases.map((base) => (method === '__init__' ? base : `${base}().${method}`));
    }
    return resolved;
  }

  /** What calling a value runs and returns. */
  private callValue(value: PyValueRef, site: CallSiteRef, depth: number): ResolvedCall {
    const resolved: ResolvedCall = { functions: [], externals: [], receiverCalls: [], byName: false, result: UNKNOWN };
    switch (value.k) {
      case 'function':
        resolved.functions.push({ file: value.file, scope: value.scope });
        resolved.result = this.returnValue(value.file, value.scope, depth + 1);
        break;
      case 'class': {
        const init = this.findMethod(value.file, value.cls, '__init__');
        if (init) resolved.functions.push(init);
        else resolved.externals.push(...this.mro(value.file, value.cls).externalBases);
        resolved.result = { k: 'instance', file: value.file, cls: value.cls };
        break;
      }
      case 'external':
        resolved.externals.push(value.qname);
        resolved.result = { k: 'external-value', qname: `${value.qname}()`, calls: [site] };
        break;
      case 'external-value':
        resolved.externals.push(value.qname);
        resolved.result = { k: 'external-value', qname: `${value.qname}()`, calls: [...value.calls, site] };
        break;
      default:
        break;
    }
    return resolved;
  }

  /**
   * The value a function returns. Of another file's function, read as one value of that file
   * (per depth, since inference stops at MAX_INFERENCE_DEPTH): an edit there that leaves it the
   * same leaves the callers alone.
   */
  private returnValue(file: string, scope: number, depth: number): PyValueRef {
    if (depth > MAX_INFERENCE_DEPTH) return UNKNOWN;
    return this.host.derived(file, `returns ${scope} ${depth}`, () => this.computeReturnValue(file, scope, depth));
  }

  /** Its returned calls' results, else a returned name's value. */
  private computeReturnValue(file: string, scope: number, depth: number): PyValueRef {
    const events = this.host.facts(file)?.scopes[scope]?.events ?? [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (event.k === 'call' && event.returned) {
        const value = this.callResult({ file, scope, event: i }, depth + 1);
        if (value.k !== 'unknown') return value;
      } else if (event.k === 'return' && event.value?.kind === 'name' && event.value.dotted) {
        const value = this.valueOfDotted({ file, scope, event: i }, event.value.dotted, depth + 1);
        if (value.k !== 'unknown') return value;
      }
    }
    return UNKNOWN;
  }

  private callResult(site: CallSiteRef, depth: number): PyValueRef {
    if (depth > MAX_INFERENCE_DEPTH) return UNKNOWN;
    const facts = this.host.facts(site.file);
    const event = facts?.scopes[site.scope]?.events[site.event];
    if (!event || event.k !== 'call' || event.callee === '') return UNKNOWN;
    return this.callValue(this.valueOfDotted(site, event.callee, depth + 1), site, depth + 1).result;
  }

  /** Value of a dotted expression (`a.b.c`, `#4.start`, `self._pools[]`). */
  private valueOfDotted(site: CallSiteRef, dotted: string, depth: number): PyValueRef {
    if (depth > MAX_INFERENCE_DEPTH || dotted === '') return UNKNOWN;
    // Called for every callee of every call: the parts are read in place (no array of them), and
    // the regex only runs on heads that can match it.
    let end = dotted.indexOf('.');
    if (end < 0) end = dotted.length;
    const head = dotted.slice(0, end);
    let value: PyValueRef;
    const callRef = head.charCodeAt(0) === HASH ? /^#(\d+)$/.exec(head) : null;
    if (callRef) value = this.callResult({ ...site, event: Number(callRef[1]) }, depth + 1);
    else if (head.endsWith('[]')) return UNKNOWN;
    else value = this.valueOfName(site, head, depth + 1);
    while (end < dotted.length) {
      const start = end + 1;
      end = dotted.indexOf('.', start);
      if (end < 0) end = dotted.length;
      const part = dotted.slice(start, end);
      if (part.endsWith('[]')) return UNKNOWN;
      value = this.attributeOf(value, part, depth + 1);
      if (value.k === 'unknown') return value;
    }
    return value;
  }

  /** A simple name in a scope: locals, enclosing functions, the module, builtins. */
  private valueOfName(site: CallSiteRef, name: string, depth: number): PyValueRef {
    const facts = this.host.facts(site.file);
    if (!facts) return UNKNOWN;
    let scopeIndex = site.scope;
    let atEvent = site.event;
    while (scopeIndex >= 0) {
      const scope = facts.scopes[scopeIndex];
      if (!scope) break;
      if (scope.kind === 'module') return this.moduleLevelValue(site.file, name);
      if (scope.globals.includes(name)) return this.moduleLevelValue(site.file, name);
      // Class bodies do not enclose their methods' names.
      if (scope.kind !== 'class' || scopeIndex === site.scope) {
        const local = this.localValue(site.file, facts, scopeIndex, scope, name, atEvent, depth);
        if (local !== undefined) return local;
      }
      scopeIndex = scope.parent;
      atEvent = Number.MAX_SAFE_INTEGER;
    }
    return this.moduleLevelValue(site.file, name);
  }

  private moduleLevelValue(file: string, name: string): PyValueRef {
    const symbol = this.host.resolver.moduleMember(file, name, 0);
    if (symbol === undefined) return { k: 'external', qname: name }; // a builtin, or unknown
    return symbol;
  }

  /** A name bound in this very scope, or undefined when the scope does not bind it. */
  private localValue(file: string, facts: PyFacts, scopeIndex: number, scope: PyScope, name: string, atEvent: number, depth: number): PyValueRef | undefined {
    if (scope.className !== undefined && scope.params[0] === name && !scope.decorators.includes('staticmethod')) {
      const cls = classByQualname(facts, scope.className);
      if (cls >= 0) {
        const isClassLevel = scope.decorators.includes('classmethod') || scope.qualname.endsWith('.__new__');
        return isClassLevel ? { k: 'class', file, cls } : { k: 'instance', file, cls };
      }
    }
    let best: LocalBinding | undefined;
    for (const binding of bindingsOf(facts, scope, name) ?? []) {
      // The last binding before the use wins; a binding after it only when there is none before.
      const index = binding.event;
      if (best === undefined || (index < atEvent && (best.event >= atEvent || index > best.event))) best = binding;
    }
    if (best !== undefined) return this.bindingValue(file, facts, scopeIndex, best, depth);
    if (scope.params.includes(name)) return UNKNOWN;
    if (isBlockTarget(scope, name, splitTargets)) return UNKNOWN;
    return undefined;
  }

  private bindingValue(file: string, facts: PyFacts, scopeIndex: number, binding: LocalBinding, depth: number): PyValueRef {
    switch (binding.k) {
      case 'import':
        return this.host.resolver.importTarget(file, binding.target);
      case 'call':
        return this.callResult({ file, scope: scopeIndex, event: binding.event }, depth + 1);
      case 'assign':
        return binding.dotted ? this.valueOfDotted({ file, scope: scopeIndex, event: binding.event }, binding.dotted, depth + 1) : UNKNOWN;
      case 'def': {
        const inner = facts.scopes[binding.scope];
        const cls = classByScope(facts, binding.scope);
        return inner.kind === 'class' && cls >= 0 ? { k: 'class', file, cls } : { k: 'function', file, scope: binding.scope };
      }
    }
  }

  private attributeOf(value: PyValueRef, name: string, depth: number): PyValueRef {
    if (depth > MAX_INFERENCE_DEPTH) return UNKNOWN;
    switch (value.k) {
      case 'module':
      case 'class':
      case 'external': {
        if (value.k === 'class') {
          const method = this.findMethod(value.file, value.cls, name);
          if (method) return { k: 'function', ...method };
        }
        return this.host.resolver.memberOf(value, name) ?? UNKNOWN;
      }
      case 'global':
        return this.attributeOf(this.globalValue(value.file, value.name, depth + 1), name, depth + 1);
      case 'instance': {
        const method = this.findMethod(value.file, value.cls, name);
        if (method) return { k: 'function', ...method };
        const attribute = this.instanceAttribute(value.file, value.cls, name, depth + 1);
        if (attribute.k !== 'unknown') return attribute;
        const { externalBases } = this.mro(value.file, value.cls);
        if (externalBases.length > 0) return { k: 'external-value', qname: `${externalBases[0]}().${name}`, calls: [] };
        return UNKNOWN;
      }
      case 'external-value':
        return { k: 'external-value', qname: `${value.qname}.${name}`, calls: value.calls };
      default:
        return UNKNOWN;
    }
  }

  /** The value a module global was given by a call at module level or in a `global` function. */
  private globalValue(file: string, name: string, depth: number): PyValueRef {
    // Of another module, read as one value of it (`derived`), not as its facts.
    return this.host.derived(file, `global ${name} ${depth}`, () => {
      const facts = this.host.facts(file);
      if (!facts) return UNKNOWN;
      for (const { scope, event } of globalAssignmentsOf(facts, name) ?? []) {
        const value = this.callResult({ file, scope, event }, depth + 1);
        if (value.k !== 'unknown') return value;
      }
      return UNKNOWN;
    });
  }

  /** `self.name` typed by a call assigned to it in any method of the class or its bases, in MRO order. */
  private instanceAttribute(file: string, cls: number, name: string, depth: number): PyValueRef {
    for (const owner of this.mro(file, cls).classes) {
      const value = this.host.derived(owner.file, `attribute ${owner.cls}.${name} ${depth}`, () => this.ownAttribute(owner.file, owner.cls, name, depth));
      if (value.k !== 'unknown') return value;
    }
    return UNKNOWN;
  }

  /** `self.name` typed by a call assigned to it in the class's own methods. */
  private ownAttribute(file: string, cls: number, name: string, depth: number): PyValueRef {
    for (const site of this.ownAttributeCalls(file, cls).get(name) ?? []) {
      const value = this.callResult(site, depth + 1);
      if (value.k !== 'unknown') return value;
    }
    return UNKNOWN;
  }

  /** `self.<name>` -> the calls assigning it in the class's own methods (an index built once per class). */
  private ownAttributeCalls(file: string, cls: number): Map<string, CallSiteRef[]> {
    const cache = this.fileCache(file).attributeCalls;
    // The index is the content of the methods' facts: reading it is reading those facts.
    this.host.touch(file);
    const cached = cache.get(cls);
    if (cached) return cached;
    const index = new Map<string, CallSiteRef[]>();
    for (const { scopeIndex, scope, self } of this.ownMethods(file, cls)) {
      const prefix = `${self}.`;
      scope.events.forEach((event, position) => {
        if (event.k !== 'call' || !event.targets) return;
        for (const target of new Set(event.targets)) {
          if (!target.startsWith(prefix)) continue;
          const name = target.slice(prefix.length);
          const site = { file, scope: scopeIndex, event: position };
          const list = index.get(name);
          if (list) list.push(site);
          else index.set(name, [site]);
        }
      });
    }
    cache.set(cls, index);
    return index;
  }

  /** Whether the class's own methods assign `self.<name>` (or an item of it). */
  assignsAttribute(file: string, cls: number, name: string): boolean {
    for (const { scope, self } of this.ownMethods(file, cls)) {
      const assigned = scope.events.some((e) => (e.k === 'call' || e.k === 'assign') && e.targets?.some((t) => t === `${self}.${name}` || t === `${self}.${name}[]`));
      if (assigned) return true;
    }
    return false;
  }

  /** The class's own methods, with their `self` parameter. */
  private *ownMethods(file: string, cls: number): Generator<{ scopeIndex: number; scope: PyScope; self: string }> {
    const facts = this.host.facts(file);
    const info = facts?.classes[cls];
    if (!facts || !info) return;
    for (const scopeIndex of Object.values(info.methods)) {
      const scope = facts.scopes[scopeIndex];
      const self = scope?.params[0];
      if (scope && self) yield { scopeIndex, scope, self };
    }
  }
}

const NO_FUNCTIONS: FunctionRef[] = Object.freeze([]) as unknown as FunctionRef[];
const NO_NAMES: string[] = Object.freeze([]) as unknown as string[];
const NO_CALLS: CallSiteRef[] = Object.freeze([]) as unknown as CallSiteRef[];
/**
 * Resolutions as the cache keeps them, for every call of the workspace: without `result` (callers
 * of a call's value infer it again, at their own depth), and the common answers shared: only
 * external names (most calls), or one workspace function (most of the rest).
 */
class SharedAnswers {
  private readonly names = new Map<string, string>();
  private readonly byKey = new Map<string, ResolvedCall>();

  compact(resolved: ResolvedCall): ResolvedCall {
    const { functions, externals, receiverCalls, byName } = resolved;
    if (receiverCalls.length === 0 && !byName && (functions.length === 0 || (functions.length === 1 && externals.length === 0))) {
      const key = functions.length === 1 ? `${functions[0].file}#${functions[0].scope}` : `=${externals.join('\n')}`;
      let shared = this.byKey.get(key);
      if (!shared) {
        shared = Object.freeze({
          functions: functions.length === 0 ? NO_FUNCTIONS : (Object.freeze([...functions]) as FunctionRef[]),
          externals: externals.length === 0 ? NO_NAMES : (Object.freeze(externals.map((n) => this.intern(n))) as string[]),
          receiverCalls: NO_CALLS,
          byName: false,
          result: UNKNOWN,
        });
        this.byKey.set(key, shared);
      }
      return shared;
    }
    return {
      functions: functions.length === 0 ? NO_FUNCTIONS : functions,
      externals: externals.length === 0 ? NO_NAMES : externals.map((n) => this.intern(n)),
      receiverCalls: receiverCalls.length === 0 ? NO_CALLS : receiverCalls,
      byName,
      result: UNKNOWN,
    };
  }

  /** One string per distinct name (`os.path.join` is called thousands of times). */
  private intern(name: string): string {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    this.names.set(name, name);
    return name;
  }
}

/** `a.b.m` -> receiver `a.b`, member `m`; `f` -> no receiver. */
export function splitCallee(callee: string): { receiver?: string; member?: string } {
  const dot = callee.lastIndexOf('.');
  if (dot < 0) return {};
  return { receiver: callee.slice(0, dot), member: callee.slice(dot + 1) };
}

export function splitTargets(target: string | undefined): string[] {
  if (!target) return [];
  return target
    .split(',')
    .map((t) => t.trim().replace(/^[(\[]|[)\]]$/g, '').trim())
    .filter(isSimpleName);
}
