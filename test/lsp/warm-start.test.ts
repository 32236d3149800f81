/**
 * A server started again on an unchanged workspace publishes the findings the results cache holds
 * at once, keeps its status "scanning" while it analyses the program in the background, and then
 * serves edits from that analysis.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { initializeClient, startServer, type LspTestClient } from './lspClient';

const root = mkdtempSync(path.join(tmpdir(), 'forkguard-lsp-warm-'));
const workspace = path.join(root, 'ws');
const storagePath = path.join(root, 'storage');
cpSync(path.join(__dirname, '../../examples'), workspace, { recursive: true });
after(() => rmSync(root, { recursive: true, force: true }));

/** Starts a server on the workspace and waits for the end of its start-up (a status that stops scanning after one that scans). */
async function startIndexed(): Promise<LspTestClient> {
  const client = startServer();
  await initializeClient(client, { workspace, storagePath });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const scanning = client.statuses.findIndex((status) => status.scanning);
    if (scanning >= 0 && client.statuses.slice(scanning).some((status) => !status.scanning)) return client;
    if (Date.now() > deadline) throw new Error(`no end of start-up; log:\n${client.logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stop(client: LspTestClient): Promise<void> {
  await client.connection.sendRequest('shutdown');
  await client.connection.sendNotification('exit');
  await client.exited;
}

/** Every published diagnostic as `file:line code`, sorted. */
function published(client: LspTestClient): string[] {
  const lines: string[] = [];
  for (const [uri, diagnostics] of client.diagnostics) for (const d of diagnostics) lines.push(`${path.relative(workspace, new URL(uri).pathname)}:${d.range.start.line + 1} ${d.code}`);
  return lines.sort();
}

describe('language server: warm start from the results cache', () => {
  it('publishes the stored findings, says scanning until its own analysis is done, then serves edits', async () => {
    const first = await startIndexed();
    const expected = published(first);
    assert.ok(expected.length >= 5, expected.join('\n'));
    assert.ok(!first.logs.some((line) => line.includes('from the results cache')));
    await stop(first);

    const second = await startIndexed();
    const fromCache = second.logs.findIndex((line) => line.includes('from the results cache'));
    assert.ok(fromCache >= 0, second.logs.join('\n'));
    assert.deepEqual(published(second), expected);
    // Between the stored findings' publish and the end of the background analysis the status kept "scanning".
    const statuses = second.statuses.map((status) => status.scanning);
    assert.equal(statuses.at(-1), false);
    assert.equal(statuses.indexOf(false), statuses.length - 1, JSON.stringify(second.statuses));

    const file = path.join(workspace, 'scheduler/scheduler/db.py');
    const uri = pathToFileURL(file).href;
    await second.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: 'import os\n\npid = os.fork()\n' } });
    const diagnostics = await second.waitForDiagnostics(uri, (_list, version) => version === 1);
    assert.deepEqual(diagnostics.map((d) => d.code), []);
    await stop(second);
  });
});
