/**
 * TsProgram: the TS/JS files of the workspace as one program. It holds each file's facts (no
 * trees, no TypeScript import: cheap to load), resolves relative module specifiers among the
 * workspace's files, and answers what a call's callee is (an external module's API by qualified
 * name, a workspace function, a value made by a call) and what a name or value refers to.
 *
 * Everything is computed from facts on demand; the import graph is rebuilt lazily after a change
 * (one pass over the imports, cheap next to extraction).
 */
import * as path from 'node:path';
import type { TsBinding, TsCall, TsExport, TsFacts, TsFunction, TsImport, TsValue } from './facts';

/** What a call's callee is. */
export type TsCallTarget =
  /** An external module's API: `new Pool()` with `import { Pool } from 'pg'` -> module 'pg', path ['Pool'], qualname 'pg.Pool'. */
  | { kind: 'external'; module: string; path: string[]; qualname: string }
  /** A function defined in another workspace file. */
  | { kind: 'workspace'; file: string; function: number }
  /** A function defined in the same file. */
  | { kind: 'local'; file: string; function: number }
  /**
   * A member of the value a call returned: `pool.query()` after `const pool = new Pool()` ->
   * {file of that statement, call: id of `new Pool()`, path ['query']}. Ask resolveCall(file, call)
   * what made the value.
   */
  | { kind: 'instance'; file: string; call: number; path: string[] }
  /** Nothing in the file or its imports defines the root name: a global (`fetch`, `Promise.all`, `setTimeout`). */
  | { kind: 'global'; path: string[]; qualname: string };

/** A value followed to where it is spelled out (through bindings and workspace imports). */
export interface TsResolvedValue {
  file: string;
  value: TsValue;
  /** The binding the value was last read from, when it came through one. */
  binding?: TsBinding;
}

/** Extensions tried, in order, for a relative specifier without one (`./db`) and for `index` files. */
const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** A specifier written with a JS extension may name the TS source it is compiled from (`./db.js` -> `db.ts`). */
const SOURCE_FOR_OUTPUT: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
/** Steps followed through bindings, re-exports and aliases before giving up (cycles, long chains). */
const MAX_DEPTH = 16;

/** `node:cluster` -> `cluster`; everything else as written. */
export function stripNodePrefix(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

/** Relative (`./db`, `../x`) or absolute specifiers name workspace files; anything else is a package. */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || specifier.startsWith('/');
}

/**
 * Lookup tables of one file's facts, built on first use and kept as long as the facts object
 * lives (a WeakMap keyed by it): resolution asks "which import/function/binding is `x` in scope
 * f" for every call, which a scan of the lists would make quadratic in big files.
 */
class FactsIndex {
  private readonly imports = new Map<string, TsImport>();
  private readonly functions = new Map<string, TsFunction>();
  private readonly bindings = new Map<string, TsBinding>();
  readonly functionsByName = new Map<string, TsFunction>();
  readonly exportsByName = new Map<string, TsExport>();

  constructor(facts: TsFacts) {
    for (const entry of facts.imports) if (!entry.typeOnly) setFirst(this.imports, scoped(entry.function, entry.local), entry);
    for (const fn of facts.functions) {
      if (fn.name !== undefined) setFirst(this.functionsByName, fn.name, fn);
      if (fn.name !== undefined && !fn.argumentOf) setFirst(this.functions, scoped(fn.parent, fn.name), fn);
    }
    for (const binding of facts.bindings) setFirst(this.bindings, scoped(binding.function, binding.target.join('.')), binding);
    for (const entry of facts.exports) if (!(entry.name === '*' && entry.from)) setFirst(this.exportsByName, entry.name, entry);
  }

  importIn(scope: number | undefined, local: string): TsImport | undefined {
    return this.imports.get(scoped(scope, local));
  }

  functionIn(scope: number | undefined, name: string): TsFunction | undefined {
    return this.functions.get(scoped(scope, name));
  }

