import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MigrationReport } from '../../server/src/report';
import { FIXTURE_FILES, HOSTILE_NAME } from './fixture';
import { removeFixtureDirs, reportOf, workspaceDir } from './helpers';

describe('report model from a fixture workspace (not a git repository)', () => {
  let report: MigrationReport;
  before(async () => {
    report = await reportOf(workspaceDir(FIXTURE_FILES), { historyWeeks: 4, now: new Date('2025-03-01T00:00:00Z') });
  });
  after(removeFixtureDirs);

  it('counts eventlet lines over the scanned files and the resolved API uses by kind', () => {
    assert.equal(report.eventlet.textualRefs, 7); // 6 lines of app/green.py (the comment too) + 1
    assert.equal(report.eventlet.textualSource, 'files');
    assert.equal(report.eventlet.apiUses, 6);
    assert.deepEqual(report.eventlet.byKind, {
      import: 2,
      'monkey-patch': 1,
      'green-pool': 1,
      spawn: 1,
      sleep: 1,
      timeout: 0,
      tpool: 0,
      'green-primitive': 0,
      wsgi: 0,
    });
    assert.deepEqual(report.eventlet.byFolder, [
      { folder: 'app', uses: 5 },
      { folder: '.', uses: 1 },
    ]);
    assert.deepEqual(
      report.eventlet.topFiles.map((file) => [file.path, file.uses]),
      [
        ['app/green.py', 5],
        [HOSTILE_NAME, 1],
      ],
    );
  });

  it('lists every pool creation with its size source and whether FG001 finds it alive at a fork', () => {
    assert.deepEqual(
      report.pools.map((pool) => [pool.path, pool.line + 1, pool.kind, pool.identity, pool.identityKind, pool.size, pool.aliveAtFork]),
      [
        ['app/green.py', 5, 'green-pool', 'POOL', 'global', { source: 'literal', text: '10' }, false],
        ['app/pools.py', 5, 'thread-pool', 'EXECUTOR', 'global', { source: 'literal', text: '5' }, true],
        ['app/pools.py', 9, 'thread-pool', 'pool', 'local', { source: 'config', text: 'CONF.scheduler.workers' }, false],
      ],
    );
    assert.deepEqual(report.poolTotals, [
      { kind: 'thread-pool', count: 2, aliveAtFork: 1 },
      { kind: 'green-pool', count: 1, aliveAtFork: 0 },
    ]);
  });

  it('groups the hazards by rule, empty rules included, with severity totals', () => {
    assert.deepEqual(
      report.hazards.map((group) => [group.rule, group.count, group.findings.map((f) => `${f.path}:${f.line + 1}`)]),
      [
        ['FG001', 1, ['main.py:5']],
        ['FG002', 0, []],
        ['FG003', 1, ['app/pools.py:10']],
      ],
    );
    assert.deepEqual(report.summary.hazardsBySeverity, { error: 0, warning: 2, info: 0, hint: 0 });
    assert.equal(report.summary.filesScanned, 5);
  });

  it('derives the readiness checklist from the counts', () => {
    assert.deepEqual(
      report.readiness.map((item) => [item.id, item.count, item.done]),
      [
        ['eventlet-refs', 7, false],
        ['monkey-patch', 1, false],
        ['pools-at-fork', 1, false],
        ['query-timeouts', 0, true],
        ['gather-deadlines', 1, false],
      ],
    );
  });

  it('has no trend outside git, and says why', () => {
    assert.deepEqual(report.trend, []);
    assert.equal(report.trendUnavailable, 'not a git repository: no history to sample');
  });
});

describe('report pool inventory of a Node workspace', () => {
  after(removeFixtureDirs);

  it('lists every Node pool with its size, read through variables, and whether the primary holds it at a fork', async () => {
    const report = await reportOf(
      workspaceDir({
        'src/db.ts': [
          "import { Pool } from 'pg';",
          "import knex from 'knex';",
          'const settings = { max: 20 };',
          'export const pool = new Pool(settings);',
          "export const reports = knex({ client: 'pg', pool: { min: 0, max: config.reportPoolSize } });",
          '',
        ].join('\n'),
        'src/worker.js': ["const { createClient } = require('redis');", 'module.exports.cache = createClient();', ''].join('\n'),
        'src/server.ts': ["import cluster from 'node:cluster';", "import { pool } from './db.js';", 'if (cluster.isPrimary) cluster.fork();', ''].join('\n'),
      }),
      { historyWeeks: 0 },
    );
    assert.deepEqual(
      report.pools.map((pool) => [pool.path, pool.line + 1, pool.kind, pool.label, pool.identity, pool.identityKind, pool.size, pool.aliveAtFork]),
      [
        ['src/db.ts', 4, 'db-pool', 'pg Pool', 'pool', 'local', { source: 'literal', text: '20' }, true],
        ['src/db.ts', 5, 'db-pool', 'knex instance', 'reports', 'local', { source: 'config', text: 'config.reportPoolSize' }, true],
        ['src/worker.js', 2, 'redis-client', 'redis client', 'module.exports.cache', 'export', null, false],
      ],
    );
    assert.deepEqual(report.poolTotals, [
      { kind: 'db-pool', count: 2, aliveAtFork: 2 },
      { kind: 'redis-client', count: 1, aliveAtFork: 0 },
    ]);
  });
});
