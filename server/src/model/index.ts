/**
 * The shared vocabulary of ForkGuard. Every layer imports from here; this module imports nothing.
 *
 * Positions are 0-based, and `character` counts UTF-16 code units (LSP's default encoding, and
 * what web-tree-sitter reports for the text we hand it). Files are absolute filesystem paths;
 * adapters turn them into URIs or relative paths.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';
/** What a user may configure for a rule: a severity, or `off`. */
export type SeveritySetting = Severity | 'off';
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'hint', 'info', 'warning', 'error'];

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  /** Edits, possibly in several files. Within one file they never overlap. */
  edits: TextEdit[];
  /** The fix an editor offers first ("Ctrl+." then Enter) and that `fixAll` applies. */
  preferred: boolean;
  /** Safe fixes keep behaviour apart from removing the hazard; unsafe ones need a human look. */
  safe: boolean;
}

export type FindingTag = 'unnecessary';

export interface Finding {
  /** Rule id, e.g. `FG001`. */
  rule: string;
  /** Rule name, e.g. `pool-before-fork`. */
  name: string;
  severity: Severity;
  file: string;
  range: Range;
  message: string;
  /** The chain that explains the finding: creation site, each call step, the fork. */
  related: RelatedLocation[];
  fixes: Fix[];
  tags?: FindingTag[];
}

export type Language = 'python' | 'typescript';

export interface RuleMeta {
  id: string;
  name: string;
  defaultSeverity: SeveritySetting;
  /** One line: what the rule finds. */
  summary: string;
  languages: Language[];
  /**
   * Path of the rule's doc page under DOCS_BASE, when it is not `<id>-<name>/README.md`: rules
   * that share one page (the FG1xx inventory) point at their section, `folder/README.md#anchor`.
   */
  docsPage?: string;
}

/** A problem with the input or configuration itself (not a hazard in the code). */
export interface Notice {
  level: 'error' | 'warning' | 'info';
  message: string;
  /** The file the notice is about, when there is one (a config file, a skipped source file). */
  file?: string;
  range?: Range;
}

/** Base URL of the rule docs; a rule's page is `${DOCS_BASE}/<id>-<name>.md`. */
export const DOCS_BASE = 'https://github.com/forkguard/forkguard/blob/main/server/src/rules';

export function ruleDocsUrl(meta: RuleMeta): string {
  return `${DOCS_BASE}/${meta.docsPage ?? `${meta.id.toLowerCase()}-${meta.name}/README.md`}`;
}

/** Whether two lists hold the same items in the same order. */
export function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Deterministic order: file, then start position, then rule id, then message. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    comparePositions(a.range.start, b.range.start) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** A suppression comment (`# forkguard: ignore[FG001]`, `// forkguard: ignore`) found in a file. */
export interface SuppressionComment {
  /** 0-based line the comment is on; it silences findings whose range starts on this line. */
  line: number;
  /** Rule ids listed; `null` for a bare `forkguard: ignore` (all rules). */
  codes: string[] | null;
  /** Range of the comment text `forkguard: ignore[...]` itself (where the unused hint goes). */
  range: Range;
}

/** Cooperative cancellation, satisfied by LSP's CancellationToken. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
}
