/**
 * Node pools and forks over a TsProgram: which calls create a pool (pg, mysql, knex, redis, mongo,
 * worker threads...: catalog/node-pools.ts), which calls close one, which calls start a worker
 * process, and which pools are open in the primary when it forks.
 *
 * A pool's identity is the call that made it (`new Pool()` in db.ts): TsProgram.resolveCall maps
 * `pool.end()` anywhere (same file, imported binding, namespace import) back to that call, so a
 * close matches its pool across files. `pg.Client().connect` pools take the `new Client()` call.
 *
 * The walk: every unit (a file's top level, a function) has a summary, in source order, of what it
 * leaves open, what it surely closes, and the forks it reaches with the pools open at each. A
 * static import applies the imported module's top-level summary (importing runs the module); a
 * call to a workspace function applies that function's summary; a callback applies at the call it
 * is passed to. Code that runs only in workers (`cluster.isWorker`, the `else` of `isPrimary`,
 * after the primary's early return) is skipped. Roots are the top levels of files that can reach a
 * fork module, and their functions that no call reaches (entry points called from outside).
 */
import type { Range } from '../model';
import type { TsCall, TsFacts, TsGuard } from './facts';
import { FileDerivedData, type DerivedTable } from './file-derived-data';
import { PoolRelevance } from './pool-relevance';
import { graphSpecifiers, stripNodePrefix, type TsCallTarget, type TsProgram } from './program';
import {
  NODE_POOL_FACTORIES,
  PRIMARY_CONDITIONS,
  WORKER_CONDITIONS,
  nodeForkPoint,
  nodePoolFactory,
  type NodeForkPoint,
  type NodePoolFactory,
} from '../catalog/node-pools';

/** One step of a chain from a root to a creation or a fork: a call or an import. */
export interface PoolStep {
  file: string;
  range: Range;
  kind: 'call' | 'import';
  /** `setup()` / `./db.js`. */
  label: string;
}

/** One pool creation site. */
export interface NodePoolRecord {
  /** Identity: `<file>#<call id>` of the making call, or `singleton:<module>` (mongoose's default connection). */
  key: string;
  factory: NodePoolFactory;
  file: string;
  /** The creating call (for `pg.Client().connect` pools: the connect call). */
  call: number;
  range: Range;
  /** The name it is held in (`pool`, `this.redis`), else undefined. */
  name?: string;
  /** Calls and imports from the unit that saw it open down to its creation. */
  via: PoolStep[];
}

export interface NodeForkHazard {
  file: string;
  call: number;
  point: NodeForkPoint;
  /** Pools open in the primary at the fork, one per identity. */
  pools: NodePoolRecord[];
  /** Calls from the root to the fork (empty when the root itself forks). */
  route: PoolStep[];
}

interface Open {
  pool: NodePoolRecord;
  /** Guards of the event that opened it, relative to the unit holding this state. */
  guards: TsGuard[];
}

interface Close {
  key: string;
  guards: TsGuard[];
}

interface ForkEvent {
  file: string;
  call: number;
  point: NodeForkPoint;
  /** Pools opened inside the unit and open at the fork. */
  open: Open[];
  /** Keys the unit surely closed before the fork (applied to what the caller had open). */
  closedBefore: Set<string>;
  route: PoolStep[];
}

interface Summary {
  /** Opened inside the unit (or its callees) and open at its end. */
  open: Map<string, Open>;
  /** Keys surely closed and not reopened afterwards. */
  closed: Set<string>;
  forks: ForkEvent[];
}

interface FileIndex {
  calls: Map<number | undefined, TsCall[]>;
  callbacks: Map<number, number[]>;
  functionsByName: Map<string, number>;
}

const FORK_MODULES = new Set(['cluster', 'child_process']);
const EMPTY: Summary = { open: new Map(), closed: new Set(), forks: [] };
/** The summary key of a file's top level. */
const TOP = -1;

const analyses = new WeakMap<TsProgram, NodePoolAnalysis>();

