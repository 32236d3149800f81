/** The migration report: the model (buildReport) and its renderers. */
import type { MigrationReport } from './model';
import { renderHtml } from './html';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';

export { buildReport, ReportCancelled, type ReportOptions } from './build';
export { DEFAULT_HISTORY_WEEKS, MAX_HISTORY_WEEKS } from './trend';
export { renderHtml, type HtmlOptions, type RevealMessage } from './html';
export { renderJson } from './json';
export { renderMarkdown } from './markdown';
export type * from './model';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Renders in one of the formats; HTML needs a nonce (a standalone export makes a fresh one). */
export function renderReport(report: MigrationReport, format: ReportFormat, nonce: string): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report, { nonce });
    case 'json':
      return renderJson(report);
  }
}
