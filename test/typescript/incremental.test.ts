/**
 * Incremental TS/JS analysis (engine/analyze-typescript.ts, TsProgram.track/changedSince): after
 * every edit of a seeded series (an option added or removed, an import, a Promise.all, a default
 * set in another module, a file deleted and restored), the findings of the workspace that has
 * analysed all along equal those of a fresh workspace scanning the same files from scratch.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze, Workspace } from '../../server/src/engine';
import type { Finding } from '../../server/src/model';
import type { TsFacts } from '../../server/src/typescript/facts';
import { TsProgram } from '../../server/src/typescript/program';
import { seededRandom } from '../robustness/random';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Each file's two versions: [before, after]; undefined is "the file does not exist". */
const VERSIONS: Record<string, [string | undefined, string | undefined]> = {
  'pg.ts': [
    "import { Pool } from 'pg';\nexport const pg = new Pool({ host: 'db' });\n",
    "import { Pool } from 'pg';\nexport const pg = new Pool({ host: 'db', statement_timeout: 5000 });\n",
  ],
  'db.mjs': ["import { createPool } from 'mysql2';\nexport const pool = createPool({ host: 'db' });\n", undefined],
  'server.mjs': [
    "import { pool } from './db.mjs';\nexport function list(cb) {\n  pool.query('SELECT id FROM items', cb);\n}\n",
    "import { pool } from './db.mjs';\nexport function list(cb) {\n  pool.query({ sql: 'SELECT id FROM items', timeout: 5000 }, cb);\n  pool.query('SELECT 2', cb);\n}\n",
  ],
  'session.mjs': [undefined, "import { pool } from './db.mjs';\npool.on('connection', (conn) => conn.query('SET SESSION max_execution_time=5000'));\n"],
  'api.js': [
    "const axios = require('axios');\nrequire('./setup');\nasync function sync(url) {\n  return axios.get(url);\n}\nmodule.exports = { sync };\n",
    "const axios = require('axios');\nrequire('./setup');\nasync function sync(url) {\n  return axios.get(url, { timeout: 1000 });\n}\nmodule.exports = { sync };\n",
  ],
  'setup.js': ["const axios = require('axios');\n", "const axios = require('axios');\naxios.defaults.timeout = 10000;\n"],
  'limits.ts': ["import pLimit from 'p-limit';\nexport const pageLimit = pLimit(4);\n", 'export const pageLimit = (task: () => Promise<unknown>) => task();\n'],
  'crawl.ts': [
    "import { pageLimit } from './limits';\nexport async function crawl(urls: string[]) {\n  return Promise.all(urls.map((url) => pageLimit(() => fetch(url, { signal: AbortSignal.timeout(5000) }))));\n}\n",
    "import { pageLimit } from './limits';\nexport async function crawl(urls: string[], ids: string[]) {\n  await Promise.all(ids.map((id) => fetch(id)));\n  return Promise.all(urls.map((url) => pageLimit(() => fetch(url))));\n}\n",
  ],
  'helpers.ts': [
    "export async function each(ids: string[]) {\n  return Promise.all(ids.map((id) => load(id)));\n}\nasync function load(id: string) {\n  return id;\n}\n",
    "import pLimit from 'p-limit';\nconst limit = pLimit(2);\nexport async function each(ids: string[]) {\n  return Promise.all(ids.map((id) => limit(() => load(id))));\n}\nasync function load(id: string) {\n  return id;\n}\n",
  ],
  // FG001: after the edit, the primary reaches pools through workspace functions (one through another), then forks.
  'primary.ts': [
    "import cluster from 'node:cluster';\nif (cluster.isPrimary) {\n  for (let i = 0; i < 2; i++) cluster.fork();\n}\n",
    "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nimport { startPools } from './pools';\nfunction open() {\n  return new Pool({ host: 'db', statement_timeout: 5000 });\n}\nfunction boot() {\n  open();\n}\nboot();\nstartPools();\nif (cluster.isPrimary) {\n  for (let i = 0; i < 2; i++) cluster.fork();\n}\n",
  ],
  // FG001 through a function that only changes its name (boot and start swap bodies): the calls stay the same.
  'swap.ts': [
    "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nfunction open() {\n  return new Pool({ host: 'db', statement_timeout: 5000 });\n}\nfunction boot() {\n  open();\n}\nfunction start() {}\nboot();\nstart();\ncluster.fork();\n",
    "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nfunction open() {\n  return new Pool({ host: 'db', statement_timeout: 5000 });\n}\nfunction start() {\n  open();\n}\nfunction boot() {}\nboot();\nstart();\ncluster.fork();\n",
  ],
  // FG001 three files deep with the same relevance before and after: the primary boots through
  // init() into connect(), whose pool is made only in workers, then in the primary too.
  'boot.ts': [
    "import cluster from 'node:cluster';\nimport { init } from './init';\ninit();\ncluster.fork();\n",
    "import cluster from 'node:cluster';\nimport { init } from './init';\ninit();\ncluster.fork();\n",
  ],
  'init.ts': ["import { connect } from './connect';\nexport function init() {\n  connect();\n}\n", "import { connect } from './connect';\nexport function init() {\n  connect();\n}\n"],
  'connect.ts': [
    "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nexport function connect() {\n  if (cluster.isWorker) return new Pool({ host: 'db', statement_timeout: 5000 });\n}\n",
    "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nexport function connect() {\n  if (cluster.isPrimary) return new Pool({ host: 'db', statement_timeout: 5000 });\n}\n",
  ],
  // FG001 in a file that starts forking: it becomes a root of the walk.
  'late.ts': [
    "import { Pool } from 'pg';\nexport const late = new Pool({ host: 'db', statement_timeout: 5000 });\n",
    "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nexport const late = new Pool({ host: 'db', statement_timeout: 5000 });\ncluster.fork();\n",
  ],
  // FG001 in a file that does not change: a method it calls by name (never resolved while no
  // interesting function has its name) starts making a pool in another file.
  'service.ts': [
    'export class Service {\n  start() {\n    return 1;\n  }\n}\n',
    "import { Pool } from 'pg';\nexport class Service {\n  start() {\n    return new Pool({ host: 'db', statement_timeout: 5000 });\n  }\n}\n",
  ],
  'runner.ts': [
    "import cluster from 'node:cluster';\nimport { Service } from './service';\nconst svc = new Service();\nfunction run() {\n  svc.start();\n}\nrun();\ncluster.fork();\n",
    "import cluster from 'node:cluster';\nimport { Service } from './service';\nconst svc = new Service();\nfunction run() {\n  svc.start();\n}\nrun();\ncluster.fork();\n",
  ],
  'pools.ts': [
    "import { Pool } from 'pg';\nexport function startPools() {\n  return new Pool({ host: 'db', statement_timeout: 5000 });\n}\n",
    'export function startPools() {\n  return 1;\n}\n',
  ],
};
/** Files the analysing workspace holds open in the editor: their edits come as document changes. */
const OPEN = new Set(['pg.ts', 'crawl.ts', 'pools.ts', 'swap.ts']);

