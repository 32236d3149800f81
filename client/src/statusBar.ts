/**
 * The status bar item: hazard count (or a spinner while the server starts or scans); a click
 * opens the Problems panel.
 */
import * as vscode from 'vscode';
import { SHOW_PROBLEMS_COMMAND } from './commands';
import { describeStatus, type ForkGuardStatus, type ServerState } from './status';

export class ForkGuardStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('forkguard.status', vscode.StatusBarAlignment.Left, 0);
  private state: ServerState = 'starting';
  private status: ForkGuardStatus | undefined;

  constructor() {
    this.item.name = 'ForkGuard';
    this.item.command = SHOW_PROBLEMS_COMMAND;
    this.render();
    this.item.show();
  }

  setState(state: ServerState): void {
    this.state = state;
    // Totals from before a restart are stale until the new server reports.
    if (state !== 'running') this.status = undefined;
    this.render();
  }

  setStatus(status: ForkGuardStatus): void {
    this.status = status;
    this.render();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const view = describeStatus(this.state, this.status);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
  }
}
