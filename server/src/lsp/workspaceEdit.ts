/**
 * Engine text edits (absolute paths, possibly several files) as one LSP WorkspaceEdit.
 */
import { OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextEdit as EngineTextEdit } from '../model';
import { fileToUri } from './uri';

export interface WorkspaceEditOptions {
  /** The client accepts `documentChanges` (versioned edits) rather than the plain `changes` map. */
  documentChanges: boolean;
  /** Version of a file open in the editor; null for files not open. */
  versionOf(uri: string): number | null;
}

export function toWorkspaceEdit(edits: EngineTextEdit[], options: WorkspaceEditOptions): WorkspaceEdit {
  const byUri = new Map<string, TextEdit[]>();
  for (const edit of edits) {
    const uri = fileToUri(edit.file);
    let list = byUri.get(uri);
    if (!list) byUri.set(uri, (list = []));
    list.push(TextEdit.replace(edit.range, edit.newText));
  }
  if (!options.documentChanges) return { changes: Object.fromEntries(byUri) };
  return {
    documentChanges: [...byUri].map(([uri, textEdits]) =>
      TextDocumentEdit.create(OptionalVersionedTextDocumentIdentifier.create(uri, options.versionOf(uri)), textEdits),
    ),
  };
}
