/** Starts the bundled server on a scratch workspace for the protocol-fault tests. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { initializeClient, startServer, type LspTestClient } from '../lsp/lspClient';

export interface ServerOnWorkspace {
  client: LspTestClient;
  /** The scratch folder (workspace under `ws/`, server storage under `storage/`). */
  root: string;
  uri(relativePath: string): string;
}

/** Writes `files` under a fresh workspace folder, starts the server and completes the handshake. */
export async function startOnWorkspace(
  files: Record<string, string>,
  options: { processId?: number; initializationOptions?: Record<string, unknown> } = {},
): Promise<ServerOnWorkspace> {
  const root = mkdtempSync(path.join(tmpdir(), 'forkguard-lsp-faults-'));
  const workspace = path.join(root, 'ws');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
    writeFileSync(path.join(workspace, name), text);
  }
  const client = startServer();
  await initializeClient(client, {
    workspace,
    storagePath: path.join(root, 'storage'),
    processId: options.processId,
    initializationOptions: options.initializationOptions,
  });
  return { client, root, uri: (relativePath) => pathToFileURL(path.join(workspace, relativePath)).href };
}

/** The server still answers, with the counts given: what every fault test ends with. */
export async function assertAlive(client: LspTestClient, expected: { files: number; findings: number }): Promise<void> {
  const stats = (await client.connection.sendRequest('forkguard/stats')) as { files: number; findings: number };
  assert.deepEqual({ files: stats.files, findings: stats.findings }, expected);
  assert.equal(client.child.exitCode, null, 'the server process ended');
}