  /** The first binding of `target` (`pool`, `this.pool`) made in function `scope`. */
  bindingIn(scope: number | undefined, target: string): TsBinding | undefined {
    return this.bindings.get(scoped(scope, target));
  }
}

function scoped(scope: number | undefined, name: string): string {
  return `${scope ?? ''}\0${name}`;
}

function setFirst<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

const indexes = new WeakMap<TsFacts, FactsIndex>();

function indexOf(facts: TsFacts): FactsIndex {
  let index = indexes.get(facts);
  if (!index) {
    index = new FactsIndex(facts);
    indexes.set(facts, index);
  }
  return index;
}

type Internal = { kind: 'function'; file: string; function: number } | Exclude<TsCallTarget, { kind: 'workspace' | 'local' }>;

export class TsProgram {
  private readonly factsByFile = new Map<string, TsFacts>();
  /** package.json folders -> dependency names. */
  private readonly packages = new Map<string, ReadonlySet<string>>();
  private graph: { imports: Map<string, string[]>; importers: Map<string, string[]> } | undefined;
  private sortedFiles: string[] | undefined;
  private readonly changes = new ChangeTracker();

  setFile(file: string, facts: TsFacts): void {
    const previous = this.factsByFile.get(file);
    if (previous === facts) return;
    this.factsByFile.set(file, facts);
    // A keystroke rarely touches an import: the graph (a resolution of every file's specifiers) is
    // kept when the file's specifiers are the same and no file appeared.
    if (!previous || !sameSpecifiers(graphSpecifiers(previous), graphSpecifiers(facts))) this.graph = undefined;
    if (!previous) this.sortedFiles = undefined;
    this.changes.changed(file);
  }

  removeFile(file: string): void {
    if (!this.factsByFile.delete(file)) return;
    this.graph = undefined;
    this.sortedFiles = undefined;
    this.changes.changed(file);
  }

  facts(file: string): TsFacts | undefined {
    return this.read(file);
  }

  /** How many files `files()` lists (read outside any file's tracking). */
  fileCount(): number {
    return this.factsByFile.size;
  }

  /** Absolute paths of the TS/JS files, sorted. */
  files(): string[] {
    this.changes.readsWholeProgram();
    this.sortedFiles ??= [...this.factsByFile.keys()].sort();
    return this.sortedFiles.slice();
  }

  /** The dependencies (all kinds) of the package.json in `dir`; undefined removes it. */
  setPackageJson(dir: string, dependencies: ReadonlySet<string> | undefined): void {
    const previous = this.packages.get(dir);
    if (previous === dependencies || (previous && dependencies && sameSet(previous, dependencies))) return;
    if (dependencies) this.packages.set(dir, dependencies);
    else this.packages.delete(dir);
    this.changes.changedEverything();
  }

  /** Every package.json folder with its dependency names, as one text (in a fingerprint of the program's inputs). */
  packagesText(): string {
    return JSON.stringify([...this.packages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([dir, names]) => [dir, [...names].sort()]));
  }

  // ------------------------------------------------------------ change tracking

  /** A mark to pass to `changedSince` later. */
  changeMark(): number {
    return this.changes.mark();
  }

  /**
   * Files whose facts changed after `mark` (added and removed files included), plus every file
   * whose tracked derived data (see `track`) read one of them: what a consumer of per-file
   * results must recompute. `all` when everything may have changed (a package.json).
   */
  changedSince(mark: number): Set<string> | 'all' {
    return this.changes.changedSince(mark);
  }

  /**
   * Runs `compute` as derived data of `file`: every other file whose facts it reads through this
   * program (resolution, values, `facts()`), and every path it probes when resolving a module
   * specifier, becomes a dependency, so a later change there puts `file` in `changedSince`.
   * Reading the file list (`files()`, the import graph) makes it depend on every change.
   */
  track<T>(file: string, compute: () => T): T {
    return this.changes.track(file, compute);
  }

  /** The file whose derived data is being computed (innermost `track`), if any. */
  trackedFile(): string | undefined {
    return this.changes.current();
  }

