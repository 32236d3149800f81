/**
 * Which calls FG001's walk (pools.ts) needs to resolve, decided from spelled names only.
 * TsProgram.resolveCall costs a scan of the file's scopes per call: on a large bundle (tens of
 * thousands of functions) that is milliseconds per call, minutes per file. Most calls cannot matter:
 * a pool, a close, a fork or a workspace function that leads to one is always spelled with a name
 * this module can see (an import of a catalog module, `fork`, a close method on a name a pool is
 * held in, the name of a function that, transitively, contains such a call). Over-approximate by
 * design: a call kept here is resolved and judged by the catalog; a call dropped can only be one
 * reached through local aliasing (`const f = g; f()`), which the walk does not follow either.
 */
import type { TsCall, TsFacts } from './facts';
import { isRelativeSpecifier, stripNodePrefix, type TsProgram } from './program';
import { NODE_FORK_POINTS, NODE_POOL_FACTORIES } from '../catalog/node-pools';

/** Modules whose imports can make pools or fork: the part of each qualified name before its first dot. */
const CATALOG_MODULES = new Set(
  [...NODE_POOL_FACTORIES.flatMap((factory) => factory.qualnames), ...NODE_FORK_POINTS.flatMap((point) => point.qualnames)].map((name) => name.split('.')[0]),
);
/** Last names that fork, or make a pool as a method of another object (`client.connect()`). */
const KEY_NAMES = new Set([
  ...NODE_FORK_POINTS.flatMap((point) => point.qualnames.map(lastName)),
  ...NODE_POOL_FACTORIES.flatMap((factory) => factory.qualnames.filter((name) => name.includes('().')).map(lastName)),
]);
const CLOSE_NAMES = new Set(NODE_POOL_FACTORIES.flatMap((factory) => [...factory.closeMethods, ...(factory.singleton?.closeQualnames.map(lastName) ?? [])]));

function lastName(qualname: string): string {
  return qualname.slice(qualname.lastIndexOf('.') + 1);
}

interface FileNames {
  /** Locals bound to imports of catalog modules (`pg`, `Pool`, `cluster`, `fork`). */
  catalog: Set<string>;
  /** Locals bound to imports of workspace modules (`./db`). */
  relative: Set<string>;
}

export class PoolRelevance {
  private readonly names = new Map<string, FileNames>();
  /** `<file>#<function id>` of functions whose walk can find something. */
  private interesting: Set<string> | undefined;
  /**
   * Names of interesting functions, as calls spell them: plain functions by their name (`start()`
   * only, not `x.start()`: a helper named `map` must not make every `arr.map()` a candidate),
   * methods by their short name (`db.close()`), constructors by their class (`new Db()`).
   */
  private readonly functionNames = new Set<string>();
  private readonly methodNames = new Set<string>();
  private readonly classNames = new Set<string>();
  /** Names pools are held in (`pool`, `this.redis` -> `redis`): a close is spelled on one of them. */
  private readonly holderNames = new Set<string>();

  constructor(private readonly program: TsProgram) {}

  /** Whether the walk must resolve this call: it may fork, make or close a pool, or reach a function that does. */
  isCandidate(file: string, call: TsCall): boolean {
    this.compute();
    return this.mattersByItself(file, call, 0) || this.reachesInteresting(call);
  }

  /** Whether a function's walk can find anything (else its summary is empty without a walk). */
  isInteresting(file: string, fn: number): boolean {
    this.compute();
    return this.interesting!.has(`${file}#${fn}`);
  }

  private namesOf(file: string): FileNames {
    let names = this.names.get(file);
    if (!names) {
      names = { catalog: new Set(), relative: new Set() };
      for (const entry of this.program.facts(file)?.imports ?? []) {
        if (entry.typeOnly || entry.local === '') continue;
        if (isRelativeSpecifier(entry.module)) names.relative.add(entry.local);
        else if (CATALOG_MODULES.has(stripNodePrefix(entry.module))) names.catalog.add(entry.local);
      }
      this.names.set(file, names);
    }
    return names;
  }

