// The files the .vsix holds (as `vsce ls` lists them) are enough to analyse TS/JS: copied alone
// to a folder with no node_modules above it, the packaged CLI checks a TS workspace (the front
// end, dist/typescript-frontend.js, is found beside the bundle and loaded lazily).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');

describe('vsix runtime with TS/JS', () => {
  it('the packaged files alone analyse a TS file', (t) => {
    if (!existsSync(join(root, 'dist', 'typescript-frontend.js'))) {
      t.skip('dist/ is not built (npm test builds it first)');
      return;
    }
    const listing = spawnSync('npx', ['--no-install', 'vsce', 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    const scratch = mkdtempSync(join(tmpdir(), 'forkguard-vsix-ts-'));
    try {
      const extension = join(scratch, 'extension');
      for (const file of listing.stdout.split('\n').filter(Boolean)) {
        mkdirSync(dirname(join(extension, file)), { recursive: true });
        cpSync(join(root, file), join(extension, file));
      }
      const workspace = join(scratch, 'ws');
      mkdirSync(workspace);
      writeFileSync(join(workspace, 'server.ts'), "import cluster from 'node:cluster';\ncluster.fork(); // forkguard: ignore[FG003]\n");
      const run = spawnSync(process.execPath, [join(extension, 'dist', 'cli.js'), 'check', '--no-cache', '--format', 'json', workspace], { cwd: scratch, encoding: 'utf8' });
      assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
      const report = JSON.parse(run.stdout) as { findings: { rule: string; message: string }[] };
      assert.deepEqual(report.findings.map((finding) => [finding.rule, finding.message]), [['FG000', 'Unused suppression: no FG003 finding on this line']]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
