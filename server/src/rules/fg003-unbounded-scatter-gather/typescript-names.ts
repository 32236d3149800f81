/**
 * What a name means in one TS/JS file, as far as FG003 needs it, computed from the file's facts:
 * the binding a name refers to from a function (nearest enclosing function first, parameters
 * shadowing), the library export a call reaches (the program resolves it, across workspace files),
 * whether a global like `Promise` is the real global, and which calls sit inside a range.
 */
import type { Position, Range } from '../../model';
import type { TsBinding, TsCall, TsFacts, TsFunction } from '../../typescript/facts';
import { stripNodePrefix, type TsProgram } from '../../typescript/program';
import { splitLines } from '../edits';

/** A library export a name resolves to: `pLimit` -> {module 'p-limit', imported 'default'}. */
export interface LibraryExport {
  module: string;
  imported: string;
}

export class FanOutFile {
  constructor(
    readonly file: string,
    readonly facts: TsFacts,
    /** The whole program: what a callee is, through imports and other workspace files. */
    readonly program: TsProgram,
  ) {}

  /** The function chain from `fn` outwards: [fn, its parent, ..., undefined (module level)]. */
  scopeChain(fn: number | undefined): (number | undefined)[] {
    const chain: (number | undefined)[] = [];
    let current = fn;
    while (current !== undefined) {
      chain.push(current);
      current = this.facts.functions[current]?.parent;
    }
    chain.push(undefined);
    return chain;
  }

  /** Whether function `inner` is `outer` or nested in it (`outer` undefined: the module, which holds all). */
  isWithin(inner: number | undefined, outer: number | undefined): boolean {
    return this.scopeChain(inner).includes(outer);
  }

  /**
   * The binding `name` refers to from function `fn`: the last binding of it before `at` in the
   * nearest scope that binds it (a parameter of a function on the way shadows outer bindings: then
   * undefined). `this.x` paths are looked up class-wide (any binding of `this.x` in the file).
   */
  bindingOf(path: readonly string[], fn: number | undefined, at: Position): TsBinding | undefined {
    if (path.length === 2 && path[0] === 'this') {
      return this.facts.bindings.find((b) => b.target.length === 2 && b.target[0] === 'this' && b.target[1] === path[1]);
    }
    if (path.length !== 1) return undefined;
    const name = path[0];
    for (const scope of this.scopeChain(fn)) {
      const candidates = this.facts.bindings.filter((b) => b.function === scope && b.target.length === 1 && b.target[0] === name);
      if (candidates.length > 0) {
        const before = candidates.filter((b) => comparePositions(b.statement.range.start, at) <= 0);
        return (before.length > 0 ? before : candidates)[before.length > 0 ? before.length - 1 : 0];
      }
      if (scope !== undefined && this.facts.functions[scope].params.includes(name)) return undefined;
    }
    return undefined;
  }

  /**
   * The library export a call calls, through imports, bindings and workspace re-exports (the
   * program resolves it): `pLimit(4)` -> {module 'p-limit', imported 'default'}, `new Sema(8)` ->
   * {'async-sema', 'Sema'}, `new mutex.Semaphore(2)` -> {'async-mutex', 'Semaphore'}.
   */
  libraryCalled(call: TsCall): LibraryExport | undefined {
    return this.externalTarget(this.file, call.id);
  }

  /**
   * For a call on a value some library call made (`limit(...)` after `const limit = pLimit(4)`,
   * `sema.acquire()` after `const sema = new Sema(8)`, also from another workspace file): that
   * library export, and the member called on it ([] when the value itself is called).
   */
  instanceCalled(call: TsCall): { made: LibraryExport; member: string[] } | undefined {
    const target = this.program.resolveCall(this.file, call.id);
    if (target?.kind !== 'instance') return undefined;
    const made = this.externalTarget(target.file, target.call);
    return made && { made, member: target.path };
  }

  private externalTarget(file: string, callId: number): LibraryExport | undefined {
    const target = this.program.resolveCall(file, callId);
    if (target?.kind !== 'external') return undefined;
    return { module: stripNodePrefix(target.module), imported: target.path.length === 0 ? 'default' : target.path.join('.') };
  }

  /** Whether a call's callee is exactly this global (`Promise.all` when nothing in scope binds `Promise`). */
  callsGlobal(call: TsCall, path: readonly string[]): boolean {
    if (call.calleeCall !== undefined || !samePath(call.callee, path)) return false;
    const target = this.program.resolveCall(this.file, call.id);
    return target?.kind === 'global' && samePath(target.path, path);
  }

  /** Calls whose whole range lies inside `range`. */
  callsWithin(range: Range): TsCall[] {
    return this.facts.calls.filter((c) => contains(range, c.range));
  }

  /** The function a value names, when it is an inline function. */
  inlineFunction(id: number): TsFunction | undefined {
    return this.facts.functions[id];
  }

  /**
   * Every name the file declares anywhere: imports, bindings, functions and parameters from the
   * facts, plus what the text declares that facts leave out (destructuring, classes, `catch`).
   * A fix never introduces one of these names.
   */
  declaredNames(text: string): ReadonlySet<string> {
    // Every finding's fixes of a file ask; the text is scanned once per file check.
    if (this.declared?.text === text) return this.declared.names;
    const names = new Set<string>();
    for (const i of this.facts.imports) if (i.local !== '') names.add(i.local);
    for (const b of this.facts.bindings) if (b.target.length === 1) names.add(b.target[0]);
    for (const f of this.facts.functions) {
      if (f.name !== undefined) names.add(f.name.split('.')[0]);
      for (const p of f.params) for (const word of p.match(IDENTIFIER) ?? []) names.add(word);
    }
    for (const match of text.matchAll(DECLARATION)) for (const word of match[1].match(IDENTIFIER) ?? []) names.add(word);
    this.declared = { text, names };
    return names;
  }

  private declared: { text: string; names: ReadonlySet<string> } | undefined;
  private split: { text: string; lines: string[] } | undefined;

  /** The text's lines (splitLines), split once per file check however many findings it has. */
  linesOf(text: string): string[] {
    if (this.split?.text !== text) this.split = { text, lines: splitLines(text) };
    return this.split.lines;
  }
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
/** `const x`, `let { a, b: c }`, `var [d]`, `function f`, `class C`, `catch (e)`: what follows holds the declared names. */
const DECLARATION = /\b(?:const|let|var|function\*?|class|catch)\s*(\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|[A-Za-z_$][\w$]*)/g;

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, index) => part === b[index]);
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function contains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}
