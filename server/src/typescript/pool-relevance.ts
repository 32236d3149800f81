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
import { sameList } from '../model';
import type { TsCall, TsFacts } from './facts';
import { isRelativeSpecifier, sameSet, stripNodePrefix, type TsProgram } from './program';
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

/**
 * What one file brings to the fixpoint, read from its facts alone: kept per facts object, so an
 * analysis after an edit reads again only the edited file (the fixpoint itself is redone, over
 * these summaries, not over every call of the workspace).
 */
interface FileRelevance {
  names: FileNames;
  /** Names a catalog call's result is stored in (where a pool may be held). */
  holders: string[];
  /** Functions interesting by themselves: they import a catalog or workspace module, or hold a call that matters. */
  seeds: number[];
  /** Functions holding a close call (`pool.end()`), interesting when one of these names holds a pool somewhere. */
  seedsIfHolder: { fn: number; holders: string[] }[];
  /** How calls spell a callee (spelledName) -> the functions holding those calls. */
  callersBySpelled: Map<string, number[]>;
  /** How calls at the top level spell their callees. */
  topLevelSpelled: Set<string>;
  /** By function id: how a call spells the function (functionSpelling), and for a callback, the function holding the call it is passed to. */
  units: { spelled?: string; callbackOwner?: number }[];
  /** All of the above but `names`, as text: equal texts give the fixpoint equal inputs (built when compared). */
  signature?: string;
}

const relevanceByFacts = new WeakMap<TsFacts, FileRelevance>();

/** The fixpoint's answer: interesting functions, and the names that reach them (see PoolRelevance). */
interface Interest {
  /** File -> ids of its functions whose walk can find something. */
  interesting: Map<string, Set<number>>;
  functionNames: Set<string>;
  methodNames: Set<string>;
  classNames: Set<string>;
  holderNames: Set<string>;
}

/**
 * Kept per program between analyses: every file's callers by spelled callee, merged (an analysis
 * after an edit moves only the edited file's entries), and the last fixpoint, reused as it is
 * when no file's relevance changed (most edits: a string, an argument, a body statement).
 */
class RelevanceState {
  private readonly byFile = new Map<string, FileRelevance>();
  private readonly callers = new Map<string, Map<string, number[]>>();
  private interest: Interest | undefined;
  /** The last fixpoint, while a new one is computed. */
  private previous: Interest | undefined;

  /**
   * Takes the files' relevances; the last fixpoint when they are those it was computed from, or
   * differ from them only in ways that leave it the answer (leavesInterest).
   */
  update(files: readonly string[], relevances: readonly FileRelevance[]): Interest | undefined {
    let changed = false;
    files.forEach((file, index) => {
      const relevance = relevances[index];
      const before = this.byFile.get(file);
      if (before === relevance) return;
      if (!before || !this.interest || (signatureOf(before) !== signatureOf(relevance) && !leavesInterest(this.interest, file, before, relevance))) changed = true;
      if (before) this.remove(file, before);
      this.byFile.set(file, relevance);
      relevance.callersBySpelled.forEach((fns, spelled) => {
        let byCaller = this.callers.get(spelled);
        if (!byCaller) this.callers.set(spelled, (byCaller = new Map()));
        byCaller.set(file, fns);
      });
    });
    if (this.byFile.size > files.length) {
      changed = true;
      const present = new Set(files);
      for (const [file, relevance] of this.byFile) if (!present.has(file)) this.remove(file, relevance);
    }
    if (changed) {
      this.previous = this.interest;
      this.interest = undefined;
    }
    return this.interest;
  }

  /** Keeps a new fixpoint, or the one before it when they are equal (its users keep what they derived). */
  keep(interest: Interest): Interest {
    this.interest = this.previous && sameInterest(this.previous, interest) ? this.previous : interest;
    this.previous = undefined;
    return this.interest;
  }

  /** The functions, file by file, holding a call spelled `spelled`. */
  callersOf(spelled: string): ReadonlyMap<string, number[]> | undefined {
    return this.callers.get(spelled);
  }

  /** The files holding a call, in a function or at the top level, spelled as one of `spelled`. */
  filesCalling(spelled: readonly string[]): Set<string> {
    const files = new Set<string>();
    for (const name of spelled) this.callers.get(name)?.forEach((_, file) => files.add(file));
    for (const [file, relevance] of this.byFile) if (spelled.some((name) => relevance.topLevelSpelled.has(name))) files.add(file);
    return files;
  }

