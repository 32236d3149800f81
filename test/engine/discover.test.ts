import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, promises as fsPromises, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createPathFilter, discoverFiles, type DiscoverOptions } from '../../server/src/engine/discover';

/** A temporary tree; keys are posix paths relative to the root, values the file text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fg-discover-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

async function discover(root: string, options: Partial<DiscoverOptions> = {}) {
  const result = await discoverFiles({ roots: [root], exclude: [], extensions: ['.py'], maxFileBytes: 1 << 20, ...options });
  return {
    ...result,
    rel: result.files.map((f) => relative(root, f)),
    skippedRel: result.skipped.map((s) => [relative(root, s.file), s.reason]),
  };
}

/** Every .py path under root (following no links), to check createPathFilter against discoverFiles. */
function allPythonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) allPythonFiles(full, out);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(full);
  }
  return out;
}

function assertFilterAgrees(root: string, found: string[], exclude: string[] = []) {
  const filter = createPathFilter([root], exclude);
  for (const file of allPythonFiles(root)) {
    assert.equal(filter.isExcluded(file), !found.includes(file), `filter disagrees on ${relative(root, file)}`);
  }
}

test('collects source files by extension, sorted and absolute', async () => {
  const root = tree({ 'b.py': '', 'a/z.py': '', 'a/m.pyi': '', 'README.md': '', 'a/b/c/deep.py': '' });
  const result = await discover(root);
  assert.deepEqual(result.rel, ['a/b/c/deep.py', 'a/z.py', 'b.py']);
  assert.ok(result.files.every((f) => f.startsWith(root)));
  assert.deepEqual([result.skipped, result.excludedByConfig, result.cancelled], [[], 0, false]);
  const both = await discover(root, { extensions: ['py', '.pyi'] });
  assert.deepEqual(both.rel, ['a/b/c/deep.py', 'a/m.pyi', 'a/z.py', 'b.py']);
});

test('default excludes: node_modules, virtualenvs, .tox, build, dist, .git, __pycache__', async () => {
  const root = tree({
    'app.py': '',
    'node_modules/pkg/x.py': '',
    'sub/node_modules/y.py': '',
    '.venv/lib/site.py': '',
    'venv/lib/site.py': '',
    '.tox/py3/t.py': '',
    'build/lib/app.py': '',
    'src/dist/d.py': '',
    '.git/hooks/h.py': '',
    'pkg/__pycache__/m.py': '',
    'pkg/builder.py': '',
  });
  const result = await discover(root);
  assert.deepEqual(result.rel, ['app.py', 'pkg/builder.py']);
  assert.equal(result.excludedByConfig, 0);
  assertFilterAgrees(root, result.files);
});

test('.gitignore at the root and nested, with negation, and .git/info/exclude', async () => {
  const root = tree({
    '.gitignore': 'generated/\n*.tmp.py\nlegacy_*.py\n',
    '.git/info/exclude': 'local_only.py\n',
    'app.py': '',
    'local_only.py': '',
    'scratch.tmp.py': '',
    'generated/out.py': '',
    'legacy_a.py': '',
    'pkg/.gitignore': '!legacy_keep.py\nsecret.py\n/anchored.py\n',
    'pkg/legacy_keep.py': '',
    'pkg/legacy_drop.py': '',
    'pkg/secret.py': '',
    'pkg/anchored.py': '',
    'pkg/inner/anchored.py': '',
    'other/secret.py': '',
  });
  const result = await discover(root);
  assert.deepEqual(result.rel, ['app.py', 'other/secret.py', 'pkg/inner/anchored.py', 'pkg/legacy_keep.py']);
  assertFilterAgrees(root, result.files);
});

test('.gitignore files above the root (inside the same repository) apply; an ignored root is still scanned', async () => {
  const repo = tree({ '.gitignore': 'skip_me.py\n/vendor\n', 'services/api/app.py': '', 'services/api/skip_me.py': '', 'vendor/lib/v.py': '' });
  mkdirSync(join(repo, '.git'));
  const api = await discover(join(repo, 'services/api'));
  assert.deepEqual(api.rel, ['app.py']);
  assertFilterAgrees(join(repo, 'services/api'), api.files);
  const vendor = await discover(join(repo, 'vendor'));
  assert.deepEqual(vendor.rel, ['lib/v.py']);
  assertFilterAgrees(join(repo, 'vendor'), vendor.files);
});