export class NodePoolAnalysis {
  /** What is kept per file between analyses (see file-derived-data.ts). */
  private readonly derived: FileDerivedData;
  /** Unit summaries by file, then by function id (TOP: the top level). */
  private readonly summaries: DerivedTable<number, Summary>;
  /** Call resolutions and qualified names by file, then by call id. */
  private readonly targets: DerivedTable<number, TsCallTarget | undefined>;
  private readonly qualnames: DerivedTable<number, string | undefined>;
  private readonly indexes: DerivedTable<null, FileIndex>;
  /** Per root file: the workspace functions its candidate calls reach (`file#id`). */
  private readonly calledByFile: DerivedTable<null, string[]>;
  private readonly inProgress = new Set<string>();
  private relevance: PoolRelevance;
  /** The relevance fixpoint the summaries were walked with (see PoolRelevance.fixpoint). */
  private fixpoint: object;
  private roots: { files: string[]; importSignatures: Map<string, string> } | undefined;
  private hazardList: NodeForkHazard[] | undefined;

  /**
   * The program's analysis, kept between analyses of the program: after an edit, what was derived
   * from the files that changed (and from what was derived from them) is computed again, the rest
   * is reused. (A TS/JS keystroke in a 5,800-line bundle of the repository's node_modules walked
   * every root's summaries again: ~40 ms.) A new `NodePoolAnalysis(program)` starts from nothing.
   */
  static of(program: TsProgram): NodePoolAnalysis {
    let analysis = analyses.get(program);
    if (!analysis) analyses.set(program, (analysis = new NodePoolAnalysis(program)));
    else analysis.catchUp();
    return analysis;
  }

  constructor(private readonly program: TsProgram) {
    this.derived = new FileDerivedData(program);
    this.summaries = this.derived.table<number, Summary>();
    this.targets = this.derived.table<number, TsCallTarget | undefined>();
    this.qualnames = this.derived.table<number, string | undefined>();
    this.indexes = this.derived.table<null, FileIndex>();
    this.calledByFile = this.derived.table<null, string[]>();
    this.relevance = new PoolRelevance(program);
    this.fixpoint = this.relevance.fixpoint();
  }

  private catchUp(): void {
    const changed = this.derived.catchUp();
    this.relevance = new PoolRelevance(this.program);
    const fixpoint = this.relevance.fixpoint();
    if (changed !== 'all' && changed.size === 0 && fixpoint === this.fixpoint) return;
    // Summaries skip the functions the fixpoint finds uninteresting, and the calls it finds no
    // candidates, without reading them: another fixpoint may need other summaries, in the files
    // where it differs (and in their consumers). Most edits keep the fixpoint as it was.
    if (fixpoint !== this.fixpoint) {
      const affected = this.relevance.filesAffectedSince(this.fixpoint);
      if (affected === 'all') {
        this.summaries.drop('all');
        this.calledByFile.drop('all');
      } else this.derived.drop(affected);
      this.fixpoint = fixpoint;
    }
    if (changed === 'all' || this.importsChanged(changed)) this.roots = undefined;
    this.hazardList = undefined;
  }

  /** Every pool the workspace creates, in file and source order (the migration report's inventory). */
  poolCreations(): NodePoolRecord[] {
    const records: NodePoolRecord[] = [];
    for (const file of this.program.files()) {
      const facts = this.program.facts(file)!;
      for (const call of facts.calls) {
        const record = this.relevance.isCandidate(file, call) ? this.creationOf(file, call) : undefined;
        if (record) records.push(record);
      }
    }
    return records;
  }

  /** Fork calls with the pools open in the primary when they run; one hazard per fork call. */
  hazards(): NodeForkHazard[] {
    this.hazardList ??= this.computeHazards();
    return this.hazardList;
  }

  // ---------------------------------------------------------------- roots and hazards

