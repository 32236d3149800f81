/**
 * The bundled language server (dist/server.js, real engine) over stdio, spoken to with
 * vscode-languageserver-protocol: workspace diagnostics at start-up, code actions, a cross-file
 * update without saving, the rescan command, stats, and a clean shutdown.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { initializeClient, startServer, type LspTestClient } from './lspClient';

const POOLS_PY = 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = ThreadPoolExecutor(max_workers=5)\n';
const MAIN_PY = 'import os\n\nfrom app.pools import EXECUTOR\n\npid = os.fork()\n';

const isFg001 = (diagnostics: Diagnostic[]) => diagnostics.some((d) => d.code === 'FG001');

describe('language server over stdio', () => {
  let root: string;
  let client: LspTestClient;
  let mainUri: string;
  let poolsUri: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'forkguard-lsp-'));
    const workspace = path.join(root, 'ws');
    mkdirSync(path.join(workspace, 'app'), { recursive: true });
    writeFileSync(path.join(workspace, 'app', '__init__.py'), '');
    writeFileSync(path.join(workspace, 'app', 'pools.py'), POOLS_PY);
    writeFileSync(path.join(workspace, 'main.py'), MAIN_PY);
    mainUri = pathToFileURL(path.join(workspace, 'main.py')).href;
    poolsUri = pathToFileURL(path.join(workspace, 'app', 'pools.py')).href;

    client = startServer();
    const result = await initializeClient(client, { workspace, storagePath: path.join(root, 'storage') });
    assert.deepEqual((result as { capabilities: { textDocumentSync: unknown } }).capabilities.textDocumentSync, { openClose: true, change: 2 });
  });

  after(() => {
    client.child.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('publishes FG001 on the entry point at start-up, without it being open', async () => {
    const [diagnostic] = await client.waitForDiagnostics(mainUri, isFg001);
    assert.equal(diagnostic.source, 'forkguard');
    assert.equal(diagnostic.severity, 2);
    assert.deepEqual(diagnostic.range, { start: { line: 4, character: 6 }, end: { line: 4, character: 15 } });
    assert.equal(diagnostic.codeDescription?.href, 'https://github.com/forkguard/forkguard/blob/main/server/src/rules/fg001-pool-before-fork/README.md');
    assert.ok(client.progressMessages.some((message) => /^indexing \d+\/\d+$/.test(message)), `progress: ${client.progressMessages}`);
    assert.deepEqual(await client.connection.sendRequest('forkguard/stats'), { files: 3, findings: 1, byRule: { FG001: 1 } });
    const status = client.statuses.at(-1);
    assert.deepEqual(status, { files: 3, findings: 1, byRule: { FG001: 1 }, scanning: false });
  });

  it('offers the preferred quick fix with its exact edit once the file is open', async () => {
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: mainUri, languageId: 'python', version: 1, text: MAIN_PY },
    });
    const [diagnostic] = await client.waitForDiagnostics(mainUri, isFg001);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: mainUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    })) as CodeAction[];
    const preferred = actions.filter((action) => action.isPreferred);
    assert.equal(preferred.length, 1, JSON.stringify(actions, null, 1));
    assert.equal(preferred[0].kind, 'quickfix');
    assert.deepEqual(preferred[0].diagnostics, [diagnostic]);
    assert.deepEqual(preferred[0].edit, {
      documentChanges: [
        {
          textDocument: { uri: mainUri, version: 1 },
          edits: [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, newText: 'EXECUTOR.shutdown(wait=True)\n' }],
        },
      ],
    });
    const sourceOnly = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: mainUri },
      range: diagnostic.range,
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.deepEqual(
      sourceOnly.map((action) => [action.kind, action.edit]),
      [['source.fixAll.forkguard', preferred[0].edit]],
    );
  });

  it('clears the entry point when an unsaved edit removes the pool in another module', async () => {
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: poolsUri, languageId: 'python', version: 1, text: POOLS_PY },
    });
    // Line 2 `EXECUTOR = ThreadPoolExecutor(max_workers=5)`: replace the call with None.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: poolsUri, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 44 } }, text: 'None' }],
    });
    await client.waitForDiagnostics(mainUri, (diagnostics) => diagnostics.length === 0);
    assert.deepEqual(await client.connection.sendRequest('workspace/executeCommand', { command: 'forkguard.rescan', arguments: [] }), {
      files: 3,
      findings: 0,
      byRule: {},
    });
    assert.deepEqual(client.statuses.at(-1), { files: 3, findings: 0, byRule: {}, scanning: false });
  });

  it('shuts down and exits with code 0', async () => {
    await client.connection.sendRequest('shutdown');
    await client.connection.sendNotification('exit');
    assert.equal(await client.exited, 0);
  });
});
