/**
 * Asks the server for the migration report (`forkguard/report`) under a progress notification
 * with a Cancel button; cancelling cancels the request.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const REPORT_REQUEST = 'forkguard/report';
export type ReportFormat = 'md' | 'html' | 'json';

/** Weeks of git history the report samples (the server's default too). */
export const HISTORY_WEEKS = 26;

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/** The rendered report, or undefined when the user cancelled. */
export async function requestReport(client: LanguageClient, format: ReportFormat, nonce: string): Promise<string | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'ForkGuard: building the migration report…', cancellable: true },
    async (_progress, token) => {
      try {
        const response = await client.sendRequest<{ content: string }>(REPORT_REQUEST, { format, historyWeeks: HISTORY_WEEKS, nonce }, token);
        return token.isCancellationRequested ? undefined : response.content;
      } catch (error) {
        if (token.isCancellationRequested) return undefined;
        throw error;
      }
    },
  );
}