function summary(findings: ReadonlyMap<string, Finding[]>, root: string): string[] {
  return [...findings]
    .flatMap(([file, list]) => list.map((f) => JSON.stringify([file.slice(root.length + 1), f.rule, f.range, f.message, f.related, f.fixes])))
    .sort();
}

async function fromScratch(root: string): Promise<string[]> {
  const fresh = await Workspace.create({ roots: [root], cacheDir: null });
  try {
    await fresh.scan();
    return summary((await analyze(fresh)).findings, root);
  } finally {
    await fresh.dispose();
  }
}

describe('incremental TS/JS analysis', () => {
  for (const seed of [1, 2, 3]) {
    it(`equals a from-scratch analysis after each of a series of edits (seed ${seed})`, async () => {
      const root = mkdtempSync(join(tmpdir(), 'fg-ts-incr-'));
      dirs.push(root);
      writeFileSync(join(root, 'package.json'), JSON.stringify({ dependencies: { pg: '8', mysql2: '3', axios: '1', 'p-limit': '5' } }));
      const state = new Map<string, 0 | 1>();
      for (const [name, [before]] of Object.entries(VERSIONS)) {
        state.set(name, 0);
        if (before !== undefined) writeFileSync(join(root, name), before);
      }
      const ws = await Workspace.create({ roots: [root], cacheDir: null });
      try {
        await ws.scan();
        for (const name of OPEN) ws.openDocument(join(root, name), VERSIONS[name][0]!, 1);
        assert.deepEqual(summary((await analyze(ws)).findings, root), await fromScratch(root));

        const next = seededRandom(seed);
        const names = Object.keys(VERSIONS);
        const seen = new Set<string>();
        for (let step = 0; step < 14; step++) {
          const name = names[Math.floor(next() * names.length)];
          const version = state.get(name) === 0 ? 1 : 0;
          state.set(name, version);
          const text = VERSIONS[name][version];
          const file = join(root, name);
          if (text === undefined) unlinkSync(file);
          else writeFileSync(file, text);
          if (OPEN.has(name)) ws.changeDocument(file, step + 2, [{ text: text! }]);
          else await ws.refreshFile(file);

          const incremental = summary((await analyze(ws)).findings, root);
          assert.deepEqual(incremental, await fromScratch(root), `seed ${seed}, step ${step}: ${name} -> version ${version}`);
          seen.add(incremental.join('\n'));
        }
        // The series changes the findings (else it would test nothing).
        assert.ok(seen.size >= 3, `only ${seen.size} distinct results`);
      } finally {
        await ws.dispose();
      }
    });
  }

  it('reports every finding of the fixture-like workspace before any edit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fg-ts-incr-'));
    dirs.push(root);
    for (const [name, [before]] of Object.entries(VERSIONS)) if (before !== undefined) writeFileSync(join(root, name), before);
    const found = (await fromScratch(root)).map((line) => JSON.parse(line) as [string, string, Finding['range']]).map(([file, rule, range]) => `${file}:${range.start.line + 1} ${rule}`);
    assert.deepEqual(found, ['api.js:4 FG002', 'helpers.ts:2 FG003', 'pg.ts:2 FG002', 'server.mjs:3 FG002', 'swap.ts:12 FG001']);
  });
});

