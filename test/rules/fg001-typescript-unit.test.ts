/**
 * FG001 for TS/JS, below the fixtures: the Node pool catalog, the pool inventory and qualified
 * names of typescript/pools.ts, the exact Node message, and fixes on inputs the fixtures do not
 * reach (CRLF line endings, a fork on the line of its `if`, a fork repeated in a callback).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NODE_FORK_POINTS, NODE_POOL_FACTORIES, nodeForkPoint, nodePoolFactory } from '../../server/src/catalog/node-pools';
import type { Finding } from '../../server/src/model';
import { defaultConfig } from '../../server/src/model/config';
import { checkPoolBeforeForkTs } from '../../server/src/rules/fg001-pool-before-fork/typescript';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { NodePoolAnalysis } from '../../server/src/typescript/pools';
import { TsProgram } from '../../server/src/typescript/program';

function programOf(files: Record<string, string>): { program: TsProgram; texts: (file: string) => string | undefined } {
  const program = new TsProgram();
  for (const [file, text] of Object.entries(files)) program.setFile(file, extractTsFacts(text, file));
  return { program, texts: (file) => files[file] };
}

function check(files: Record<string, string>): Finding[] {
  const { program, texts } = programOf(files);
  return checkPoolBeforeForkTs({ program, config: defaultConfig(), texts });
}

describe('Node pool catalog', () => {
  test('each qualified name belongs to one factory or fork point', () => {
    const seen = new Set<string>();
    for (const name of [...NODE_POOL_FACTORIES.flatMap((factory) => factory.qualnames), ...NODE_FORK_POINTS.flatMap((point) => point.qualnames)]) {
      assert.ok(!seen.has(name), `${name} is listed twice`);
      seen.add(name);
    }
    assert.equal(nodePoolFactory('pg.Pool')?.label, 'pg Pool');
    assert.equal(nodeForkPoint('child_process.fork')?.label, 'child_process.fork()');
    assert.equal(nodePoolFactory('pg.Client'), undefined, 'a pg Client holds no socket until connect()');
  });

  test('every fix statement calls one of the methods that count as a close', () => {
    for (const factory of NODE_POOL_FACTORIES) {
      assert.ok(factory.fixStatements.length > 0, factory.label);
      for (const statement of factory.fixStatements) {
        const method = /^\$\.(\w+)\(\)$/.exec(statement)?.[1];
        assert.ok(method && factory.closeMethods.includes(method), `${factory.label}: ${statement}`);
      }
    }
  });
});

describe('pool inventory and qualified names', () => {
  test('lists the pools of every file with the name they are held in', () => {
    const { program } = programOf({
      '/w/db.js': "const { Client } = require('pg');\nconst client = new Client();\nclient.connect();\nconst db = require('knex')({ client: 'pg' });\n",
      '/w/cache.mjs': "import { createClient } from 'redis';\nexport const cache = createClient();\n",
    });
    const analysis = new NodePoolAnalysis(program);
    const inventory = analysis.poolCreations().map((pool) => `${pool.file}:${pool.range.start.line + 1} ${pool.factory.label} ${pool.name ?? '-'} ${pool.key}`);
    assert.deepEqual(inventory, ['/w/cache.mjs:2 redis client cache /w/cache.mjs#0', '/w/db.js:3 pg Client client /w/db.js#1', '/w/db.js:4 knex instance db /w/db.js#3']);
    const facts = program.facts('/w/db.js')!;
    const connect = facts.calls.find((call) => call.callee.join('.') === 'client.connect')!;
    assert.equal(analysis.qualnameOf('/w/db.js', connect.id), 'pg.Client().connect');
  });
});

describe('Node message and fixes', () => {
  const ESM_SERVER = [
    "import cluster from 'node:cluster';",
    "import pg from 'pg';",
    '',
    'const pool = new pg.Pool();',
    '',
    'if (cluster.isPrimary) {',
    '  for (let i = 0; i < 2; i++) cluster.fork();',
    '  cluster.on(\'exit\', () => cluster.fork());',
    '} else {',
    "  await pool.query('SELECT 1');",
    '}',
    '',
  ];

  test('says the Node story, once per pool and forking function', () => {
    const findings = check({ '/w/server.mjs': ESM_SERVER.join('\n') });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].range.start.line, 6);
    assert.equal(
      findings[0].message,
      'pg Pool `pool` (created in server.mjs:4) is open in the primary when `cluster.fork()` starts a fresh worker process that re-runs the entry script; ' +
        'nothing is inherited, so the primary keeps database connections it never uses while every worker creates its own (workers + 1 pools). ' +
        'Close it before forking (`await pool.end()`) or create it only in the worker branch.',
    );
    assert.deepEqual(
      findings[0].related.map((related) => `${related.range.start.line + 1} ${related.message}`),
      ['4 pg Pool `pool` is created here, in the primary'],
    );
  });

  test('inserts the close before the loop with the file\'s CRLF line endings', () => {
    const [finding] = check({ '/w/server.mjs': ESM_SERVER.join('\r\n') });
    const preferred = finding.fixes.find((fix) => fix.preferred)!;
    assert.deepEqual(preferred.edits, [{ file: '/w/server.mjs', range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, newText: '  await pool.end();\r\n' }]);
  });

  test('moves a CommonJS declaration into the worker branch, keeping CRLF', () => {
    const text = [
      "const cluster = require('cluster');",
      "const knex = require('knex');",
      '',
      "const db = knex({ client: 'pg' });",
      '',
      'if (cluster.isPrimary) {',
      '  cluster.fork();',
      '} else {',
      "    db.raw('select 1');",
      '}',
      '',
    ].join('\r\n');
    const [finding] = check({ '/w/main.js': text });
    const preferred = finding.fixes.find((fix) => fix.preferred)!;
    assert.equal(preferred.title, 'Create `db` only in the worker branch');
    assert.deepEqual(
      preferred.edits.map((edit) => [edit.range.start.line, edit.range.end.line, edit.newText]),
      [
        [3, 5, ''],
        [8, 8, "    const db = knex({ client: 'pg' });\r\n"],
      ],
    );
  });

  test('offers no close where the fork shares its line with the branch', () => {
    const text = ["import cluster from 'node:cluster';", "import pg from 'pg';", 'const pool = new pg.Pool();', 'if (cluster.isPrimary) cluster.fork();', 'export { pool };', ''].join('\n');
    const [finding] = check({ '/w/server.mjs': text });
    assert.deepEqual(finding.fixes.map((fix) => fix.title), []);
  });

  test('offers no close of a pool that may not have been made (created under another condition)', () => {
    const text = [
      "import cluster from 'node:cluster';",
      "import pg from 'pg';",
      'let pool: pg.Pool | undefined;',
      'if (process.env.DB) {',
      '  pool = new pg.Pool();',
      '}',
      'if (cluster.isPrimary) {',
      '  cluster.fork();',
      '}',
      '',
    ].join('\n');
    const [finding] = check({ '/w/server.ts': text });
    assert.equal(finding.range.start.line, 7);
    assert.deepEqual(finding.fixes.map((fix) => fix.title), []);
  });

  test('a fork only in a function nothing calls still sees the pools of the top level', () => {
    const findings = check({
      '/w/boot.js': ["const { fork } = require('child_process');", "const Redis = require('ioredis');", 'const redis = new Redis();', 'exports.boot = function boot() {', "  fork('./job.js');", '};', ''].join('\n'),
    });
    assert.deepEqual(findings.map((finding) => finding.range.start.line + 1), [5]);
    assert.match(findings[0].message, /^ioredis client `redis` \(created in boot\.js:3\) is open in the parent when `child_process\.fork\(\)` starts/);
  });

  test('a pool created only in a module the worker branch requires is not open in the primary', () => {
    const findings = check({
      '/w/main.js': ["const cluster = require('cluster');", 'if (cluster.isMaster) cluster.fork();', "else require('./worker');", ''].join('\n'),
      '/w/worker.js': ["const mysql = require('mysql2');", 'module.exports = mysql.createPool({});', ''].join('\n'),
    });
    assert.deepEqual(findings, []);
  });
});

describe('chains across files', () => {
  test('names each call from the fork\'s unit down to the creation, in the message and the related locations', () => {
    const findings = check({
      '/w/lib/cache.js': ["const { createClient } = require('redis');", 'function connectCache() {', '  const client = createClient();', '  return client;', '}', 'module.exports = { connectCache };', ''].join('\n'),
      '/w/lib/setup.js': ["const { connectCache } = require('./cache');", 'exports.setup = () => ({ cache: connectCache() });', ''].join('\n'),
      '/w/main.js': ["const cluster = require('cluster');", "const { setup } = require('./lib/setup');", 'const services = setup();', 'if (cluster.isPrimary) cluster.fork();', 'else services.cache.get();', ''].join('\n'),
    });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^redis client `client` \(created in lib\/cache\.js:3 via `setup\(\)` -> `connectCache\(\)`\) is open in the primary/);
    assert.deepEqual(
      findings[0].related.map((related) => `${related.file}:${related.range.start.line + 1} ${related.message}`),
      [
        '/w/lib/cache.js:3 redis client `client` is created here, in the primary',
        '/w/main.js:3 `setup()` leads to the creation of the redis client `client`',
        '/w/lib/setup.js:2 `connectCache()` leads to the creation of the redis client `client`',
      ],
    );
  });
});