  /**
   * Interesting functions, to a fixpoint: a function is interesting when it holds a call or an
   * import that can matter by itself, a call by name to an interesting function, or an
   * interesting callback (applied where it is passed).
   */
  private compute(): void {
    if (this.interesting) return;
    const interesting = new Set<string>();
    this.interesting = interesting;
    /** Last callee name -> functions calling that name. */
    const callersByName = new Map<string, string[]>();
    const pending: string[] = [];
    const mark = (key: string): void => {
      if (!interesting.has(key)) {
        interesting.add(key);
        pending.push(key);
      }
    };
    const files = this.program.files();
    for (const file of files) {
      const facts = this.program.facts(file)!;
      for (const call of facts.calls) {
        // Where a pool may be held: the name a catalog call's result is stored in.
        if (call.assignedTo && call.assignedTo.length > 0 && this.rootedInCatalog(file, facts, call, 0)) this.holderNames.add(call.assignedTo[call.assignedTo.length - 1]);
      }
    }
    for (const file of files) {
      const facts = this.program.facts(file)!;
      for (const entry of facts.imports) {
        if (entry.function !== undefined && !entry.typeOnly && (isRelativeSpecifier(entry.module) || CATALOG_MODULES.has(stripNodePrefix(entry.module)))) mark(`${file}#${entry.function}`);
      }
      for (const call of facts.calls) {
        if (call.function === undefined) continue;
        const key = `${file}#${call.function}`;
        const spelled = spelledName(call);
        if (spelled) {
          const callers = callersByName.get(spelled);
          if (callers) callers.push(key);
          else callersByName.set(spelled, [key]);
        }
        if (this.mattersByItself(file, call, 0)) mark(key);
      }
    }
    while (pending.length > 0) {
      const key = pending.pop()!;
      const hash = key.lastIndexOf('#');
      const file = key.slice(0, hash);
      const facts = this.program.facts(file)!;
      const fn = facts.functions[Number(key.slice(hash + 1))];
      if (!fn) continue;
      // A callback runs where it is passed: the unit holding that call is interesting too.
      if (fn.argumentOf) {
        const owner = facts.calls[fn.argumentOf.call]?.function;
        if (owner !== undefined) mark(`${file}#${owner}`);
      }
      if (fn.name === undefined) continue;
      const dot = fn.name.lastIndexOf('.');
      const spelled = dot < 0 ? `fn:${fn.name}` : fn.name.endsWith('.constructor') ? `new:${fn.name.slice(0, fn.name.indexOf('.'))}` : `method:${fn.name.slice(dot + 1)}`;
      const [kind, name] = [spelled.slice(0, spelled.indexOf(':')), spelled.slice(spelled.indexOf(':') + 1)];
      const set = kind === 'fn' ? this.functionNames : kind === 'new' ? this.classNames : this.methodNames;
      if (set.has(name)) continue;
      set.add(name);
      for (const caller of callersByName.get(spelled) ?? []) mark(caller);
    }
  }

  /** A call that reaches an interesting function by its spelled name. */
  private reachesInteresting(call: TsCall): boolean {
    const spelled = spelledName(call);
    if (!spelled) return false;
    const name = spelled.slice(spelled.indexOf(':') + 1);
    return spelled.startsWith('fn:') ? this.functionNames.has(name) : spelled.startsWith('new:') ? this.classNames.has(name) : this.methodNames.has(name);
  }

  /** A call whose innermost callee is an import of a catalog module (`new pg.Pool()`, `require('knex')(cfg)`, `new Client().connect()`). */
  private rootedInCatalog(file: string, facts: TsFacts, call: TsCall, depth: number): boolean {
    if (call.calleeCall !== undefined) {
      const inner = facts.calls[call.calleeCall];
      return depth < 8 && inner !== undefined && this.rootedInCatalog(file, facts, inner, depth + 1);
    }
    if (isLoader(call)) {
      const first = call.args[0];
      return first?.kind === 'string' && CATALOG_MODULES.has(stripNodePrefix(first.value));
    }
    return call.callee.length > 0 && this.namesOf(file).catalog.has(call.callee[0]);
  }

  /** A call that can matter whatever functions are interesting. */
  private mattersByItself(file: string, call: TsCall, depth: number): boolean {
    const facts = this.program.facts(file)!;
    const names = this.namesOf(file);
    const last = call.callee[call.callee.length - 1];
    if (call.calleeCall !== undefined) {
      // A call on a call's result matters when that call does (`new Client().connect()`, `require('knex')(cfg)`).
      const inner = facts.calls[call.calleeCall];
      return depth < 8 && inner !== undefined && (this.mattersByItself(file, inner, depth + 1) || this.reachesInteresting(inner) || isLoader(inner));
    }
    if (call.callee.length === 0) return false;
    if (isLoader(call)) {
      const first = call.args[0];
      return first?.kind === 'string' && (isRelativeSpecifier(first.value) || CATALOG_MODULES.has(stripNodePrefix(first.value)));
    }
    const root = call.callee[0];
    if (names.catalog.has(root) || names.relative.has(root) || KEY_NAMES.has(last)) return true;
    if (CLOSE_NAMES.has(last) && call.callee.length >= 2) {
      const holder = root === 'this' ? call.callee[1] : root;
      return holder !== undefined && this.holderNames.has(holder);
    }
    return false;
  }
}

/** `require('m')` / `import('m')`. */
function isLoader(call: TsCall): boolean {
  return call.callee.length === 1 && (call.callee[0] === 'require' || call.callee[0] === 'import');
}

/** How a call names a function: `fn:start` for `start()`, `method:close` for `x.close()`/`this.close()`, `new:Db` for `new Db()`. */
function spelledName(call: TsCall): string | undefined {
  if (call.calleeCall !== undefined || call.callee.length === 0) return undefined;
  if (call.isNew && call.callee.length === 1) return `new:${call.callee[0]}`;
  if (call.callee.length === 1) return `fn:${call.callee[0]}`;
  return `method:${call.callee[call.callee.length - 1]}`;
}
