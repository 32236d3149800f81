/**
 * Findings and notices as LSP diagnostics.
 */
import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver/node';
import type { Finding, Notice, Range, Severity } from '../model';
import { fileToUri } from './uri';

export const DIAGNOSTIC_SOURCE = 'forkguard';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const NOTICE_SEVERITIES: Record<Notice['level'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** What a diagnostic carries in `data` so a code-action request can find its finding again. */
export interface FindingReference {
  findingKey: string;
}

/**
 * Identifies a finding within its file across analyses that did not move it, so a code action
 * requested on a diagnostic published earlier still finds the (unchanged) finding.
 */
export function findingKey(finding: Finding): string {
  const { start, end } = finding.range;
  return `${finding.rule}@${start.line}:${start.character}-${end.line}:${end.character}:${finding.message}`;
}

export function findingToDiagnostic(finding: Finding, docsUrl: (rule: string) => string | undefined): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITIES[finding.severity],
    code: finding.rule,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data: { findingKey: findingKey(finding) } satisfies FindingReference,
  };
  const href = docsUrl(finding.rule);
  if (href) diagnostic.codeDescription = { href };
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((related) =>
      DiagnosticRelatedInformation.create({ uri: fileToUri(related.file), range: related.range }, related.message),
    );
  }
  if (finding.tags?.includes('unnecessary')) diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}

const START_OF_FILE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A notice about a file (a broken forkguard.toml...) shown in the Problems panel on that file. */
export function noticeToDiagnostic(notice: Notice): Diagnostic {
  return {
    range: notice.range ?? START_OF_FILE,
    severity: NOTICE_SEVERITIES[notice.level],
    source: DIAGNOSTIC_SOURCE,
    message: notice.message,
  };
}