  /** Dependency names (dependencies, devDependencies, peer, optional) of the nearest package.json above the file; empty when none. */
  packageDependencies(file: string): ReadonlySet<string> {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const found = this.packages.get(dir);
      if (found) return found;
      if (path.dirname(dir) === dir) return new Set();
    }
  }

  /** The workspace file a specifier names from `fromFile`, or undefined (a package, or a file not in the workspace). */
  resolveModule(fromFile: string, specifier: string): string | undefined {
    if (!isRelativeSpecifier(specifier)) return undefined;
    const base = path.resolve(path.dirname(fromFile), specifier);
    const candidates: string[] = [base];
    const ext = path.extname(base);
    for (const sourceExt of SOURCE_FOR_OUTPUT[ext] ?? []) candidates.push(base.slice(0, -ext.length) + sourceExt);
    for (const tryExt of RESOLVE_EXTENSIONS) candidates.push(base + tryExt);
    for (const tryExt of RESOLVE_EXTENSIONS) candidates.push(path.join(base, `index${tryExt}`));
    return candidates.find((candidate) => this.exists(candidate));
  }

  /** Workspace files this file imports or re-exports from (sorted, without duplicates). */
  importsOf(file: string): string[] {
    return this.importGraph().imports.get(file) ?? [];
  }

  /** Workspace files that import or re-export from this file (sorted). */
  importersOf(file: string): string[] {
    return this.importGraph().importers.get(file) ?? [];
  }

  /** What the callee of call `callId` of `file` is; undefined when it cannot be known (`a[i]()`, an unresolved relative import). */
  resolveCall(file: string, callId: number): TsCallTarget | undefined {
    const facts = this.read(file);
    const call = facts?.calls[callId];
    if (!call) return undefined;
    let target: Internal | undefined;
    if (call.calleeCall !== undefined) {
      // `require('pg').Pool` / `(await import('pg')).Pool`: a member of the module itself.
      const module = importCallModule(facts, call.calleeCall);
      target =
        module !== undefined ? this.resolveImported(file, module, '*', call.callee, 0) : { kind: 'instance', file, call: call.calleeCall, path: call.callee };
    }
    else if (call.callee.length > 0) target = this.resolvePath(file, call.callee, call.function, 0);
    return target && this.fromPerspective(file, target);
  }

  /**
   * What a dotted name used in `file` (inside function `fromFunction`, undefined at top level)
   * refers to, as a call target would be: `['pg', 'Pool']` with `import pg from 'pg'` -> external pg.Pool.
   */
  resolveName(file: string, names: string[], fromFunction?: number): TsCallTarget | undefined {
    const target = names.length > 0 ? this.resolvePath(file, names, fromFunction, 0) : undefined;
    return target && this.fromPerspective(file, target);
  }

  /**
   * The binding a name (`['config']`, `['this', 'pool']`) refers to in `file` from function
   * `fromFunction`: the innermost enclosing scope's binding, the first one in source order
   * (the declaration). Bindings of imported names are not followed here (see resolveValue).
   */
  resolveBinding(file: string, names: string[], fromFunction?: number): TsBinding | undefined {
    const facts = this.read(file);
    if (!facts || names.length === 0) return undefined;
    if (names[0] === 'this' && names.length >= 2) return this.thisBinding(facts, names[1], fromFunction);
    for (const scope of scopeChain(facts, fromFunction)) {
      const binding = indexOf(facts).bindingIn(scope, names[0]);
      if (binding) return binding;
    }
    return undefined;
  }

  /**
   * A value followed to where it is spelled: a `path` value through the bindings it names (and
   * into object-literal properties: `config.db` -> the `db` property of `const config = {...}`),
   * through workspace imports and exports; `await x` to x. Stops at anything else (a call, an
   * object, a literal, an unknown name), which is returned.
   */
  resolveValue(file: string, value: TsValue, fromFunction?: number): TsResolvedValue {
    let current: TsResolvedValue = { file, value };
    let scope = fromFunction;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const step = this.followValueOnce(current, scope);
      if (!step) return current;
      current = step.resolved;
      scope = step.scope;
    }
    return current;
  }

  // ---------------------------------------------------------------- internals

  /** A file's facts, recorded as a dependency of the derived data being computed. */
  private read(file: string): TsFacts | undefined {
    this.changes.reads(file);
    return this.factsByFile.get(file);
  }

  /** Whether a path is a workspace file; recorded as a dependency (a file added there changes resolution). */
  private exists(file: string): boolean {
    this.changes.reads(file);
    return this.factsByFile.has(file);
  }

  private followValueOnce(current: TsResolvedValue, scope: number | undefined): { resolved: TsResolvedValue; scope: number | undefined } | undefined {
    const { file, value } = current;
    if (value.kind === 'await') return { resolved: { ...current, value: value.value }, scope };
    if (value.kind !== 'path') return undefined;
    const facts = this.read(file);
    if (!facts) return undefined;
    // Longest prefix bound in this file: `config.db` is the `db` property of binding `config`.
    const binding = this.resolveBinding(file, value.path, scope);
    if (binding) {
      const rest = value.path.slice(binding.target.length);
      const inner = descend(binding.value, rest);
      return inner ? { resolved: { file, value: inner, binding }, scope: binding.function } : undefined;
    }
    // An imported name: follow it to the exporting workspace file.
    const imported = this.importFor(facts, value.path[0], scope);
    if (!imported) return undefined;
    const target = this.resolveModule(file, imported.module);
    if (!target) return undefined;
    const rest = value.path.slice(1);
    const names = imported.imported === '*' || imported.imported === 'default' ? rest : [imported.imported, ...rest];
    const exported = this.exportedValue(target, imported.imported === 'default' ? ['default', ...rest] : names, 0);
    return exported ? { resolved: exported, scope: undefined } : undefined;
  }

  /** The value `names` (export name, then members) of a workspace file stands for. */
  private exportedValue(file: string, names: string[], depth: number): TsResolvedValue | undefined {
    if (depth > MAX_DEPTH || names.length === 0) return undefined;
    const facts = this.read(file);
    if (!facts) return undefined;
    const [name, ...rest] = names;
    const found = indexOf(facts).exportsByName.get(name);
    if (!found) {
      // A name not exported as such may be a member of `module.exports = x`.
      const moduleObject = facts.exports.find((candidate) => candidate.name === '*' && !candidate.from);
      if (moduleObject?.local) return this.resolveValueAt(file, [moduleObject.local, ...names]);
      return undefined;
    }
    if (found.from) {
      const target = this.resolveModule(file, found.from.module);
      if (!target) return undefined;
      return this.exportedValue(target, found.from.imported === '*' ? rest : [found.from.imported, ...rest], depth + 1);
    }
    if (found.local !== undefined) return this.resolveValueAt(file, [found.local, ...rest]);
    if (found.value) {
      const inner = descend(found.value, rest);
      return inner ? { file, value: inner } : undefined;
    }
    return undefined;
  }

  private resolveValueAt(file: string, names: string[]): TsResolvedValue {
    const start: TsValue = { kind: 'path', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, path: names };
    return this.resolveValue(file, start, undefined);
  }

  private thisBinding(facts: TsFacts, member: string, fromFunction: number | undefined): TsBinding | undefined {
    const owner = classOf(facts, fromFunction);
    if (owner === undefined) return undefined;
    return facts.bindings.find(
      (binding) =>
        binding.target.length === 2 &&
        binding.target[0] === 'this' &&
        binding.target[1] === member &&
        binding.function !== undefined &&
        facts.functions[binding.function]?.name?.startsWith(`${owner}.`),
    );
  }

  private importFor(facts: TsFacts, local: string, fromFunction: number | undefined) {
    for (const scope of scopeChain(facts, fromFunction)) {
      const found = indexOf(facts).importIn(scope, local);
      if (found) return found;
    }
    return undefined;
  }

  /** Resolution of `names` as used in `file` from function `scope`. */
  private resolvePath(file: string, names: string[], scope: number | undefined, depth: number): Internal | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const facts = this.read(file);
    if (!facts) return undefined;
    const [root, ...rest] = names;

    if (root === 'this') {
      if (rest.length === 0) return undefined;
      const owner = classOf(facts, scope);
      if (owner === undefined) return undefined;
      const method = indexOf(facts).functionsByName.get(`${owner}.${rest[0]}`);
      if (method && rest.length === 1) return { kind: 'function', file, function: method.id };
      const binding = this.thisBinding(facts, rest[0], scope);
      return binding ? this.resolveBound(file, binding, rest.slice(1), depth) : undefined;
    }

    const index = indexOf(facts);
    for (const level of scopeChain(facts, scope)) {
      const imported = index.importIn(level, root);
      if (imported) return this.resolveImported(file, imported.module, imported.imported, rest, depth);
      const fn = index.functionIn(level, root);
      if (fn) return rest.length === 0 ? { kind: 'function', file, function: fn.id } : undefined;
      const binding = index.bindingIn(level, root);
      if (binding) return this.resolveBound(file, binding, rest, depth);
    }
    return { kind: 'global', path: names, qualname: names.join('.') };
  }

  /** A name bound by `binding`, then `rest` members of it. */
  private resolveBound(file: string, binding: TsBinding, rest: string[], depth: number): Internal | undefined {
    let value = binding.value;
    if (value.kind === 'await') value = value.value;
    switch (value.kind) {
      case 'call':
        return { kind: 'instance', file, call: value.call, path: rest };
      case 'function':
        return rest.length === 0 ? { kind: 'function', file, function: value.function } : undefined;
      case 'path':
        return this.resolvePath(file, [...value.path, ...rest], binding.function, depth + 1);
      case 'object': {
        if (rest.length === 0) return undefined;
        const property = value.properties.find((candidate) => candidate.name === rest[0]);
        if (!property) return undefined;
        return this.resolveBound(file, { ...binding, value: property.value }, rest.slice(1), depth + 1);
      }
      default:
        return undefined;
    }
  }

  /** `imported` of `specifier` as seen from `file`, then `rest` members. */
  private resolveImported(file: string, specifier: string, imported: string, rest: string[], depth: number): Internal | undefined {
    if (!isRelativeSpecifier(specifier)) {
      const module = stripNodePrefix(specifier);
      // A default import of a package is its module object (CommonJS interop): `pg.Pool`.
      const members = imported === '*' || imported === 'default' ? rest : [imported, ...rest];
      return { kind: 'external', module, path: members, qualname: [module, ...members].join('.') };
    }
    const target = this.resolveModule(file, specifier);
    if (!target) return undefined;
    if (imported === '*') return rest.length > 0 ? this.resolveExport(target, rest[0], rest.slice(1), depth + 1, new Set()) : undefined;
    return this.resolveExport(target, imported, rest, depth + 1, new Set());
  }

  /** Export `name` of workspace file `file`, then `rest` members. */
  private resolveExport(file: string, name: string, rest: string[], depth: number, seen: Set<string>): Internal | undefined {
    if (depth > MAX_DEPTH || seen.has(`${file}\0${name}`)) return undefined;
    seen.add(`${file}\0${name}`);
    const facts = this.read(file);
    if (!facts) return undefined;
    const found = indexOf(facts).exportsByName.get(name);
    if (found) {
      if (found.from) {
        if (found.from.imported === '*') {
          const target = this.resolveModule(file, found.from.module);
          if (!isRelativeSpecifier(found.from.module)) return this.resolveImported(file, found.from.module, '*', rest, depth);
          return target && rest.length > 0 ? this.resolveExport(target, rest[0], rest.slice(1), depth + 1, seen) : undefined;
        }
        return this.resolveImported(file, found.from.module, found.from.imported, rest, depth);
      }
      if (found.function !== undefined && rest.length === 0) return { kind: 'function', file, function: found.function };
      if (found.local !== undefined) return this.resolvePath(file, [found.local, ...rest], undefined, depth + 1);
      if (found.value) return this.resolveBound(file, { ...PLACEHOLDER_BINDING, value: found.value }, rest, depth + 1);
      return undefined;
    }
    // `module.exports = x`: other names are members of x. A default import of a CommonJS module
    // whose module.exports is an object literal: the names are its properties.
    const moduleObject = facts.exports.find((candidate) => candidate.name === '*' && !candidate.from);
    if (moduleObject && moduleObject.local !== undefined) return this.resolvePath(file, [moduleObject.local, name, ...rest], undefined, depth + 1);
    if (name === 'default' && facts.moduleSystem === 'commonjs' && rest.length > 0) return this.resolveExport(file, rest[0], rest.slice(1), depth + 1, seen);
    // `export * from './m'`: the name may come from any of them.
    for (const star of facts.exports.filter((candidate) => candidate.name === '*' && candidate.from?.imported === '*')) {
      const target = this.resolveModule(file, star.from!.module);
      const resolved = target && this.resolveExport(target, name, rest, depth + 1, seen);
      if (resolved) return resolved;
    }
    return undefined;
  }

  private fromPerspective(file: string, target: Internal): TsCallTarget {
    if (target.kind !== 'function') return target;
    return { kind: target.file === file ? 'local' : 'workspace', file: target.file, function: target.function };
  }

  private importGraph(): { imports: Map<string, string[]>; importers: Map<string, string[]> } {
    this.changes.readsWholeProgram();
    if (this.graph) return this.graph;
    const imports = new Map<string, string[]>();
    const importers = new Map<string, string[]>();
    for (const [file, facts] of this.factsByFile) {
      const specifiers = graphSpecifiers(facts);
      const targets = new Set<string>();
      for (const specifier of specifiers) {
        const target = this.resolveModule(file, specifier);
        if (target && target !== file) targets.add(target);
      }
      const sorted = [...targets].sort();
      imports.set(file, sorted);
      for (const target of sorted) importers.set(target, [...(importers.get(target) ?? []), file]);
    }
    for (const list of importers.values()) list.sort();
    this.graph = { imports, importers };
    return this.graph;
  }
}

