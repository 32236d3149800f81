/**
 * File stamps (extraction/file-stamps.ts): a file whose stat is unchanged is known by its stored
 * content hash and not read; any field of the stat that changed, a write too recent to tell, or a
 * facts pack written since by someone else means the file is read again. And a warm start of a
 * workspace whose files are all stamped reads none of them and finds what a cold start finds.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze, Workspace } from '../../server/src/engine';
import { FileStamps, RACY_WINDOW_MS, type FileStat } from '../../server/src/extraction/file-stamps';

const dirs: string[] = [];
const tempDir = (prefix = 'forkguard-stamps-'): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const NOW = Date.now();
const OLD: FileStat = { size: 10, mtimeMs: NOW - 3_600_000, ctimeMs: NOW - 3_600_000, ino: 7 };

/** Stamps of one scan at NOW over `stats`, as a new process would load them. */
async function scanned(dir: string, stats: Record<string, FileStat>, packs: string[] = []): Promise<FileStamps> {
  const stamps = new FileStamps(dir, () => {});
  await stamps.load(packs);
  stamps.beginScan(new Map(Object.entries(stats)), NOW);
  return stamps;
}

describe('FileStamps', () => {
  it('vouches for the hash of a file whose size, times and inode are all unchanged, and only then', async () => {
    const dir = tempDir();
    const first = await scanned(dir, { '/w/a.py': OLD, '/w/b.py': OLD });
    first.record('/w/a.py', 'hash-a');
    first.record('/w/b.py', 'hash-b');
    await first.flush([]);

    const same = await scanned(dir, { '/w/a.py': OLD, '/w/b.py': OLD });
    assert.equal(same.hashOf('/w/a.py'), 'hash-a');
    assert.equal(same.hashOf('/w/b.py'), 'hash-b');
    assert.equal(same.hashOf('/w/c.py'), undefined, 'a file never stamped');
    for (const field of ['size', 'mtimeMs', 'ctimeMs', 'ino'] as const) {
      const changed = await scanned(dir, { '/w/a.py': { ...OLD, [field]: OLD[field] + 1 }, '/w/b.py': OLD });
      assert.equal(changed.hashOf('/w/a.py'), undefined, `${field} changed`);
      assert.equal(changed.hashOf('/w/b.py'), 'hash-b');
    }
  });

  it('does not stamp a file written within the racy window of the scan, and drops its old stamp', async () => {
    const dir = tempDir();
    const recent: FileStat = { ...OLD, mtimeMs: NOW - RACY_WINDOW_MS + 1 };
    const first = await scanned(dir, { '/w/a.py': OLD, '/w/b.py': recent });
    first.record('/w/a.py', 'hash-a');
    first.record('/w/b.py', 'hash-b');
    await first.flush([]);
    const second = await scanned(dir, { '/w/a.py': recent, '/w/b.py': recent });
    assert.equal(second.hashOf('/w/b.py'), undefined);
    second.record('/w/a.py', 'hash-a2');
    await second.flush([]);
    const third = await scanned(dir, { '/w/a.py': recent });
    assert.equal(third.hashOf('/w/a.py'), undefined, 'the stamp of a file now written too recently is gone');
    assert.equal(third.isEmpty(), true);
  });

  it('drops the stamps of files the scan did not find', async () => {
    const dir = tempDir();
    const first = await scanned(dir, { '/w/a.py': OLD, '/w/b.py': OLD });
    first.record('/w/a.py', 'hash-a');
    first.record('/w/b.py', 'hash-b');
    await first.flush([]);
    const second = await scanned(dir, { '/w/a.py': OLD });
    await second.flush([]);
    const third = await scanned(dir, { '/w/a.py': OLD, '/w/b.py': OLD });
    assert.equal(third.hashOf('/w/a.py'), 'hash-a');
    assert.equal(third.hashOf('/w/b.py'), undefined);
  });

  it('is void once a facts pack it was written with changed or is gone', async () => {
    const dir = tempDir();
    const pack = path.join(dir, 'toy-facts.json.gz');
    fs.writeFileSync(pack, 'first pack');
    const first = await scanned(dir, { '/w/a.py': OLD }, [pack]);
    first.record('/w/a.py', 'hash-a');
    await first.flush([pack]);
    assert.equal((await scanned(dir, { '/w/a.py': OLD }, [pack])).hashOf('/w/a.py'), 'hash-a');

    fs.writeFileSync(pack, 'another process wrote a longer pack');
    assert.equal((await scanned(dir, { '/w/a.py': OLD }, [pack])).hashOf('/w/a.py'), undefined, 'pack rewritten');
    fs.rmSync(pack);
    assert.equal((await scanned(dir, { '/w/a.py': OLD }, [pack])).isEmpty(), true, 'pack deleted');
  });

  it('treats a corrupt or foreign stamps file as no stamps, with a message', async () => {
    for (const content of ['{ not json', JSON.stringify({ format: 'something-else', stamps: {} })]) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'file-stamps-v1.json'), content);
      const log: string[] = [];
      const stamps = new FileStamps(dir, (message) => log.push(message));
      await stamps.load([]);
      assert.equal(stamps.isEmpty(), true);
      assert.match(log.join('\n'), /ignoring the file stamps .*file-stamps-v1\.json/);
    }
  });

  it('logs an unwritable folder and goes on', async () => {
    const parent = tempDir();
    const blocked = path.join(parent, 'file');
    fs.writeFileSync(blocked, 'a file where the cache folder should be');
    const log: string[] = [];
    const stamps = new FileStamps(path.join(blocked, 'cache'), (message) => log.push(message));
    await stamps.load([]);
    stamps.beginScan(new Map([['/w/a.py', OLD]]), NOW);
    stamps.record('/w/a.py', 'hash-a');
    await stamps.flush([]);
    assert.match(log.join('\n'), /cannot write the file stamps/);
  });
});

