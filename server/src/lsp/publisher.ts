/**
 * Publishes diagnostics per file, sending only what changed since the last publish: a file whose
 * diagnostics are identical is skipped, and a file published before but absent now is cleared.
 */
import type { Diagnostic } from 'vscode-languageserver/node';

export type SendDiagnostics = (uri: string, diagnostics: Diagnostic[]) => void;

export class DiagnosticsPublisher {
  /** Serialised diagnostics last sent per URI (only URIs with at least one diagnostic). */
  private readonly published = new Map<string, string>();

  constructor(private readonly send: SendDiagnostics) {}

  /**
   * Makes the client's state equal `next` (every URI not in `next` ends with no diagnostics).
   * Returns the URIs that were sent.
   */
  publish(next: Map<string, Diagnostic[]>): string[] {
    const sent: string[] = [];
    for (const [uri, diagnostics] of next) {
      const serialised = JSON.stringify(diagnostics);
      if (diagnostics.length === 0) {
        if (!this.published.has(uri)) continue;
        this.published.delete(uri);
      } else {
        if (this.published.get(uri) === serialised) continue;
        this.published.set(uri, serialised);
      }
      this.send(uri, diagnostics);
      sent.push(uri);
    }
    for (const uri of [...this.published.keys()]) {
      if (next.has(uri)) continue;
      this.published.delete(uri);
      this.send(uri, []);
      sent.push(uri);
    }
    return sent;
  }
}
