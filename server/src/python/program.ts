/**
 * PyProgram: the Python side of the workspace as one program. It holds every file's facts and
 * derives, lazily and cached: the module index, name resolution, the call graph, and per-function
 * summaries (computed bottom-up through `analysis`, cycles iterated to a bounded fixpoint).
 *
 * Incremental invalidation: while a file's derived data is computed, every other file consulted is
 * recorded as a dependency, split by what was read: the file's facts (`facts`, `text`, `touch`) or
 * one value derived for it (`readDerived`: a scope's summary, a module member, a call's
 * resolution, a class layout, each under a key like `summary 3`). A change to a file's facts drops
 * what was derived for it and for the files that read its facts, then recomputes the values those
 * files had derived and compares them with the values before (early cutoff): only the readers of
 * a value that came out different are dropped in turn, and so on. So an edit inside a widely
 * imported module that changes none of its summaries or names re-analyses that module and the
 * files that read its facts, not everything that reaches it.
 * Changes that can move meaning across the whole program (a module name changing, the
 * multiprocessing start method) drop all; adding or removing a file drops its transitive dependents.
 * `changedSince(mark)` tells consumers of per-file results (the engine's incremental analysis)
 * which files' derived data was dropped since they last looked.
 */
import * as path from 'node:path';
import { buildPythonCatalog, NON_FORK_START_METHODS, START_METHOD_SELECTORS, type PythonCatalog } from '../catalog/python';
import type { PyCallEvent, PyFacts, PyScope } from './facts';

import { ModuleIndex } from './module-index';
import { NameResolver } from './resolve';
import { CallGraph, MAX_FALLBACK_CANDIDATES, type FunctionRef } from './callgraph';
import { moduleLevelNames, readElsewhereInFile, sameValue, scopesToReanalyse } from './scope-changes';
import { analyzeScope, argumentValue, EMPTY_SUMMARY, summarySignature, type ForkHazard, type FunctionSummary, type ScopeAnalysis, type SummaryHost } from './summaries';

/** A call event with where it is: file, scope index and event index in that scope. */
export interface PyCallSite {
  file: string;
  scope: number;
  event: number;
  call: PyCallEvent;
}

/** An edit of a file whose other scopes keep their analyses: the scopes re-analysed, and whether a method was renamed. */
interface PartialChange {
  scopes: ReadonlySet<number>;
  methodsChanged: boolean;
  /**
   * An edit of module-level statements (scopes: the module scope alone): the names it bound or
   * unbound, whose module members are resolved again (see invalidateModuleLevel).
   */
  moduleNames?: ReadonlySet<string>;
}

/** Rounds of re-analysis of a call cycle before its summaries are taken as they are. */
const MAX_CYCLE_ROUNDS = 4;
/** Stands for a derived value read earlier but not kept: never equal to a recomputed one. */
const UNKNOWN_VALUE = '\u0000unknown';
/** Waves of early cutoff after a change before the remaining files are dropped with all their dependents. */
const MAX_CUTOFF_WAVES = 16;

interface Frame {
  key: string;
  /** Lowest stack index reached by a back edge from this frame or below it (Tarjan's lowlink). */
  low: number;
  /** A back edge reached this frame: it heads a cycle. */
  isHead: boolean;
  /** Keys of cycle members whose provisional results this head commits. */
  members: string[];
}

export class PyProgram implements SummaryHost {
  readonly catalog: PythonCatalog;
  readonly resolver: NameResolver;
  readonly callGraph: CallGraph;
  private readonly roots: string[];
  private readonly factsByFile = new Map<string, PyFacts>();
  private sortedFiles?: string[];
  private moduleIndex?: ModuleIndex;
  private methodIndex?: Map<string, FunctionRef[]>;
  private startMethodFlag?: boolean;
  /** Files with a call that may select a start method (built on first use, then kept per change). */
  private startMethodFiles?: Set<string>;
  private textSource?: (file: string) => string | undefined;
  private readonly qualifiedNames = new WeakMap<PyFacts, { modules: ModuleIndex; names: (string | undefined)[] }>();

  /** Settled analyses: file -> scope index -> analysis (no key string is built on the hot path). */
  private readonly analyses = new Map<string, (ScopeAnalysis | undefined)[]>();
  private readonly scriptAnalyses = new Map<string, ScopeAnalysis>();
  /** Files each file's derived data consulted (facts or derived values). */
  private readonly dependencies = new Map<string, Set<string>>();
  /** The reverse edges: file -> files that read its facts; file -> derived value key -> files that read it. */
  private readonly factReaders = new Map<string, Set<string>>();
  private readonly derivedReaders = new Map<string, Map<string, Set<string>>>();
  /** Reader -> the reader sets above it is in (left when its derived data is dropped). */
  private readonly readerSets = new Map<string, Set<string>[]>();
  /** Method names each file resolved by name only (a new definition elsewhere changes them). */
  private readonly fallbackNames = new Map<string, Set<string>>();
  /** Values `derived` computed for a file, by key (dropped with the file's derived data). */
  private readonly derivedCache = new Map<string, Map<string, unknown>>();
  /** How to compute each of them again, kept while another file reads it (for early cutoff). */
  private readonly derivedComputations = new Map<string, Map<string, () => unknown>>();
  /** Files whose derived data is being computed (innermost last). */
  private readonly dependents: string[] = [];
  private readonly frames: Frame[] = [];
  private readonly stackIndex = new Map<string, number>();
  private readonly provisional = new Map<string, ScopeAnalysis>();
  /** The cycle round in which each provisional result was computed, and the lowlink it had. */
  private readonly provisionalRound = new Map<string, number>();
  private readonly provisionalLow = new Map<string, number>();
  /** Bumped at each new round of any cycle head, so members are recomputed once per round. */
  private round = 0;
  /** Counts provisional results whose summary changed: a round without change settles a cycle. */
  private provisionalChanges = 0;
  /** How many scope analyses ran (tests use it to check what a change recomputes). */
  analysisCount = 0;
  /** Bumped by every change; `changedAt` says when each file's facts or derived data last changed. */
  private epoch = 0;
  private readonly changedAt = new Map<string, number>();
  /** When everything derived was last dropped (a module renamed, the start method flipped). */
  private allChangedAt = 0;

