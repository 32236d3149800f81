/**
 * Protocol faults against the bundled server (dist/server.js) over stdio: requests about documents
 * never opened, out-of-range positions, stale versions, a burst of 1,000 edits, cancellation of
 * every request kind, and a client that disappears. The server must keep serving (or, for the
 * last, exit by itself) and log no handler failure.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { assertAlive, startOnWorkspace, type ServerOnWorkspace } from './lsp-session';

const POOLS_PY = 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = ThreadPoolExecutor(max_workers=5)\n';
const MAIN_PY = 'import os\n\nfrom app.pools import EXECUTOR\n\npid = os.fork()\n';
const FILES = { 'app/__init__.py': '', 'app/pools.py': POOLS_PY, 'main.py': MAIN_PY };

const hasFg001 = (diagnostics: Diagnostic[]) => diagnostics.some((diagnostic) => diagnostic.code === 'FG001');
const REQUEST_CANCELLED = -32800;

/** Handler failures the server logged (guard.ts logs "<what> failed: ..."; process handlers log "unhandled ..."/"uncaught ..."). */
function failures(logs: string[]): string[] {
  return logs.filter((line) => / failed: |unhandled rejection|uncaught exception/.test(line));
}

describe('protocol faults', () => {
  let server: ServerOnWorkspace;
  let mainUri: string;

  before(async () => {
    server = await startOnWorkspace(FILES);
    mainUri = server.uri('main.py');
    await server.client.waitForDiagnostics(mainUri, hasFg001);
  });

  after(() => {
    server.client.child.kill();
    rmSync(server.root, { recursive: true, force: true });
  });

  it('answers requests about documents never opened, and ignores their changes and closes', async () => {
    const { connection } = server.client;
    for (const uri of [server.uri('missing.py'), 'untitled:Untitled-1', 'not a uri at all', server.uri('app/pools.py')]) {
      const actions = await connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      });
      assert.deepEqual(actions, [], uri);
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 9 }, contentChanges: [{ text: 'import os\nos.fork()\n' }] });
      await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    await assertAlive(server.client, { files: 3, findings: 1 });
    assert.deepEqual(failures(server.client.logs), []);
  });

  it('survives out-of-range positions in code actions and edits', async () => {
    const { connection } = server.client;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: mainUri, languageId: 'python', version: 1, text: MAIN_PY } });
    const far = { line: 1_000_000, character: 1_000_000 };
    const actions = await connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: mainUri },
      range: { start: far, end: far },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
    // Past the end: appended; negative and reversed: clamped and ordered by the document.
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: mainUri, version: 2 },
      contentChanges: [
        { range: { start: far, end: far }, text: '\n# appended\n' },
        { range: { start: { line: -5, character: -5 }, end: { line: -1, character: -1 } }, text: '' },
        { range: { start: { line: 4, character: 99 }, end: { line: 4, character: 0 } }, text: '' },
      ],
    });
    const diagnostics = await server.client.waitForDiagnostics(mainUri, (list) => !hasFg001(list));
    assert.deepEqual(diagnostics, []);
    // A full-text change resynchronises: the finding is back.
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 3 }, contentChanges: [{ text: MAIN_PY }] });
    await server.client.waitForDiagnostics(mainUri, hasFg001);
    await assertAlive(server.client, { files: 3, findings: 1 });
    assert.deepEqual(failures(server.client.logs), []);
  });

  it('takes an edit with a stale version without failing', async () => {
    const { connection } = server.client;
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: mainUri, version: 1 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# stale\n' }],
    });
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 4 }, contentChanges: [{ text: MAIN_PY }] });
    await server.client.waitForDiagnostics(mainUri, hasFg001);
    await assertAlive(server.client, { files: 3, findings: 1 });
  });

  it('settles within 5 s of a burst of 1,000 edits sent in under a second, on the last text', async () => {
    const { connection } = server.client;
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) {
      // Each edit types one character of a comment at the end; the last one removes the fork.
      void connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: mainUri, version: 100 + i },
        contentChanges: [{ range: { start: { line: 5, character: i }, end: { line: 5, character: i } }, text: '#' }],
      });
    }
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: mainUri, version: 1_100 },
      contentChanges: [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 15 } }, text: 'pid = 0' }],
    });
    const sent = performance.now();
    assert.ok(sent - started < 1_000, `sending took ${(sent - started).toFixed(0)} ms`);
    await server.client.waitForDiagnostics(mainUri, (list) => !hasFg001(list), 5_000);
    await assertAlive(server.client, { files: 3, findings: 0 });
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri: mainUri, version: 1_101 }, contentChanges: [{ text: MAIN_PY }] });
    await server.client.waitForDiagnostics(mainUri, hasFg001);
  });

  it('handles cancellation of every request kind: each answers or reports cancelled, and the server goes on', async () => {
    const { connection } = server.client;
    const requests: [string, unknown][] = [
      ['textDocument/codeAction', { textDocument: { uri: mainUri }, range: { start: { line: 4, character: 6 }, end: { line: 4, character: 6 } }, context: { diagnostics: [] } }],
      ['workspace/executeCommand', { command: 'forkguard.rescan', arguments: [] }],
      ['forkguard/report', {}],
      ['forkguard/stats', undefined],
    ];
    for (const [method, params] of requests) {
      const source = new CancellationTokenSource();
      const pending = connection.sendRequest(method, params, source.token);
      source.cancel();
      await pending.then(
        () => undefined,
        (error: { code?: number }) => assert.equal(error.code, REQUEST_CANCELLED, `${method} failed otherwise: ${JSON.stringify(error)}`),
      );
    }
    await assertAlive(server.client, { files: 3, findings: 1 });
    assert.deepEqual(failures(server.client.logs), []);
  });
});

/** Whether `exited` settles within `ms` (the timer is cleared either way, so it holds no test open). */
async function exitsWithin(exited: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([exited.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a client that disappears', () => {
  it('stdin closed: the server exits by itself within 5 s', async () => {
    const server = await startOnWorkspace(FILES);
    try {
      server.client.child.stdin!.end();
      assert.ok(await exitsWithin(server.client.exited, 5_000), 'the server still runs 5 s after its input closed');
    } finally {
      server.client.child.kill();
      rmSync(server.root, { recursive: true, force: true });
    }
  });

  it('parent process gone (processId of initialize): the server exits by itself within 8 s', async () => {
    const parent = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    const server = await startOnWorkspace(FILES, { processId: parent.pid });
    try {
      await server.client.waitForDiagnostics(server.uri('main.py'), hasFg001);
      parent.kill();
      assert.ok(await exitsWithin(server.client.exited, 8_000), 'the server still runs 8 s after its parent died');
    } finally {
      parent.kill();
      server.client.child.kill();
      rmSync(server.root, { recursive: true, force: true });
    }
  });
});
