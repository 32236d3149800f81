/**
 * TypeScript is loaded only when a TS/JS file must be parsed: a Python-only workspace (scan,
 * analysis, an open Python document) never loads it; the first TS/JS file does. Its own test
 * file, so that no other test of this process has loaded the front end before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyze, Workspace } from '../../server/src/engine';
import { isTsFrontendLoaded } from '../../server/src/typescript/load';

const root = mkdtempSync(join(tmpdir(), 'fg-lazy-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a Python-only workspace never loads TypeScript; the first TS file does', async () => {
  writeFileSync(join(root, 'app.py'), 'import os\nos.fork()\n');
  const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
  await ws.scan();
  ws.openDocument(join(root, 'app.py'), 'import os\nos.fork()\n', 1);
  await analyze(ws);
  assert.equal(isTsFrontendLoaded(), false);

  writeFileSync(join(root, 'server.ts'), "import cluster from 'node:cluster';\ncluster.fork();\n");
  await ws.refreshFile(join(root, 'server.ts'));
  assert.equal(isTsFrontendLoaded(), true);
  assert.equal(ws.tsFacts(join(root, 'server.ts'))?.calls[0].callee.join('.'), 'cluster.fork');
});