  constructor(roots: string[], extra: { poolFactories: string[]; forkPoints: string[]; resetCalls: string[] }) {
    this.roots = roots.map((r) => path.resolve(r));
    this.catalog = buildPythonCatalog(extra);
    this.resolver = new NameResolver(this);
    this.callGraph = new CallGraph(this);
  }

  // ---- files ----

  /** Adds or replaces a file's facts (absolute path). */
  setFile(file: string, facts: PyFacts): void {
    const previous = this.factsByFile.get(file);
    this.factsByFile.set(file, facts);
    this.afterChange(file, previous, facts);
  }

  removeFile(file: string): void {
    const previous = this.factsByFile.get(file);
    if (!previous) return;
    this.factsByFile.delete(file);
    this.afterChange(file, previous, undefined);
  }

  /** How many files `files()` lists. */
  fileCount(): number {
    return this.factsByFile.size;
  }

  files(): string[] {
    // Asked for by every analysis and rule: sorted once per change of the file set.
    this.sortedFiles ??= [...this.factsByFile.keys()].sort();
    return this.sortedFiles.slice();
  }

  /** A mark to pass to `changedSince` later. */
  changeMark(): number {
    return this.epoch;
  }

  /**
   * Files whose facts changed, or whose derived data was dropped, after `mark` (removed files
   * included): what a consumer of per-file results must recompute. `all` when everything may have.
   */
  changedSince(mark: number): Set<string> | 'all' {
    if (this.allChangedAt > mark) return 'all';
    const changed = new Set<string>();
    // forEach: asked after every edit, over every file analysed once; for-of would allocate an entry each.
    this.changedAt.forEach((at, file) => {
      if (at > mark) changed.add(file);
    });
    return changed;
  }

  /**
   * Every call of the workspace, file by file in path order, each scope's calls in evaluation order.
   * (Per-file checks that run after every edit loop over the file's events instead: no site object
   * for each call.)
   */
  *callSites(): Generator<PyCallSite> {
    for (const file of this.files()) {
      const facts = this.facts(file)!;
      for (let scope = 0; scope < facts.scopes.length; scope++) {
        const events = facts.scopes[scope].events;
        for (let event = 0; event < events.length; event++) {
          const call = events[event];
          if (call.k === 'call') yield { file, scope, event, call };
        }
      }
    }
  }

  /** A file's facts; read while another file's data is derived, it makes that file depend on them. */
  facts(file: string): PyFacts | undefined {
    if (this.dependents.length > 0) this.touch(file);
    return this.factsByFile.get(file);
  }

  /**
   * A class's own method of that name (its scope), read as one value of the class's file (`method
   * CLASS.NAME`), not as its facts: the files calling methods of a class another module defines
   * (unittest.TestCase) then do not read that module whole, which an edit of it would re-analyse.
   */
  ownMethod(file: string, cls: number, name: string): number | undefined {
    this.readDerived(file, 'method', `${cls}.${name}`);
    return ownMethodOf(this.factsByFile.get(file), cls, name);
  }

  /** The file whose derived data is being computed (innermost `track`), if any. */
  currentReader(): string | undefined {
    return this.dependents[this.dependents.length - 1];
  }

  /**
   * A value `compute` derives from `file` (what it reads there, and what it reads elsewhere), kept
   * as derived data of that file. Another file reading it records a read of this one value
   * (`value KEY`), compared after a change (early cutoff), where reading the file's facts would
   * drop it whole: an edit of a module much of the workspace calls into would re-analyse the
   * workspace. `key` names the value within the file and must fix what `compute` returns.
   */
  derived<T>(file: string, key: string, compute: () => T): T {
    if (file === this.currentReader()) return compute();
    this.readDerived(file, 'value', key);
    let values = this.derivedCache.get(file);
    if (!values) this.derivedCache.set(file, (values = new Map()));
    if (values.has(key)) return values.get(key) as T;
    let computations = this.derivedComputations.get(file);
    if (!computations) this.derivedComputations.set(file, (computations = new Map()));
    computations.set(key, compute);
    const value = this.track(file, compute);
    values.set(key, value);
    return value;
  }

  moduleName(file: string): string | undefined {
    return this.modules.moduleName(file);
  }

  get modules(): ModuleIndex {
    this.moduleIndex ??= new ModuleIndex(this.roots, this.factsByFile.keys());
    return this.moduleIndex;
  }

  /** Where fixes read file text from (line ends, existing comments); optional. */
  setTextSource(source: (file: string) => string | undefined): void {
    this.textSource = source;
  }

  /** A file's text; like its facts, a read of it makes the file being derived depend on it. */
  text(file: string): string | undefined {
    if (this.dependents.length > 0) this.touch(file);
    return this.textSource?.(file);
  }

