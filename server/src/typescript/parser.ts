/**
 * Parses one TS/JS text into a TypeScript syntax tree, without a type-check, lib files or any
 * file-system access. This module imports ts-morph (TypeScript itself, ~10 MB of JavaScript): only
 * the TS front end (frontend.ts, loaded lazily by load.ts) imports it, so a Python-only workspace
 * never pays for it.
 *
 * Why `ts.createSourceFile` and not a ts-morph `Project`: facts need the syntax tree only, and an
 * in-memory Project adds bookkeeping per file (measured: the same parse time plus its file-system
 * emulation) while it cannot turn JSDoc parsing off. JSDoc is never read by the facts, and
 * skipping it (`JSDocParsingMode.ParseNone`) makes parsing ~1.5x faster on JS-heavy code
 * (measured on node_modules, see the report). The tree is not kept: extract.ts walks the raw
 * nodes and drops the file.
 */
import * as path from 'node:path';
import { ts } from './ts';

/** The script kind TypeScript parses a file as, from its extension (unknown ones as TS). */
export function scriptKindOf(fileName: string): ts.ScriptKind {
  switch (path.extname(fileName).toLowerCase()) {
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return ts.ScriptKind.JS;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.TS;
  }
}

export interface ParsedTs {
  sourceFile: ts.SourceFile;
  /** Parse diagnostics as [start, end) offsets, in file order. */
  syntaxErrors: { start: number; end: number; message: string }[];
}

/**
 * Parses `text` and hands the tree to `use`. `fileName` only chooses the script kind (and appears
 * in messages); nothing is read from disk.
 */
export function withParsedTs<T>(text: string, fileName: string, use: (parsed: ParsedTs) => T): T {
  return use(parsedTs(parseTs(text, fileName)));
}

/** A syntax tree kept between edits of an open document (see reparseTs). */
export type TsTree = ts.SourceFile;

export function parseTs(text: string, fileName: string): TsTree {
  return ts.createSourceFile(
    fileName,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    /* setParentNodes */ true,
    scriptKindOf(fileName),
  );
}

/** One text edit: `[start, end)` of the old text became `newLength` characters. */
export interface TsTextEdit {
  start: number;
  end: number;
  newLength: number;
}

/**
 * The tree of `text`, which is `tree`'s text after `edit`: TypeScript's incremental parser (as
 * tsserver uses it) reuses the nodes the edit did not touch, ~0.6 ms instead of ~9 ms for a full
 * parse of a 6,000-line bundle. `tree` must not be used afterwards (its nodes may be reused).
 */
export function reparseTs(tree: TsTree, text: string, edit: TsTextEdit): TsTree {
  return ts.updateSourceFile(tree, text, { span: { start: edit.start, length: edit.end - edit.start }, newLength: edit.newLength });
}

export function parsedTs(sourceFile: TsTree): ParsedTs {
  return { sourceFile, syntaxErrors: parseDiagnostics(sourceFile) };
}

/** The parser's own diagnostics (no binder, no checker): what makes a file "not parse". */
function parseDiagnostics(sourceFile: ts.SourceFile): ParsedTs['syntaxErrors'] {
  // `parseDiagnostics` is filled by the parser and kept on the node; the public route,
  // program.getSyntacticDiagnostics, would build a whole Program for it.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return diagnostics.map((diagnostic) => ({
    start: diagnostic.start,
    end: diagnostic.start + diagnostic.length,
    message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
  }));
}
