/**
 * The ForkGuard language server entry point (bundled to dist/server.js). Speaks LSP over IPC (the
 * VS Code client) or `--stdio`; the library picks the transport from the command line and exits
 * when the client process (`processId` in initialize) dies.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { analyze, Workspace } from '../engine';
import { ruleDocsUrl } from '../model';
import { RULES } from '../rules';
import { describeError } from './guard';
import { ForkGuardSession, type Engine } from './session';

function realEngine(): Engine {
  const docsUrls = new Map(RULES.map((rule) => [rule.meta.id, ruleDocsUrl(rule.meta)]));
  return {
    createWorkspace: (options) => Workspace.create(options),
    analyze: (workspace, options) => analyze(workspace, options),
    ruleDocsUrl: (rule) => docsUrls.get(rule),
  };
}

export function main(): void {
  const connection = createConnection(ProposedFeatures.all);
  // One failing promise or callback must not end the session: log it and keep serving.
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${describeError(reason)}`));
  process.on('uncaughtException', (error) => connection.console.error(`uncaught exception: ${describeError(error)}`));
  new ForkGuardSession(connection, realEngine()).register();
  connection.listen();
}

if (require.main === module) main();
