// What `npm run package` puts in the .vsix (as `vsce ls` reports it, driven by .vscodeignore):
// the runtime files only — no sources, maps, tests, examples, benchmark or node_modules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');

/** The runtime bundles; each is in the package whenever the build produced it. */
const BUNDLES = ['dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/scan-worker.js', 'dist/typescript-frontend.js', 'dist/ts-scan-worker.js'];
const ALWAYS = [
  'package.json',
  'README.md',
  'LICENSE',
  'images/icon.png',
  'syntaxes/forkguard-suppression.injection.json',
  'dist/tree-sitter-python.wasm',
  'dist/web-tree-sitter.wasm',
];

/** Every rule folder's doc page, which the build copies to dist/rules/<folder>/README.md. */
const RULE_DOCS = readdirSync(join(root, 'server', 'src', 'rules'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'server', 'src', 'rules', entry.name, 'README.md')))
  .map((entry) => `dist/rules/${entry.name}/README.md`);

describe('vsix contents', () => {
  it('holds the runtime files and nothing else', (t) => {
    if (!existsSync(join(root, 'dist', 'tree-sitter-python.wasm'))) {
      t.skip('dist/ is not built (npm test builds it first)');
      return;
    }
    const result = spawnSync('npx', ['--no-install', 'vsce', 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const listed = result.stdout.split('\n').filter(Boolean).sort();
    assert.ok(RULE_DOCS.includes('dist/rules/fg001-pool-before-fork/README.md'));
    const expected = [...ALWAYS, ...RULE_DOCS, ...BUNDLES.filter((file) => existsSync(join(root, file)))].sort();
    assert.deepEqual(listed, expected);
  });
});
