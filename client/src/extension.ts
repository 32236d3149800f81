/**
 * The VS Code side of ForkGuard: starts the language server, and wires its commands, status bar
 * item and output channel. All analysis happens in the server.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient, State } from 'vscode-languageclient/node';
import { Commands, SERVER_RESCAN_COMMAND, STATUS_NOTIFICATION } from './commands';
import { createLanguageClient } from './languageClient';
import { exportReport, showReport } from './report/commands';
import { CrashRestartPolicy } from './restartPolicy';
import { parseStatus, type ServerState } from './status';
import { ForkGuardStatusBar } from './statusBar';

/** Returned from `activate` for integration tests. */
export interface ForkGuardApi {
  client: LanguageClient;
  statusBarText(): string;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ForkGuardApi> {
  const outputChannel = vscode.window.createOutputChannel('ForkGuard');
  const statusBar = new ForkGuardStatusBar();
  const crashPolicy = new CrashRestartPolicy();
  const languageClient = createLanguageClient(context, outputChannel, crashPolicy);
  client = languageClient;

  const restartServer = async (reason: string): Promise<void> => {
    outputChannel.appendLine(`Restarting the ForkGuard server (${reason}).`);
    crashPolicy.reset();
    try {
      await languageClient.restart();
    } catch (error) {
      reportError('Could not restart the ForkGuard server', error, outputChannel);
    }
  };

  context.subscriptions.push(
    outputChannel,
    statusBar,
    languageClient.onDidChangeState((event) => statusBar.setState(toServerState(event.newState))),
    languageClient.onNotification(STATUS_NOTIFICATION, (payload: unknown) => {
      const status = parseStatus(payload);
      if (status) statusBar.setStatus(status);
      else outputChannel.appendLine(`Ignored a malformed ${STATUS_NOTIFICATION} notification: ${JSON.stringify(payload)}`);
    }),
    vscode.commands.registerCommand(Commands.rescan, async () => {
      if (!languageClient.isRunning()) {
        void vscode.window.showWarningMessage('The ForkGuard server is not running. Run "ForkGuard: Restart Server".');
        return;
      }
      try {
        await languageClient.sendRequest(ExecuteCommandRequest.type, { command: SERVER_RESCAN_COMMAND, arguments: [] });
      } catch (error) {
        reportError('ForkGuard re-scan failed', error, outputChannel);
      }
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => outputChannel.show(true)),
    vscode.commands.registerCommand(Commands.restartServer, () => restartServer('requested')),
    vscode.commands.registerCommand(Commands.showReport, () =>
      showReport(languageClient, context.extensionUri).catch((error) => reportError('The ForkGuard migration report failed', error, outputChannel)),
    ),
    vscode.commands.registerCommand(Commands.exportReport, () =>
      exportReport(languageClient).catch((error) => reportError('Exporting the ForkGuard migration report failed', error, outputChannel)),
    ),
    // Restricted Mode ignores settings that widen what is read; once trusted, start over without it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restartServer('workspace trusted')),
  );

  try {
    await languageClient.start();
  } catch (error) {
    statusBar.setState('stopped');
    reportError('The ForkGuard server failed to start', error, outputChannel);
  }

  return { client: languageClient, statusBarText: () => statusBar.text };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function toServerState(state: State): ServerState {
  switch (state) {
    case State.Running:
      return 'running';
    case State.Starting:
      return 'starting';
    default:
      return 'stopped';
  }
}

function reportError(what: string, error: unknown, outputChannel: vscode.OutputChannel): void {
  const detail = error instanceof Error ? error.message : String(error);
  outputChannel.appendLine(`${what}: ${detail}`);
  void vscode.window.showErrorMessage(`${what}: ${detail}`, 'Show Output').then((choice) => {
    if (choice) outputChannel.show(true);
  });
}