/**
 * Which files changed when, and which files' derived data read which files: the bookkeeping behind
 * TsProgram.track/changedSince. Dependencies only grow while a file lives (a stale one costs an
 * extra re-check, never a missed one); a file's own entries are dropped when it changes, since
 * whatever is derived from it is computed again and records them anew.
 */
class ChangeTracker {
  private epoch = 0;
  private allChangedAt = 0;
  /**
   * The changes in epoch order, so changedSince reads only those after its mark (it runs several
   * times an analysis). A file changed again appears again; compacting keeps each file's last change.
   */
  private log: { file: string; at: number }[] = [];
  /** The log's length that makes the next change compact it. */
  private compactAt = 1024;
  /** file read -> files whose derived data read it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Files whose derived data read the file list: they depend on every change. */
  private readonly wholeProgramReaders = new Set<string>();
  private readonly computing: string[] = [];

  mark(): number {
    return this.epoch;
  }

  changed(file: string): void {
    this.log.push({ file, at: ++this.epoch });
    if (this.log.length > this.compactAt) this.compactLog();
    this.wholeProgramReaders.delete(file);
  }

  private compactLog(): void {
    const seen = new Set<string>();
    const kept: { file: string; at: number }[] = [];
    for (let i = this.log.length - 1; i >= 0; i--) {
      if (seen.has(this.log[i].file)) continue;
      seen.add(this.log[i].file);
      kept.push(this.log[i]);
    }
    this.log = kept.reverse();
    this.compactAt = 2 * this.log.length + 1024;
  }

