/**
 * Qualified-name resolution: what a dotted name means in the workspace. An absolute dotted name
 * (`pkg.get_executor`) is resolved to the workspace symbol it denotes by finding the longest
 * workspace-module prefix and following that module's top-level bindings, re-exports through
 * `__init__.py` (`from .pools import get_executor`) and `from x import *` included. Names outside
 * the workspace stay external qualified names (`concurrent.futures.ThreadPoolExecutor`).
 */
import type { PyFacts, PyImportEvent } from './facts';
import type { ModuleIndex } from './module-index';
import { classByScope } from './scope-index';

/** What a name denotes, statically. */
export type PySymbol =
  | { k: 'module'; file: string }
  | { k: 'function'; file: string; scope: number }
  | { k: 'class'; file: string; cls: number }
  /** A module-level variable of a workspace module. */
  | { k: 'global'; file: string; name: string }
  | { k: 'external'; qname: string };

/** One top-level (or scope-level) binding as written in a file. */
type Binding =
  | { k: 'import'; target: string }
  | { k: 'function'; scope: number }
  | { k: 'class'; cls: number }
  | { k: 'variable' };

interface ModuleBindings {
  names: Map<string, Binding>;
  /** Absolute module names of `from x import *` statements, in order. */
  starImports: string[];
}

/** Read access to the program that resolution needs; reading facts records a cross-file dependency. */
export interface ResolveHost {
  facts(file: string): PyFacts | undefined;
  readonly modules: ModuleIndex;
  touch(file: string): void;
  /** A class's own method of that name (its scope), read as that one value of the class's file (PyProgram.ownMethod). */
  ownMethod(file: string, cls: number, name: string): number | undefined;
  /** Records a read of one value derived for `file` (`member NAME`), for early cutoff. */
  readDerived(file: string, kind: 'member', name: string): void;
  /** A value computed from `file` as its derived data, read by another file as that value (PyProgram.derived). */
  derived<T>(file: string, key: string, compute: () => T): T;
  /** Runs `compute` with `file` as the file whose derived data is being computed (dependency tracking). */
  track<T>(file: string, compute: () => T): T;
}

const MAX_REEXPORT_DEPTH = 12;

export class NameResolver {
  private readonly bindingsCache = new Map<string, ModuleBindings>();
  /** What each top-level name of a module denotes (asked for at every use of a global or builtin). */
  private readonly membersCache = new Map<string, Map<string, PySymbol | undefined>>();

  constructor(private readonly host: ResolveHost) {}

  /** Forgets what was derived from this file's facts. */
  forgetFile(file: string): void {
    this.bindingsCache.delete(file);
    this.membersCache.delete(file);
  }

  /** Forgets a module's bindings and what these names of it denote (its top-level code changed them alone). */
  forgetMembersNamed(file: string, names: ReadonlySet<string>): void {
    this.bindingsCache.delete(file);
    const members = this.membersCache.get(file);
    if (members) for (const name of names) members.delete(name);
  }

  /** Forgets every module's members (the module index changed: a new submodule may answer a name). */
  forgetMembers(): void {
    this.membersCache.clear();
  }

  hasCachedData(): boolean {
    return this.membersCache.size > 0;
  }

  /** The top-level names of a module resolved so far, with what they denote (for early cutoff). */
  cachedMembers(file: string): Iterable<[string, PySymbol | undefined]> {
    return this.membersCache.get(file) ?? [];
  }

  /** Resolves an absolute dotted name. */
  resolveQualified(qname: string, depth = 0): PySymbol {
    if (depth > MAX_REEXPORT_DEPTH || qname === '') return { k: 'external', qname };
    const parts = qname.split('.');
    for (let i = parts.length; i >= 1; i--) {
      const file = this.host.modules.fileOf(parts.slice(0, i).join('.'));
      if (file === undefined) continue;
      // Which files are modules is the module index's (a change there drops every memo); members
      // are read below, each recorded.
      let symbol: PySymbol | undefined = { k: 'module', file };
      for (const member of parts.slice(i)) {
        symbol = this.memberOf(symbol, member, depth + 1);
        if (symbol === undefined) return { k: 'external', qname };
      }
      return symbol;
    }
    return { k: 'external', qname };
  }

  /** A member of a static symbol (`module.name`, `Class.method`), or undefined when unknown. */
  memberOf(symbol: PySymbol, name: string, depth = 0): PySymbol | undefined {
    switch (symbol.k) {
      case 'module':
        return this.moduleMember(symbol.file, name, depth);
      case 'class': {
        const scope = this.host.ownMethod(symbol.file, symbol.cls, name);
        return scope === undefined ? undefined : { k: 'function', file: symbol.file, scope };
      }
      case 'external':
        return { k: 'external', qname: `${symbol.qname}.${name}` };
      default:
        return undefined;
    }
  }

