/**
 * extractTsFacts: exact facts for small inputs, ESM and CommonJS, and the guarantees of the
 * contract (typescript/facts.ts): ids in source order, guards, positions in UTF-16, never throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { TS_FACTS_VERSION } from '../../server/src/typescript/facts';
import { at, withoutRanges } from './helpers';

describe('extractTsFacts: imports', () => {
  it('reads every ESM import form, keeping node: prefixes and type-only imports', () => {
    const facts = extractTsFacts(
      [
        "import cluster from 'node:cluster';",
        "import * as pg from 'pg';",
        "import { Pool as P, type PoolConfig } from 'pg';",
        "import type { Knex } from 'knex';",
        "import './side-effect';",
        "import mysql, { createPool } from 'mysql2/promise';",
        "import fs = require('fs');",
      ].join('\n'),
      'a.ts',
    );
    assert.equal(facts.moduleSystem, 'esm');
    assert.deepEqual(
      facts.imports.map((entry) => [entry.local, entry.module, entry.imported, entry.kind, entry.typeOnly, at(entry.range)]),
      [
        ['cluster', 'node:cluster', 'default', 'import', false, '0:0-0:35'],
        ['pg', 'pg', '*', 'import', false, '1:0-1:25'],
        ['P', 'pg', 'Pool', 'import', false, '2:0-2:48'],
        ['PoolConfig', 'pg', 'PoolConfig', 'import', true, '2:0-2:48'],
        ['Knex', 'knex', 'Knex', 'import', true, '3:0-3:33'],
        ['', './side-effect', '*', 'import', false, '4:0-4:23'],
        ['mysql', 'mysql2/promise', 'default', 'import', false, '5:0-5:51'],
        ['createPool', 'mysql2/promise', 'createPool', 'import', false, '5:0-5:51'],
        ['fs', 'fs', '*', 'require', false, '6:0-6:26'],
      ],
    );
    assert.equal(facts.importInsertLine, 7);
  });

  it('reads every CommonJS require form and dynamic import()', () => {
    const facts = extractTsFacts(
      [
        "'use strict';",
        "const cluster = require('cluster');",
        "const { Pool, Client: C } = require('pg');",
        "const Redis = require('ioredis').Redis;",
        'async function main() {',
        "  const { default: knex } = await import('knex');",
        "  if (cluster.isWorker) require('./worker');",
        '}',
        "require('dotenv').config();",
      ].join('\n'),
      'a.js',
    );
    assert.equal(facts.moduleSystem, 'commonjs');
    assert.deepEqual(
      facts.imports.map((entry) => [entry.local, entry.module, entry.imported, entry.kind, entry.function ?? null, entry.guards.map((g) => g.text)]),
      [
        ['cluster', 'cluster', '*', 'require', null, []],
        ['Pool', 'pg', 'Pool', 'require', null, []],
        ['C', 'pg', 'Client', 'require', null, []],
        ['Redis', 'ioredis', 'Redis', 'require', null, []],
        ['knex', 'knex', 'default', 'dynamic-import', 0, []],
        ['', './worker', '*', 'require', 0, ['cluster.isWorker']],
        ['', 'dotenv', '*', 'require', null, []],
      ],
    );
    // After the prologue and the leading requires, before `async function main`.
    assert.equal(facts.importInsertLine, 4);
  });

  it('puts the import insertion line after a shebang when there are no imports', () => {
    assert.equal(extractTsFacts('#!/usr/bin/env node\nmain();\n', 'cli.js').importInsertLine, 1);
    assert.equal(extractTsFacts('main();\n', 'cli.js').importInsertLine, 0);
  });

  it('calls .mjs files ESM and .cjs files CommonJS whatever they contain', () => {
    assert.equal(extractTsFacts('x();', 'a.mjs').moduleSystem, 'esm');
    assert.equal(extractTsFacts('x();', 'a.cjs').moduleSystem, 'commonjs');
    assert.equal(extractTsFacts('export const a = 1;', 'a.ts').moduleSystem, 'esm');
  });
});

describe('extractTsFacts: exports', () => {
  it('reads ESM exports, re-exports and default exports', () => {
    const facts = extractTsFacts(
      [
        "export { a as b, c } from './m';",
        "export * from './all';",
        "export * as ns from './ns';",
        'export function start() {}',
        'export const pool = makePool(), x = 1;',
        'export class Service {}',
        'const local = 1;',
        'export { local as alias };',
        'export default start;',
      ].join('\n'),
      'a.ts',
    );
    assert.deepEqual(withoutRanges(facts.exports), [
      { name: 'b', from: { module: './m', imported: 'a' } },
      { name: 'c', from: { module: './m', imported: 'c' } },
      { name: '*', from: { module: './all', imported: '*' } },
      { name: 'ns', from: { module: './ns', imported: '*' } },
      { name: 'start', local: 'start', function: 0 },
      { name: 'pool', local: 'pool', value: { kind: 'call', call: 0 } },
      { name: 'x', local: 'x', value: { kind: 'number', value: 1 } },
      { name: 'Service', local: 'Service' },
      { name: 'alias', local: 'local' },
      { name: 'default', local: 'start', value: { kind: 'path', path: ['start'] } },
    ]);
  });

  it('reads module.exports and exports.x assignments', () => {
    const facts = extractTsFacts(
      [
        "const { Pool } = require('pg');",
        'const pool = new Pool();',
        'function query() {}',
        'module.exports = { pool, query, close: () => pool.end() };',
        'module.exports.extra = pool;',
        'exports.handler = async () => {};',
      ].join('\n'),
      'db.js',
    );
    assert.deepEqual(withoutRanges(facts.exports), [
      { name: 'pool', local: 'pool' },
      { name: 'query', local: 'query' },
      { name: 'close', value: { kind: 'function', function: 1 }, function: 1 },
      { name: 'extra', value: { kind: 'path', path: ['pool'] }, local: 'pool' },
      { name: 'handler', value: { kind: 'function', function: 2 }, function: 2 },
    ]);
  });

  it('exports module.exports = x as default and as the module object', () => {
    const facts = extractTsFacts("const pool = require('./pool');\nmodule.exports = pool;\n", 'a.js');
    assert.deepEqual(withoutRanges(facts.exports), [
      { name: 'default', value: { kind: 'path', path: ['pool'] }, local: 'pool' },
      { name: '*', value: { kind: 'path', path: ['pool'] }, local: 'pool' },
    ]);
  });
});

describe('extractTsFacts: calls', () => {
  it('gives callee paths, calleeCall, args, awaited, parentCall and assignedTo', () => {
    const text = [
      'async function main(items) {',
      "  const pool = new Pool({ host: 'db', max: 10, ...extra });",
      '  const rows = await knex(cfg).select();',
      '  await Promise.race([Promise.all(items.map(async (x) => fetch(x))), timer]);',
      '  this.pool = createPool(process.env.URL, -5, null, undefined, true);',
      '  limit(5)(job);',
      '}',
    ].join('\n');
    const facts = extractTsFacts(text, 'a.ts');
    assert.deepEqual(
      facts.calls.map((call) => [call.id, call.callee.join('.'), call.calleeCall ?? null, call.isNew, call.awaited, call.parentCall ?? null, call.assignedTo?.join('.') ?? null, call.function ?? null]),
      [
        [0, 'Pool', null, true, false, null, 'pool', 0],
        [1, 'select', 2, false, true, null, 'rows', 0],
        [2, 'knex', null, false, false, null, null, 0],
        [3, 'Promise.race', null, false, true, null, null, 0],
        [4, 'Promise.all', null, false, false, 3, null, 0],
        [5, 'items.map', null, false, false, 4, null, 0],
        [6, 'fetch', null, false, false, null, null, 1],
        [7, 'createPool', null, false, false, null, 'this.pool', 0],
        [8, '', 9, false, false, null, null, 0],
        [9, 'limit', null, false, false, null, null, 0],
      ],
    );
    assert.deepEqual(withoutRanges(facts.calls[0].args), [
      {
        kind: 'object',
        properties: [
          { name: 'host', value: { kind: 'string', value: 'db' } },
          { name: 'max', value: { kind: 'number', value: 10 } },
        ],
        hasSpread: true,
      },
    ]);
    assert.deepEqual(withoutRanges(facts.calls[7].args), [
      { kind: 'path', path: ['process', 'env', 'URL'] },
      { kind: 'number', value: -5 },
      { kind: 'null' },
      { kind: 'undefined' },
      { kind: 'boolean', value: true },
    ]);
    assert.deepEqual(withoutRanges(facts.calls[3].args[0]), {
      kind: 'array',
      elements: [{ kind: 'call', call: 4 }, { kind: 'path', path: ['timer'] }],
      hasSpread: false,
    });
    assert.deepEqual(withoutRanges(facts.functions), [
      { id: 0, name: 'main', isAsync: true, params: ['items'] },
      { id: 1, parent: 0, isAsync: true, argumentOf: { call: 5, index: 0 }, params: ['x'] },
    ]);
    // Positions: the name of `new Pool`, the argument parentheses, the statement and its indent.
    const pool = facts.calls[0];
    assert.equal(at(pool.range), '1:15-1:58');
    assert.equal(at(pool.nameRange), '1:19-1:23');
    assert.equal(at(pool.argsRange!), '1:23-1:58');
    assert.equal(at(pool.statement.range), '1:2-1:59');
    assert.equal(pool.statement.indent, '  ');
    assert.equal(at(facts.calls[1].nameRange), '2:31-2:37');
  });

  it('guards: if/else, !, early return, ternary and &&', () => {
    const text = [
      "import cluster from 'node:cluster';",
      'if (cluster.isPrimary) {',
      '  for (let i = 0; i < 4; i++) cluster.fork();',
      '} else if (!ready) {',
      '  a();',
      '}',
      'function worker() {',
      '  if (cluster.isWorker) {',
      '    b();',
      '    return;',
      '  }',
      '  c();',
      '  ok ? d() : e();',
      '  flag && f();',
      '}',
    ].join('\n');
    const facts = extractTsFacts(text, 'a.ts');
    const guards = (name: string) => {
      const call = facts.calls.find((candidate) => candidate.callee.join('.') === name)!;
      return [call.inLoop, ...call.guards.map((guard) => `${guard.negated ? '!' : ''}${guard.path?.join('.') ?? `(${guard.text})`}`)];
    };
    assert.deepEqual(guards('cluster.fork'), [true, 'cluster.isPrimary']);
    assert.deepEqual(guards('a'), [false, '!cluster.isPrimary', '!ready']);
    assert.deepEqual(guards('b'), [false, 'cluster.isWorker']);
    assert.deepEqual(guards('c'), [false, '!cluster.isWorker']);
    assert.deepEqual(guards('d'), [false, '!cluster.isWorker', 'ok']);
    assert.deepEqual(guards('e'), [false, '!cluster.isWorker', '!ok']);
    assert.deepEqual(guards('f'), [false, '!cluster.isWorker', 'flag']);
    assert.equal(facts.calls.find((call) => call.callee[0] === 'a')!.guards[1].text, '!ready');
  });

  it('canAwait: async functions and ESM top level, not CommonJS top level', () => {
    const esm = extractTsFacts('export {};\nstart();\nfunction f() { g(); }\nconst h = async () => i();\n', 'a.ts');
    assert.deepEqual(esm.calls.map((call) => [call.callee[0], call.canAwait]), [['start', true], ['g', false], ['i', true]]);
    const cjs = extractTsFacts('start();\n', 'a.js');
    assert.equal(cjs.calls[0].canAwait, false);
  });

  it('names functions by declaration, variable and Class.method; fields run in the constructor', () => {
    const text = [
      'class Db {',
      '  pool = new Pool();',
      '  static shared = new Pool();',
      '  connect() { return this.pool.connect(); }',
      '  handler = () => 1;',
      '}',
      'const f = function () {};',
      'function* gen() {}',
    ].join('\n');
    const facts = extractTsFacts(text, 'a.ts');
    assert.deepEqual(facts.functions.map((fn) => fn.name ?? null), ['Db.constructor', 'Db.connect', 'Db.handler', 'f', 'gen']);
    assert.deepEqual(
      facts.calls.map((call) => [call.callee.join('.'), call.function ?? null, call.assignedTo?.join('.') ?? null]),
      [
        ['Pool', 0, 'this.pool'],
        ['Pool', null, null],
        ['this.pool.connect', 1, null],
      ],
    );
  });
});

describe('extractTsFacts: bindings, suppressions, layout, bad input', () => {
  it('records bindings with kind, single, exported and value', () => {
    const facts = extractTsFacts("export const config = { host: 'x' };\nlet a = 1, b;\nfunction f() { a = new Pool(config); this.p = a; }\n", 'a.ts');
    assert.deepEqual(
      facts.bindings.map((binding) => [binding.target.join('.'), binding.kind, binding.single, binding.exported, binding.value.kind, binding.function ?? null]),
      [
        ['config', 'const', true, true, 'object', null],
        ['a', 'let', false, false, 'number', null],
        ['a', 'assign', true, false, 'call', 0],
        ['this.p', 'assign', true, false, 'path', 0],
      ],
    );
  });

  it('reads suppressions in line and block comments, not in strings', () => {
    const text = [
      'new Pool(); // forkguard: ignore[FG001, FG002]',
      'const s = "// forkguard: ignore";',
      '/* forkguard: ignore */ fork();',
      'const t = `forkguard: ignore[FG003]`;',
      '// forkguard: ignore',
    ].join('\n');
    const facts = extractTsFacts(text, 'a.ts');
    assert.deepEqual(
      facts.suppressions.map((comment) => [comment.line, comment.codes, at(comment.range)]),
      [
        [0, ['FG001', 'FG002'], '0:15-0:46'],
        [2, null, '2:3-2:20'],
        [4, null, '4:3-4:20'],
      ],
    );
  });

  it('counts characters in UTF-16 and keeps CRLF as the eol', () => {
    const facts = extractTsFacts("const s = '😀é';\r\nfork();\r\n", 'a.ts');
    assert.equal(facts.eol, '\r\n');
    assert.equal(facts.lineCount, 3);
    assert.equal(at(facts.calls[0].range), '1:0-1:6');
    assert.equal(at(facts.bindings[0].value.range), '0:10-0:15');
    assert.equal(extractTsFacts('a();\rb();\r', 'a.js').eol, '\r');
    assert.equal(extractTsFacts('a();', 'a.js').eol, '\n');
  });

  it('reports syntax errors and still extracts what parses', () => {
    const facts = extractTsFacts('const pool = new Pool(\nfunction f() { fork(); }\n', 'a.ts');
    assert.ok(facts.syntaxErrors.length > 0);
    assert.ok(facts.calls.some((call) => call.callee.join('.') === 'fork'));
    assert.equal(facts.version, TS_FACTS_VERSION);
  });

  it('never throws: NUL bytes, binary junk, a deeply nested expression', () => {
    const junk = extractTsFacts('\u0000\u0001\uffff\ud800 fork(', 'a.ts');
    assert.ok(junk.syntaxErrors.length > 0);
    const deep = `x = ${'('.repeat(20000)}1${')'.repeat(20000)};`;
    const logs: string[] = [];
    const facts = extractTsFacts(deep, 'deep.ts', { log: (message) => logs.push(message) });
    assert.equal(facts.version, TS_FACTS_VERSION);
    if (logs.length > 0) {
      assert.match(logs[0], /cannot extract facts from deep\.ts/);
      assert.equal(facts.syntaxErrors.length, 1);
    }
  });

  it('parses JSX in .tsx and .jsx files', () => {
    const facts = extractTsFacts('export const A = () => <div onClick={() => fetch(url)}>forkguard: ignore</div>;\n', 'a.tsx');
    assert.deepEqual(facts.syntaxErrors, []);
    assert.deepEqual(facts.calls.map((call) => call.callee.join('.')), ['fetch']);
    assert.deepEqual(facts.suppressions, []);
    assert.deepEqual(extractTsFacts('const A = <b>{f()}</b>;', 'a.jsx').syntaxErrors, []);
  });
});
