/**
 * Per-file facts of a Python module: the compact, serialisable summary of one file that every
 * later stage (module index, name resolution, call graph, summaries, rules) works from. Trees are
 * expensive (~30x the source in memory); facts are small, are cached on disk by content hash, and
 * are all the program model ever sees of a file that is not open.
 *
 * Bump PY_FACTS_VERSION whenever the shape or the meaning of a field changes: it is part of the
 * cache key, so old cache entries are simply not found.
 *
 * Positions follow the model: 0-based lines, UTF-16 characters.
 */
import type { Range, SuppressionComment } from '../model';

/**
 * 3: arguments named like an Object.prototype member (`constructor`, `toString`) are names, no longer `other`.
 * 4: a statement continued across a line break tree-sitter reads as a blank (`x =` then `f()`) binds as the tree says.
 * 5: a top-level statement indented past column 0 (Python's "unexpected indent", which tree-sitter accepts) is a syntax error.
 */
export const PY_FACTS_VERSION = 5;

export interface PyFacts {
  version: number;
  /** Line ending used by the file (the first one found), so fixes insert the same. */
  eol: '\n' | '\r\n' | '\r';
  lineCount: number;
  /** Ranges of ERROR / MISSING nodes and of top-level statements indented past column 0, at most 20; empty when the file parses cleanly. */
  syntaxErrors: Range[];
  /**
   * scopes[0] is the module scope (`<module>`). Function, method, lambda-free class bodies follow
   * in source order. A scope's events are in evaluation order.
   */
  scopes: PyScope[];
  classes: PyClass[];
  /** `# forkguard: ignore[...]` comments. */
  suppressions: PySuppression[];
  /**
   * Where a fix inserts a new top-level import: the 0-based line after the module docstring,
   * `from __future__` imports and the leading block of top-level imports.
   */
  importInsertLine: number;
}

export type PyScopeKind = 'module' | 'function' | 'class';

export interface PyScope {
  /** Dotted path inside the module: `<module>`, `f`, `C`, `C.m`, `f.inner`, `C.m.helper`. */
  qualname: string;
  kind: PyScopeKind;
  /** Index of the enclosing scope; -1 for the module scope. */
  parent: number;
  /** For a method (a function directly in a class body): the class qualname. */
  className?: string;
  isAsync: boolean;
  params: string[];
  /** Decorators as dotted text without `@` and arguments: `staticmethod`, `functools.lru_cache`. */
  decorators: string[];
  /** Names declared `global` (and `nonlocal`) in this scope. */
  globals: string[];
  /** Whole definition (module: whole file). */
  range: Range;
  /** The name identifier (module: empty range at 0:0). */
  nameRange: Range;
  /** Control blocks of this scope; events point at their innermost block. */
  blocks: PyBlock[];
  events: PyEvent[];
}

export type PyBlockKind =
  | 'if' // consequence of `if`/`elif` (test holds the condition of that arm)
  | 'else' // `else` of an if chain (test: the condition of the `if` it negates)
  | 'for'
  | 'while'
  | 'loop_else'
  | 'try'
  | 'except'
  | 'try_else'
  | 'finally'
  | 'with'
  | 'case'
  | 'comprehension';

export interface PyBlock {
  kind: PyBlockKind;
  /** Enclosing block index in the same scope; -1 when directly in the scope body. */
  parent: number;
  /** `if`/`elif`/`while`: the condition; `else`: the condition of the arm it negates; `for`/comprehension: the iterable; `case`: the pattern. Text, at most 200 chars. */
  test?: string;
  /** `for`/comprehension target (`p`, `k, v`); `with` items' `as` names joined by `,`. */
  target?: string;
  /** Blocks of one `if` chain share this id (the index of the chain's first block), so "one arm of" is known. */
  chain?: number;
  range: Range;
}

/** Where the statement holding an event sits: what fixes need to insert before or after it. */
export interface PyStatementSpan {
  startLine: number;
  endLine: number;
  /** Leading whitespace of the statement's first line, exactly as in the file. */
  indent: string;
}

interface PyEventBase {
  /** Innermost enclosing block, -1 when directly in the scope body. */
  block: number;
  range: Range;
  stmt: PyStatementSpan;
}

