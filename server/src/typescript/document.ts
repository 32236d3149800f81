/**
 * An open TS/JS document: its text (kept as the editor has it), its syntax tree and its facts.
 * Each change applies the LSP edits to the text and to the tree (TypeScript's incremental
 * reparse: the nodes an edit did not touch are reused) and re-extracts this one file, walking only
 * the statements whose text changed (statement-chunks.ts); other files are not touched. Only open
 * documents keep a tree.
 */
import type { Range } from '../model';
import { LineIndex } from '../python/source-text';
import type { TsFacts } from './facts';
import { loadTsFrontend } from './load';
import type { TsTree } from './parser';
import { TsChunkReuse } from './statement-chunks';

/** A text change as LSP sends it (engine/api.ts TextChange): no range replaces the whole text. */
export interface TsTextChange {
  range?: Range;
  text: string;
}

export interface TsDocumentOptions {
  /** Texts longer than this (UTF-8 bytes) are not parsed: their facts are empty. */
  maxBytes?: number;
  log?: (message: string) => void;
  /** Smallest statement chunk kept for reuse (statement-chunks.ts); tests lower it to reuse every chunk. */
  minStoredChunkChars?: number;
}

export class TsDocument {
  private currentText: string;
  private currentFacts: TsFacts;
  private oversizeBytes: number | undefined;
  /** The tree of currentText, while it is small enough to parse. */
  private tree: TsTree | undefined;
  /** The statement chunks of the last extractions of this document. */
  private readonly chunks: TsChunkReuse;

  constructor(
    text: string,
    private readonly fileName: string,
    private readonly options: TsDocumentOptions = {},
  ) {
    this.currentText = text;
    this.chunks = new TsChunkReuse(options.minStoredChunkChars);
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
    let tree = this.tree;
    for (const change of changes) {
      if (!change.range) {
        text = change.text;
        tree = undefined;
        continue;
      }
      const lines = new LineIndex(text);
      const start = lines.offsetAt(change.range.start);
      const end = Math.max(start, lines.offsetAt(change.range.end));
      text = text.slice(0, start) + change.text + text.slice(end);
      tree = tree && this.reparsed(tree, text, { start, end, newLength: change.text.length });
    }
    this.currentText = text;
    this.tree = tree;
    this.currentFacts = this.extract();
  }

  /** Frees the tree and the chunks kept for reuse. */
  dispose(): void {
    this.tree = undefined;
    this.chunks.clear();
  }

  private reparsed(tree: TsTree, text: string, edit: { start: number; end: number; newLength: number }): TsTree | undefined {
    try {
      return loadTsFrontend().reparseTs(tree, text, edit);
    } catch (error) {
      this.options.log?.(`incremental reparse of ${this.fileName} failed, parsing it whole (${(error as Error).message})`);
      return undefined;
    }
  }

  private extract(): TsFacts {
    const frontend = loadTsFrontend();
    const bytes = this.options.maxBytes === undefined ? 0 : Buffer.byteLength(this.currentText, 'utf8');
    this.oversizeBytes = this.options.maxBytes !== undefined && bytes > this.options.maxBytes ? bytes : undefined;
    if (this.oversizeBytes !== undefined) {
      this.tree = undefined;
      this.chunks.clear();
      return frontend.emptyTsFacts(this.currentText, this.fileName);
    }
    try {
      this.tree ??= frontend.parseTs(this.currentText, this.fileName);
    } catch {
      this.chunks.clear();
      return frontend.extractTsFacts(this.currentText, this.fileName, { log: this.options.log }); // logs why
    }
    return frontend.extractTsFactsOfTree(this.tree, { log: this.options.log, reuse: this.chunks });
  }
}
