/**
 * Per-file facts of a TypeScript/JavaScript module: the compact, serialisable summary of one file
 * that the program model (module resolution across the workspace, call resolution, summaries) and
 * the rules' TS checkers work from, in the same spirit as python/facts.ts. ts-morph trees are
 * dropped once facts are extracted; facts are cached on disk by content hash.
 *
 * The facts say what the code spells, not what it means: `new Pool()` is a call whose callee path
 * is `['Pool']`; only the program, with the file's imports, knows it is `pg.Pool`. The catalog
 * (server/src/catalog/node-*.ts) says which qualified names make pools, fork, or time out.
 *
 * Bump TS_FACTS_VERSION whenever the shape or the meaning of a field changes (it is part of the
 * cache key). Positions follow the model: 0-based lines, UTF-16 characters.
 */
import type { Range, SuppressionComment } from '../model';

export const TS_FACTS_VERSION = 2;

export interface TsFacts {
  version: number;
  /** `esm` when the file has `import`/`export` syntax or is `.mjs`/`.mts`; else `commonjs`. */
  moduleSystem: 'esm' | 'commonjs';
  /**
   * Line ending used by the file (the first one found; `\n` when there is none), so fixes insert
   * the same. `\r` for a file with classic-Mac line endings (JavaScript allows them).
   */
  eol: '\n' | '\r\n' | '\r';
  lineCount: number;
  /** Ranges of parse diagnostics, at most 20; empty when the file parses cleanly. */
  syntaxErrors: Range[];
  imports: TsImport[];
  exports: TsExport[];
  /** functions[i].id === i. Function declarations, expressions, arrows, methods, in source order. */
  functions: TsFunction[];
  /** calls[i].id === i. Every call and `new` expression, in source order (a call's arguments after it). */
  calls: TsCall[];
  /**
   * `const x = ...` / `let` / `var` with an initializer, and assignments `x = ...` whose target is a
   * plain name or `this.x` (`let x;` without a value is not a binding; destructuring is not either,
   * except destructured `require`, which is an import). An instance field with an initializer
   * (`pool = new Pool()` in a class body) is the binding `this.pool`, kind 'assign', in the constructor.
   */
  bindings: TsBinding[];
  /**
   * Assignments to a member of something else than `this` (`axios.defaults.timeout = 5000`,
   * `pool.options.max = 4`), which are not bindings: FG002 reads library-wide defaults from them.
   * `module.exports...` / `exports.x` assignments are exports, not listed here.
   */
  memberAssignments: TsMemberAssignment[];
  /** `// forkguard: ignore[FG001]` comments (line or block comments). */
  suppressions: SuppressionComment[];
  /** Where a fix inserts a new import/require: the 0-based line after the leading block of imports. */
  importInsertLine: number;
}

/**
 * One imported binding. `import pg from 'pg'` -> {local 'pg', imported 'default'};
 * `import * as pg` and `const pg = require('pg')` -> imported '*'; `import { Pool as P }` and
 * `const { Pool: P } = require('pg')` -> {local 'P', imported 'Pool'};
 * `const Pool = require('pg').Pool` -> {local 'Pool', imported 'Pool'}.
 * `module` is the specifier as written (`node:cluster`, `./db`, `../db.js`).
 * An import that binds no name (`import './worker'`, a bare `require('./worker')`, `import('m')`
 * not stored in a declaration, `require('m').f()`) has local '' and imported '*': it still makes an
 * edge of the import graph and runs the module.
 */
export interface TsImport {
  local: string;
  module: string;
  imported: string;
  kind: 'import' | 'require' | 'dynamic-import';
  /** The whole import declaration / require statement. */
  range: Range;
  /** Enclosing function, when the import is not at module top level (`require` inside a branch). */
  function?: number;
  /** Conditions the import runs under (a `require('./worker')` under `if (cluster.isWorker)`). */
  guards: TsGuard[];
  /** `import type` / `import { type X }`: erased at run time. */
  typeOnly: boolean;
}

/**
 * One exported name. `export function f`, `export const p = ...`, `export { a as b }`,
 * `export default x`, `module.exports = { a, b }`, `module.exports.a = ...`, `exports.a = ...`;
 * re-exports `export { a } from './m'`, `export * from './m'` (name '*').
 * `module.exports = x` exports x as 'default' (and, for interop, as the module object '*').
 */
export interface TsExport {
  name: string;
  /** Local binding or function name in this file, when the export names one. */
  local?: string;
  /** Function id, when the export is a function defined inline (`module.exports.f = () => {}`). */
  function?: number;
  /** Re-export from another module. */
  from?: { module: string; imported: string };
  /**
   * The exported expression, for `export default <expr>`, `module.exports = <expr>`,
   * `exports.a = <expr>` and `export const a = <expr>` (`module.exports = new Pool()` ->
   * a 'call' value: the importer gets that pool).
   */
  value?: TsValue;
  range: Range;
}

