/**
 * Analyses arbitrary Python or TS/JS text through the real engine (an open document in a one-file
 * workspace) and checks what must hold whatever the text: analyze does not throw, every finding,
 * related location and fix edit of the document lies inside it, and each fix applies cleanly.
 * Shared by the robustness tests and `npm run fuzz`.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { Workspace } from '../../server/src/engine/workspace';
import type { Finding, Range, SeveritySetting, TextEdit } from '../../server/src/model';
import { extractFactsSync } from '../../server/src/python/extract';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { isTsSourceFile } from '../../server/src/typescript/files';
import { RULES } from '../../server/src/rules';
import { applyTextEdits, splitLines } from '../helpers/fixtures';

/** Every rule on, the off-by-default inventory included, so every checker sees the input. */
export const ALL_RULES_ON: Record<string, SeveritySetting> = Object.fromEntries(RULES.map((rule) => [rule.meta.id, 'info']));

export interface DocumentHarness {
  root: string;
  /** The open document's path. */
  file: string;
  workspace: Workspace;
  /** Replaces the document's text (as an editor's full-text change) and analyses the workspace. */
  analyzeText(text: string): Promise<Finding[]>;
  dispose(): Promise<void>;
}

/** `fileName`: the open document's name, whose extension picks the language (`app.ts`, `app.mjs`...). */
export async function createDocumentHarness(fileName = 'app.py'): Promise<DocumentHarness> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'forkguard-robust-')));
  const file = join(root, fileName);
  const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings: { severity: ALL_RULES_ON } });
  await workspace.scan();
  let version = 0;
  workspace.openDocument(file, '', version);
  return {
    root,
    file,
    workspace,
    async analyzeText(text) {
      workspace.changeDocument(file, ++version, [{ text }]);
      const result = await analyze(workspace);
      return result.findings.get(file) ?? [];
    },
    async dispose() {
      await workspace.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Problems with findings on `text` (empty when all is well): ranges outside it, fixes that do not
 * apply (out of range, overlapping) or write other line breaks than the file's; with `checkSyntax`,
 * also fixes that make a file without syntax errors have some.
 */
export function findingProblems(file: string, text: string, findings: Finding[], options: { checkSyntax?: boolean } = {}): string[] {
  const lines = splitLines(text);
  const problems: string[] = [];
  const outside = (range: Range): boolean =>
    [range.start, range.end].some(
      (position) => position.line < 0 || position.line >= lines.length || position.character < 0 || position.character > lines[position.line].length,
    ) || range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character < range.start.character);
  const show = (range: Range): string => `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;

  for (const finding of findings) {
    const where = `${finding.rule} at ${show(finding.range)}`;
    if (finding.file !== file) problems.push(`${where}: reported for ${finding.file}`);
    if (outside(finding.range)) problems.push(`${where}: range outside the document (${lines.length} lines)`);
    for (const related of finding.related) {
      if (related.file === file && outside(related.range)) problems.push(`${where}: related location ${show(related.range)} outside the document`);
    }
    for (const fix of finding.fixes) {
      const edits = fix.edits.filter((edit) => edit.file === file);
      try {
        const fixed = applyTextEdits(text, edits, `${where} fix "${fix.title}"`);
        if (!keepsLineEndings(text, edits)) problems.push(`${where} fix "${fix.title}": writes line breaks other than the file's: ${JSON.stringify(edits.map((edit) => edit.newText))}`);
        if (options.checkSyntax) {
          // Judged on valid files only: in a broken one, where the parser's recovery puts the error
          // moves with any insertion, and the count says nothing about the fix.
          const syntaxErrors = (source: string): number => (isTsSourceFile(file) ? extractTsFacts(source, file) : extractFactsSync(source)).syntaxErrors.length;
          const after = syntaxErrors(fixed);
          if (after > 0 && syntaxErrors(text) === 0) problems.push(`${where} fix "${fix.title}": ${after} syntax errors after it, none before`);
        }
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  return problems;
}

/** The kinds of line break in a text: `\n`, `\r\n`, `\r`. */
function lineBreaks(text: string): Set<string> {
  return new Set(text.match(/\r\n|\r|\n/g) ?? []);
}

/**
 * Whether the edits keep the file's line endings: in a file with one kind of line break, every
 * break an edit writes is of that kind (a `\n` written into a `\r\n` file is a corruption git and
 * editors show on every line touched). Files that already mix kinds are not judged.
 */
export function keepsLineEndings(before: string, edits: Pick<TextEdit, 'newText'>[]): boolean {
  const kinds = lineBreaks(before);
  if (kinds.size !== 1) return true;
  return edits.every((edit) => [...lineBreaks(edit.newText)].every((kind) => kinds.has(kind)));
}