  /** The path relative to the workspace root holding it (for messages). */
  relativePath(file: string): string {
    const root = this.roots.filter((r) => !path.relative(r, file).startsWith('..')).sort((a, b) => b.length - a.length)[0];
    return (root ? path.relative(root, file) : file).split(path.sep).join('/');
  }

  // ---- summaries ----

  /** Summary and hazards of one scope (function, method, class body or module top level). */
  analysis(fn: FunctionRef): ScopeAnalysis {
    this.readDerived(fn.file, 'summary', fn.scope);
    const cached = this.analyses.get(fn.file)?.[fn.scope];
    if (cached) return cached;
    const key = functionKey(fn);
    const onStack = this.stackIndex.get(key);
    if (onStack !== undefined) {
      const top = this.frames[this.frames.length - 1];
      top.low = Math.min(top.low, onStack);
      this.frames[onStack].isHead = true;
      return this.provisional.get(key) ?? { summary: EMPTY_SUMMARY, hazards: [] };
    }
    if (this.provisionalRound.get(key) === this.round) {
      // Already computed in this round of the enclosing cycle: reuse it. Recomputing it from every
      // caller inside the cycle would cost exponential time on a large import cycle.
      const top = this.frames[this.frames.length - 1];
      const settledLow = this.provisionalLow.get(key)!;
      if (top) top.low = Math.min(top.low, settledLow);
      return this.provisional.get(key)!;
    }
    const index = this.frames.length;
    const frame: Frame = { key, low: index, isHead: false, members: [] };
    this.frames.push(frame);
    this.stackIndex.set(key, index);
    let result: ScopeAnalysis;
    try {
      let changesBefore = this.provisionalChanges;
      result = this.track(fn.file, () => this.runAnalysis(fn));
      for (let round = 0; frame.isHead && frame.low >= index && round < MAX_CYCLE_ROUNDS; round++) {
        const headChanged = this.setProvisional(key, result, index);
        // Settled when neither the head nor any member computed in this round changed its summary.
        if (!headChanged && this.provisionalChanges === changesBefore) break;
        changesBefore = this.provisionalChanges;
        this.round++;
        frame.members = [];
        result = this.track(fn.file, () => this.runAnalysis(fn));
      }
    } finally {
      this.frames.pop();
      this.stackIndex.delete(key);
    }
    if (frame.low < index) {
      // Inside a cycle headed further down the stack: provisional until the head settles.
      this.setProvisional(key, result, frame.low);
      const parent = this.frames[this.frames.length - 1];
      parent.low = Math.min(parent.low, frame.low);
      this.frames[frame.low].members.push(key, ...frame.members);
    } else {
      this.settle(fn.file, fn.scope, result);
      for (const member of frame.members) {
        const settled = this.provisional.get(member);
        if (settled) this.settle(fileOfKey(member), Number(member.slice(member.lastIndexOf('#') + 1)), settled);
        this.forgetProvisional(member);
      }
      this.forgetProvisional(key);
    }
    return result;
  }

  private settle(file: string, scope: number, analysis: ScopeAnalysis): void {
    let byScope = this.analyses.get(file);
    if (!byScope) this.analyses.set(file, (byScope = []));
    byScope[scope] = analysis;
  }

  summaryOf(fn: FunctionRef): FunctionSummary {
    return this.analysis(fn).summary;
  }

  /** Every fork hazard found in the scopes of a file, in source order. */
  hazards(file: string): ForkHazard[] {
    const facts = this.facts(file);
    if (!facts) return [];
    const hazards: ForkHazard[] = [...this.scriptAnalysis(file).hazards];
    for (let scope = 1; scope < facts.scopes.length; scope++) hazards.push(...this.analysis({ file, scope }).hazards);
    return hazards.sort((a, b) => a.call.range.start.line - b.call.range.start.line || a.call.range.start.character - b.call.range.start.character);
  }

  /** The module's top level run as a script (its `__main__` block included), for its own hazards. */
  private scriptAnalysis(file: string): ScopeAnalysis {
    let analysis = this.scriptAnalyses.get(file);
    if (!analysis) {
      this.summaryOf({ file, scope: 0 }); // settles the import-time summary (and any cycle through it) first
      analysis = this.track(file, () => {
        this.analysisCount++;
        return analyzeScope(this, { file, scope: 0 }, 'script');
      });
      this.scriptAnalyses.set(file, analysis);
    }
    return analysis;
  }

  qualifiedName(fn: FunctionRef): string | undefined {
    // Reads the scope's name, not the rest of the file (an edit elsewhere in it changes nothing
    // here), and of the name only whether it is configured (configuredNameKey).
    this.readDerived(fn.file, 'qualname', fn.scope);
    const facts = this.factsByFile.get(fn.file);
    if (!facts) return undefined;
    // Asked for every callee of every call: built once per scope (per facts and module index).
    const modules = this.modules;
    let cached = this.qualifiedNames.get(facts);
    if (!cached || cached.modules !== modules) this.qualifiedNames.set(facts, (cached = { modules, names: [] }));
    if (fn.scope in cached.names) return cached.names[fn.scope];
    const name = qualifiedNameOf(modules.moduleName(fn.file), facts.scopes[fn.scope]);
    cached.names[fn.scope] = name;
    return name;
  }