  private computeHazards(): NodeForkHazard[] {
    const roots = this.rootFiles();
    const byFork = new Map<string, NodeForkHazard>();
    const record = (forks: ForkEvent[], outside: Map<string, Open>): void => {
      for (const fork of forks) {
        const open = this.openAt(outside, fork).map((entry) => entry.pool);
        if (open.length === 0) continue;
        const { pools, route } = withoutSharedSteps(distinct(open), fork.route);
        const key = `${fork.file}#${fork.call}`;
        const known = byFork.get(key);
        if (!known) byFork.set(key, { file: fork.file, call: fork.call, point: fork.point, pools, route });
        else known.pools = distinct([...known.pools, ...pools]);
      }
    };
    const called = this.calledFunctions(roots);
    for (const file of roots) {
      const top = this.moduleSummary(file);
      record(top.forks, new Map());
      // Functions nothing in the workspace calls run later, from outside: the top level has run.
      for (const fn of this.uncalledFunctions(file, called)) record(this.functionSummary(file, fn).forks, top.open);
    }
    return this.dropRepeatedForks([...byFork.values()]).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.call - b.call));
  }

  /** The pools of `outside` still open at a fork (not closed before it, not exclusive with it), then the unit's own. */
  private openAt(outside: Map<string, Open>, fork: ForkEvent): Open[] {
    const fromOutside = [...outside.values()].filter((open) => !fork.closedBefore.has(open.pool.key));
    return [...fromOutside, ...fork.open];
  }

  /**
   * One finding per pool and forking function: a later fork of the same file, in the same function
   * or one nested in it (`cluster.on('exit', () => cluster.fork())`), with no pool the earlier one
   * does not already report, is the same hazard.
   */
  private dropRepeatedForks(hazards: NodeForkHazard[]): NodeForkHazard[] {
    return hazards.filter((later) => {
      const facts = this.program.facts(later.file)!;
      const laterCall = facts.calls[later.call];
      return !hazards.some((earlier) => {
        if (earlier === later || earlier.file !== later.file) return false;
        const earlierCall = facts.calls[earlier.call];
        if (comparePosition(earlierCall.range.start, laterCall.range.start) >= 0) return false;
        if (!isWithin(facts, laterCall.function, earlierCall.function)) return false;
        const reported = new Set(earlier.pools.map((pool) => pool.key));
        return later.pools.every((pool) => reported.has(pool.key));
      });
    });
  }

  /**
   * Files that import a fork module, and every file that imports one of those (transitively).
   * Kept until a file's imports or re-exports change (the import graph is made of them), or a file comes or goes.
   */
  private rootFiles(): string[] {
    if (this.roots) return this.roots.files;
    const roots = new Set<string>();
    const pending: string[] = [];
    const importSignatures = new Map<string, string>();
    for (const file of this.program.files()) {
      const facts = this.program.facts(file)!;
      importSignatures.set(file, importSignature(facts));
      if (facts.imports.some((entry) => !entry.typeOnly && FORK_MODULES.has(stripNodePrefix(entry.module)))) pending.push(file);
    }
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (roots.has(file)) continue;
      roots.add(file);
      pending.push(...this.program.importersOf(file));
    }
    this.roots = { files: [...roots].sort(), importSignatures };
    return this.roots.files;
  }

  /** Whether one of `files` has other imports than when the roots were found, or came or went. */
  private importsChanged(files: ReadonlySet<string>): boolean {
    if (!this.roots) return true;
    for (const file of files) {
      const facts = this.program.facts(file);
      if ((facts && importSignature(facts)) !== this.roots.importSignatures.get(file)) return true;
    }
    return false;
  }

  /** Functions of `file` that no call of the root files reaches and that are not callbacks. */
  private uncalledFunctions(file: string, called: ReadonlySet<string>): number[] {
    const facts = this.program.facts(file)!;
    return facts.functions
      .filter((fn) => fn.argumentOf === undefined && this.relevance.isInteresting(file, fn.id) && !called.has(`${file}#${fn.id}`))
      .map((fn) => fn.id);
  }

  private calledFunctions(roots: string[]): Set<string> {
    const called = new Set<string>();
    for (const file of roots) for (const fn of this.calledBy(file)) called.add(fn);
    return called;
  }

  /** The workspace functions the candidate calls of `file` reach, as `file#id`. */
  private calledBy(file: string): string[] {
    return this.calledByFile.get(file, null, () => {
      const called: string[] = [];
      for (const call of this.program.facts(file)!.calls) {
        const target = this.relevance.isCandidate(file, call) ? this.calleeFunction(file, call) : undefined;
        if (target) called.push(`${target.file}#${target.function}`);
      }
      return called;
    });
  }

  // ---------------------------------------------------------------- summaries

  private moduleSummary(file: string): Summary {
    return this.summary(file, TOP, () => this.walk(file, undefined));
  }

  private functionSummary(file: string, fn: number): Summary {
    if (!this.relevance.isInteresting(file, fn)) return EMPTY;
    return this.summary(file, fn, () => this.walk(file, fn));
  }

  /** Memoised; a unit reached again while it is being walked (recursion, import cycles) adds nothing. */
  private summary(file: string, fn: number, compute: () => Summary): Summary {
    const key = `${file}#${fn}`;
    if (this.inProgress.has(key)) {
      this.derived.consult(file);
      return EMPTY;
    }
    return this.summaries.get(file, fn, () => {
      this.inProgress.add(key);
      try {
        return compute();
      } finally {
        this.inProgress.delete(key);
      }
    });
  }

  /** The walk of one unit's events in source order. */
  private walk(file: string, fn: number | undefined): Summary {
    const facts = this.program.facts(file);
    if (!facts) return EMPTY;
    const open = new Map<string, Open>();
    const closes: Close[] = [];
    const forks: ForkEvent[] = [];
    const callbacks = this.fileIndex(file, facts).callbacks;

    /**
     * Applies a reached unit's summary at an event with guards `guards`. A callback's closes do not
     * count: it may run later or never (`process.on('SIGTERM', () => pool.end())`).
     */
    const apply = (inner: Summary, step: PoolStep, guards: TsGuard[], closesCount = true): void => {
      for (const fork of inner.forks) {
        // Open here at the fork: what this unit had open and the reached unit did not close, then what it opened.
        const fromUnit = [...open.values()].filter((entry) => !fork.closedBefore.has(entry.pool.key) && this.stillOpen(entry, closes, guards));
        const fromInner = fork.open.map((entry) => ({ pool: { ...entry.pool, via: [step, ...entry.pool.via] }, guards }));
        const closedBefore = new Set(fork.closedBefore);
        for (const close of closes) if (this.isSureAt(file, fn, close.guards, guards)) closedBefore.add(close.key);
        forks.push({ ...fork, route: [step, ...fork.route], open: [...fromUnit, ...fromInner], closedBefore });
      }
      for (const key of closesCount ? inner.closed : []) {
        open.delete(key);
        closes.push({ key, guards });
      }
      for (const entry of inner.open.values()) {
        open.set(entry.pool.key, { pool: { ...entry.pool, via: [step, ...entry.pool.via] }, guards });
        removeCloses(closes, entry.pool.key);
      }
    };

    for (const event of eventsOf(facts, this.fileIndex(file, facts).calls.get(fn) ?? [], fn)) {
      if (this.workerOnly(file, fn, event.guards)) continue;
      if (event.kind === 'import') {
        const target = event.typeOnly ? undefined : this.program.resolveModule(file, event.module);
        if (target) apply(this.moduleSummary(target), { file, range: event.range, kind: 'import', label: event.module }, event.guards);
        continue;
      }
      const call = event.call;
      const steps = callbacks.get(call.id) ?? [];
      if (!this.relevance.isCandidate(file, call)) {
        for (const callback of steps) apply(this.functionSummary(file, callback), this.callStep(file, call), call.guards, false);
        continue;
      }
      const point = this.forkPointOf(file, call);
      if (point) {
        const closedBefore = new Set(closes.filter((close) => this.isSureAt(file, fn, close.guards, call.guards)).map((close) => close.key));
        const openHere = [...open.values()].filter((entry) => this.stillOpen(entry, closes, call.guards));
        forks.push({ file, call: call.id, point, open: openHere, closedBefore, route: [] });
      }
      const created = this.creationOf(file, call);
      if (created) {
        open.set(created.key, { pool: created, guards: call.guards });
        removeCloses(closes, created.key);
      }
      const closed = this.closedKey(file, call);
      if (closed) {
        closes.push({ key: closed, guards: call.guards });
        if (call.guards.every((guard) => this.primaryOnly(file, fn, guard))) open.delete(closed);
      }
      const callee = this.calleeFunction(file, call);
      if (callee) apply(this.functionSummary(callee.file, callee.function), this.callStep(file, call), call.guards);
      for (const callback of steps) apply(this.functionSummary(file, callback), this.callStep(file, call), call.guards, false);
    }

    // What the unit leaves open, and the closes a caller can count on (under no other condition).
    const closed = new Set(closes.filter((close) => close.guards.every((guard) => this.primaryOnly(file, fn, guard))).map((close) => close.key));
    return { open, closed, forks };
  }

  /** An open pool still counts at a point with `guards`: not in an exclusive branch, not closed by a close sure to have run. */
  private stillOpen(entry: Open, closes: Close[], guards: TsGuard[]): boolean {
    if (exclusive(entry.guards, guards)) return false;
    return !closes.some((close) => close.key === entry.pool.key && close.guards.every((guard) => guards.some((other) => sameGuard(guard, other))));
  }

  /** A close with `closeGuards` surely ran before a point with `guards` (each condition holds there too, or holds in every primary). */
  private isSureAt(file: string, fn: number | undefined, closeGuards: TsGuard[], guards: TsGuard[]): boolean {
    return closeGuards.every((guard) => this.primaryOnly(file, fn, guard) || guards.some((other) => sameGuard(guard, other)));
  }

  /** Per file: calls by enclosing function (source order), callbacks by the call they are passed to, functions by name. */
  private fileIndex(file: string, facts: TsFacts): FileIndex {
    return this.indexes.get(file, null, () => {
      const calls = new Map<number | undefined, TsCall[]>();
      for (const call of facts.calls) {
        const list = calls.get(call.function);
        if (list) list.push(call);
        else calls.set(call.function, [call]);
      }
      const functionsByName = new Map<string, number>();
      for (const fn of facts.functions) if (fn.name !== undefined && !functionsByName.has(fn.name)) functionsByName.set(fn.name, fn.id);
      return { calls, callbacks: callbacksByCall(facts), functionsByName };
    });
  }

  // ---------------------------------------------------------------- conditions

  /** Runs only in workers: under `cluster.isWorker`, or under the negation of `cluster.isPrimary`/`isMaster`. */
  private workerOnly(file: string, fn: number | undefined, guards: TsGuard[]): boolean {
    return guards.some((guard) => this.conditionSide(file, fn, guard) === 'worker');
  }

  /** A guard that holds in every primary (`cluster.isPrimary`, `!cluster.isWorker`). */
  private primaryOnly(file: string, fn: number | undefined, guard: TsGuard): boolean {
    return this.conditionSide(file, fn, guard) === 'primary';
  }

  private conditionSide(file: string, fn: number | undefined, guard: TsGuard): 'primary' | 'worker' | undefined {
    if (!guard.path) return undefined;
    const target = this.program.resolveName(file, guard.path, fn);
    if (!target || target.kind !== 'external') return undefined;
    const primary = PRIMARY_CONDITIONS.includes(target.qualname);
    const worker = WORKER_CONDITIONS.includes(target.qualname);
    if (!primary && !worker) return undefined;
    return primary !== guard.negated ? 'primary' : 'worker';
  }

  // ---------------------------------------------------------------- what a call is

  /** TsProgram.resolveCall, once per call. */
  private resolve(file: string, callId: number): TsCallTarget | undefined {
    return this.targets.get(file, callId, () => this.program.resolveCall(file, callId));
  }

  /**
   * The workspace function a call runs: a function or method TsProgram resolves, the constructor
   * of a workspace class for `new Db()`, or a method of what `new Db()` made (`db.close()`).
   */
  private calleeFunction(file: string, call: TsCall): { file: string; function: number } | undefined {
    const target = this.resolve(file, call.id);
    if (target?.kind === 'local' || target?.kind === 'workspace') return { file: target.file, function: target.function };
    if (call.isNew && call.callee.length === 1) return this.classMember(file, call.callee[0], 'constructor');
    if (target?.kind === 'instance' && target.path.length === 1) {
      const maker = this.program.facts(target.file)?.calls[target.call];
      if (maker?.isNew && maker.callee.length === 1) return this.classMember(target.file, maker.callee[0], target.path[0]);
    }
    return undefined;
  }

  /** Method `member` of the class `name` names in `file` (declared there, or imported from a workspace file). */
  private classMember(file: string, name: string, member: string): { file: string; function: number } | undefined {
    const facts = this.program.facts(file);
    if (!facts) return undefined;
    let classFile = file;
    let className = name;
    const imported = facts.imports.find((entry) => entry.local === name && entry.function === undefined && !entry.typeOnly);
    if (imported) {
      const target = imported.imported === '*' ? undefined : this.program.resolveModule(file, imported.module);
      if (!target) return undefined;
      const exported = this.program.facts(target)?.exports.find((entry) => entry.name === imported.imported && !entry.from);
      classFile = target;
      className = exported?.local ?? imported.imported;
    }
    const classFacts = this.program.facts(classFile);
    const method = classFacts && this.fileIndex(classFile, classFacts).functionsByName.get(`${className}.${member}`);
    return method !== undefined ? { file: classFile, function: method } : undefined;
  }

  private forkPointOf(file: string, call: TsCall): NodeForkPoint | undefined {
    const qualname = this.qualnameOf(file, call.id);
    return qualname ? nodeForkPoint(qualname) : undefined;
  }

  /** The pool a call creates, if it is a catalog factory. */
  private creationOf(file: string, call: TsCall): NodePoolRecord | undefined {
    const qualname = this.qualnameOf(file, call.id);
    if (!qualname) return undefined;
    const factory = nodePoolFactory(qualname);
    if (!factory) return undefined;
    const base = { factory, file, call: call.id, range: call.range, via: [] };
    if (factory.singleton) return { ...base, key: `singleton:${factory.singleton.module}` };
    if (qualname.includes('().')) {
      // A method on a made object (`client.connect()`): the pool is the object.
      const target = this.resolve(file, call.id);
      if (!target || target.kind !== 'instance') return undefined;
      const receiver = this.program.facts(target.file)?.calls[target.call];
      return { ...base, key: `${target.file}#${target.call}`, ...(receiver?.assignedTo ? { name: receiver.assignedTo.join('.') } : {}) };
    }
    return { ...base, key: `${file}#${call.id}`, ...(call.assignedTo ? { name: call.assignedTo.join('.') } : {}) };
  }

  /** The key of the pool a call closes (`pool.end()`, `mongoose.disconnect()`), if it is one. */
  closedKey(file: string, call: TsCall): string | undefined {
    if (!this.relevance.isCandidate(file, call)) return undefined;
    const target = this.resolve(file, call.id);
    if (!target) return undefined;
    if (target.kind === 'external') {
      const factory = NODE_POOL_FACTORIES.find((candidate) => candidate.singleton?.closeQualnames.includes(target.qualname));
      return factory ? `singleton:${factory.singleton!.module}` : undefined;
    }
    if (target.kind !== 'instance' || target.path.length !== 1) return undefined;
    const made = this.qualnameOf(target.file, target.call);
    if (!made) return undefined;
    const factory = nodePoolFactory(made) ?? NODE_POOL_FACTORIES.find((candidate) => candidate.qualnames.some((name) => name.startsWith(`${made}().`)));
    return factory?.closeMethods.includes(target.path[0]) ? `${target.file}#${target.call}` : undefined;
  }

  /**
   * The qualified name of what a call calls: `pg.Pool`, `cluster.fork`, `pg.Client().connect`
   * (a method of what `new Client()` made), `knex` for `require('knex')(config)`.
   */
  qualnameOf(file: string, callId: number, depth = 0): string | undefined {
    return this.qualnames.get(file, callId, () => {
      const target = depth > 8 ? undefined : this.resolve(file, callId);
      if (target?.kind === 'external') return target.qualname;
      if (target?.kind !== 'instance') return undefined;
      const maker = this.program.facts(target.file)?.calls[target.call];
      const required = maker && requiredPackage(maker);
      if (required !== undefined) return required === null ? undefined : [required, ...target.path].join('.');
      const inner = this.qualnameOf(target.file, target.call, depth + 1);
      if (!inner) return undefined;
      return target.path.length > 0 ? `${inner}().${target.path.join('.')}` : `${inner}()`;
    });
  }

  private callStep(file: string, call: TsCall): PoolStep {
    const facts = this.program.facts(file)!;
    return { file, range: call.range, kind: 'call', label: `${call.isNew ? 'new ' : ''}${calleeText(facts, call, 0)}()` };
  }
}