export interface TsFunction {
  id: number;
  /**
   * Name it is known by in this file: a declaration's name, the variable of `const f = () => ...`
   * (or of `f = function () {}`), `Class.method` for methods (`Class.constructor`; class fields
   * holding arrows give `Class.field`), undefined for anonymous callbacks and object-literal methods.
   * Instance field initializers run in the constructor: their calls belong to it, and a class
   * with such fields and no constructor gets an implicit `Class.constructor` spanning the class.
   */
  name?: string;
  /** Enclosing function id; undefined at module top level. */
  parent?: number;
  isAsync: boolean;
  /** The call this function is an argument of (a callback): `items.map(async (x) => ...)`. */
  argumentOf?: { call: number; index: number };
  params: string[];
  range: Range;
  /** Range of the body (the block, or the expression of a concise arrow). */
  bodyRange: Range;
}

/** A condition a statement runs under: `if (cluster.isPrimary)` -> {path ['cluster','isPrimary'], negated false}. */
export interface TsGuard {
  /** Dotted path of the condition when it is one (`cluster.isPrimary`, `isMain`), else undefined. */
  path?: string[];
  /** True in the `else` branch, under `!`, or after an early-return `if (x) return;`. */
  negated: boolean;
  /** The condition's source text, trimmed to 200 characters (for messages). */
  text: string;
}

/** An argument or property value, as far as the facts need to know it. */
export type TsValue =
  | { kind: 'object'; range: Range; properties: TsProperty[]; hasSpread: boolean }
  | { kind: 'array'; range: Range; elements: TsValue[]; hasSpread: boolean }
  | { kind: 'string'; range: Range; value: string }
  | { kind: 'number'; range: Range; value: number }
  | { kind: 'boolean'; range: Range; value: boolean }
  | { kind: 'null' | 'undefined'; range: Range }
  /** A name or dotted path: `config`, `process.env.DB_URL`, `this.pool`. */
  | { kind: 'path'; range: Range; path: string[] }
  /** A call or `new` expression, by call id. */
  | { kind: 'call'; range: Range; call: number }
  /** An inline function, by function id. */
  | { kind: 'function'; range: Range; function: number }
  /** `await x`: the awaited value. */
  | { kind: 'await'; range: Range; value: TsValue }
  | { kind: 'other'; range: Range };

export interface TsProperty {
  /** Property name; computed names are left out of `properties` (and set `hasSpread`). */
  name: string;
  range: Range;
  value: TsValue;
}

export interface TsCall {
  id: number;
  /**
   * The callee as a dotted path: `cluster.fork()` -> ['cluster','fork'], `new Pool()` -> ['Pool'],
   * `this.pool.end()` -> ['this','pool','end']. When the callee's root is a call, that call is
   * `calleeCall` and `callee` holds the member names after it: `knex(cfg).select()` -> calleeCall
   * knex(cfg), callee ['select']; `pLimit(5)(fn)` -> callee []. Other roots (`a[i]()`) give [].
   */
  callee: string[];
  calleeCall?: number;
  isNew: boolean;
  /** Whole call expression. */
  range: Range;
  /** The callee's last name (`fork` of `cluster.fork`), where findings on a call are placed. */
  nameRange: Range;
  args: TsValue[];
  /** Range of the argument list's parentheses, `(` to `)` inclusive; absent for `new X` without them. */
  argsRange?: Range;
  /** Enclosing function; undefined at module top level. */
  function?: number;
  /** Conditions the call runs under within its function, outermost first. */
  guards: TsGuard[];
  /** Inside a loop body (`for`, `while`, `do`, `for...of/in`) of its own function. */
  inLoop: boolean;
  /** The call's value is awaited (`await call()`). */
  awaited: boolean;
  /** The call whose argument list this call sits in (`Promise.race([Promise.all(...), t])`). */
  parentCall?: number;
  /** The statement holding the call, and its indentation: where fixes insert lines before it. */
  statement: { range: Range; indent: string };
  /** Fixes may insert `await` before this statement: an async function, or ESM top level. */
  canAwait: boolean;
  /** The name the result is stored in: `const pool = new Pool()` -> ['pool'], `this.pool = ...` -> ['this','pool']. */
  assignedTo?: string[];
}

/** `a.b.c = value`: target ['a', 'b', 'c']. */
export interface TsMemberAssignment {
  target: string[];
  value: TsValue;
  function?: number;
  range: Range;
}

export interface TsBinding {
  /** `pool` or `this.pool`. */
  target: string[];
  kind: 'const' | 'let' | 'var' | 'assign';
  value: TsValue;
  function?: number;
  guards: TsGuard[];
  inLoop: boolean;
  /** The whole declaration statement, and whether it declares this one name only. */
  statement: { range: Range; indent: string };
  single: boolean;
  exported: boolean;
}