  /** Workspace methods (functions defined directly in a class) with this name. */
  methodsNamed(name: string): FunctionRef[] {
    const top = this.dependents[this.dependents.length - 1];
    if (top !== undefined) {
      let names = this.fallbackNames.get(top);
      if (!names) this.fallbackNames.set(top, (names = new Set()));
      names.add(name);
    }
    if (!this.methodIndex) {
      this.methodIndex = new Map();
      for (const file of this.files()) {
        for (const cls of this.factsByFile.get(file)!.classes) {
          for (const [method, scope] of Object.entries(cls.methods)) {
            const list = this.methodIndex.get(method) ?? [];
            list.push({ file, scope });
            this.methodIndex.set(method, list);
          }
        }
      }
    }
    return this.methodIndex.get(name) ?? [];
  }

  /** True when some code of the workspace calls `multiprocessing.set_start_method('spawn'|'forkserver')`. */
  selectsNonForkStartMethod(): boolean {
    this.startMethodFlag ??= this.computeStartMethodFlag();
    return this.startMethodFlag;
  }

  /** Records that the file being derived read `file`'s facts (any change to them concerns it). */
  touch(file: string): void {
    const reader = this.dependents[this.dependents.length - 1];
    if (reader === undefined || reader === file) return;
    let readers = this.factReaders.get(file);
    if (!readers) this.factReaders.set(file, (readers = new Set()));
    this.addReader(reader, file, readers);
  }

  /**
   * Records that the file being derived read one value derived for `file`, under the key
   * `KIND FIRST [SECOND]` (see `derivedValues`). The key is only built for a read across files:
   * most reads are of the reader's own file, and this runs for every call resolution.
   */
  readDerived(file: string, kind: 'summary' | 'member' | 'call' | 'layout' | 'methods' | 'method' | 'value' | 'qualname', first: number | string, second?: number): void {
    const reader = this.dependents[this.dependents.length - 1];
    if (reader === undefined || reader === file) return;
    const key = second === undefined ? `${kind} ${first}` : `${kind} ${first} ${second}`;
    let byKey = this.derivedReaders.get(file);
    if (!byKey) this.derivedReaders.set(file, (byKey = new Map()));
    let readers = byKey.get(key);
    if (!readers) byKey.set(key, (readers = new Set()));
    this.addReader(reader, file, readers);
  }

  private addReader(reader: string, file: string, readers: Set<string>): void {
    if (readers.has(reader)) return;
    readers.add(reader);
    const sets = this.readerSets.get(reader);
    if (sets) sets.push(readers);
    else this.readerSets.set(reader, [readers]);
    let consulted = this.dependencies.get(reader);
    if (!consulted) this.dependencies.set(reader, (consulted = new Set()));
    consulted.add(file);
  }

  /** Runs `compute` with `file` as the file whose derived data is being computed. */
  track<T>(file: string, compute: () => T): T {
    this.dependents.push(file);
    try {
      return compute();
    } finally {
      this.dependents.pop();
    }
  }

  /**
   * Runs `compute` with no file recorded as a reader of what it consults. For a caller that keeps
   * itself current another way: a rule whose findings `readsWholeProgram` is checked again after
   * every change. Recorded, such a read of every file would drop the reader's derived data, and
   * re-analyse it whole, after an edit of any of them.
   */
  untracked<T>(compute: () => T): T {
    const readers = this.dependents.splice(0);
    try {
      return compute();
    } finally {
      this.dependents.push(...readers);
    }
  }

  /** Records a provisional result; true when its summary differs from the previous one. */
  private setProvisional(key: string, result: ScopeAnalysis, low: number): boolean {
    const previous = this.provisional.get(key);
    const changed = !previous || summarySignature(previous.summary) !== summarySignature(result.summary);
    if (changed) this.provisionalChanges++;
    this.provisional.set(key, result);
    this.provisionalRound.set(key, this.round);
    this.provisionalLow.set(key, low);
    return changed;
  }

  private forgetProvisional(key: string): void {
    this.provisional.delete(key);
    this.provisionalRound.delete(key);
    this.provisionalLow.delete(key);
  }

  private runAnalysis(fn: FunctionRef): ScopeAnalysis {
    this.analysisCount++;
    return analyzeScope(this, fn);
  }

  // ---- invalidation ----

  private afterChange(file: string, previous: PyFacts | undefined, next: PyFacts | undefined): void {
    this.changedAt.set(file, ++this.epoch);
    const oldIndex = this.moduleIndex;
    const fileSetChanged = previous === undefined || next === undefined;
    if (fileSetChanged) {
      this.moduleIndex = undefined;
      this.sortedFiles = undefined;
      // Memos of name resolution may change anywhere with the module index; they are cheap to redo.
      this.resolver.forgetMembers();
      this.callGraph.forgetLayouts();
    }
    // Most edits change no method's name or scope: then the method index and fallbacks by name stand.
    const methodsChanged = !previous || !next || !sameMethods(previous, next);
    if (methodsChanged) this.updateMethodIndex(file, previous, next);
    const flagBefore = this.startMethodFlag;
    this.startMethodFlag = undefined;
    if (this.startMethodFiles) {
      if (next && startMethodCalls(next).length > 0) this.startMethodFiles.add(file);
      else this.startMethodFiles.delete(file);
    }
    // Nothing derived yet (a scan filling the program): nothing can be stale, and looking for
    // dependents of each new file would cost quadratic time.
    if (!this.hasDerivedData()) return;

    if (fileSetChanged && oldIndex && !sameModuleNames(oldIndex, this.modules, file)) {
      this.invalidateAll();
      return;
    }
    const stale = new Set<string>([file]);
    if (fileSetChanged) {
      const added = this.modules.moduleName(file) ?? oldIndex?.moduleName(file);
      if (added !== undefined) for (const other of this.files()) if (this.mayImport(other, added)) stale.add(other);
    }
    if (methodsChanged) {
      const changedMethods = this.fallbackRelevant(symmetricDifference(methodNames(previous), methodNames(next)), previous, next);
      if (changedMethods.size > 0) for (const [other, names] of this.fallbackNames) if ([...names].some((n) => changedMethods.has(n))) stale.add(other);
    }
    if (fileSetChanged) this.invalidate(this.withDependents(stale));
    else this.invalidateWithCutoff(file, previous, stale, this.partialChange(file, previous!, next!, methodsChanged));

    if (flagBefore !== undefined && flagBefore !== this.selectsNonForkStartMethod()) this.invalidateAll();
  }

