/**
 * Publishes diagnostics per file, sending only what changed since the last publish: a file whose
 * diagnostics are identical is skipped, and a file published before but absent now is cleared.
 * An open document is the exception: each analysed version of it is published (with its version),
 * even when its diagnostics did not change, so the editor knows they are current for what it shows.
 */
import type { Diagnostic } from 'vscode-languageserver/node';

export type SendDiagnostics = (uri: string, diagnostics: Diagnostic[], version?: number) => void;

/** The version of the open document at a URI, undefined when it is not open. */
export type VersionOf = (uri: string) => number | undefined;

export class DiagnosticsPublisher {
  /** Serialised diagnostics last sent per URI (only URIs with at least one diagnostic). */
  private readonly published = new Map<string, string>();
  /** Open-document version last published per URI. */
  private readonly publishedVersions = new Map<string, number>();
  /** The array last sent per URI in `published`: the same array again is the same diagnostics. */
  private readonly publishedArrays = new Map<string, Diagnostic[]>();

  constructor(private readonly send: SendDiagnostics) {}

  /**
   * Makes the client's state equal `next` (every URI not in `next` ends with no diagnostics).
   * Returns the URIs that were sent.
   */
  publish(next: Map<string, Diagnostic[]>, versionOf: VersionOf = () => undefined): string[] {
    const sent = this.update(next, versionOf);
    for (const uri of [...this.published.keys()]) {
      if (next.has(uri)) continue;
      this.published.delete(uri);
      this.publishedArrays.delete(uri);
      this.publishedVersions.delete(uri);
      this.send(uri, []);
      sent.push(uri);
    }
    return sent;
  }

  /** Sets the diagnostics of the URIs in `next`, leaving every other URI's as they are. Returns the URIs that were sent. */
  update(next: Map<string, Diagnostic[]>, versionOf: VersionOf = () => undefined): string[] {
    const sent: string[] = [];
    for (const [uri, diagnostics] of next) {
      const version = versionOf(uri);
      const versionPublished = version === undefined || this.publishedVersions.get(uri) === version;
      // Callers reuse the array of a file whose diagnostics did not change: no need to serialise it.
      if (versionPublished && diagnostics.length > 0 && this.publishedArrays.get(uri) === diagnostics) continue;
      const serialised = diagnostics.length === 0 ? undefined : JSON.stringify(diagnostics);
      if (this.published.get(uri) === serialised && versionPublished) {
        if (serialised !== undefined) this.publishedArrays.set(uri, diagnostics);
        continue;
      }
      if (serialised === undefined) {
        this.published.delete(uri);
        this.publishedArrays.delete(uri);
      } else {
        this.published.set(uri, serialised);
        this.publishedArrays.set(uri, diagnostics);
      }
      if (version === undefined) this.publishedVersions.delete(uri);
      else this.publishedVersions.set(uri, version);
      this.send(uri, diagnostics, version);
      sent.push(uri);
    }
    return sent;
  }
}