  private remove(file: string, relevance: FileRelevance): void {
    this.byFile.delete(file);
    relevance.callersBySpelled.forEach((_, spelled) => {
      const byCaller = this.callers.get(spelled);
      byCaller?.delete(file);
      if (byCaller?.size === 0) this.callers.delete(spelled);
    });
  }
}

const states = new WeakMap<TsProgram, RelevanceState>();

export class PoolRelevance {
  private interest: Interest | undefined;
  // Made once: the walk asks mattersByItself for every call it meets.
  private readonly reaches = (call: TsCall): boolean => this.reachesInteresting(call);
  private readonly holdsPool = (name: string): boolean => this.compute().holderNames.has(name);

  constructor(private readonly program: TsProgram) {}

  /** Whether the walk must resolve this call: it may fork, make or close a pool, or reach a function that does. */
  isCandidate(file: string, call: TsCall): boolean {
    this.compute();
    return this.mattersByItself(file, call, 0) || this.reachesInteresting(call);
  }

  /**
   * The fixpoint this answers from: the same object while no file's relevance changed (and no
   * file came or went), so a caller can keep what it derived with it.
   */
  fixpoint(): object {
    return this.compute();
  }

  /**
   * The files whose summaries may differ between `before`, an earlier fixpoint() of this program,
   * and this one: those with a function whose interest flipped, and those holding a call spelled
   * with a name that reaches an interesting function in one and not in the other. 'all' when the
   * names holding pools changed (every close is judged by them).
   */
  filesAffectedSince(before: object): Set<string> | 'all' {
    const previous = before as Interest;
    const current = this.compute();
    if (!sameSet(previous.holderNames, current.holderNames)) return 'all';
    const spelled = [
      ...changedNames('fn', previous.functionNames, current.functionNames),
      ...changedNames('new', previous.classNames, current.classNames),
      ...changedNames('method', previous.methodNames, current.methodNames),
    ];
    const files = spelled.length > 0 ? states.get(this.program)!.filesCalling(spelled) : new Set<string>();
    for (const file of new Set([...previous.interesting.keys(), ...current.interesting.keys()])) {
      const was = previous.interesting.get(file);
      const is = current.interesting.get(file);
      if (!was || !is || !sameSet(was, is)) files.add(file);
    }
    return files;
  }

  /** Whether a function's walk can find anything (else its summary is empty without a walk). */
  isInteresting(file: string, fn: number): boolean {
    return this.compute().interesting.get(file)?.has(fn) ?? false;
  }

  private namesOf(file: string): FileNames {
    return relevanceOf(this.program.facts(file)!).names;
  }

  /**
   * Interesting functions, to a fixpoint: a function is interesting when it holds a call or an
   * import that can matter by itself, a call by name to an interesting function, or an
   * interesting callback (applied where it is passed). Names of interesting functions, as calls
   * spell them: plain functions by their name (`start()` only, not `x.start()`: a helper named
   * `map` must not make every `arr.map()` a candidate), methods by their short name
   * (`db.close()`), constructors by their class (`new Db()`). Holder names: where pools are held
   * (`pool`, `this.redis` -> `redis`), as a close is spelled on one of them.
   */
  private compute(): Interest {
    if (this.interest) return this.interest;
    const files = this.program.files();
    const relevances = files.map((file) => relevanceOf(this.program.facts(file)!));
    let state = states.get(this.program);
    if (!state) states.set(this.program, (state = new RelevanceState()));
    const kept = state.update(files, relevances);
    if (kept) return (this.interest = kept);

    const interest: Interest = { interesting: new Map(), functionNames: new Set(), methodNames: new Set(), classNames: new Set(), holderNames: new Set() };
    const relevanceByFile = new Map<string, FileRelevance>();
    files.forEach((file, index) => relevanceByFile.set(file, relevances[index]));
    const pendingFiles: string[] = [];
    const pendingFns: number[] = [];
    const mark = (file: string, fn: number): void => {
      let fns = interest.interesting.get(file);
      if (!fns) interest.interesting.set(file, (fns = new Set()));
      if (fns.has(fn)) return;
      fns.add(fn);
      pendingFiles.push(file);
      pendingFns.push(fn);
    };
    for (const relevance of relevances) for (const holder of relevance.holders) interest.holderNames.add(holder);
    files.forEach((file, index) => {
      const relevance = relevances[index];
      for (const fn of relevance.seeds) mark(file, fn);
      for (const { fn, holders } of relevance.seedsIfHolder) if (holders.some((holder) => interest.holderNames.has(holder))) mark(file, fn);
    });
    while (pendingFiles.length > 0) {
      const file = pendingFiles.pop()!;
      const unit = relevanceByFile.get(file)!.units[pendingFns.pop()!];
      if (!unit) continue;
      // A callback runs where it is passed: the unit holding that call is interesting too.
      if (unit.callbackOwner !== undefined) mark(file, unit.callbackOwner);
      const spelled = unit.spelled;
      if (spelled === undefined) continue;
      const [kind, name] = [spelled.slice(0, spelled.indexOf(':')), spelled.slice(spelled.indexOf(':') + 1)];
      const set = kind === 'fn' ? interest.functionNames : kind === 'new' ? interest.classNames : interest.methodNames;
      if (set.has(name)) continue;
      set.add(name);
      state.callersOf(spelled)?.forEach((fns, caller) => {
        for (const callerFn of fns) mark(caller, callerFn);
      });
    }
    return (this.interest = state.keep(interest));
  }

