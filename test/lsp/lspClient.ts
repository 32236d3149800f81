/**
 * A minimal LSP client for protocol tests: starts the bundled server (dist/server.js) over stdio,
 * answers the requests the server makes of its client, and records diagnostics, progress, status
 * notifications and log messages so tests can wait for them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const SERVER_BUNDLE = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export interface LspTestClient {
  connection: ProtocolConnection;
  child: ChildProcess;
  /** Latest diagnostics per URI. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Document version the latest diagnostics of each URI were published for (undefined: none given). */
  diagnosticVersions: Map<string, number | undefined>;
  progressMessages: string[];
  statuses: Array<{ findings: number; files: number; scanning: boolean; byRule: Record<string, number> }>;
  /** Messages the server popped up (window/showMessageRequest). */
  warnings: string[];
  logs: string[];
  /** Resolves with the diagnostics of `uri` once `accept` holds for them (checked on each publish). */
  waitForDiagnostics(uri: string, accept: (diagnostics: Diagnostic[], version: number | undefined) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  /** Resolves with the exit code once the server process ends. */
  exited: Promise<number | null>;
}

/** `bundle`: the server to start (the benchmark, itself bundled into dist/, passes its own path). */
export function startServer(bundle = SERVER_BUNDLE): LspTestClient {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [bundle, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, Diagnostic[]>();
  const diagnosticVersions = new Map<string, number | undefined>();
  const waiters: Array<() => void> = [];
  const client: LspTestClient = {
    connection,
    child,
    diagnostics,
    diagnosticVersions,
    progressMessages: [],
    statuses: [],
    warnings: [],
    logs: [],
    exited,
    waitForDiagnostics(uri, accept, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`timed out waiting for diagnostics of ${uri}; last: ${JSON.stringify(diagnostics.get(uri))}\nlog:\n${client.logs.join('\n')}`));
        }, timeoutMs);
        const check = () => {
          const current = diagnostics.get(uri);
          if (current === undefined || !accept(current, diagnosticVersions.get(uri))) return false;
          clearTimeout(timer);
          resolve(current);
          return true;
        };
        if (!check()) waiters.push(() => void check());
      });
    },
  };

  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    diagnostics.set(params.uri, params.diagnostics);
    diagnosticVersions.set(params.uri, params.version);
    for (const waiter of [...waiters]) waiter();
  });
  connection.onNotification('$/progress', (params: { value: { kind: string; message?: string } }) => {
    if (params.value.message) client.progressMessages.push(params.value.message);
  });
  connection.onNotification('forkguard/status', (status) => client.statuses.push(status));
  connection.onNotification('window/logMessage', (params: { message: string }) => client.logs.push(params.message));
  // The library's showWarningMessage is a request (it could offer buttons); answer "dismissed".
  connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
    client.warnings.push(params.message);
    return null;
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  child.stderr!.on('data', (chunk) => client.logs.push(`[stderr] ${chunk}`));
  connection.listen();
  return client;
}

export const CLIENT_CAPABILITIES = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    didChangeConfiguration: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
  },
  window: { workDoneProgress: true },
  textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } } },
};

export interface InitializeOptions {
  /** The workspace folder (one). */
  workspace: string;
  /** The extension's storage folder (the server keeps its facts cache below it). */
  storagePath: string;
  /** The workspace folder's name (default `ws`). */
  name?: string;
  /** The process id the server watches (it exits when that process is gone); default this one. */
  processId?: number;
  /** More initialization options beside `storagePath`. */
  initializationOptions?: Record<string, unknown>;
}

/** The `initialize` request and the `initialized` notification; resolves with the server's InitializeResult. */
export async function initializeClient(client: LspTestClient, options: InitializeOptions): Promise<unknown> {
  const folder = pathToFileURL(options.workspace).href;
  const result = await client.connection.sendRequest('initialize', {
    processId: options.processId ?? process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: options.name ?? 'ws' }],
    capabilities: CLIENT_CAPABILITIES,
    initializationOptions: { storagePath: options.storagePath, ...options.initializationOptions },
  });
  await client.connection.sendNotification('initialized', {});
  return result;
}
