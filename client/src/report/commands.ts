/** The two report commands: show the report in a webview, export it to a file. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReportPanel } from './panel';
import { newNonce, requestReport, type ReportFormat } from './request';

const EXPORT_FILTERS: Record<string, string[]> = { Markdown: ['md'], HTML: ['html'], JSON: ['json'] };

/** The format a chosen file name asks for (by extension), Markdown when unknown. */
export function formatOfFile(fileName: string): ReportFormat {
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'html' || extension === 'htm') return 'html';
  if (extension === 'json') return 'json';
  return 'md';
}

function ensureRunning(client: LanguageClient): boolean {
  if (client.isRunning()) return true;
  void vscode.window.showWarningMessage('The ForkGuard server is not running. Run "ForkGuard: Restart Server".');
  return false;
}

export async function showReport(client: LanguageClient, extensionUri: vscode.Uri): Promise<void> {
  if (!ensureRunning(client)) return;
  const html = await requestReport(client, 'html', newNonce());
  if (html !== undefined) ReportPanel.show(extensionUri, html);
}

export async function exportReport(client: LanguageClient): Promise<void> {
  if (!ensureRunning(client)) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Export ForkGuard Migration Report',
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'forkguard-report.md') : undefined,
    filters: EXPORT_FILTERS,
  });
  if (!target) return;
  const content = await requestReport(client, formatOfFile(target.path), newNonce());
  if (content === undefined) return;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
  void vscode.window.showInformationMessage(`ForkGuard migration report written to ${target.fsPath}`);
}