  /** A call that reaches an interesting function by its spelled name. */
  private reachesInteresting(call: TsCall): boolean {
    const spelled = spelledName(call);
    return spelled !== undefined && namesInteresting(this.compute(), spelled);
  }

  /** A call that can matter whatever functions are interesting. */
  private mattersByItself(file: string, call: TsCall, depth: number): boolean {
    return callMatters(this.program.facts(file)!, this.namesOf(file), call, depth, this.reaches, this.holdsPool);
  }
}

/** Spellings (`fn:start`) of the names in one set and not the other. */
function changedNames(kind: string, before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  const changed: string[] = [];
  for (const name of before) if (!after.has(name)) changed.push(`${kind}:${name}`);
  for (const name of after) if (!before.has(name)) changed.push(`${kind}:${name}`);
  return changed;
}

/**
 * Whether `interest`, the least fixpoint of the rules the files' relevances make (see compute),
 * stays the least fixpoint when one file's relevance changes from `before` to `after`. It does
 * when every rule the change adds or removes has a premise the fixpoint does not hold: a call
 * spelled with a name no interesting function has, a function that is not interesting (its name
 * and its callback owner count only once it is). Such a rule fires neither before nor after, so
 * the fixpoint is still closed under the rules, and still least. A change of seeds or of the
 * names holding pools always counts. A function renumbered by an edit is caught too: when it is
 * interesting, whatever made it so (a seed, a caller's list, its callback's owner) names its id.
 * Most edits of a large file (a character typed into a name) change its relevance this way.
 */
function leavesInterest(interest: Interest, file: string, before: FileRelevance, after: FileRelevance): boolean {
  if (JSON.stringify([before.holders, before.seeds, before.seedsIfHolder]) !== JSON.stringify([after.holders, after.seeds, after.seedsIfHolder])) return false;
  const interesting = interest.interesting.get(file);
  const functions = Math.max(before.units.length, after.units.length);
  for (let fn = 0; fn < functions; fn++) {
    const was = before.units[fn];
    const is = after.units[fn];
    if (was?.spelled !== is?.spelled || was?.callbackOwner !== is?.callbackOwner) {
      if (interesting?.has(fn)) return false;
    }
  }
  for (const spelled of new Set([...before.callersBySpelled.keys(), ...after.callersBySpelled.keys()])) {
    if (sameList(before.callersBySpelled.get(spelled) ?? [], after.callersBySpelled.get(spelled) ?? [])) continue;
    if (namesInteresting(interest, spelled)) return false;
  }
  return true;
}

/** Whether a spelled name (`fn:start`) is one an interesting function has. */
function namesInteresting(interest: Interest, spelled: string): boolean {
  const name = spelled.slice(spelled.indexOf(':') + 1);
  return spelled.startsWith('fn:') ? interest.functionNames.has(name) : spelled.startsWith('new:') ? interest.classNames.has(name) : interest.methodNames.has(name);
}

/** Most edits that change a file's relevance (a name typed into) leave the fixpoint's answer as it was. */
function sameInterest(a: Interest, b: Interest): boolean {
  if (!sameSet(a.functionNames, b.functionNames) || !sameSet(a.methodNames, b.methodNames) || !sameSet(a.classNames, b.classNames)) return false;
  if (!sameSet(a.holderNames, b.holderNames) || a.interesting.size !== b.interesting.size) return false;
  for (const [file, fns] of a.interesting) {
    const other = b.interesting.get(file);
    if (!other || !sameSet(fns, other)) return false;
  }
  return true;
}

