/**
 * Workspace faults the engine tests (test/engine) do not cover at the Workspace level: a file that
 * vanishes or cannot be read between listing and reading, a symlink loop, config values of the
 * wrong type together with unknown rule ids, and a glob that matches everything. Each ends with a
 * clear notice naming the file or key, the defaults kept, and analyze still answering.
 */
import assert from 'node:assert/strict';
import { promises as fsp, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { Workspace } from '../../server/src/engine/workspace';

const POOL_THEN_FORK = 'import os\nfrom concurrent.futures import ThreadPoolExecutor\nPOOL = ThreadPoolExecutor()\nos.fork()\n';

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'forkguard-ws-faults-')));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

async function scanAndAnalyze(root: string) {
  const logs: string[] = [];
  const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, log: (line) => logs.push(line) });
  try {
    await workspace.scan();
    const result = await analyze(workspace);
    const findings = [...result.findings].flatMap(([file, list]) => list.map((finding) => `${file.slice(root.length + 1)}:${finding.range.start.line} ${finding.rule}`));
    return { findings, notices: result.notices.map(({ level, message }) => `${level}: ${message}`), logs };
  } finally {
    await workspace.dispose();
  }
}

/** Runs `body` with fs.promises.readFile replaced for one file. */
async function withReadFileFault<T>(target: string, fault: () => Promise<never>, body: () => Promise<T>): Promise<T> {
  const original = fsp.readFile;
  (fsp as { readFile: unknown }).readFile = (file: unknown, ...rest: unknown[]) =>
    file === target ? fault() : (original as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
  try {
    return await body();
  } finally {
    fsp.readFile = original;
  }
}

test('a file deleted between listing and reading is dropped silently; the others are analysed', async () => {
  const root = project({ 'main.py': POOL_THEN_FORK, 'gone.py': 'x = 1\n' });
  const gone = join(root, 'gone.py');
  const result = await withReadFileFault(
    gone,
    async () => {
      rmSync(gone);
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${gone}'`), { code: 'ENOENT' });
    },
    () => scanAndAnalyze(root),
  );
  assert.deepEqual(result.findings, ['main.py:3 FG001']);
  assert.deepEqual(result.notices, []);
});

test('an unreadable file is skipped with an info notice naming it and the error code', async () => {
  const root = project({ 'main.py': POOL_THEN_FORK, 'locked.py': 'x = 1\n' });
  const result = await withReadFileFault(
    join(root, 'locked.py'),
    async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    },
    () => scanAndAnalyze(root),
  );
  assert.deepEqual(result.findings, ['main.py:3 FG001']);
  assert.deepEqual(result.notices, ['info: ForkGuard skipped locked.py: unreadable (EACCES)']);
  assert.deepEqual(result.logs, ['skipped locked.py: unreadable (EACCES)']);
});

test('a symlink loop ends the walk with a notice; the real files are analysed once', async () => {
  const root = project({ 'pkg/main.py': POOL_THEN_FORK });
  symlinkSync(join(root, 'pkg'), join(root, 'pkg', 'again'));
  symlinkSync(join(root, 'a'), join(root, 'b'));
  symlinkSync(join(root, 'b'), join(root, 'a'));
  const result = await scanAndAnalyze(root);
  assert.deepEqual(result.findings, ['pkg/main.py:3 FG001']);
  assert.deepEqual(result.notices.sort(), [
    'info: ForkGuard skipped a: symlink loop',
    'info: ForkGuard skipped b: symlink loop',
    `info: ForkGuard skipped pkg/again: symlink to ${join(root, 'pkg')}, a folder already scanned`,
  ]);
});

test('wrong-typed config values and unknown rule ids are named; defaults kept, analysis goes on', async () => {
  const root = project({
    'main.py': POOL_THEN_FORK,
    'pyproject.toml': '[tool.forkguard]\ntimeout = "soon"\nexclude = 3\npool-factories = [1, 2]\n[tool.forkguard.severity]\nFG999 = "error"\nFG001 = "loud"\n',
  });
  const result = await scanAndAnalyze(root);
  assert.deepEqual(result.findings, ['main.py:3 FG001']);
  assert.equal(result.notices.length, 6, result.notices.join('\n')); // pool-factories: one per bad entry
  for (const key of ['timeout', 'exclude', 'pool-factories', 'FG999', 'FG001']) {
    assert.ok(result.notices.some((notice) => notice.includes('pyproject.toml') && notice.includes(key)), `no notice names pyproject.toml and ${key}:\n${result.notices.join('\n')}`);
  }
});

test('a pyproject.toml that is not TOML: an error notice naming it, defaults kept', async () => {
  const root = project({ 'main.py': POOL_THEN_FORK, 'pyproject.toml': '[tool.forkguard]\nseverity = {\n\0\n' });
  const result = await scanAndAnalyze(root);
  assert.deepEqual(result.findings, ['main.py:3 FG001']);
  assert.deepEqual(result.notices.map((notice) => notice.replace(/:\d+:\d+:.*/, '')), ['error: pyproject.toml']);
});

test('a glob that matches everything: no files, an info notice quoting the pattern', async () => {
  const root = project({ 'main.py': POOL_THEN_FORK, 'forkguard.toml': 'exclude = ["**"]\n' });
  const result = await scanAndAnalyze(root);
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.notices, ['info: no source files left after the exclude patterns ["**"]']);
});
