import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_FILES } from './fixture';
import { removeFixtureDirs, workspaceDir } from './helpers';

const CLI_BUNDLE = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI_BUNDLE, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('forkguard report (bundled CLI)', () => {
  let dir: string;
  before(() => {
    dir = workspaceDir(FIXTURE_FILES);
  });
  after(removeFixtureDirs);

  it('prints the JSON report of a folder', () => {
    const { status, stdout } = cli(['report', '.', '--format', 'json', '--history-weeks', '0', '--no-cache'], dir);
    assert.equal(status, 0);
    const json = JSON.parse(stdout);
    assert.deepEqual([json.eventlet.textualRefs, json.eventlet.apiUses, json.pools.length, json.trend.length], [7, 6, 3, 0]);
    assert.equal(json.trendUnavailable, 'history disabled (0 weeks asked)');
  });

  it('writes Markdown by default, and HTML to --output', () => {
    const markdown = cli(['report', dir, '--history-weeks', '0', '--no-cache'], dir);
    assert.equal(markdown.status, 0);
    assert.ok(markdown.stdout.startsWith('# ForkGuard migration report\n'));
    const written = cli(['report', '--format', 'html', '--output', 'out.html', '--history-weeks', '0', '--no-cache'], dir);
    assert.equal(written.status, 0);
    assert.equal(written.stdout, '');
    assert.equal(written.stderr, 'forkguard: wrote the migration report to out.html\n');
    assert.ok(readFileSync(path.join(dir, 'out.html'), 'utf8').startsWith('<!DOCTYPE html>\n'));
  });

  it('rejects a bad format, a bad week count and a missing folder with exit 2', () => {
    assert.equal(cli(['report', '--format', 'pdf'], dir).status, 2);
    assert.equal(cli(['report', '--history-weeks', '-3'], dir).status, 2);
    const missing = cli(['report', 'nowhere'], dir);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'forkguard: no such directory: nowhere\n');
  });
});
