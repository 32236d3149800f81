/**
 * Builds the LanguageClient that runs the bundled server (dist/server.js) over Node IPC.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type DynamicFeature,
  type LanguageClientOptions,
  type RegistrationData,
  type ServerOptions,
  type StaticFeature,
  TransportKind,
} from 'vscode-languageclient/node';
import { withoutClientCommands } from './serverCommands';
import type { CrashRestartPolicy } from './restartPolicy';

const LANGUAGES = ['python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact'];

/** Options the server reads from `initialize`. */
export interface ForkGuardInitializationOptions {
  /** Where the server keeps its facts cache. */
  storagePath: string;
  /** Restricted Mode: the workspace is not trusted. */
  restricted: boolean;
}

/**
 * A LanguageClient whose command feature leaves the extension's own palette commands (registered
 * before the server starts, so they always exist) to the extension: see withoutClientCommands.
 */
class ForkGuardLanguageClient extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<any>): void {
    if (isDynamic(feature) && feature.registrationType.method === ExecuteCommandRequest.method) {
      const register = feature.register.bind(feature);
      feature.register = (data: RegistrationData<any>) => register(withoutClientCommands(data));
    }
    super.registerFeature(feature);
  }
}

function isDynamic(feature: StaticFeature | DynamicFeature<any>): feature is DynamicFeature<any> {
  return 'registrationType' in feature && typeof (feature as DynamicFeature<any>).register === 'function';
}

export function createLanguageClient(
  context: vscode.ExtensionContext,
  outputChannel: vscode.OutputChannel,
  crashPolicy: CrashRestartPolicy,
): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    synchronize: { configurationSection: 'forkguard' },
    // A function, so a restart after trust is granted sends the new trust state.
    initializationOptions: (): ForkGuardInitializationOptions => ({
      storagePath: context.storageUri?.fsPath ?? context.globalStorageUri.fsPath,
      restricted: !vscode.workspace.isTrusted,
    }),
    outputChannel,
    errorHandler: {
      // A broken message is logged; the connection stays up.
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        if (crashPolicy.shouldRestartAfterCrash()) {
          outputChannel.appendLine('The ForkGuard server stopped unexpectedly; restarting it.');
          return { action: CloseAction.Restart, handled: true };
        }
        return {
          action: CloseAction.DoNotRestart,
          message: `The ForkGuard server crashed ${crashPolicy.maxRestarts + 1} times in ${crashPolicy.windowMs / 60000} minutes and will not be restarted. See "ForkGuard: Show Output", then run "ForkGuard: Restart Server".`,
        };
      },
    },
  };

  return new ForkGuardLanguageClient('forkguard', 'ForkGuard', serverOptions, clientOptions);
}