test('configured exclude globs: root-relative paths, bare names at any depth, anchored names', async () => {
  const root = tree({
    'app.py': '',
    'top.py': '',
    'pkg/top.py': '',
    'generated/a.py': '',
    'pkg/api_pb2.py': '',
    'pkg/tests/test_x.py': '',
    'tests/test_y.py': '',
  });
  const exclude = ['generated/**', '*_pb2.py', '/top.py', 'tests'];
  const result = await discover(root, { exclude });
  assert.deepEqual(result.rel, ['app.py', 'pkg/top.py']);
  // generated/, pkg/api_pb2.py, top.py, pkg/tests/, tests/
  assert.equal(result.excludedByConfig, 5);
  assertFilterAgrees(root, result.files, exclude);
});

test('a glob that matches everything yields no files, and a count that says why', async () => {
  const root = tree({ 'a.py': '', 'pkg/b.py': '', 'node_modules/c.py': '' });
  const result = await discover(root, { exclude: ['**'] });
  assert.deepEqual(result.files, []);
  assert.equal(result.excludedByConfig, 2); // a.py and pkg/ (node_modules is a default exclude)
  const negated = await discover(root, { exclude: ['!a.py'] });
  assert.deepEqual(negated.rel, ['a.py', 'pkg/b.py'], 'a negated exclude is dropped, not read as "everything but"');
  const empty = await discover(tree({ 'README.md': '' }));
  assert.deepEqual([empty.files, empty.excludedByConfig], [[], 0]);
});

test('symlinks: loops end, a folder reached twice is walked once, linked files and outside folders are taken', async () => {
  const outside = tree({ 'shared.py': '' });
  const root = tree({ 'pkg/mod.py': '', 'real/r.py': '' });
  symlinkSync(root, join(root, 'pkg/loop')); // back to the root: a loop
  symlinkSync(join(root, 'real'), join(root, 'alias')); // second name for a folder inside
  symlinkSync(outside, join(root, 'ext')); // folder outside the root
  symlinkSync(join(root, 'pkg/mod.py'), join(root, 'linked.py'));
  const result = await discover(root);
  assert.deepEqual(result.rel, ['ext/shared.py', 'linked.py', 'pkg/mod.py', 'real/r.py']);
  assert.deepEqual(result.skippedRel, [
    ['alias', `symlink to ${join(root, 'real')}, a folder already scanned`],
    ['pkg/loop', `symlink to ${root}, a folder already scanned`],
  ]);
});

test('symlinks that point at each other are reported as a loop', async () => {
  const root = tree({ 'a.py': '' });
  symlinkSync(join(root, 'two'), join(root, 'one'));
  symlinkSync(join(root, 'one'), join(root, 'two'));
  const result = await discover(root);
  assert.deepEqual(result.rel, ['a.py']);
  assert.deepEqual(result.skippedRel, [
    ['one', 'symlink loop'],
    ['two', 'symlink loop'],
  ]);
});

test('broken symlinks, fifos and too-large files are skipped with a reason', async () => {
  const root = tree({ 'ok.py': 'x = 1\n', 'big.py': 'x'.repeat(3000) });
  symlinkSync(join(root, 'missing.py'), join(root, 'dangling.py'));
  execFileSync('mkfifo', [join(root, 'pipe.py')]);
  execFileSync('mkfifo', [join(root, 'pipe.txt')]); // not a source file: not mentioned
  const result = await discover(root, { maxFileBytes: 2048 });
  assert.deepEqual(result.rel, ['ok.py']);
  assert.deepEqual(result.skippedRel, [
    ['big.py', 'too large (2.9 KB > 2 KB limit)'],
    ['dangling.py', 'broken symlink'],
    ['pipe.py', 'not a regular file'],
  ]);
});

