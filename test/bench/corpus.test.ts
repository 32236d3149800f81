import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectPythonFiles, collectSourceFiles, MAX_TS_CORPUS_FILE_BYTES, STDLIB_EXCLUDES, tsBundleExcludes } from '../../bench/corpus';
import { balance } from '../../bench/floor';

describe('bench corpus', () => {
  const root = mkdtempSync(join(tmpdir(), 'forkguard-bench-corpus-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('big.py', 'x = 1\n'.repeat(10));
  write('pkg/small.py', 'y = 2\n');
  write('pkg/notes.txt', 'not python\n');
  write('build/generated.py', 'z = 3\n');
  write('.venv/lib/site.py', 'z = 3\n');
  write('site-packages/thirdparty.py', 'z = 3\n');

  it('lists .py files largest first, without the default excludes', () => {
    const files = collectPythonFiles(root).map((file) => [relative(root, file.path), file.bytes]);
    assert.deepEqual(files, [
      ['big.py', 60],
      ['pkg/small.py', 6],
      ['site-packages/thirdparty.py', 6],
    ]);
  });

  it('leaves out the extra excludes (site-packages for the stdlib corpus)', () => {
    const files = collectPythonFiles(root, STDLIB_EXCLUDES).map((file) => relative(root, file.path));
    assert.deepEqual(files, ['big.py', 'pkg/small.py']);
  });
});

describe('bench TS/JS corpus', () => {
  const root = mkdtempSync(join(tmpdir(), 'forkguard-bench-ts-corpus-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, bytes: number): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), 'x'.repeat(bytes));
  };
  write('pkg/index.js', 30);
  write('pkg/lib/util.ts', 20);
  write('pkg/lib/util.d.ts', 10);
  write('pkg/dist/bundle.js', 10);
  write('pkg/lib/[generated].js', MAX_TS_CORPUS_FILE_BYTES + 1);
  write('pkg/README.md', 10);

  it('lists TS/JS sources without .d.ts files and default excludes, and leaves bundles out by name', () => {
    const all = collectSourceFiles(root, 'ts');
    assert.deepEqual(
      all.map((file) => relative(root, file.path)),
      ['pkg/lib/[generated].js', 'pkg/index.js', 'pkg/lib/util.ts'],
    );
    const bundles = tsBundleExcludes(root, all);
    assert.deepEqual(bundles, ['pkg/lib/\\[generated\\].js'], 'special characters escaped: the glob matches only this file');
    assert.deepEqual(
      collectSourceFiles(root, 'ts', bundles).map((file) => relative(root, file.path)),
      ['pkg/index.js', 'pkg/lib/util.ts'],
    );
  });
});

describe('balance', () => {
  it('gives each file to the least loaded share, largest first', () => {
    const files = [
      { path: 'a', bytes: 50 },
      { path: 'b', bytes: 30 },
      { path: 'c', bytes: 20 },
      { path: 'd', bytes: 10 },
    ];
    assert.deepEqual(balance(files, 2), [['a', 'd'], ['b', 'c']]);
  });

  it('never returns empty shares, and at least one for zero threads', () => {
    assert.deepEqual(balance([{ path: 'a', bytes: 1 }], 4), [['a']]);
    assert.deepEqual(balance([{ path: 'a', bytes: 1 }], 0), [['a']]);
    assert.deepEqual(balance([], 3), []);
  });
});