function relevanceOf(facts: TsFacts): FileRelevance {
  let relevance = relevanceByFacts.get(facts);
  if (relevance) return relevance;
  const names: FileNames = { catalog: new Set(), relative: new Set() };
  for (const entry of facts.imports) {
    if (entry.typeOnly || entry.local === '') continue;
    if (isRelativeSpecifier(entry.module)) names.relative.add(entry.local);
    else if (CATALOG_MODULES.has(stripNodePrefix(entry.module))) names.catalog.add(entry.local);
  }
  relevance = { names, holders: [], seeds: [], seedsIfHolder: [], callersBySpelled: new Map(), topLevelSpelled: new Set(), units: [] };
  for (const fn of facts.functions) {
    const owner = fn.argumentOf ? facts.calls[fn.argumentOf.call]?.function : undefined;
    relevance.units[fn.id] = { spelled: functionSpelling(fn.name), callbackOwner: owner };
  }
  for (const entry of facts.imports) {
    if (entry.function !== undefined && !entry.typeOnly && (isRelativeSpecifier(entry.module) || CATALOG_MODULES.has(stripNodePrefix(entry.module)))) relevance.seeds.push(entry.function);
  }
  for (const call of facts.calls) {
    if (call.assignedTo && call.assignedTo.length > 0 && rootedInCatalog(facts, names, call, 0)) relevance.holders.push(call.assignedTo[call.assignedTo.length - 1]);
    const spelled = spelledName(call);
    if (call.function === undefined) {
      if (spelled) relevance.topLevelSpelled.add(spelled);
      continue;
    }
    if (spelled) {
      const callers = relevance.callersBySpelled.get(spelled);
      if (callers) callers.push(call.function);
      else relevance.callersBySpelled.set(spelled, [call.function]);
    }
    // Before the fixpoint no function is interesting yet, and which names hold a pool is known
    // only once every file is read: the holders a close is spelled on are kept as the condition.
    const holders: string[] = [];
    const matters = callMatters(facts, names, call, 0, () => false, (holder) => {
      holders.push(holder);
      return false;
    });
    if (matters) relevance.seeds.push(call.function);
    else if (holders.length > 0) relevance.seedsIfHolder.push({ fn: call.function, holders });
  }
  relevanceByFacts.set(facts, relevance);
  return relevance;
}

/**
 * Whether a call can fork, make or close a pool by itself, given which calls reach an interesting
 * function and which names hold a pool (a close is spelled on one).
 */
function callMatters(
  facts: TsFacts,
  names: FileNames,
  call: TsCall,
  depth: number,
  reachesInteresting: (call: TsCall) => boolean,
  holdsPool: (name: string) => boolean,
): boolean {
  const last = call.callee[call.callee.length - 1];
  if (call.calleeCall !== undefined) {
    // A call on a call's result matters when that call does (`new Client().connect()`, `require('knex')(cfg)`).
    const inner = facts.calls[call.calleeCall];
    return depth < 8 && inner !== undefined && (callMatters(facts, names, inner, depth + 1, reachesInteresting, holdsPool) || reachesInteresting(inner) || isLoader(inner));
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
    return holder !== undefined && holdsPool(holder);
  }
  return false;
}

/** A call whose innermost callee is an import of a catalog module (`new pg.Pool()`, `require('knex')(cfg)`, `new Client().connect()`). */
function rootedInCatalog(facts: TsFacts, names: FileNames, call: TsCall, depth: number): boolean {
  if (call.calleeCall !== undefined) {
    const inner = facts.calls[call.calleeCall];
    return depth < 8 && inner !== undefined && rootedInCatalog(facts, names, inner, depth + 1);
  }
  if (isLoader(call)) {
    const first = call.args[0];
    return first?.kind === 'string' && CATALOG_MODULES.has(stripNodePrefix(first.value));
  }
  return call.callee.length > 0 && names.catalog.has(call.callee[0]);
}

/** How calls spell a function of this name (see spelledName): `fn:start`, `method:close`, `new:Db` for a constructor. */
function functionSpelling(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const dot = name.lastIndexOf('.');
  return dot < 0 ? `fn:${name}` : name.endsWith('.constructor') ? `new:${name.slice(0, name.indexOf('.'))}` : `method:${name.slice(dot + 1)}`;
}

function signatureOf(relevance: FileRelevance): string {
  relevance.signature ??= JSON.stringify([relevance.holders, relevance.seeds, relevance.seedsIfHolder, [...relevance.callersBySpelled], relevance.units, [...relevance.topLevelSpelled]]);
  return relevance.signature;
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