  /** What an edit of a file's facts left of its derived data: some scopes, or undefined for nothing. */
  private partialChange(file: string, previous: PyFacts, next: PyFacts, methodsChanged: boolean): PartialChange | undefined {
    const text = this.textSource?.(file);
    const scopes = scopesToReanalyse(previous, next, text);
    if (scopes) return { scopes, methodsChanged };
    const moduleNames = methodsChanged ? undefined : moduleLevelNames(previous, next, text);
    if (!moduleNames) return undefined;
    // What other files read of the functions that see the module's import-time pools is compared
    // too: they are re-analysed when those pools change (invalidateModuleLevel).
    const compared = new Set([0]);
    this.analyses.get(file)?.forEach((analysis, scope) => {
      if (analysis?.seesImportTimePools) compared.add(scope);
    });
    return { scopes: compared, methodsChanged, moduleNames };
  }

  /**
   * Of the method names a file gained or lost, those whose resolution by name can differ: one
   * with more than MAX_FALLBACK_CANDIDATES methods in the workspace both before and after resolves
   * to nothing either way (a syntax error mid-edit that hides `setUp` or `run` for a keystroke
   * would otherwise re-analyse every caller of `x.run()` twice). Call after updateMethodIndex.
   */
  private fallbackRelevant(names: Set<string>, previous: PyFacts | undefined, next: PyFacts | undefined): Set<string> {
    if (!this.methodIndex) return names;
    const relevant = new Set<string>();
    for (const name of names) {
      const after = this.methodIndex.get(name)?.length ?? 0;
      const before = after - methodCount(next, name) + methodCount(previous, name);
      if (Math.min(before, after) <= MAX_FALLBACK_CANDIDATES) relevant.add(name);
    }
    return relevant;
  }

  /** A file that imports `moduleName` or something inside it (so a new module can change its meaning). */
  private mayImport(file: string, moduleName: string): boolean {
    const facts = this.factsByFile.get(file);
    if (!facts) return false;
    for (const scope of facts.scopes) {
      for (const event of scope.events) {
        if (event.k !== 'import') continue;
        const absolute = this.modules.absoluteModule(file, event.module);
        if (absolute === undefined) continue;
        const names = [absolute, ...(event.names ?? []).map((n) => `${absolute}.${n}`)];
        if (names.some((n) => n === moduleName || n.startsWith(`${moduleName}.`) || moduleName.startsWith(`${n}.`))) return true;
      }
    }
    return false;
  }

  /** The files plus every file that (transitively) consulted one of them. */
  private withDependents(files: Set<string>): Set<string> {
    // One pass builds the reverse edges, so the walk is linear in the dependencies recorded.
    const dependentsOf = new Map<string, string[]>();
    for (const [dependent, consulted] of this.dependencies) {
      for (const file of consulted) {
        const list = dependentsOf.get(file);
        if (list) list.push(dependent);
        else dependentsOf.set(file, [dependent]);
      }
    }
    const result = new Set(files);
    const queue = [...files];
    while (queue.length > 0) {
      for (const dependent of dependentsOf.get(queue.pop()!) ?? []) {
        if (!result.has(dependent)) {
          result.add(dependent);
          queue.push(dependent);
        }
      }
    }
    return result;
  }

  /**
   * Early cutoff after `edited`'s facts changed: drops the `stale` files and the readers of the
   * edited facts, recomputes the derived values other files read of them (summaries, module
   * members, call resolutions, class layouts) and drops the readers of those whose values came out
   * different, wave after wave. Each wave compares with the values cached when it starts: those
   * are what the remaining readers hold (a file dropped in an earlier wave may have read values
   * recomputed there, and is a reader again if they change later).
   *
   * `editedScopes`: when the edit provably changed the analysis of these scopes of `edited` only
   * (scope-changes.ts), the first wave drops just those of its derived data (their summaries,
   * hazards and call resolutions) and compares just their values; the rest of the file's stays.
   */
  private invalidateWithCutoff(edited: string, editedBefore: PyFacts | undefined, stale: Set<string>, editedScopes?: PartialChange): void {
    let wave = new Set([...stale, ...(this.factReaders.get(edited) ?? [])]);
    let partial = editedScopes;
    for (let round = 0; wave.size > 0; round++) {
      if (round === MAX_CUTOFF_WAVES) {
        this.invalidate(this.withDependents(wave));
        return;
      }
      const valuesBefore = new Map<string, Map<string, string>>();
      for (const file of wave) valuesBefore.set(file, file === edited && round === 0 ? this.derivedValues(file, partial, editedBefore) : this.derivedValues(file));
      if (partial && wave.has(edited)) {
        wave.delete(edited);
        this.invalidate(wave);
        wave.add(edited);
        if (!partial.moduleNames) this.invalidateScopes(edited, partial.scopes);
        else if (!this.invalidateModuleLevel(edited, partial)) {
          // Everything of the file is dropped after all: compare everything other files read of it.
          const before = this.derivedValues(edited, undefined, editedBefore);
          for (const [key, value] of valuesBefore.get(edited)!) before.set(key, value);
          valuesBefore.set(edited, before);
          this.invalidate(new Set([edited]));
        }
      } else this.invalidate(wave);
      partial = undefined;
      const next = new Set<string>();
      for (const file of wave) {
        const before = valuesBefore.get(file)!;
        const after = this.recomputeDerivedValues(file, before);
        const readersByKey = this.derivedReaders.get(file);
        if (!readersByKey) continue;
        for (const [key, value] of after) {
          if (before.get(key) !== value) for (const reader of readersByKey.get(key) ?? []) next.add(reader);
        }
      }
      wave = next;
    }
  }

