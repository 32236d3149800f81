/**
 * TsProgram: module resolution among workspace files, call resolution (external, workspace, local,
 * instance, global) across files, re-exports and CommonJS, value resolution, import graph and
 * package.json dependencies.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { TsProgram, type TsCallTarget } from '../../server/src/typescript/program';

const ROOT = path.resolve('/ws');
const abs = (relative: string): string => path.join(ROOT, relative);

function programOf(files: Record<string, string>): TsProgram {
  const program = new TsProgram();
  for (const [relative, text] of Object.entries(files)) program.setFile(abs(relative), extractTsFacts(text, relative));
  return program;
}

/** Each call of a file as `callee -> target`, with workspace paths relative to the root. */
function targets(program: TsProgram, relative: string): string[] {
  const file = abs(relative);
  return program.facts(file)!.calls.map((call) => `${call.isNew ? 'new ' : ''}${call.callee.join('.') || '()'} -> ${show(program, program.resolveCall(file, call.id))}`);
}

function show(program: TsProgram, target: TsCallTarget | undefined): string {
  if (!target) return 'unknown';
  switch (target.kind) {
    case 'external':
    case 'global':
      return `${target.kind} ${target.qualname}`;
    case 'local':
    case 'workspace': {
      const fn = program.facts(target.file)!.functions[target.function];
      return `${target.kind} ${path.relative(ROOT, target.file)}#${fn.name ?? fn.id}`;
    }
    case 'instance':
      return `instance ${path.relative(ROOT, target.file)}@${target.call}.${target.path.join('.')} (${show(program, program.resolveCall(target.file, target.call))})`;
  }
}

describe('TsProgram: module resolution', () => {
  const program = programOf({
    'src/db.ts': '',
    'src/lib/index.ts': '',
    'src/esm.mts': '',
    'src/cjs.cjs': '',
    'src/plain.js': '',
    'src/view.tsx': '',
  });

  it('resolves relative specifiers with and without extensions, JS names of TS sources and index files', () => {
    const from = abs('src/main.ts');
    assert.equal(program.resolveModule(from, './db'), abs('src/db.ts'));
    assert.equal(program.resolveModule(from, './db.js'), abs('src/db.ts'));
    assert.equal(program.resolveModule(from, './db.ts'), abs('src/db.ts'));
    assert.equal(program.resolveModule(from, './lib'), abs('src/lib/index.ts'));
    assert.equal(program.resolveModule(from, './esm.mjs'), abs('src/esm.mts'));
    assert.equal(program.resolveModule(from, './cjs.cjs'), abs('src/cjs.cjs'));
    assert.equal(program.resolveModule(from, './plain'), abs('src/plain.js'));
    assert.equal(program.resolveModule(from, './view.js'), abs('src/view.tsx'));
    assert.equal(program.resolveModule(abs('src/lib/index.ts'), '../db'), abs('src/db.ts'));
  });

  it('never resolves packages or files outside the workspace', () => {
    const from = abs('src/main.ts');
    assert.equal(program.resolveModule(from, 'pg'), undefined);
    assert.equal(program.resolveModule(from, 'node:cluster'), undefined);
    assert.equal(program.resolveModule(from, './missing'), undefined);
  });
});

