/**
 * The `forkguard/report` request: the migration report of the session's workspace, rendered in
 * the format asked. Honours cancellation (a
 * cancelled request answers with LSP's RequestCancelled error).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { AnalysisResult } from '../engine/api';
import type { Workspace } from '../engine/workspace';
import { buildReport, DEFAULT_HISTORY_WEEKS, isReportFormat, MAX_HISTORY_WEEKS, ReportCancelled, renderReport, type ReportFormat } from '../report';

export const REPORT_REQUEST = 'forkguard/report';

export interface ReportParams {
  format: ReportFormat;
  historyWeeks: number;
  /** The nonce the HTML's CSP allows (the webview sets it); a fresh one when absent. */
  nonce?: string;
}

export interface ReportResponse {
  format: ReportFormat;
  content: string;
}

/** Checks the client's params; a bad one is an InvalidParams error with a clear message. */
export function parseReportParams(raw: unknown): ReportParams {
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const format = source.format ?? 'html';
  if (!isReportFormat(format)) throw new ResponseError(ErrorCodes.InvalidParams, `format must be md, html or json, not ${JSON.stringify(format)}`);
  const weeks = source.historyWeeks ?? DEFAULT_HISTORY_WEEKS;
  if (typeof weeks !== 'number' || !Number.isInteger(weeks) || weeks < 0 || weeks > MAX_HISTORY_WEEKS) {
    throw new ResponseError(ErrorCodes.InvalidParams, `historyWeeks must be a whole number from 0 to ${MAX_HISTORY_WEEKS}`);
  }
  const nonce = source.nonce;
  if (nonce !== undefined && (typeof nonce !== 'string' || !/^[A-Za-z0-9+/=]{16,}$/.test(nonce))) {
    throw new ResponseError(ErrorCodes.InvalidParams, 'nonce must be at least 16 base64 characters');
  }
  return { format, historyWeeks: weeks, nonce };
}

/**
 * Builds and renders the report; `analyze` runs the engine on the current state. The client shows
 * the progress notification (with its Cancel button, which cancels this request): a second one
 * from the server would only duplicate it.
 */
export async function respondWithReport(
  workspace: Workspace,
  analyze: (token: CancellationToken) => Promise<AnalysisResult>,
  params: ReportParams,
  token: CancellationToken,
): Promise<ReportResponse> {
  try {
    const started = performance.now();
    const analysis = await analyze(token);
    throwIfCancelled(token);
    const report = await buildReport(workspace, analysis, { historyWeeks: params.historyWeeks, startedAt: started, token });
    return { format: params.format, content: renderReport(report, params.format, params.nonce ?? randomBytes(16).toString('base64')) };
  } catch (error) {
    if (error instanceof ReportCancelled || token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'report cancelled');
    throw error;
  }
}

function throwIfCancelled(token: CancellationToken): void {
  if (token.isCancellationRequested) throw new ReportCancelled();
}