  /**
   * The values derived for `file` that other files read, each as a comparable string. Only those
   * are compared: a value no other file read cannot make another file stale. With `partial`, only
   * the values a partial invalidation of those scopes can change (isKeyOfScopes).
   * `factsBefore`: the facts the values were derived from, when the file's facts were replaced since.
   */
  private derivedValues(file: string, partial?: PartialChange, factsBefore = this.factsByFile.get(file)): Map<string, string> {
    const values = new Map<string, string>();
    const readersByKey = this.derivedReaders.get(file);
    if (!readersByKey) return values;
    const wanted = new Set<string>();
    for (const [key, readers] of readersByKey) {
      if (readers.size === 0) {
        readersByKey.delete(key); // its readers were all dropped
        if (key.startsWith('value ')) this.derivedComputations.get(file)?.delete(key.slice('value '.length));
      } else if (!partial || isKeyOfScopes(key, partial)) wanted.add(key);
    }
    if (wanted.size === 0) return values;
    (this.analyses.get(file) ?? []).forEach((analysis, scope) => {
      const key = `summary ${scope}`;
      if (analysis && wanted.has(key)) values.set(key, JSON.stringify(analysis.summary));
    });
    for (const [name, symbol] of this.resolver.cachedMembers(file)) {
      const key = `member ${name}`;
      if (wanted.has(key)) values.set(key, JSON.stringify(symbol ?? null));
    }
    for (const [scope, event, resolved] of this.callGraph.cachedCalls(file)) {
      const key = `call ${scope} ${event}`;
      if (wanted.has(key)) values.set(key, JSON.stringify(resolved ?? null));
    }
    for (const [cls, layout] of this.callGraph.cachedLayouts(file)) {
      const key = `layout ${cls}`;
      if (wanted.has(key)) values.set(key, layoutKey(layout));
    }
    for (const [valueKey, value] of this.derivedCache.get(file) ?? []) {
      const key = `value ${valueKey}`;
      if (wanted.has(key)) values.set(key, JSON.stringify(value ?? null));
    }
    for (const key of wanted) {
      if (key.startsWith('methods ')) values.set(key, methodScopesKey(factsBefore, key.slice('methods '.length)));
      else if (key.startsWith('method ')) values.set(key, ownMethodKey(factsBefore, key.slice('method '.length)));
      else if (key.startsWith('qualname ')) values.set(key, this.configuredNameKey(file, factsBefore, Number(key.slice('qualname '.length))));
    }
    // A value read but no longer kept (memos forgotten when the file set changed) counts as changed.
    for (const key of wanted) if (!values.has(key)) values.set(key, UNKNOWN_VALUE);
    return values;
  }

  /** The same values derived again (after `invalidate`), for the same keys. */
  private recomputeDerivedValues(file: string, before: Map<string, string>): Map<string, string> {
    const values = new Map<string, string>();
    const facts = this.factsByFile.get(file);
    for (const key of before.keys()) {
      const [kind, a, b] = key.split(' ');
      let value: unknown;
      if (kind === 'summary') value = facts && Number(a) < facts.scopes.length ? this.summaryOf({ file, scope: Number(a) }) : 'no scope';
      else if (kind === 'member') value = this.resolver.moduleMember(file, key.slice('member '.length)) ?? null;
      else if (kind === 'call') value = this.callGraph.resolveCall(file, Number(a), Number(b)) ?? null;
      else if (kind === 'value') {
        const valueKey = key.slice('value '.length);
        const compute = this.derivedComputations.get(file)?.get(valueKey);
        value = compute ? (this.derived(file, valueKey, compute) ?? null) : UNKNOWN_VALUE;
      } else if (kind === 'methods' || kind === 'method' || kind === 'qualname') {
        values.set(key, kind === 'methods' ? methodScopesKey(facts, a) : kind === 'method' ? ownMethodKey(facts, a) : this.configuredNameKey(file, facts, Number(a)));
        continue;
      } else {
        values.set(key, facts && Number(a) < facts.classes.length ? layoutKey(this.callGraph.mro(file, Number(a))) : 'no class');
        continue;
      }
      values.set(key, JSON.stringify(value));
    }
    return values;
  }