  changedEverything(): void {
    this.allChangedAt = ++this.epoch;
  }

  current(): string | undefined {
    return this.computing[this.computing.length - 1];
  }

  reads(file: string): void {
    const reader = this.current();
    if (reader === undefined || reader === file) return;
    let readers = this.dependents.get(file);
    if (!readers) this.dependents.set(file, (readers = new Set()));
    readers.add(reader);
  }

  readsWholeProgram(): void {
    const reader = this.current();
    if (reader !== undefined) this.wholeProgramReaders.add(reader);
  }

  track<T>(file: string, compute: () => T): T {
    this.computing.push(file);
    try {
      return compute();
    } finally {
      this.computing.pop();
    }
  }

  changedSince(mark: number): Set<string> | 'all' {
    if (this.allChangedAt > mark) return 'all';
    const changed = new Set<string>();
    for (let i = this.log.length - 1; i >= 0 && this.log[i].at > mark; i--) changed.add(this.log[i].file);
    if (changed.size === 0) return changed;
    const result = new Set(changed);
    for (const file of changed) for (const reader of this.dependents.get(file) ?? []) result.add(reader);
    for (const reader of this.wholeProgramReaders) result.add(reader);
    return result;
  }
}

/** Whether two sets hold the same items. */
export function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}

const PLACEHOLDER_BINDING: TsBinding = {
  target: [],
  kind: 'const',
  value: { kind: 'other', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
  guards: [],
  inLoop: false,
  statement: { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, indent: '' },
  single: true,
  exported: false,
};

/** The specifier of a `require('m')` / `import('m')` call (when `require` is not a name of the file), else undefined. */
function importCallModule(facts: TsFacts, callId: number): string | undefined {
  const call = facts.calls[callId];
  const [first] = call?.args ?? [];
  if (!call || call.calleeCall !== undefined || call.callee.length !== 1 || first?.kind !== 'string') return undefined;
  if (call.callee[0] === 'import') return first.value;
  if (call.callee[0] !== 'require' || call.args.length !== 1) return undefined;
  const shadowed = indexOf(facts).importIn(undefined, 'require') ?? indexOf(facts).bindingIn(undefined, 'require') ?? indexOf(facts).functionIn(undefined, 'require');
  return shadowed ? undefined : first.value;
}

/** The function ids from `fromFunction` out to the top level (undefined), innermost first. */
function scopeChain(facts: TsFacts, fromFunction: number | undefined): (number | undefined)[] {
  const chain: (number | undefined)[] = [];
  let current = fromFunction;
  const seen = new Set<number>();
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    chain.push(current);
    current = facts.functions[current]?.parent;
  }
  chain.push(undefined);
  return chain;
}