/**
 * A callee as dotted text: `os.fork`, `self._pool.submit`, `ThreadPoolExecutor`.
 * A callee whose receiver is itself a call refers to that call by event index: `#4.start` for
 * `threading.Thread(...).start()` when the inner call is events[4]. A subscript shows as `[]`:
 * `self._pools[].shutdown`. `super().m` is `#k.m` with events[k] the `super` call.
 * Empty string when the callee is not of these forms (a lambda, `(a or b)()`...).
 */
export type PyDotted = string;

export type PyValueKind =
  | 'str'
  | 'num'
  | 'bool'
  | 'none'
  | 'name' // identifier or dotted attribute chain: `x`, `self._pool`, `conf.workers`
  | 'call' // a call: see `call`
  | 'dict'
  | 'list' // list, tuple or set display
  | 'comprehension'
  | 'lambda'
  | 'fstring'
  | 'other';

export interface PyValue {
  kind: PyValueKind;
  /** Source text, cut at 200 chars. */
  text: string;
  range: Range;
  /** Literal value for str (decoded when simple; concatenations joined), num, bool. */
  literal?: string | number | boolean;
  /** For `name`: the dotted text (same rules as PyDotted). */
  dotted?: PyDotted;
  /** For `call`: index of the call event. */
  call?: number;
  /** For `dict` displays with literal string keys (and `dict(k=v)` calls): entries in order. */
  entries?: { key: string; value: PyValue; range: Range }[];
  /** For `dict`: a `**spread` entry is present, so other keys may be there. */
  hasSpread?: boolean;
  /** For `list`/tuple displays: the elements (at most 50). */
  elements?: PyValue[];
}

export interface PyKeywordArg {
  name: string;
  value: PyValue;
  range: Range;
}

export interface PyCallEvent extends PyEventBase {
  k: 'call';
  callee: PyDotted;
  /** Range of the callee expression (the part before the argument list). */
  calleeRange: Range;
  /** Range of the argument list, parentheses included. */
  argsRange: Range;
  args: PyValue[];
  kwargs: PyKeywordArg[];
  /** `*args` present. */
  hasStarArgs: boolean;
  /** `**kwargs` present: any keyword may be there. */
  hasStarKwargs: boolean;
  /**
   * Targets this call's result is bound to, as dotted text: `X = f()`, `self._t = f()`,
   * `a = b = f()`, `self._pools[k] = f()` (-> `self._pools[]`), `x = await f()`, `with f() as x`
   * (-> `x`), `for x in f()` is not a binding of the call result. Absent when not bound.
   */
  targets?: PyDotted[];
  /** The call is the iterable of a `for` or comprehension. */
  isIterable?: boolean;
  /** The call is awaited. */
  awaited?: boolean;
  /** The call is a `with` item (its result is entered as a context manager). */
  withItem?: boolean;
  /** The call is the value of a `return` statement. */
  returned?: boolean;
}

/** Assignment whose value is not a call (calls carry their targets themselves). */
export interface PyAssignEvent extends PyEventBase {
  k: 'assign';
  targets: PyDotted[];
  value: PyValue;
}

export interface PyImportEvent extends PyEventBase {
  k: 'import';
  /**
   * `import a.b.c` -> module `a.b.c`, names undefined, bindings [{local:'a', target:'a'}].
   * `import a.b as c` -> module `a.b`, bindings [{local:'c', target:'a.b'}].
   * `from .x import y as z` -> module `.x`, names ['y'], bindings [{local:'z', target:'.x.y'}].
   * `from x import *` -> module `x`, star true, no bindings.
   * Relative modules keep their leading dots; resolution happens in the module index.
   */
  module: string;
  names?: string[];
  star?: boolean;
  bindings: { local: string; target: string; range: Range }[];
}

export interface PyReturnEvent extends PyEventBase {
  k: 'return';
  value?: PyValue;
}

/** A nested `def`/`class` statement: defining runs nothing, except a class body (see scope). */
export interface PyDefEvent extends PyEventBase {
  k: 'def';
  scope: number;
}

export type PyEvent = PyCallEvent | PyAssignEvent | PyImportEvent | PyReturnEvent | PyDefEvent;

export interface PyClass {
  qualname: string;
  /** Base class expressions as dotted text (keyword arguments such as `metaclass=` excluded). */
  bases: PyDotted[];
  /** Index of the class-body scope. */
  scope: number;
  /** Method name -> scope index. */
  methods: Record<string, number>;
  range: Range;
  nameRange: Range;
}

export type PySuppression = SuppressionComment;
