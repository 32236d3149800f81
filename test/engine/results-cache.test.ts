/**
 * The results cache (engine/results-cache.ts) and deferred facts (extraction/deferred-facts.ts): a
 * start on unchanged inputs reuses the stored findings and decodes no facts; any change to what
 * findings are computed from is a miss; a broken cache is a miss, never an error.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { analyze, Workspace } from '../../server/src/engine';
import type { AnalysisResult } from '../../server/src/engine/api';

const EXAMPLES = join(__dirname, '../../examples');
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A copy of the bundled examples (Python and Node services, cross-file findings, service config files) and an empty cache folder. */
function exampleWorkspace(): { root: string; cacheDir: string } {
  const root = tempDir('fg-results-');
  cpSync(EXAMPLES, root, { recursive: true });
  return { root, cacheDir: tempDir('fg-results-cache-') };
}

async function start(root: string, cacheDir: string | null, log: string[] = []): Promise<{ workspace: Workspace; result: AnalysisResult }> {
  const workspace = await Workspace.create({ roots: [root], cacheDir, threads: 0, log: (message) => log.push(message) });
  await workspace.scan();
  return { workspace, result: await analyze(workspace) };
}

/** Findings as data (what the stored JSON holds), to compare a stored result with a computed one. */
function asData(findings: ReadonlyMap<string, unknown>): unknown {
  return JSON.parse(JSON.stringify([...findings]));
}

function findingCount(result: AnalysisResult): number {
  return [...result.findings.values()].reduce((sum, list) => sum + list.length, 0);
}

describe('results cache', () => {
  it('a start on unchanged inputs reuses the stored findings, equal to an analysis', async () => {
    const { root, cacheDir } = exampleWorkspace();
    const cold = await start(root, cacheDir);
    assert.equal(cold.result.stats.fromResultsCache, undefined);
    assert.ok(findingCount(cold.result) >= 5, 'the examples have findings in both languages');

    const warm = await start(root, cacheDir);
    assert.equal(warm.result.stats.fromResultsCache, true);
    assert.deepEqual(asData(warm.result.findings), asData(cold.result.findings));
    assert.deepEqual(warm.workspace.files(), cold.workspace.files());

    // The next analysis of that workspace analyses (decoding the deferred facts first) and finds the same.
    const again = await analyze(warm.workspace);
    assert.equal(again.stats.fromResultsCache, undefined);
    assert.deepEqual(asData(again.findings), asData(cold.result.findings));
    for (const file of cold.workspace.files()) {
      assert.deepEqual(warm.workspace.facts(file) ?? warm.workspace.tsFacts(file), cold.workspace.facts(file) ?? cold.workspace.tsFacts(file), file);
    }
  });

  const changes: { what: string; change: (root: string) => void }[] = [
    { what: 'a Python file edited', change: (root) => writeFileSync(join(root, 'scheduler/scheduler/db.py'), readFileSync(join(root, 'scheduler/scheduler/db.py'), 'utf8').replace('create_engine(', 'create_engine(  ')) },
    { what: 'a TS file edited', change: (root) => writeFileSync(join(root, 'orders-api/src/db.ts'), `${readFileSync(join(root, 'orders-api/src/db.ts'), 'utf8')}\n// edited\n`) },
    { what: 'a file added', change: (root) => writeFileSync(join(root, 'scheduler/scheduler/extra.py'), 'import os\nos.fork()\n') },
    { what: 'a file removed', change: (root) => rmSync(join(root, 'scheduler/scheduler/db.py')) },
    { what: 'the project configuration', change: (root) => writeFileSync(join(root, 'forkguard.toml'), '[severity]\nFG002 = "error"\n') },
    { what: 'a service config file', change: (root) => writeFileSync(join(root, 'scheduler/nova.conf'), '[database]\nconnection = mysql+pymysql://u:p@db/nova\n') },
    { what: 'a package.json', change: (root) => writeFileSync(join(root, 'orders-api/package.json'), JSON.stringify({ name: 'orders-api', dependencies: { 'p-limit': '^6.0.0', pg: '^8.0.0' } })) },
  ];
  for (const { what, change } of changes) {
    it(`is not used after a change of its inputs: ${what}`, async () => {
      const { root, cacheDir } = exampleWorkspace();
      await start(root, cacheDir);
      change(root);
      const warm = await start(root, cacheDir);
      assert.equal(warm.result.stats.fromResultsCache, undefined);
      const fresh = await start(root, null);
      assert.deepEqual(asData(warm.result.findings), asData(fresh.result.findings));
    });
  }

  it('a corrupt results file is logged and ignored, then replaced', async () => {
    const { root, cacheDir } = exampleWorkspace();
    const cold = await start(root, cacheDir);
    writeFileSync(join(cacheDir, 'analysis-results.json.gz'), 'not gzip at all');
    const log: string[] = [];
    const warm = await start(root, cacheDir, log);
    assert.equal(warm.result.stats.fromResultsCache, undefined);
    assert.deepEqual(asData(warm.result.findings), asData(cold.result.findings));
    assert.ok(log.some((line) => line.startsWith('ignoring the results cache')), log.join('\n'));
    assert.equal((await start(root, cacheDir)).result.stats.fromResultsCache, true);
  });

  it('a document opened before the first analysis counts with its text, and its facts win over the deferred ones', async () => {
    const { root, cacheDir } = exampleWorkspace();
    await start(root, cacheDir);
    const file = join(root, 'scheduler/scheduler/db.py');
    const edited = `${readFileSync(file, 'utf8')}\nimport os\nos.fork()\n`;

    const workspace = await Workspace.create({ roots: [root], cacheDir, threads: 0 });
    await workspace.scan();
    workspace.openDocument(file, edited, 1);
    const result = await analyze(workspace);
    assert.equal(result.stats.fromResultsCache, undefined);
    const fresh = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await fresh.scan();
    fresh.openDocument(file, edited, 1);
    assert.deepEqual(asData(result.findings), asData((await analyze(fresh)).findings));
    assert.deepEqual(workspace.facts(file), fresh.facts(file));
  });

  it('a cached facts entry that turns out corrupt when decoded is extracted again from the disk', async () => {
    const { root, cacheDir } = exampleWorkspace();
    const cold = await start(root, cacheDir);
    const pack = readdirSync(cacheDir).find((name) => name.startsWith('python-facts-'))!;
    const lines = gunzipSync(readFileSync(join(cacheDir, pack))).toString('utf8').split('\n');
    // Every entry keeps its hash (so the scan defers it) but not its facts.
    writeFileSync(join(cacheDir, pack), gzipSync(lines.map((line, i) => (i === 0 ? line : `${line.slice(0, line.indexOf(' '))} ["broken"]`)).join('\n')));
    const log: string[] = [];
    const warm = await start(root, cacheDir, log);
    assert.equal(warm.result.stats.fromResultsCache, true, 'the stored findings need no facts');
    assert.ok(!log.some((line) => line.includes('corrupt entry')), 'no facts were decoded for the stored findings');
    const again = await analyze(warm.workspace);
    assert.deepEqual(asData(again.findings), asData(cold.result.findings));
    assert.ok(log.some((line) => line.includes('corrupt entry')), log.join('\n'));
  });
});