// ---------------------------------------------------------------- helpers

type UnitEvent =
  | { kind: 'call'; call: TsCall; guards: TsGuard[]; at: Range['start'] }
  | { kind: 'import'; module: string; typeOnly: boolean; range: Range; guards: TsGuard[]; at: Range['start'] };

/**
 * The unit's calls and imports (which run a module), in the order they run: a call runs once its
 * callee and arguments are evaluated, so by where it ends (`pool.connect().then(cb)`: connect
 * first; `a(b())`: b first). A `require()`/`import()` runs the module where that call does; a
 * static import at its statement (they all come first).
 */
function eventsOf(facts: TsFacts, calls: TsCall[], fn: number | undefined): UnitEvent[] {
  const events: UnitEvent[] = [];
  for (const call of calls) events.push({ kind: 'call', call, guards: call.guards, at: call.range.end });
  for (const entry of facts.imports) {
    if (entry.function !== fn) continue;
    const loader = calls.find(
      (call) =>
        (call.callee.join('.') === 'require' || call.callee.join('.') === 'import') &&
        call.args[0]?.kind === 'string' &&
        call.args[0].value === entry.module &&
        comparePosition(entry.range.start, call.range.start) <= 0 &&
        comparePosition(call.range.end, entry.range.end) <= 0,
    );
    const at = loader ? loader.range.end : entry.range.start;
    events.push({ kind: 'import', module: entry.module, typeOnly: entry.typeOnly, range: entry.range, guards: entry.guards, at });
  }
  // Imports first at a tie: the module runs when its `require()` returns, before a call on its result.
  return events.sort((a, b) => comparePosition(a.at, b.at) || (a.kind === b.kind ? 0 : a.kind === 'import' ? -1 : 1));
}