  /**
   * A top-level name of a workspace module, following imports and star imports. The answer is
   * kept as derived data of the module, so what it consulted is the module's dependency, and the
   * caller reads that one value of the module: from the top (depth 0) as `member NAME`, along a
   * chain of re-exports (`from .case import TestCase` in a package's `__init__.py`) per depth.
   */
  moduleMember(file: string, name: string, depth = 0): PySymbol | undefined {
    if (depth > 0) return this.host.derived(file, `member ${name} ${depth}`, () => this.computeMember(file, name, depth));
    this.host.readDerived(file, 'member', name);
    let members = this.membersCache.get(file);
    if (!members) this.membersCache.set(file, (members = new Map()));
    if (members.has(name)) return members.get(name);
    const symbol = this.host.track(file, () => this.computeMember(file, name, 0));
    members.set(name, symbol);
    return symbol;
  }

  private computeMember(file: string, name: string, depth: number): PySymbol | undefined {
    if (depth > MAX_REEXPORT_DEPTH) return undefined;
    this.host.touch(file);
    const bindings = this.moduleBindings(file);
    const binding = bindings?.names.get(name);
    if (binding !== undefined) return this.symbolOfBinding(file, binding, name, depth);
    const moduleName = this.host.modules.moduleName(file);
    if (moduleName !== undefined) {
      const submodule = this.host.modules.fileOf(`${moduleName}.${name}`);
      if (submodule !== undefined) return { k: 'module', file: submodule };
    }
    for (const star of bindings?.starImports ?? []) {
      const starFile = this.host.modules.fileOf(star);
      if (starFile === undefined || starFile === file) continue;
      const found = this.moduleMember(starFile, name, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The symbol an import binding's target denotes, seen from `file`. */
  importTarget(file: string, target: string, depth = 0): PySymbol {
    const absolute = this.host.modules.absoluteModule(file, target);
    if (absolute === undefined) return { k: 'external', qname: target };
    return this.resolveQualified(absolute, depth + 1);
  }

  /** Absolute module names an import event runs (parent packages first). */
  modulesRunBy(file: string, event: PyImportEvent): string[] {
    const absolute = this.host.modules.absoluteModule(file, event.module);
    if (absolute === undefined) return [];
    const parts = absolute.split('.');
    const names: string[] = [];
    for (let i = 1; i <= parts.length; i++) names.push(parts.slice(0, i).join('.'));
    // `from pkg import mod` runs pkg.mod too when it is a submodule.
    for (const imported of event.names ?? []) names.push(`${absolute}.${imported}`);
    return names;
  }

  private symbolOfBinding(file: string, binding: Binding, name: string, depth: number): PySymbol | undefined {
    switch (binding.k) {
      case 'import':
        return this.importTarget(file, binding.target, depth);
      case 'function':
        return { k: 'function', file, scope: binding.scope };
      case 'class':
        return { k: 'class', file, cls: binding.cls };
      case 'variable':
        return { k: 'global', file, name };
    }
  }

  private moduleBindings(file: string): ModuleBindings | undefined {
    // Read first even when the bindings are cached: they are the facts' content, so the read is a
    // dependency on the facts.
    const facts = this.host.facts(file);
    const cached = this.bindingsCache.get(file);
    if (cached) return cached;
    if (!facts || facts.scopes.length === 0) return undefined;
    const bindings = collectModuleBindings(facts, (text) => this.host.modules.absoluteModule(file, text));
    this.bindingsCache.set(file, bindings);
    return bindings;
  }
}

/** Top-level bindings of a module; a later binding of a name replaces an earlier one. */
function collectModuleBindings(facts: PyFacts, absolute: (moduleText: string) => string | undefined): ModuleBindings {
  const names = new Map<string, Binding>();
  const starImports: string[] = [];
  const moduleScope = facts.scopes[0];
  for (const event of moduleScope.events) {
    if (event.k === 'import') {
      if (event.star) {
        const star = absolute(event.module);
        if (star !== undefined) starImports.push(star);
      }
      for (const binding of event.bindings) names.set(binding.local, { k: 'import', target: binding.target });
    } else if (event.k === 'def') {
      const scope = facts.scopes[event.scope];
      if (!scope) continue;
      const simpleName = scope.qualname.split('.').pop() ?? scope.qualname;
      if (scope.kind === 'class') {
        const cls = classByScope(facts, event.scope);
        if (cls >= 0) names.set(simpleName, { k: 'class', cls });
      } else {
        names.set(simpleName, { k: 'function', scope: event.scope });
      }
    } else if (event.k === 'assign' || (event.k === 'call' && event.targets)) {
      for (const target of event.targets ?? []) if (isSimpleName(target) && !names.has(target)) names.set(target, { k: 'variable' });
    }
  }
  // Globals assigned inside functions (`global X; X = Pool()`) are module variables too.
  for (const scope of facts.scopes) {
    for (const name of scope.globals) if (!names.has(name)) names.set(name, { k: 'variable' });
  }
  return { names, starImports };
}

export function isSimpleName(dotted: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(dotted);
}
