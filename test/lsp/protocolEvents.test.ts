/**
 * The bundled language server reacting to the world outside the editor: a broken forkguard.toml
 * (warning + a diagnostic on the file), and files changed on disk (watched-file events).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { initializeClient, startServer, type LspTestClient } from './lspClient';

const FILE_CREATED = 1;

describe('language server: config notices and file events', () => {
  let root: string;
  let workspace: string;
  let client: LspTestClient;
  const uri = (relative: string) => pathToFileURL(path.join(workspace, relative)).href;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'forkguard-lsp-events-'));
    workspace = path.join(root, 'ws');
    mkdirSync(workspace);
    writeFileSync(path.join(workspace, 'main.py'), 'import os\n\npid = os.fork()\n');
    writeFileSync(path.join(workspace, 'forkguard.toml'), '# settings\ntimeout-seconds = "soon"\n');
    client = startServer();
    await initializeClient(client, { workspace, storagePath: path.join(root, 'storage') });
  });

  after(async () => {
    await client.connection.sendRequest('shutdown');
    await client.connection.sendNotification('exit');
    await client.exited;
    rmSync(root, { recursive: true, force: true });
  });

  it('shows a broken forkguard.toml as a warning and as a diagnostic on the key', async () => {
    const [diagnostic] = await client.waitForDiagnostics(uri('forkguard.toml'), (diagnostics) => diagnostics.length > 0);
    assert.equal(diagnostic.source, 'forkguard');
    assert.equal(diagnostic.severity, 2);
    assert.equal(diagnostic.range.start.line, 1);
    assert.match(diagnostic.message, /^forkguard\.toml:2:1: timeout-seconds: /);
    assert.deepEqual(client.warnings, [`ForkGuard: ${diagnostic.message}`]);
  });

  it('picks up files created on disk from watcher events', async () => {
    mkdirSync(path.join(workspace, 'app'));
    writeFileSync(path.join(workspace, 'app', '__init__.py'), '');
    writeFileSync(path.join(workspace, 'app', 'pools.py'), 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = ThreadPoolExecutor(max_workers=5)\n');
    writeFileSync(path.join(workspace, 'main.py'), 'import os\n\nfrom app.pools import EXECUTOR\n\npid = os.fork()\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: uri('app/__init__.py'), type: FILE_CREATED },
        { uri: uri('app/pools.py'), type: FILE_CREATED },
        { uri: uri('main.py'), type: 2 },
      ],
    });
    const diagnostics = await client.waitForDiagnostics(uri('main.py'), (list) => list.some((d) => d.code === 'FG001'));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['FG001', 4]]);
  });
});