/** The specifiers a file adds to the import graph, as one text. */
function importSignature(facts: TsFacts): string {
  return JSON.stringify(graphSpecifiers(facts));
}

function callbacksByCall(facts: TsFacts): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const fn of facts.functions) {
    if (!fn.argumentOf) continue;
    const list = map.get(fn.argumentOf.call);
    if (list) list.push(fn.id);
    else map.set(fn.argumentOf.call, [fn.id]);
  }
  return map;
}

/** `require('pg')` / `import('pg')` -> 'pg' (without `node:`); null for a workspace module; undefined when not such a call. */
function requiredPackage(call: TsCall): string | null | undefined {
  if (call.callee.length !== 1 || (call.callee[0] !== 'require' && call.callee[0] !== 'import')) return undefined;
  const first = call.args[0];
  if (first?.kind !== 'string') return undefined;
  return first.value.startsWith('.') || first.value.startsWith('/') ? null : stripNodePrefix(first.value);
}

/**
 * Steps shared by the route to the fork and by every pool's creation chain happened before both
 * (`main()` creates the pool and forks): the hazard is told from where they part.
 */
function withoutSharedSteps(pools: NodePoolRecord[], route: PoolStep[]): { pools: NodePoolRecord[]; route: PoolStep[] } {
  let shared = 0;
  while (shared < route.length && pools.every((pool) => pool.via.length > shared && sameStep(pool.via[shared], route[shared]))) shared++;
  if (shared === 0) return { pools, route };
  return { pools: pools.map((pool) => ({ ...pool, via: pool.via.slice(shared) })), route: route.slice(shared) };
}

