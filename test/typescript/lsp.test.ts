/**
 * The bundled language server with TS/JS documents: a TS file on disk gets diagnostics at
 * start-up; an opened JS document gets them after each edit, from the editor's text; the
 * "Suppress on this line" quick fix of a TS finding uses `//`. Uses the engine's own FG000
 * (unused suppression) so the test does not depend on what the rules' checkers find.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { initializeClient, startServer, type LspTestClient } from '../lsp/lspClient';

const DB_TS = "import { Pool } from 'pg';\nexport const pool = new Pool(); // forkguard: ignore[FG001]\n";
const lines = (diagnostics: Diagnostic[], code: string): number[] => diagnostics.filter((d) => d.code === code).map((d) => d.range.start.line);

describe('language server with TS/JS documents', () => {
  let root: string;
  let client: LspTestClient;
  let dbUri: string;
  let workerUri: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'forkguard-lsp-ts-'));
    const workspace = path.join(root, 'ws');
    mkdirSync(path.join(workspace, 'src'), { recursive: true });
    writeFileSync(path.join(workspace, 'src', 'db.ts'), DB_TS);
    writeFileSync(path.join(workspace, 'src', 'worker.js'), "const { pool } = require('./db');\n");
    dbUri = pathToFileURL(path.join(workspace, 'src', 'db.ts')).href;
    workerUri = pathToFileURL(path.join(workspace, 'src', 'worker.js')).href;
    client = startServer();
    await initializeClient(client, { workspace, storagePath: path.join(root, 'storage') });
  });

  after(() => {
    client.child.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('publishes diagnostics of a TS file on disk at start-up', async () => {
    const diagnostics = await client.waitForDiagnostics(dbUri, (list) => list.some((d) => d.code === 'FG000'));
    assert.deepEqual(lines(diagnostics, 'FG000'), [1]);
    assert.equal(diagnostics.find((d) => d.code === 'FG000')!.range.start.character, 35);
  });

  it('re-analyses an opened JS document after each edit, from the editor text', async () => {
    const text = "const { pool } = require('./db');\n";
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: workerUri, languageId: 'javascript', version: 1, text } });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: workerUri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'pool.query(); // forkguard: ignore[FG002]\n' }],
    });
    const edited = await client.waitForDiagnostics(workerUri, (list, version) => version === 2 && lines(list, 'FG000').length === 1);
    assert.deepEqual(lines(edited, 'FG000'), [1]);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: workerUri, version: 3 },
      contentChanges: [{ text: "// forkguard: ignore[FG003]\nconst { pool } = require('./db');\n// forkguard: ignore\n" }],
    });
    const replaced = await client.waitForDiagnostics(workerUri, (_list, version) => version === 3);
    assert.deepEqual(lines(replaced, 'FG000'), [0, 2]);
  });
});
