/**
 * Function summaries and fork hazards, from one in-order walk over a scope's events.
 *
 * The walk keeps the pools that may be alive (created on any path so far, directly or by a callee,
 * or by an imported module's top-level code), the resets seen (own calls `<pool>.shutdown()` and
 * callees' sure resets), and the fork handlers registered. At every call that forks (a catalog fork
 * point, or a workspace function whose summary forks) the pools alive and not surely reset since
 * their creation make a hazard. What escapes the scope becomes its summary, which callers apply
 * at their call sites: pools that may be alive after it returns, pools it surely resets, fork
 * handlers it registers, the first fork it may reach (with the resets done before it), the pool
 * identity it returns.
 *
 * A creation counts when it MAY run (any branch, loop body). A reset counts only when it is SURE to
 * run between the creation and the fork: every branch/loop around it must also hold the fork, or
 * test the pool itself (`if X is not None: X.shutdown()`, `for p in self._pools.values()`).
 */
import type { Range } from '../model';
import type { ForkPoint, PoolFactory } from '../catalog/types';
import { CONTEXT_FACTORIES, FORK_HANDLER_REGISTRARS, NON_FORK_START_METHODS, RESET_METHOD_NAMES, type PythonCatalog } from '../catalog/python';
import type { PyBlock, PyCallEvent, PyFacts, PyScope, PyValue } from './facts';
import { splitCallee, splitTargets, type CallGraph, type CallSiteRef, type FunctionRef, type ResolvedCall } from './callgraph';
import { isSimpleName, type NameResolver } from './resolve';
import type { ModuleIndex } from './module-index';
import { bindingsOf } from './scope-index';

export type PoolIdentityKind = 'global' | 'attr' | 'registry' | 'local' | 'anon';

/** What a pool is known as, so a reset can be matched to the pool it resets. */
export interface PoolIdentity {
  /** `global:<file>:NAME`, `attr:<file>#<class>:NAME`, `registry:...`, `local:<file>#<scope>:NAME`, `anon:<file>:<line>:<col>`. */
  key: string;
  kind: PoolIdentityKind;
  /** How the source names it where it is created: `_EXECUTOR`, `self._pool`, `self._pools[...]`. */
  display: string;
  /** global: the module file; attr/registry: the file of the owning class. */
  file?: string;
  /** The variable or attribute name. */
  name?: string;
  /** attr/registry: the owning class, as an index into that file's classes. */
  cls?: number;
}

/** One call (or import) on a chain from a function down to a creation or a fork. */
export interface ChainStep {
  file: string;
  range: Range;
  /** What the step enters: a function's qualname (`Service.start`) or `import app.db`. */
  label: string;
  kind: 'call' | 'import';
  /** The callee was found by method name only. */
  byName: boolean;
  /** `file#scope` of the function entered (calls only). */
  enters?: string;
}

export interface PoolRecord {
  identity: PoolIdentity;
  factory: PoolFactory;
  /** The creating call. */
  site: CallSiteRef & { range: Range };
  /** Steps from the summarised function down to the function holding the creation. */
  via: ChainStep[];
  /** The creation is conditional (a branch or loop around it): the pool may be absent. */
  conditional: boolean;
  /** The pool is created in a module's top-level code (so `from m import NAME` sees it). */
  atImportTime: boolean;
}

export interface ResetEffect {
  key: string;
  /** Reset methods called; `null` for a reset of everything (configured reset calls). */
  methods: string[] | null;
}

export interface ForkRoute {
  point: ForkPoint;
  /** The call of the fork point itself (deepest). */
  site: CallSiteRef & { range: Range };
  /** Steps from the summarised function down to the function holding the fork point call. */
  via: ChainStep[];
  /** Resets sure to run before the fork inside the route. */
  resetsBefore: ResetEffect[];
  /** Identity keys protected by fork handlers or child initialisers on the route. */
  protects: string[];
  /**
   * Identity keys the functions on the route report themselves: the import-time pools of their
   * modules, alive when they run. Callers do not report these again.
   */
  handled: string[];
}

export interface FunctionSummary {
  creates: PoolRecord[];
  resets: ResetEffect[];
  /** Identity keys a registered fork handler (before / after_in_child) resets or re-creates. */
  protects: string[];
  fork?: ForkRoute;
  /** Identity key of the pool the function returns. */
  returns?: string;
}

export interface ForkHazard {
  site: CallSiteRef;
  call: PyCallEvent;
  route: ForkRoute;
  pools: PoolRecord[];
}

export interface ScopeAnalysis {
  summary: FunctionSummary;
  hazards: ForkHazard[];
  /**
   * A function whose result can depend on which pools its module creates at import time: it
   * reaches a fork (the pools alive there include them) or keeps pools of its own (one created at
   * the same site as an import-time pool is that pool). Any other function's result is the same
   * whatever the module's import-time pools are (PyProgram re-analyses only these when they change).
   */
  seesImportTimePools?: boolean;
}

