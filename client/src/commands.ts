/**
 * Command ids. The palette commands are registered by the extension itself (so they exist before
 * the server has started and survive its restarts); the server command is what the language server
 * advertises through `workspace/executeCommand`.
 */
export const Commands = {
  rescan: 'forkguard.rescan',
  showOutput: 'forkguard.showOutput',
  restartServer: 'forkguard.restartServer',
  showReport: 'forkguard.showReport',
  exportReport: 'forkguard.exportReport',
} as const;

/** Palette commands owned by the extension; the language client must not register these again. */
export const CLIENT_COMMANDS: ReadonlySet<string> = new Set(Object.values(Commands));

/** The server's command that re-scans every workspace folder. */
export const SERVER_RESCAN_COMMAND = 'forkguard.rescan';

/** Notification the server sends whenever its totals change. */
export const STATUS_NOTIFICATION = 'forkguard/status';

/** VS Code's own command that reveals the Problems panel. */
export const SHOW_PROBLEMS_COMMAND = 'workbench.actions.view.problems';