/** The class of the innermost enclosing method (`C.m` -> `C`), looking through arrow callbacks. */
function classOf(facts: TsFacts, fromFunction: number | undefined): string | undefined {
  for (const scope of scopeChain(facts, fromFunction)) {
    if (scope === undefined) return undefined;
    const fn: TsFunction | undefined = facts.functions[scope];
    const dot = fn?.name?.indexOf('.') ?? -1;
    if (fn?.name && dot > 0) return fn.name.slice(0, dot);
  }
  return undefined;
}

/** The part of a value that `members` names: `descend({ db: {...} }, ['db'])` -> the `{...}`. */
function descend(value: TsValue, members: string[]): TsValue | undefined {
  let current = value;
  for (const member of members) {
    if (current.kind === 'await') current = current.value;
    // A member of a name is a longer name, followed by the caller: `const c = cfg.db; c.pool` -> `cfg.db.pool`.
    if (current.kind === 'path') current = { ...current, path: [...current.path, member] };
    else if (current.kind !== 'object') return undefined;
    else {
      const property = current.properties.find((candidate) => candidate.name === member);
      if (!property) return undefined;
      current = property.value;
    }
  }
  return current;
}


/** Calls of `facts` in function `fn` (undefined: top level). */
export function callsIn(facts: TsFacts, fn: number | undefined): TsCall[] {
  return facts.calls.filter((call) => call.function === fn);
}


/** The specifiers the import graph is made of: imports (not for types only) and re-exports. */
export function graphSpecifiers(facts: TsFacts): string[] {
  return [...facts.imports.filter((entry) => !entry.typeOnly).map((entry) => entry.module), ...facts.exports.flatMap((entry) => (entry.from ? [entry.from.module] : []))];
}

function sameSpecifiers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((specifier, i) => specifier === b[i]);
}