describe('TsProgram: resolveCall', () => {
  it('resolves package APIs in every import form, stripping node: and keeping subpaths', () => {
    const program = programOf({
      'esm.ts': [
        "import cluster from 'node:cluster';",
        "import pg from 'pg';",
        "import * as mysql from 'mysql2/promise';",
        "import { Pool as P } from 'pg';",
        'cluster.fork();',
        'new pg.Pool();',
        'mysql.createPool({});',
        'new P();',
      ].join('\n'),
      'cjs.js': [
        "const { Pool } = require('pg');",
        "const Client = require('pg').Client;",
        "const cp = require('child_process');",
        'new Pool();',
        'new Client();',
        "cp.fork('./w.js');",
        "new (require('pg').Pool)();",
        "require('node:cluster').fork();",
        "require('./local').start();",
      ].join('\n'),
      'local.js': 'exports.start = function start() {};\n',
    });
    assert.deepEqual(targets(program, 'esm.ts'), [
      'cluster.fork -> external cluster.fork',
      'new pg.Pool -> external pg.Pool',
      'mysql.createPool -> external mysql2/promise.createPool',
      'new P -> external pg.Pool',
    ]);
    assert.deepEqual(targets(program, 'cjs.js'), [
      'require -> global require',
      'require -> global require',
      'require -> global require',
      'new Pool -> external pg.Pool',
      'new Client -> external pg.Client',
      'cp.fork -> external child_process.fork',
      'new Pool -> external pg.Pool',
      'require -> global require',
      'fork -> external cluster.fork',
      'require -> global require',
      'start -> workspace local.js#start',
      'require -> global require',
    ]);
  });

  it('follows imports, re-exports and module.exports to workspace functions and instances', () => {
    const program = programOf({
      'db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\nexport function makePool() { return new Pool(); }\n",
      'index.ts': "export * from './db';\nexport { makePool as create } from './db';\n",
      'legacy.js': "const { Pool } = require('pg');\nfunction connect() {}\nmodule.exports = { pool: new Pool(), connect };\n",
      'single.js': "const knex = require('knex');\nmodule.exports = knex({});\n",
      'main.ts': [
        "import { pool, makePool, create } from './index';",
        "import * as db from './db.js';",
        "const legacy = require('./legacy');",
        "import single from './single';",
        "pool.query('select 1');",
        'makePool();',
        'create();',
        'db.makePool();',
        'legacy.connect();',
        'legacy.pool.end();',
        "single('t').select();",
      ].join('\n'),
    });
    assert.deepEqual(targets(program, 'main.ts'), [
      'require -> global require',
      'pool.query -> instance db.ts@0.query (external pg.Pool)',
      'makePool -> workspace db.ts#makePool',
      'create -> workspace db.ts#makePool',
      'db.makePool -> workspace db.ts#makePool',
      'legacy.connect -> workspace legacy.js#connect',
      'legacy.pool.end -> instance legacy.js@1.end (external pg.Pool)',
      'select -> instance main.ts@8.select (instance single.js@1. (external knex))',
      "single -> instance single.js@1. (external knex)",
    ]);
  });

  it('resolves local functions, methods through this, bindings and globals', () => {
    const program = programOf({
      'a.ts': [
        "import { Pool } from 'pg';",
        'const P = Pool;',
        'class Service {',
        '  pool = new P();',
        '  start() { this.stop(); this.pool.query(); }',
        '  stop() {}',
        '}',
        'function helper() {}',
        'helper();',
        'await Promise.all([fetch(u)]);',
        'items[0]();',
      ].join('\n'),
    });
    assert.deepEqual(targets(program, 'a.ts'), [
      'new P -> external pg.Pool',
      'this.stop -> local a.ts#Service.stop',
      'this.pool.query -> instance a.ts@0.query (external pg.Pool)',
      'helper -> local a.ts#helper',
      'Promise.all -> global Promise.all',
      'fetch -> global fetch',
      '() -> unknown',
    ]);
  });

  it('prefers the innermost scope and ignores type-only imports', () => {
    const program = programOf({
      'a.ts': [
        "import type { Pool } from 'pg';",
        "import { fork } from 'node:child_process';",
        'function outer() {',
        '  const fork = () => 1;',
        '  fork();',
        '}',
        'fork();',
        'new Pool();',
      ].join('\n'),
    });
    assert.deepEqual(targets(program, 'a.ts'), ['fork -> local a.ts#fork', 'fork -> external child_process.fork', 'new Pool -> global Pool']);
  });
});

describe('TsProgram: values, graph, packages', () => {
  it('follows a path value to the object literal it names, across files', () => {
    const program = programOf({
      'config.ts': "export const settings = { db: { host: 'h', statement_timeout: 5 } };\n",
      'main.ts': "import { settings } from './config';\nconst local = { max: 1 };\nnew Pool(local);\nnew Pool(settings.db);\nnew Pool(unknown);\n",
    });
    const file = abs('main.ts');
    const calls = program.facts(file)!.calls;
    const first = program.resolveValue(file, calls[0].args[0]);
    assert.equal(first.file, file);
    assert.equal(first.value.kind, 'object');
    assert.deepEqual(first.binding?.target, ['local']);
    const second = program.resolveValue(file, calls[1].args[0]);
    assert.equal(second.file, abs('config.ts'));
    assert.ok(second.value.kind === 'object' && second.value.properties.map((p) => p.name).join() === 'host,statement_timeout');
    const third = program.resolveValue(file, calls[2].args[0]);
    assert.deepEqual(third.value.kind === 'path' && third.value.path, ['unknown']);
    assert.equal(program.resolveBinding(file, ['local'])?.kind, 'const');
  });

  it('keeps the import graph current as files change', () => {
    const program = programOf({
      'a.ts': "import './b';\nexport * from './c';\n",
      'b.ts': "import type { T } from './c';\n",
      'c.ts': '',
    });
    assert.deepEqual(program.importsOf(abs('a.ts')), [abs('b.ts'), abs('c.ts')]);
    assert.deepEqual(program.importersOf(abs('c.ts')), [abs('a.ts')]);
    program.setFile(abs('b.ts'), extractTsFacts("import { T } from './c';\n", 'b.ts'));
    assert.deepEqual(program.importersOf(abs('c.ts')), [abs('a.ts'), abs('b.ts')]);
    program.removeFile(abs('a.ts'));
    assert.deepEqual(program.importersOf(abs('c.ts')), [abs('b.ts')]);
    assert.deepEqual(program.importersOf(abs('b.ts')), []);
  });

  it('answers the nearest package.json dependencies', () => {
    const program = new TsProgram();
    program.setPackageJson(ROOT, new Set(['pg']));
    program.setPackageJson(abs('packages/api'), new Set(['p-limit']));
    assert.deepEqual([...program.packageDependencies(abs('packages/api/src/a.ts'))], ['p-limit']);
    assert.deepEqual([...program.packageDependencies(abs('tools/x.js'))], ['pg']);
    program.setPackageJson(ROOT, undefined);
    assert.deepEqual([...program.packageDependencies(abs('tools/x.js'))], []);
  });
});
