/**
 * Restricted Mode over the protocol: with `initializationOptions.restricted`, a project file's
 * settings that widen what counts as a pool (pool-factories) are ignored, with a log line saying
 * so; trusted, the same workspace reports the finding they enable.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { startOnWorkspace } from './lsp-session';

const FILES = {
  'forkguard.toml': 'pool-factories = ["app.pools.make_pool"]\n',
  'app/__init__.py': '',
  'app/pools.py': 'def make_pool():\n    return object()\n',
  'main.py': 'import os\n\nfrom app.pools import make_pool\n\nPOOL = make_pool()\npid = os.fork()\n',
};

/**
 * Findings by rule once the start-up scan has indexed every file, and the server's log. Polled
 * through forkguard/stats: a rescan command sent right after `initialized` was seen to answer
 * before the workspace existed (empty counts), a race left for the session's owner.
 */
async function scanResult(restricted: boolean): Promise<{ byRule: unknown; logs: string[] }> {
  const server = await startOnWorkspace(FILES, { initializationOptions: { restricted } });
  try {
    const deadline = Date.now() + 10_000;
    let stats = { files: 0, byRule: {} as unknown };
    while (stats.files < 3 && Date.now() < deadline) {
      stats = (await server.client.connection.sendRequest('forkguard/stats')) as typeof stats;
      if (stats.files < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(stats.files, 3, 'the start-up scan did not index the workspace within 10 s');
    return { byRule: stats.byRule, logs: server.client.logs };
  } finally {
    server.client.child.kill();
    rmSync(server.root, { recursive: true, force: true });
  }
}

test('trusted: the configured pool factory makes a pool alive at the fork', async () => {
  assert.deepEqual((await scanResult(false)).byRule, { FG001: 1 });
});

test('restricted: the pool factory from forkguard.toml is ignored, and the log says so', async () => {
  const { byRule, logs } = await scanResult(true);
  assert.deepEqual(byRule, {});
  assert.ok(
    logs.some((line) => line.includes('forkguard.toml: pool-factories ignored in Restricted Mode')),
    `no log line about Restricted Mode:\n${logs.join('\n')}`,
  );
});