  /**
   * Drops what was derived from a file's module-level code after an edit of it alone (see
   * scope-changes' moduleLevelNames): the module scope's analyses and the members named
   * `partial.moduleNames`. Then, the module's summary computed again, also the functions that see
   * its import-time pools (`partial.scopes`) when those changed. False when the module registers
   * fork handlers at import time (before or after the edit), when one of those functions may be
   * read by another scope of the file, or when the module's summary had not been derived: the
   * caller drops the whole file.
   */
  private invalidateModuleLevel(file: string, partial: PartialChange): boolean {
    // Every function's summary holds the fork handlers the module registers at import time, and
    // the module's summary holds those of the functions it calls: with any registered, the summary
    // below would read its own former handlers back.
    const before = this.analyses.get(file)?.[0]?.summary;
    if (!before || before.protects.length > 0) return false;
    this.invalidateScopes(file, new Set([0]));
    this.resolver.forgetMembersNamed(file, partial.moduleNames!);
    const after = this.summaryOf({ file, scope: 0 });
    if (after.protects.length > 0) return false;
    if (JSON.stringify(before.creates) === JSON.stringify(after.creates)) return true;
    // Same-file callers of those functions are not known, only that they name them.
    const text = this.textSource?.(file);
    const scopes = this.factsByFile.get(file)!.scopes;
    for (const scope of partial.scopes) if (scope !== 0 && (text === undefined || readElsewhereInFile(text, scopes[scope]))) return false;
    this.invalidateScopes(file, partial.scopes);
    return true;
  }

  /**
   * What a reader of `qualname SCOPE` depends on. Summaries ask for a callee's qualified name only
   * to look it up among the configured fork points, pool factories and reset calls: the name
   * itself when it is one of those, else only that it is none (so a method that became a function
   * when an edit ended its class, `C.m` -> `m`, changes nothing for the files that call it).
   */
  private configuredNameKey(file: string, facts: PyFacts | undefined, scope: number): string {
    const found = facts?.scopes[scope];
    if (!found) return 'no scope';
    const qualified = qualifiedNameOf(this.modules.moduleName(file), found);
    if (qualified === undefined) return 'none';
    const { forkPointByName, poolFactoryByName, resetCalls } = this.catalog;
    return forkPointByName.has(qualified) || poolFactoryByName.has(qualified) || resetCalls.has(qualified) ? qualified : 'none';
  }

  /** Drops what was derived for some scopes of a file (see invalidateWithCutoff); the file's other derived data stays. */
  private invalidateScopes(file: string, scopes: ReadonlySet<number>): void {
    this.changedAt.set(file, this.epoch);
    this.callGraph.forgetScopes(file, scopes);
    // Any of them may pass through those scopes (compared again, isKeyOfScopes).
    this.derivedCache.delete(file);
    const byScope = this.analyses.get(file);
    if (byScope) for (const scope of scopes) byScope[scope] = undefined;
    this.scriptAnalyses.delete(file);
  }

  private invalidate(files: Set<string>): void {
    for (const file of files) {
      this.changedAt.set(file, this.epoch);
      this.resolver.forgetFile(file);
      this.callGraph.forgetFile(file);
      this.derivedCache.delete(file);
      if (!this.factsByFile.has(file)) this.derivedComputations.delete(file);
      for (const readers of this.readerSets.get(file) ?? []) readers.delete(file);
      this.readerSets.delete(file);
      this.dependencies.delete(file);
      this.fallbackNames.delete(file);
    }
    for (const file of files) this.analyses.delete(file);
    for (const file of files) this.scriptAnalyses.delete(file);
  }

  private hasDerivedData(): boolean {
    return this.analyses.size > 0 || this.scriptAnalyses.size > 0 || this.dependencies.size > 0 || this.callGraph.hasCachedData() || this.resolver.hasCachedData();
  }

  private invalidateAll(): void {
    this.allChangedAt = this.epoch;
    this.callGraph.forgetAll();
    this.derivedComputations.clear();
    this.invalidate(new Set([...this.factsByFile.keys(), ...this.dependencies.keys(), ...this.analyses.keys()]));
  }

  /**
   * Keeps the method index (when built) right after a file changed: the file's entries are
   * replaced where the file sorts, so each list stays in the order a full rebuild gives (files in
   * path order) without walking every class of the workspace on each edit. Lists are replaced, not
   * changed in place: resolutions may hold them.
   */
  private updateMethodIndex(file: string, previous: PyFacts | undefined, next: PyFacts | undefined): void {
    if (!this.methodIndex) return;
    const fresh = new Map<string, FunctionRef[]>();
    for (const cls of next?.classes ?? []) {
      for (const [method, scope] of Object.entries(cls.methods)) {
        const list = fresh.get(method) ?? [];
        list.push({ file, scope });
        fresh.set(method, list);
      }
    }
    for (const name of new Set([...methodNames(previous), ...fresh.keys()])) {
      const list = (this.methodIndex.get(name) ?? []).filter((ref) => ref.file !== file);
      const added = fresh.get(name) ?? [];
      if (added.length > 0) {
        const at = list.findIndex((ref) => ref.file > file);
        list.splice(at < 0 ? list.length : at, 0, ...added);
      }
      if (list.length > 0) this.methodIndex.set(name, list);
      else this.methodIndex.delete(name);
    }
  }

  private computeStartMethodFlag(): boolean {
    // Recomputed after every change of any file (a call's resolution may change with any file):
    // over the few files with such calls, not every file's facts.
    if (!this.startMethodFiles) {
      this.startMethodFiles = new Set();
      for (const [file, facts] of this.factsByFile) if (startMethodCalls(facts).length > 0) this.startMethodFiles.add(file);
    }
    for (const file of this.startMethodFiles) {
      for (const { scope, event, call } of startMethodCalls(this.factsByFile.get(file)!)) {
        if (selectsNonForkMethod(call, this.callGraph.resolveCall(file, scope, event)?.externals ?? [])) return true;
      }
    }
    return false;
  }
}

