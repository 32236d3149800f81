/**
 * An open TS/JS document: its text (kept as the editor has it) and its facts. Each change applies
 * the LSP edits to the text and re-extracts this one file (a parse without type-check, a few ms
 * for ordinary files); other files are not touched.
 */
import type { Range } from '../model';
import { LineIndex } from '../python/source-text';
import type { TsFacts } from './facts';
import { loadTsFrontend } from './load';

/** A text change as LSP sends it (engine/api.ts TextChange): no range replaces the whole text. */
export interface TsTextChange {
  range?: Range;
  text: string;
}

export interface TsDocumentOptions {
  /** Texts longer than this (UTF-8 bytes) are not parsed: their facts are empty. */
  maxBytes?: number;
  log?: (message: string) => void;
}

export class TsDocument {
  private currentText: string;
  private currentFacts: TsFacts;
  private oversizeBytes: number | undefined;

  constructor(
    text: string,
    private readonly fileName: string,
    private readonly options: TsDocumentOptions = {},
  ) {
    this.currentText = text;
    this.currentFacts = this.extract();
  }

  get text(): string {
    return this.currentText;
  }

  get facts(): TsFacts {
    return this.currentFacts;
  }

  /** UTF-8 size of the text when it is too large to analyse, else undefined. */
  get tooLargeBytes(): number | undefined {
    return this.oversizeBytes;
  }

  /** Applies LSP changes in order (each against the text left by the previous one), then re-extracts. */
  update(changes: TsTextChange[]): void {
    let text = this.currentText;
    for (const change of changes) {
      if (!change.range) {
        text = change.text;
        continue;
      }
      const lines = new LineIndex(text);
      const start = lines.offsetAt(change.range.start);
      const end = Math.max(start, lines.offsetAt(change.range.end));
      text = text.slice(0, start) + change.text + text.slice(end);
    }
    this.currentText = text;
    this.currentFacts = this.extract();
  }

  /** Nothing to free: no tree is kept. Present so open documents of both languages look alike. */
  dispose(): void {}

  private extract(): TsFacts {
    const frontend = loadTsFrontend();
    const bytes = this.options.maxBytes === undefined ? 0 : Buffer.byteLength(this.currentText, 'utf8');
    this.oversizeBytes = this.options.maxBytes !== undefined && bytes > this.options.maxBytes ? bytes : undefined;
    if (this.oversizeBytes !== undefined) return frontend.emptyTsFacts(this.currentText, this.fileName);
    return frontend.extractTsFacts(this.currentText, this.fileName, { log: this.options.log });
  }
}
