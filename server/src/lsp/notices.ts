/**
 * Notices (a broken forkguard.toml, a skipped file...) reach the user three ways: every new one is
 * logged, warnings and errors pop up once per distinct message, and a notice about a file becomes a
 * diagnostic on that file so it shows in the Problems panel.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import type { Notice } from '../model';
import { noticeToDiagnostic } from './diagnostics';
import { fileToUri } from './uri';

export interface NoticeSink {
  log(message: string): void;
  showWarning(message: string): void;
}

export class NoticeReporter {
  private readonly shown = new Set<string>();
  private lastLogged = new Set<string>();

  constructor(private readonly sink: NoticeSink) {}

  /** Reports the notices of an analysis; notices unchanged since the previous one are not logged again. */
  report(notices: Notice[]): void {
    const current = new Set<string>();
    for (const notice of notices) {
      const text = notice.message; // engine notices name their file and key themselves
      current.add(text);
      if (!this.lastLogged.has(text)) this.sink.log(`[${notice.level}] ${text}`);
      if (notice.level !== 'info' && !this.shown.has(text)) {
        this.shown.add(text);
        this.sink.showWarning(`ForkGuard: ${text}`);
      }
    }
    this.lastLogged = current;
  }
}

/** Diagnostics for the notices that name a file, keyed by URI. */
export function noticeDiagnostics(notices: Notice[]): Map<string, Diagnostic[]> {
  const byUri = new Map<string, Diagnostic[]>();
  for (const notice of notices) {
    if (!notice.file) continue;
    const uri = fileToUri(notice.file);
    let list = byUri.get(uri);
    if (!list) byUri.set(uri, (list = []));
    list.push(noticeToDiagnostic(notice));
  }
  return byUri;
}