function sameStep(a: PoolStep, b: PoolStep): boolean {
  return a.file === b.file && a.kind === b.kind && comparePosition(a.range.start, b.range.start) === 0;
}

/** Source-like text of a callee: `mongoose.connect(...).then` for a call on a call's result. */
function calleeText(facts: TsFacts, call: TsCall, depth: number): string {
  const names = call.callee.join('.');
  const inner = call.calleeCall !== undefined ? facts.calls[call.calleeCall] : undefined;
  if (!inner) return names || '(...)';
  const prefix = depth > 3 ? '(...)' : `${calleeText(facts, inner, depth + 1)}(...)`;
  return names ? `${prefix}.${names}` : prefix;
}

function removeCloses(closes: Close[], key: string): void {
  for (let i = closes.length - 1; i >= 0; i--) if (closes[i].key === key) closes.splice(i, 1);
}

function conditionOf(guard: TsGuard): string {
  return guard.path ? guard.path.join('.') : guard.text;
}

function sameGuard(a: TsGuard, b: TsGuard): boolean {
  return a.negated === b.negated && conditionOf(a) === conditionOf(b);
}

/** Two guard lists that cannot hold together: one condition, once true and once false. */
function exclusive(a: TsGuard[], b: TsGuard[]): boolean {
  return a.some((x) => b.some((y) => x.negated !== y.negated && conditionOf(x) === conditionOf(y)));
}

function distinct(pools: NodePoolRecord[]): NodePoolRecord[] {
  const seen = new Set<string>();
  return pools.filter((pool) => !seen.has(pool.key) && seen.add(pool.key));
}

function comparePosition(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
}

/** Is function `inner` (undefined: top level) `outer` or nested in it? */
function isWithin(facts: TsFacts, inner: number | undefined, outer: number | undefined): boolean {
  if (outer === undefined) return true;
  for (let current = inner, steps = 0; current !== undefined && steps < 1000; current = facts.functions[current]?.parent, steps++) {
    if (current === outer) return true;
  }
  return false;
}