export const EMPTY_SUMMARY: FunctionSummary = Object.freeze({
  creates: Object.freeze([]),
  resets: Object.freeze([]),
  protects: Object.freeze([]),
  fork: undefined,
  returns: undefined,
}) as unknown as FunctionSummary;
const NO_HAZARDS: ForkHazard[] = Object.freeze([]) as unknown as ForkHazard[];

/** What the walk needs from the program. */
export interface SummaryHost {
  facts(file: string): PyFacts | undefined;
  readonly modules: ModuleIndex;
  readonly resolver: NameResolver;
  readonly callGraph: CallGraph;
  readonly catalog: PythonCatalog;
  touch(file: string): void;
  /** A callee's summary (cycles give a provisional one). */
  summaryOf(fn: FunctionRef): FunctionSummary;
  /** The workspace's code selects a start method that does not fork (spawn/forkserver). */
  selectsNonForkStartMethod(): boolean;
  /** `module.qualname` of a workspace function (module scope: the module name). */
  qualifiedName(fn: FunctionRef): string | undefined;
  /** A value derived from another file, read as that value, not as the file's facts (PyProgram.derived). */
  derived<T>(file: string, key: string, compute: () => T): T;
}

const SURE_BLOCK_KINDS: ReadonlySet<PyBlock['kind']> = new Set(['with', 'try', 'finally', 'try_else']);

interface LivePool {
  record: PoolRecord;
  order: number;
  block: number;
  /** A `with` item's pool is shut down at the end of its block. */
  liveUntilLine?: number;
  /** Created by the module's import-time code, alive before the function runs (not the function's own). */
  ambient?: boolean;
}

interface ResetEvent extends ResetEffect {
  order: number;
  block: number;
  /** Source texts that name the pool at the reset (receiver, and what it aliases). */
  names: string[];
}

/**
 * How a module's top-level code is walked: `import` as an importer runs it (the
 * `if __name__ == '__main__':` block does not run), `script` as `python file.py` runs it (for the
 * module's own hazards). Function scopes ignore the mode.
 */
export type ModuleMode = 'import' | 'script';

export function analyzeScope(host: SummaryHost, fn: FunctionRef, mode: ModuleMode = 'import'): ScopeAnalysis {
  return new ScopeWalk(host, fn, mode).run();
}

class ScopeWalk {
  private readonly facts: PyFacts;
  private readonly scope: PyScope;
  private live: LivePool[] = [];
  private readonly resets: ResetEvent[] = [];
  private readonly protects = new Set<string>();
  /** Local names bound to a pool identity (`ex = get_executor()`, `for p in self._pools.values()`). */
  private readonly aliases = new Map<string, { identity: PoolIdentity; source: string }>();
  private readonly hazards: ForkHazard[] = [];
  private fork?: ForkRoute;
  private returns?: string;
  private readonly importedModules = new Set<string>();

  /** Identity keys of the module's import-time pools (function scopes only). */
  private readonly ambientKeys: string[] = [];
  /** A fork was reached or a pool of the scope's own kept (see ScopeAnalysis.seesImportTimePools). */
  private seesImportTimePools = false;

  constructor(
    private readonly host: SummaryHost,
    private readonly fn: FunctionRef,
    private readonly mode: ModuleMode,
  ) {
    const facts = host.facts(fn.file);
    this.facts = facts ?? emptyFactsShape();
    this.scope = this.facts.scopes[fn.scope] ?? this.facts.scopes[0];
  }

  run(): ScopeAnalysis {
    if (!this.scope) return { summary: EMPTY_SUMMARY, hazards: [] };
    this.bindLoopAliases();
    if (this.scope.kind === 'function') this.addAmbientPools();
    const skipped = this.scope.kind === 'module' && this.mode === 'import' ? this.mainBlocks() : new Set<number>();
    this.scope.events.forEach((event, order) => {
      if (skipped.size > 0 && this.blockChain(event.block).some((b) => skipped.has(b))) return;
      if (event.k === 'call') this.onCall(event, order);
      else if (event.k === 'import') this.onImport(order);
      else if (event.k === 'def') this.onClassBody(event.scope, order);
      else if (event.k === 'assign') this.onAssign(event.targets, event.value);
      else if (event.k === 'return' && event.value?.kind === 'name' && event.value.dotted) {
        this.returns = this.identityOf(event.value.dotted, order)?.key ?? this.returns;
      }
    });
    // Most scopes have nothing to say: they share one empty result (kept for every scope).
    const summary = this.summary();
    const hazards = this.hazards.length === 0 ? NO_HAZARDS : this.hazards;
    return this.seesImportTimePools && this.scope.kind === 'function' ? { summary, hazards, seesImportTimePools: true } : { summary, hazards };
  }