test('roots: missing, a single file, a non-source file, nested and repeated roots', async () => {
  const root = tree({ 'a.py': '', 'pkg/b.py': '', 'notes.txt': '' });
  const result = await discoverFiles({
    roots: [join(root, 'pkg'), root, join(root, 'nope'), join(root, 'a.py'), join(root, 'notes.txt'), root],
    exclude: [],
    extensions: ['.py'],
    maxFileBytes: 1 << 20,
  });
  assert.deepEqual(result.files, [join(root, 'a.py'), join(root, 'pkg/b.py')]);
  assert.deepEqual(result.skipped, [
    { file: join(root, 'nope'), reason: 'not found' },
    { file: join(root, 'notes.txt'), reason: 'not a source file (.py)' },
  ]);
});

// Running as root, chmod 000 does not make a folder unreadable, so an unreadable folder and a file
// deleted between listing and stat are simulated by wrapping fs.promises (which discover.ts calls
// through the shared module object).
test('an unreadable folder is skipped with a reason; a file or folder deleted mid-scan is dropped', async () => {
  const root = tree({ 'a.py': '', 'locked/x.py': '', 'gone/y.py': '', 'pkg/vanishing.py': '', 'pkg/stays.py': '' });
  const originalReaddir = fsPromises.readdir;
  const logs: string[] = [];
  (fsPromises as { readdir: unknown }).readdir = async (dir: string, options: unknown) => {
    if (dir === join(root, 'locked')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    if (dir === join(root, 'gone')) rmSync(dir, { recursive: true });
    const listing = await (originalReaddir as (d: string, o: unknown) => Promise<unknown>)(dir, options);
    if (dir === join(root, 'pkg')) unlinkSync(join(dir, 'vanishing.py'));
    return listing;
  };
  try {
    const result = await discover(root, { log: (m) => logs.push(m) });
    assert.deepEqual(result.rel, ['a.py', 'pkg/stays.py']);
    assert.deepEqual(result.skippedRel, [['locked', 'unreadable folder (EACCES)']]);
    assert.deepEqual(logs.sort(), [
      `file vanished during the scan: ${join(root, 'pkg/vanishing.py')}`,
      `folder vanished during the scan: ${join(root, 'gone')}`,
      `skipped ${join(root, 'locked')}: unreadable folder (EACCES)`,
    ]);
  } finally {
    fsPromises.readdir = originalReaddir;
  }
});

test('a cancelled token stops the walk and says so', async () => {
  const root = tree({ 'a.py': '', 'b/c.py': '' });
  const result = await discover(root, { token: { isCancellationRequested: true } });
  assert.deepEqual([result.files, result.cancelled], [[], true]);
});

test('createPathFilter: outside the roots is excluded, the root itself is not, .gitignore changes need forgetIgnoreFiles', () => {
  const root = tree({ 'a.py': '', 'pkg/b.py': '' });
  const filter = createPathFilter([root], []);
  assert.equal(filter.isExcluded(join(root, 'a.py')), false);
  assert.equal(filter.isExcluded(root), false);
  assert.equal(filter.isExcluded(join(tmpdir(), 'elsewhere.py')), true);
  assert.equal(filter.isExcluded(join(root, 'node_modules/x.py')), true);
  writeFileSync(join(root, '.gitignore'), 'pkg/\n');
  assert.equal(filter.isExcluded(join(root, 'pkg/b.py')), false, 'cached: the new .gitignore is not seen yet');
  filter.forgetIgnoreFiles();
  assert.equal(filter.isExcluded(join(root, 'pkg/b.py')), true);
  assert.equal(filter.isExcluded(join(root, 'pkg/not-yet-created.py')), true);
});

test('the Python standard library is discovered (timing lives in npm run bench, not here)', async (t) => {
  const stdlib = execFileSync('python3', ['-c', 'import os, sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  if (!statSync(stdlib, { throwIfNoEntry: false })?.isDirectory()) return t.skip('no python3 stdlib here');
  // The standard library proper: installed third-party packages are not part of the yardstick.
  const result = await discoverFiles({ roots: [stdlib], exclude: ['site-packages'], extensions: ['.py'], maxFileBytes: 1 << 20 });
  assert.ok(result.files.length > 500, `found ${result.files.length} files`);
  assert.ok(result.files.includes(join(stdlib, 'os.py')));
});