describe('a warm start with file stamps', () => {
  const SOURCES: Record<string, string> = {
    'app/pools.py': 'from concurrent.futures import ThreadPoolExecutor\nPOOL = ThreadPoolExecutor(4)\n',
    'app/main.py': 'import os\nfrom app import pools\nos.fork()\n',
    'app/helper.py': 'def helper():\n    return 1\n',
    'web/primary.ts': "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nconst pool = new Pool();\nif (cluster.isPrimary) cluster.fork();\n",
    'web/util.ts': 'export const one = 1;\n',
  };

  /** A workspace of SOURCES whose files were last written an hour ago. */
  function oldWorkspace(): { root: string; cacheDir: string } {
    const root = tempDir('forkguard-stamps-ws-');
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const [name, text] of Object.entries(SOURCES)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), text);
      fs.utimesSync(path.join(root, name), hourAgo, hourAgo);
    }
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ dependencies: { pg: '^8.0.0' } }));
    return { root, cacheDir: tempDir('forkguard-stamps-cache-') };
  }

  async function start(root: string, cacheDir: string) {
    const log: string[] = [];
    const workspace = await Workspace.create({ roots: [root], cacheDir, threads: 0, log: (message) => log.push(message) });
    await workspace.scan();
    const result = await analyze(workspace);
    const findings = [...result.findings].flatMap(([file, list]) => list.map((finding) => `${path.relative(root, file)}:${finding.range.start.line + 1} ${finding.rule}`));
    return { workspace, findings: findings.sort(), log: log.join('\n') };
  }

  it('reads no file, and finds and indexes what a cold start does', async () => {
    const { root, cacheDir } = oldWorkspace();
    const cold = await start(root, cacheDir);
    assert.doesNotMatch(cold.log, /unchanged since the last scan/);
    assert.deepEqual(cold.findings, ['app/main.py:3 FG001', 'web/primary.ts:3 FG002', 'web/primary.ts:4 FG001']);

    const warm = await start(root, cacheDir);
    assert.match(warm.log, /5 of 5 files unchanged since the last scan by their stamps: not read/);
    assert.deepEqual(warm.findings, cold.findings);
    // The next analysis decodes the facts the stamps vouched for: the same as the cold start's.
    await analyze(warm.workspace);
    for (const file of cold.workspace.files()) {
      assert.deepEqual(warm.workspace.facts(file) ?? warm.workspace.tsFacts(file), cold.workspace.facts(file) ?? cold.workspace.tsFacts(file), file);
    }
  });

  it('reads a file edited since, even to the same size, and finds what its new text holds', async () => {
    const { root, cacheDir } = oldWorkspace();
    await start(root, cacheDir);
    const pools = path.join(root, 'app/pools.py');
    const edited = SOURCES['app/pools.py'].replace('POOL = ThreadPoolExecutor(4)', 'POOL = None # Executor(4)   ');
    assert.equal(edited.length, SOURCES['app/pools.py'].length);
    fs.writeFileSync(pools, edited);

    const warm = await start(root, cacheDir);
    assert.match(warm.log, /4 of 5 files unchanged since the last scan by their stamps: not read/);
    assert.deepEqual(warm.findings, ['web/primary.ts:3 FG002', 'web/primary.ts:4 FG001']);
  });

  it('reads every file again when a facts pack was deleted, and finds the same', async () => {
    const { root, cacheDir } = oldWorkspace();
    const cold = await start(root, cacheDir);
    for (const name of fs.readdirSync(cacheDir)) if (name.startsWith('python-facts-')) fs.rmSync(path.join(cacheDir, name));
    const again = await start(root, cacheDir);
    assert.doesNotMatch(again.log, /unchanged since the last scan/);
    assert.deepEqual(again.findings, cold.findings);
  });
});