  /** The module's import-time pools are alive whenever one of its functions runs. */
  private addAmbientPools(): void {
    const moduleSummary = this.host.summaryOf({ file: this.fn.file, scope: 0 });
    for (const record of moduleSummary.creates) {
      this.live.push({ record, order: -1, block: -1, ambient: true });
      this.ambientKeys.push(record.identity.key);
    }
    // Fork handlers registered at import time stay registered for the whole process.
    for (const key of moduleSummary.protects) this.protects.add(key);
  }

  /** `if __name__ == '__main__':` blocks (and what they hold) of the module scope. */
  private mainBlocks(): Set<number> {
    const blocks = new Set<number>();
    this.scope.blocks.forEach((block, index) => {
      if (block.kind === 'if' && block.test && /__name__\s*==\s*['"]__main__['"]|['"]__main__['"]\s*==\s*__name__/.test(block.test)) blocks.add(index);
    });
    return blocks;
  }

  // ---- events ----

  private onCall(call: PyCallEvent, order: number): void {
    const site: CallSiteRef = { file: this.fn.file, scope: this.fn.scope, event: order };
    const resolved = this.host.callGraph.resolveCall(this.fn.file, this.fn.scope, order);
    if (!resolved) return;
    const step = (callee: FunctionRef): ChainStep => ({
      file: this.fn.file,
      range: call.range,
      label: this.labelOf(callee),
      kind: 'call',
      byName: resolved.byName,
      enters: `${callee.file}#${callee.scope}`,
    });

    // 1. A fork: pools alive now are inherited by the children.
    const route = this.forkRouteOf(call, order, resolved, step);
    if (route) {
      this.seesImportTimePools = true;
      const pools = this.poolsAliveAtFork(order, call, route);
      if (pools.length > 0) this.hazards.push({ site, call, route, pools });
      if (!this.fork) {
        const before = this.resets.filter((r) => this.isSureBefore(r, call.block));
        this.fork = {
          ...route,
          resetsBefore: [...route.resetsBefore, ...before.map(toEffect)],
          protects: [...route.protects, ...this.protects],
          handled: [...route.handled, ...this.ambientKeys],
        };
      }
    }

    // 2. Resets: `<pool>.shutdown()`, configured reset calls, callees' sure resets.
    this.collectResets(call, order, resolved);

    // 3. Fork handlers registered here protect the pools they reset or re-create.
    this.collectForkHandlers(call, order, resolved);

    // 4. Creations: catalog factories, and what callees leave alive.
    this.collectCreations(call, order, resolved, step);
  }

  private onImport(order: number): void {
    const event = this.scope.events[order];
    if (event.k !== 'import') return;
    for (const moduleName of this.host.resolver.modulesRunBy(this.fn.file, event)) {
      const file = this.host.modules.fileOf(moduleName);
      if (file === undefined || file === this.fn.file || this.importedModules.has(file)) continue;
      this.importedModules.add(file);
      const summary = this.host.summaryOf({ file, scope: 0 });
      const step: ChainStep = { file: this.fn.file, range: event.range, label: `import ${moduleName}`, kind: 'import', byName: false };
      this.applyCallee(summary, order, event.block, () => step);
    }
  }

  /** A class statement runs its body. */
  private onClassBody(scope: number, order: number): void {
    const inner = this.facts.scopes[scope];
    const event = this.scope.events[order];
    if (!inner || inner.kind !== 'class') return;
    const summary = this.host.summaryOf({ file: this.fn.file, scope });
    const step: ChainStep = { file: this.fn.file, range: event.range, label: `class ${inner.qualname}`, kind: 'call', byName: false };
    this.applyCallee(summary, order, event.block, () => step);
  }

  private onAssign(targets: string[], value: PyValue): void {
    if (value.kind !== 'name' || !value.dotted) return;
    const identity = this.identityOf(value.dotted, Number.MAX_SAFE_INTEGER);
    if (!identity) return;
    for (const target of targets) if (isSimpleName(target) && !this.isModuleLevelName(target)) this.aliases.set(target, { identity, source: value.dotted });
  }

  // ---- forks ----

  private forkRouteOf(call: PyCallEvent, order: number, resolved: ResolvedCall, step: (callee: FunctionRef) => ChainStep): ForkRoute | undefined {
    for (const qname of resolved.externals) {
      const point = this.host.catalog.forkPointByName.get(qname);
      if (!point) continue;
      if (point.when === 'enter' && !call.withItem) continue;
      if (!this.forksUnderConditions(point, call, order, resolved)) continue;
      return { point, site: this.siteOf(call, order), via: [], resetsBefore: [], protects: this.initializerProtects(call, order), handled: [] };
    }
    for (const callee of resolved.functions) {
      const qualified = this.host.qualifiedName(callee);
      const configured = qualified === undefined ? undefined : this.host.catalog.forkPointByName.get(qualified);
      if (configured) return { point: configured, site: this.siteOf(call, order), via: [], resetsBefore: [], protects: [], handled: [] };
      const summary = this.host.summaryOf(callee);
      if (!summary.fork) continue;
      // A route back through this very function (recursion) is found where it forks directly.
      const self = `${this.fn.file}#${this.fn.scope}`;
      if (!summary.fork.via.some((s) => s.enters === self)) {
        return { ...summary.fork, via: [step(callee), ...summary.fork.via] };
      }
    }
    return undefined;
  }

  private siteOf(call: PyCallEvent, order: number): CallSiteRef & { range: Range } {
    return { file: this.fn.file, scope: this.fn.scope, event: order, range: call.range };
  }

  private forksUnderConditions(point: ForkPoint, call: PyCallEvent, order: number, resolved: ResolvedCall): boolean {
    for (const condition of point.conditions ?? []) {
      if (condition.kind === 'start-method') {
        const method = this.startMethodOf(call, order, resolved, condition.contextArgument);
        if (method !== undefined) {
          if (NON_FORK_START_METHODS.includes(method)) return false;
        } else if (this.host.selectsNonForkStartMethod()) return false;
      } else if (condition.kind === 'argument-values') {
        const value = argumentValue(call, condition.name, condition.position);
        if (value === undefined) {
          if (!condition.defaultForks) return false;
        } else {
          const literal = literalOf(value);
          if (literal !== undefined && condition.nonForkingValues.includes(literal)) return false;
        }
      } else if (condition.kind === 'constructor-flag') {
        const constructor = resolved.receiverCalls[0];
        const constructed = constructor && this.callEventAt(constructor);
        const flag = constructed ? argumentValue(constructed, condition.name) : undefined;
        if (flag && literalOf(flag) === true) return false;
      }
    }
    return true;
  }

  /** The start method chosen at this call: `mp_context=get_context('spawn')`, or `ctx.Process` on such a context. */
  private startMethodOf(call: PyCallEvent, order: number, resolved: ResolvedCall, contextArgument?: string): string | undefined {
    const contextCalls: CallSiteRef[] = [...resolved.receiverCalls];
    const argument = contextArgument ? argumentValue(call, contextArgument) : undefined;
    if (argument?.kind === 'call' && argument.call !== undefined) contextCalls.push({ file: this.fn.file, scope: this.fn.scope, event: argument.call });
    else if (argument?.kind === 'name' && argument.dotted) {
      const value = this.host.callGraph.valueOf(this.fn.file, this.fn.scope, argument.dotted, order);
      if (value.k === 'external-value') contextCalls.push(...value.calls);
    }
    for (const ref of contextCalls) {
      const event = this.callEventAt(ref);
      if (!event) continue;
      const callee = this.host.callGraph.resolveCall(ref.file, ref.scope, ref.event);
      const factory = CONTEXT_FACTORIES.find((f) => callee?.externals.some((q) => f.qualnames.includes(q)));
      if (!factory) continue;
      const method = argumentValue(event, factory.argument.name, factory.argument.position);
      const literal = method ? literalOf(method) : undefined;
      return typeof literal === 'string' ? literal : undefined;
    }
    return undefined;
  }

  /** `initializer=f` of a process pool: a per-process init re-creating or resetting pools. */
  private initializerProtects(call: PyCallEvent, order: number): string[] {
    const initializer = argumentValue(call, 'initializer');
    if (initializer?.kind !== 'name' || !initializer.dotted) return [];
    return this.keysHandledBy(initializer.dotted, order);
  }

  private poolsAliveAtFork(order: number, call: PyCallEvent, route: ForkRoute): PoolRecord[] {
    const protectedKeys = new Set([...this.protects, ...route.protects, ...route.handled]);
    const found: PoolRecord[] = [];
    for (const pool of this.live) {
      if (pool.order >= order) continue;
      if (this.exclusive(pool.block, call.block)) continue;
      if (pool.liveUntilLine !== undefined && call.range.start.line > pool.liveUntilLine) continue;
      if (protectedKeys.has(pool.record.identity.key)) continue;
      if (route.resetsBefore.some((r) => resetMatches(r, pool.record))) continue;
      const reset = this.resets.some((r) => r.order > pool.order && r.order <= order && resetMatches(r, pool.record) && this.isSureBefore(r, call.block));
      if (!reset) found.push(pool.record);
    }
    return found;
  }

  // ---- resets and handlers ----

  private collectResets(call: PyCallEvent, order: number, resolved: ResolvedCall): void {
    const resetCalls = this.host.catalog.resetCalls;
    if (resolved.externals.some((q) => resetCalls.has(q)) || resolved.functions.some((f) => resetCalls.has(this.host.qualifiedName(f) ?? ''))) {
      this.resets.push({ key: '*', methods: null, order, block: call.block, names: [] });
    }
    const { receiver, member } = splitCallee(call.callee);
    if (receiver !== undefined && member !== undefined && RESET_METHOD_NAMES.has(member) && resolved.functions.length === 0) {
      const identity = this.identityOf(receiver, order);
      if (identity) {
        const alias = this.aliases.get(receiver);
        this.resets.push({ key: identity.key, methods: [member], order, block: call.block, names: [receiver, ...(alias ? [alias.source] : [])] });
      }
    }
    if (resolved.byName) return; // a guess is good enough to follow creations and forks, not to clear a hazard
    for (const callee of resolved.functions) {
      const summary = this.host.summaryOf(callee);
      for (const reset of summary.resets) this.resets.push({ ...reset, order, block: call.block, names: [] });
    }
  }

  private collectForkHandlers(call: PyCallEvent, order: number, resolved: ResolvedCall): void {
    const registrar = FORK_HANDLER_REGISTRARS.find((r) => resolved.externals.some((q) => r.qualnames.includes(q)));
    if (registrar) {
      for (const keyword of call.kwargs) {
        if (!registrar.resettingKeywords.includes(keyword.name)) continue;
        if (keyword.value.kind === 'name' && keyword.value.dotted) for (const key of this.keysHandledBy(keyword.value.dotted, order)) this.protects.add(key);
      }
    }
    if (resolved.byName) return;
    for (const callee of resolved.functions) for (const key of this.host.summaryOf(callee).protects) this.protects.add(key);
  }

  /** Identity keys a handler resets or re-creates: a workspace function, or a bound reset method `X.shutdown`. */
  private keysHandledBy(dotted: string, order: number): string[] {
    const { receiver, member } = splitCallee(dotted);
    if (receiver !== undefined && member !== undefined && RESET_METHOD_NAMES.has(member)) {
      const identity = this.identityOf(receiver, order);
      if (identity) return [identity.key];
    }
    const value = this.host.callGraph.valueOf(this.fn.file, this.fn.scope, dotted, order);
    if (value.k !== 'function') return [];
    const summary = this.host.summaryOf({ file: value.file, scope: value.scope });
    return [...summary.resets.map((r) => r.key), ...summary.creates.map((c) => c.identity.key)];
  }

  // ---- creations ----

  private collectCreations(call: PyCallEvent, order: number, resolved: ResolvedCall, step: (callee: FunctionRef) => ChainStep): void {
    const factory = this.factoryOf(resolved);
    // The target's identity is looked up only when something needs it (most calls create nothing),
    // and before any alias is rebound below (it must see the aliases as they were at the call).
    let target: { identity: PoolIdentity | undefined } | undefined;
    const targetIdentity = (): PoolIdentity | undefined => (target ??= { identity: this.targetIdentity(call, order) }).identity;
    if (factory) {
      const isStart = factory.kind === 'thread';
      const identity = isStart ? this.receiverIdentity(call, order) : targetIdentity() ?? this.anonIdentity(call, factory);
      const record: PoolRecord = {
        identity,
        factory,
        site: { file: this.fn.file, scope: this.fn.scope, event: order, range: call.range },
        via: [],
        conditional: this.isConditional(call.block),
        atImportTime: this.scope.kind === 'module',
      };
      this.addLive({ record, order, block: call.block, liveUntilLine: call.withItem ? this.withBlockEnd(call) : undefined });
      if (call.returned) this.returns = identity.key;
      return;
    }
    for (const callee of resolved.functions) {
      const summary = this.host.summaryOf(callee);
      const returned = summary.returns === undefined ? undefined : identityFromKey(summary.returns, summary.creates);
      // A fresh pool returned (a local or unnamed one) takes the name the caller binds it to;
      // a named one (a global, an attribute) keeps its identity and the caller's name aliases it.
      const fresh = returned !== undefined && (returned.kind === 'local' || returned.kind === 'anon');
      this.applyCallee(summary, order, call.block, () => step(callee), fresh ? targetIdentity() : undefined, call.returned === true);
      if (returned && !fresh) {
        targetIdentity();
        for (const target of call.targets ?? []) {
          if (isSimpleName(target) && !this.isModuleLevelName(target)) this.aliases.set(target, { identity: returned, source: call.callee });
        }
        if (call.returned) this.returns = returned.key;
      }
    }
  }

  /** Applies a callee's escaping effects at a call site: resets first, then what it leaves alive. */
  private applyCallee(summary: FunctionSummary, order: number, block: number, stepOf: () => ChainStep, bindTo?: PoolIdentity, returned = false): void {
    for (const key of summary.protects) this.protects.add(key);
    if (summary.creates.length === 0) return;
    const step = stepOf();
    for (const created of summary.creates) {
      let identity = created.identity;
      if (summary.returns !== undefined && identity.key === summary.returns) {
        if (bindTo) identity = bindTo;
        if (returned) this.returns = identity.key;
      }
      const record: PoolRecord = { ...created, identity, via: [step, ...created.via], conditional: created.conditional || this.isConditional(block) };
      this.addLive({ record, order, block });
    }
  }

  private addLive(pool: LivePool): void {
    this.seesImportTimePools = true;
    const key = pool.record.identity.key;
    const same = (p: LivePool): boolean => p.record.identity.key === key && sameSite(p.record, pool.record);
    const existing = this.live.findIndex(same);
    if (existing < 0) this.live.push(pool);
    // The same creation reached twice (a cycle, two paths): keep the shorter explanation.
    else if (pool.record.via.length < this.live[existing].record.via.length) this.live[existing] = { ...pool, order: this.live[existing].order };
  }

  private factoryOf(resolved: ResolvedCall): PoolFactory | undefined {
    for (const qname of resolved.externals) {
      const factory = this.host.catalog.poolFactoryByName.get(qname);
      if (factory) return factory;
    }
    for (const callee of resolved.functions) {
      const qualified = this.host.qualifiedName(callee);
      const factory = qualified === undefined ? undefined : this.host.catalog.poolFactoryByName.get(qualified);
      if (factory) return factory;
    }
    return undefined;
  }

  // ---- identities ----

  private targetIdentity(call: PyCallEvent, order: number): PoolIdentity | undefined {
    const target = call.targets?.[0];
    return target === undefined ? undefined : this.identityOf(target, order);
  }

  private receiverIdentity(call: PyCallEvent, order: number): PoolIdentity {
    const { receiver } = splitCallee(call.callee);
    const identity = receiver !== undefined && !receiver.startsWith('#') ? this.identityOf(receiver, order) : undefined;
    if (identity) return identity;
    // `threading.Thread(...).start()`: the thread has no name; the Thread call's own target may.
    const inner = /^#(\d+)$/.exec(receiver ?? '');
    const innerCall = inner ? this.scope.events[Number(inner[1])] : undefined;
    if (innerCall?.k === 'call' && innerCall.targets?.[0]) {
      const named = this.identityOf(innerCall.targets[0], order);
      if (named) return named;
    }
    return { key: `anon:${this.fn.file}:${call.range.start.line}:${call.range.start.character}`, kind: 'anon', display: 'thread' };
  }

  private anonIdentity(call: PyCallEvent, factory: PoolFactory): PoolIdentity {
    return { key: `anon:${this.fn.file}:${call.range.start.line}:${call.range.start.character}`, kind: 'anon', display: factory.label };
  }

  /** The identity a dotted expression names here, if it can name a pool. */
  identityOf(dotted: string, order: number): PoolIdentity | undefined {
    return identityOfDotted(this.host, this.fn, dotted, order, this.aliases);
  }

  private isModuleLevelName(name: string): boolean {
    return this.scope.kind === 'module' || this.scope.globals.includes(name);
  }

  /** `for p in self._pools.values()` binds `p` to the registry's pools. */
  private bindLoopAliases(): void {
    for (const block of this.scope.blocks) {
      if ((block.kind !== 'for' && block.kind !== 'comprehension') || !block.test) continue;
      const iterable = /^(?:list\()?([A-Za-z_][\w.]*?)(?:\.(values|items)\(\))?\)?$/.exec(block.test.trim());
      if (!iterable) continue;
      const registry = this.identityOf(`${iterable[1]}[]`, Number.MAX_SAFE_INTEGER);
      if (!registry || registry.kind !== 'registry') continue;
      const targets = splitTargets(block.target);
      const element = iterable[2] === 'items' ? targets[targets.length - 1] : targets[0];
      if (element) this.aliases.set(element, { identity: registry, source: iterable[1] });
    }
  }

  // ---- blocks ----

  private blockChain(block: number): number[] {
    const chain: number[] = [];
    for (let b = block; b >= 0 && chain.length < 200; b = this.scope.blocks[b]?.parent ?? -1) chain.push(b);
    return chain;
  }

  private isConditional(block: number): boolean {
    return this.blockChain(block).some((b) => !SURE_BLOCK_KINDS.has(this.scope.blocks[b].kind));
  }

  /** A reset is sure before a fork in `forkBlock` when every branch/loop around it holds the fork too, or tests the pool. */
  private isSureBefore(reset: ResetEvent, forkBlock: number): boolean {
    const forkChain = new Set(this.blockChain(forkBlock));
    return this.blockChain(reset.block).every((b) => {
      const block = this.scope.blocks[b];
      return SURE_BLOCK_KINDS.has(block.kind) || forkChain.has(b) || guardsPool(block, reset.names);
    });
  }

  /** Two blocks on different arms of one `if` chain never both run. */
  private exclusive(a: number, b: number): boolean {
    const chainA = this.blockChain(a).map((i) => ({ i, chain: this.scope.blocks[i].chain }));
    const chainB = this.blockChain(b).map((i) => ({ i, chain: this.scope.blocks[i].chain }));
    return chainA.some((x) => x.chain !== undefined && chainB.some((y) => y.chain === x.chain && y.i !== x.i));
  }

  private withBlockEnd(call: PyCallEvent): number | undefined {
    // The `with` body starts on the statement's line (one-liner) or right after its header.
    const block = this.scope.blocks.find(
      (b) => b.kind === 'with' && b.parent === call.block && b.range.start.line >= call.stmt.startLine && b.range.start.line <= call.stmt.endLine + 1,
    );
    return block?.range.end.line ?? call.stmt.endLine;
  }

  private callEventAt(ref: CallSiteRef): PyCallEvent | undefined {
    const event = this.host.facts(ref.file)?.scopes[ref.scope]?.events[ref.event];
    return event?.k === 'call' ? event : undefined;
  }

  private labelOf(fn: FunctionRef): string {
    const scope = this.host.facts(fn.file)?.scopes[fn.scope];
    if (!scope) return '?';
    return scope.kind === 'module' ? this.host.modules.moduleName(fn.file) ?? '<module>' : scope.qualname;
  }

  // ---- result ----

  private summary(): FunctionSummary {
    const endBlock = -1;
    const escapes = (pool: LivePool): boolean => {
      if (pool.liveUntilLine !== undefined || pool.ambient) return false;
      const identity = pool.record.identity;
      if (identity.kind === 'local' && identity.key !== this.returns && pool.record.factory.kind !== 'thread') return false;
      return !this.resets.some((r) => r.order > pool.order && resetMatches(r, pool.record) && this.isSureBefore(r, endBlock));
    };
    const creates = this.live.filter(escapes).map((p) => p.record);
    const resets = this.resets.filter((r) => !r.key.startsWith('local:') && this.isSureBefore(r, endBlock)).map(toEffect);
    if (creates.length === 0 && resets.length === 0 && this.protects.size === 0 && !this.fork && this.returns === undefined) return EMPTY_SUMMARY;
    return { creates, resets: dedupeResets(resets), protects: [...this.protects].sort(), fork: this.fork, returns: this.returns };
  }
}

/** Resolves what pool identity a dotted expression names in a scope. */
export function identityOfDotted(
  host: Pick<SummaryHost, 'facts' | 'callGraph' | 'resolver' | 'derived'>,
  fn: FunctionRef,
  dotted: string,
  order: number,
  aliases?: ReadonlyMap<string, { identity: PoolIdentity }>,
): PoolIdentity | undefined {
  const facts = host.facts(fn.file);
  const scope = facts?.scopes[fn.scope];
  if (!facts || !scope || dotted === '' || dotted.startsWith('#')) return undefined;
  const isRegistry = dotted.endsWith('[]');
  const plain = isRegistry ? dotted.slice(0, -2) : dotted;
  if (plain.includes('[]')) return undefined;
  const parts = plain.split('.');
  const display = isRegistry ? `${plain}[...]` : plain;
  const last = parts[parts.length - 1];

  if (parts.length === 1) {
    const alias = aliases?.get(plain);
    if (alias && !isRegistry) return alias.identity;
    const moduleLevel = scope.kind === 'module' || scope.globals.includes(plain) || !bindsLocally(facts, scope, plain);
    if (!moduleLevel) {
      if (scope.params[0] === plain && scope.className !== undefined) return undefined; // `self` itself
      return { key: `local:${fn.file}#${fn.scope}:${plain}`, kind: isRegistry ? 'registry' : 'local', display, name: plain };
    }
    const symbol = host.resolver.moduleMember(fn.file, plain);
    if (symbol?.k === 'global') return globalIdentity(symbol.file, plain, display, isRegistry);
    if (symbol === undefined) return undefined;
    return undefined;
  }

  const receiver = host.callGraph.valueOf(fn.file, fn.scope, parts.slice(0, -1).join('.'), order);
  if (receiver.k === 'module') return globalIdentity(receiver.file, last, display, isRegistry);
  if (receiver.k === 'instance' || receiver.k === 'class') {
    const owner = attributeOwner(host, receiver.file, receiver.cls, last);
    const kind = isRegistry ? 'registry' : 'attr';
    return { key: `${kind}:${owner.file}#${owner.cls}:${last}`, kind, display, file: owner.file, name: last, cls: owner.cls };
  }
  return undefined;
}

/** An identity from its key: the record that carries it, else rebuilt from the key's parts. */
function identityFromKey(key: string, records: PoolRecord[]): PoolIdentity | undefined {
  const record = records.find((r) => r.identity.key === key);
  if (record) return record.identity;
  const attr = /^(attr|registry):(.*)#(\d+):([A-Za-z_]\w*)$/.exec(key);
  if (attr) return { key, kind: attr[1] as PoolIdentityKind, display: `self.${attr[4]}`, file: attr[2], cls: Number(attr[3]), name: attr[4] };
  const global = /^(global|registry):(.*):([A-Za-z_]\w*)$/.exec(key);
  if (global) return { key, kind: global[1] as PoolIdentityKind, display: global[3], file: global[2], name: global[3] };
  return undefined;
}

function globalIdentity(file: string, name: string, display: string, isRegistry: boolean): PoolIdentity {
  const kind = isRegistry ? 'registry' : 'global';
  return { key: `${kind}:${file}:${name}`, kind, display, file, name };
}

/** The class along the MRO whose methods assign `self.<name>` (so subclass and base agree on the identity). */
function attributeOwner(host: Pick<SummaryHost, 'callGraph' | 'derived'>, file: string, cls: number, name: string): { file: string; cls: number } {
  for (const owner of host.callGraph.mro(file, cls).classes) {
    if (host.derived(owner.file, `assigns ${owner.cls}.${name}`, () => host.callGraph.assignsAttribute(owner.file, owner.cls, name))) return owner;
  }
  return { file, cls };
}

function bindsLocally(facts: PyFacts, scope: PyScope, name: string): boolean {
  if (scope.params.includes(name)) return true;
  // Calls, assignments and imports bind (a nested `def` does not count here); `name[] = ...` too.
  return (bindingsOf(facts, scope, name) ?? []).some((b) => b.k !== 'def') || (bindingsOf(facts, scope, `${name}[]`) ?? []).some((b) => b.k === 'call' || b.k === 'assign');
}

function guardsPool(block: PyBlock, names: string[]): boolean {
  if (!block.test || names.length === 0) return false;
  if (block.kind !== 'if' && block.kind !== 'for' && block.kind !== 'comprehension') return false;
  const test = block.test;
  return names.some((name) => name !== '' && new RegExp(`(^|[^\\w.])${escapeRegExp(name)}($|[^\\w])`).test(test));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function resetMatches(reset: ResetEffect, pool: PoolRecord): boolean {
  if (reset.methods === null) return true;
  if (reset.key !== pool.identity.key) return false;
  return reset.methods.some((m) => pool.factory.resetMethods.includes(m));
}

function toEffect(reset: ResetEvent): ResetEffect {
  return { key: reset.key, methods: reset.methods };
}

function dedupeResets(resets: ResetEffect[]): ResetEffect[] {
  const seen = new Set<string>();
  return resets.filter((r) => {
    const id = `${r.key}|${r.methods?.join(',') ?? '*'}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function sameSite(a: PoolRecord, b: PoolRecord): boolean {
  return a.site.file === b.site.file && a.site.scope === b.site.scope && a.site.event === b.site.event;
}

/** A keyword argument, else the positional one. */
export function argumentValue(call: PyCallEvent, name: string, position?: number): PyValue | undefined {
  const keyword = call.kwargs.find((k) => k.name === name);
  if (keyword) return keyword.value;
  return position === undefined ? undefined : call.args[position];
}

function literalOf(value: PyValue): string | number | boolean | null | undefined {
  if (value.kind === 'none') return null;
  if (value.kind === 'str' || value.kind === 'num' || value.kind === 'bool') return value.literal;
  return undefined;
}

/** A stable text for a summary, to tell when a cycle's fixpoint is reached. */
export function summarySignature(summary: FunctionSummary): string {
  return JSON.stringify([
    summary.creates.map((c) => `${c.identity.key}@${c.site.file}#${c.site.scope}:${c.site.event}`).sort(),
    summary.resets.map((r) => `${r.key}|${r.methods?.join(',') ?? '*'}`).sort(),
    summary.protects,
    summary.fork ? `${summary.fork.site.file}#${summary.fork.site.scope}:${summary.fork.site.event}` : '',
    summary.returns ?? '',
  ]);
}

function emptyFactsShape(): PyFacts {
  return { version: 0, eol: '\n', lineCount: 0, syntaxErrors: [], scopes: [], classes: [], suppressions: [], importInsertLine: 0 };
}