describe('TsProgram change tracking', () => {
  const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  function facts(imports: { module: string; local: string; imported: string }[], exports: string[]): TsFacts {
    return {
      imports: imports.map((entry) => ({ ...entry, range: at, typeOnly: false })),
      exports: exports.map((name) => ({ name, local: name })),
      functions: [],
      bindings: [],
      calls: [],
      memberAssignments: [],
      suppressions: [],
      syntaxErrors: [],
      moduleSystem: 'esm',
    } as unknown as TsFacts;
  }

  it('names the edited file and the files whose tracked work read it, not the others', () => {
    const program = new TsProgram();
    program.setFile('/w/a.ts', facts([{ module: './b', local: 'x', imported: 'x' }], []));
    program.setFile('/w/b.ts', facts([], ['x']));
    program.setFile('/w/c.ts', facts([], []));
    for (const file of program.files()) program.track(file, () => program.resolveName(file, ['x', 'y']));
    const mark = program.changeMark();
    assert.deepEqual(program.changedSince(mark), new Set());

    program.setFile('/w/b.ts', facts([], ['x', 'z']));
    assert.deepEqual(program.changedSince(mark), new Set(['/w/a.ts', '/w/b.ts']));
    const second = program.changeMark();
    program.setFile('/w/c.ts', facts([], ['c']));
    assert.deepEqual(program.changedSince(second), new Set(['/w/c.ts']));
  });

  it('names the importer when a file appears where its specifier was probed', () => {
    const program = new TsProgram();
    program.setFile('/w/a.ts', facts([{ module: './missing', local: 'm', imported: 'default' }], []));
    program.track('/w/a.ts', () => program.resolveName('/w/a.ts', ['m']));
    const mark = program.changeMark();
    program.setFile('/w/missing.ts', facts([], ['default']));
    assert.deepEqual(program.changedSince(mark), new Set(['/w/a.ts', '/w/missing.ts']));
  });

  it('makes a reader of the file list depend on every change, and a package.json change on everything', () => {
    const program = new TsProgram();
    program.setFile('/w/a.ts', facts([], []));
    program.setFile('/w/b.ts', facts([], []));
    program.track('/w/a.ts', () => program.files());
    const mark = program.changeMark();
    program.setFile('/w/b.ts', facts([], ['b']));
    assert.deepEqual(program.changedSince(mark), new Set(['/w/a.ts', '/w/b.ts']));
    const second = program.changeMark();
    program.setPackageJson('/w', new Set(['pg']));
    assert.equal(program.changedSince(second), 'all');
  });
});