/** Per facts: the calls that may select a start method (`...set_start_method(...)`), found once. */
const startMethodCallsByFacts = new WeakMap<PyFacts, { scope: number; event: number; call: PyCallEvent }[]>();
/** Per scope object: the indices of those calls (an edited document's facts share the scopes the edit did not touch). */
const startMethodEventsByScope = new WeakMap<PyScope, number[]>();

/** Asked after every change of any file: each scope's events are scanned once, not at every edit. */
function startMethodCalls(facts: PyFacts): { scope: number; event: number; call: PyCallEvent }[] {
  let calls = startMethodCallsByFacts.get(facts);
  if (!calls) {
    calls = [];
    for (let scope = 0; scope < facts.scopes.length; scope++) {
      const { events } = facts.scopes[scope];
      let indices = startMethodEventsByScope.get(facts.scopes[scope]);
      if (!indices) {
        indices = [];
        for (let event = 0; event < events.length; event++) {
          const call = events[event];
          if (call.k === 'call' && call.callee.endsWith('set_start_method')) indices.push(event);
        }
        startMethodEventsByScope.set(facts.scopes[scope], indices);
      }
      for (const event of indices) calls.push({ scope, event, call: events[event] as PyCallEvent });
    }
    startMethodCallsByFacts.set(facts, calls);
  }
  return calls;
}

function selectsNonForkMethod(call: PyCallEvent, externals: string[]): boolean {
  const selector = START_METHOD_SELECTORS.find((s) => externals.some((q) => s.qualnames.includes(q)));
  if (!selector) return false;
  const method = argumentValue(call, selector.argument.name, selector.argument.position);
  return method?.kind === 'str' && typeof method.literal === 'string' && NON_FORK_START_METHODS.includes(method.literal);
}

/**
 * The derived keys a partial invalidation of `scopes` can change: their summaries, call resolutions
 * and qualified names (a method renamed), with `methodsChanged` where methods of a name are, and
 * with `moduleNames` what those module members denote.
 */
function isKeyOfScopes(key: string, { scopes, methodsChanged, moduleNames }: PartialChange): boolean {
  const [kind, scope] = key.split(' ');
  if (kind === 'methods' || kind === 'method') return methodsChanged;
  // A value derived from a function may be inferred through other functions of its file: compared always.
  if (kind === 'value') return true;
  if (kind === 'member') return moduleNames?.has(key.slice('member '.length)) ?? false;
  return (kind === 'summary' || kind === 'call' || kind === 'qualname') && scopes.has(Number(scope));
}

/** The scope of a class's own method of that name (`method CLASS.NAME`), or undefined. */
function ownMethodOf(facts: PyFacts | undefined, cls: number, name: string): number | undefined {
  const methods = facts?.classes[cls]?.methods;
  return methods !== undefined && Object.hasOwn(methods, name) ? methods[name] : undefined;
}

/** What a reader of `method CLASS.NAME` depends on: that class's own method of that name. */
function ownMethodKey(facts: PyFacts | undefined, classAndName: string): string {
  const dot = classAndName.indexOf('.');
  return String(ownMethodOf(facts, Number(classAndName.slice(0, dot)), classAndName.slice(dot + 1)) ?? 'none');
}

function functionKey(fn: FunctionRef): string {
  return `${fn.file}#${fn.scope}`;
}

function fileOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('#'));
}

function methodNames(facts: PyFacts | undefined): Set<string> {
  const names = new Set<string>();
  for (const cls of facts?.classes ?? []) for (const name of Object.keys(cls.methods)) names.add(name);
  return names;
}

/** The scopes of a file's methods of this name, class by class. */
function methodScopes(facts: PyFacts | undefined, name: string): number[] {
  const scopes: number[] = [];
  for (const cls of facts?.classes ?? []) if (Object.prototype.hasOwnProperty.call(cls.methods, name)) scopes.push(cls.methods[name]);
  return scopes;
}

function methodCount(facts: PyFacts | undefined, name: string): number {
  return methodScopes(facts, name).length;
}

/** Whether two facts of a file have the same classes' methods at the same scopes. */
function sameMethods(a: PyFacts, b: PyFacts): boolean {
  return a.classes.length === b.classes.length && a.classes.every((cls, i) => sameValue(cls.methods, b.classes[i].methods));
}

/** `module.Class.method`; the module's name for its module scope. */
function qualifiedNameOf(moduleName: string | undefined, scope: PyScope | undefined): string | undefined {
  if (moduleName === undefined || !scope) return undefined;
  return scope.kind === 'module' ? moduleName : `${moduleName}.${scope.qualname}`;
}

/** Where a file's methods of this name are (`methods NAME`: what a resolution by method name read of the file). */
function methodScopesKey(facts: PyFacts | undefined, name: string): string {
  return methodScopes(facts, name).join(',');
}

function layoutKey(layout: { classes: { file: string; cls: number }[]; externalBases: string[] }): string {
  return JSON.stringify([layout.classes, layout.externalBases]);
}

function symmetricDifference(a: Set<string>, b: Set<string>): Set<string> {
  const result = new Set<string>();
  for (const x of a) if (!b.has(x)) result.add(x);
  for (const x of b) if (!a.has(x)) result.add(x);
  return result;
}

/** True when no file other than `changed` got a different module name. */
function sameModuleNames(before: ModuleIndex, after: ModuleIndex, changed: string): boolean {
  const strip = (index: ModuleIndex): string =>
    index
      .signature()
      .split('\n')
      .filter((line) => !line.endsWith(`=${changed}`))
      .join('\n');
  return strip(before) === strip(after);
}
