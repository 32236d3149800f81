/**
 * The Workspace: every source file of the roots with its version and facts, the open documents,
 * the configuration, and the program model built from them. `analyze` (engine/analyze.ts) runs
 * the rules over it.
 *
 * CONTRACT ONLY for now: the lead engineer is implementing the bodies. Code against the
 * signatures; they will not change without notice.
 */
import type { Notice } from '../model';
import type { ForkGuardConfig } from '../model/config';
import type { ScanOptions, TextChange, WorkspaceOptions } from './api';

export class Workspace {
  /** The effective configuration (defaults < editor settings < project file). */
  config!: ForkGuardConfig;
  readonly roots: string[];

  protected constructor(readonly options: WorkspaceOptions) {
    this.roots = options.roots;
  }

  /** Creates a workspace and loads its configuration (config problems become notices). */
  static async create(options: WorkspaceOptions): Promise<Workspace> {
    throw new Error('not implemented yet');
  }

  /** Discovers and indexes every source file of the roots (cached facts when unchanged). */
  async scan(options: ScanOptions = {}): Promise<void> {
    throw new Error('not implemented yet');
  }

  /** Absolute paths of the indexed source files, sorted. */
  files(): string[] {
    throw new Error('not implemented yet');
  }

  /** Config problems, skipped files, and other messages for the user, current as of now. */
  notices(): Notice[] {
    throw new Error('not implemented yet');
  }

  /** True when the file is a source file of this workspace that the configuration does not exclude. */
  isIncluded(file: string): boolean {
    throw new Error('not implemented yet');
  }

  /** An editor opened the file: its text now comes from the editor, not the disk. */
  openDocument(file: string, text: string, version: number): void {
    throw new Error('not implemented yet');
  }

  /** Applies LSP-style changes (incremental or full) to an open document. */
  changeDocument(file: string, version: number, changes: TextChange[]): void {
    throw new Error('not implemented yet');
  }

  /** The editor closed the file: its text comes from the disk again. */
  closeDocument(file: string): Promise<void> {
    throw new Error('not implemented yet');
  }

  /** The text of a file as the engine sees it (open document, else disk), or undefined. */
  text(file: string): string | undefined {
    throw new Error('not implemented yet');
  }

  /** A file changed or appeared on disk (watcher event, branch switch). */
  async refreshFile(file: string): Promise<void> {
    throw new Error('not implemented yet');
  }

  /** A file was deleted on disk. */
  removeFile(file: string): void {
    throw new Error('not implemented yet');
  }

  /** Re-reads the configuration (project files changed, or new editor settings). */
  async reloadConfig(editorSettings?: Partial<ForkGuardConfig>): Promise<void> {
    throw new Error('not implemented yet');
  }
}
