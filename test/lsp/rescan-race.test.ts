/**
 * A rescan asked for at once after `initialized` (while the start-up scan runs) must answer with
 * the counts of a finished analysis, not with the empty counts of none.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { initializeClient, startServer, type LspTestClient } from './lspClient';

const root = mkdtempSync(path.join(tmpdir(), 'forkguard-rescan-'));
const clients: LspTestClient[] = [];
after(() => {
  for (const client of clients) {
    client.connection.dispose();
    client.child.kill();
  }
  rmSync(root, { recursive: true, force: true });
});

it('answers a rescan sent right after initialized with the finished counts', async () => {
  const workspace = path.join(root, 'ws');
  mkdirSync(path.join(workspace, 'app'), { recursive: true });
  writeFileSync(path.join(workspace, 'app', '__init__.py'), '');
  writeFileSync(path.join(workspace, 'app', 'pools.py'), 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = ThreadPoolExecutor(max_workers=5)\n');
  writeFileSync(path.join(workspace, 'main.py'), 'import os\n\nfrom app.pools import EXECUTOR\n\npid = os.fork()\n');
  for (let attempt = 0; attempt < 3; attempt++) {
    const client = startServer();
    clients.push(client);
    await initializeClient(client, { workspace, storagePath: path.join(root, `storage-${attempt}`) });
    const counts = await client.connection.sendRequest('workspace/executeCommand', { command: 'forkguard.rescan', arguments: [] });
    assert.deepEqual(counts, { files: 3, findings: 1, byRule: { FG001: 1 } }, `attempt ${attempt + 1}`);
    // Ended the way an editor ends it, so no pipe of a killed process is left open here.
    await client.connection.sendRequest('shutdown');
    await client.connection.sendNotification('exit');
    await client.exited;
  }
});
