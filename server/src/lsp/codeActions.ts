/**
 * Code actions from the fixes the engine attached to findings: one quick fix per fix, and a
 * `source.fixAll.forkguard` action that applies every preferred fix of a document that does not
 * collide with another.
 */
import { CodeAction, CodeActionKind, Diagnostic } from 'vscode-languageserver/node';
import { comparePositions, type Finding, type Fix, type Range, type TextEdit } from '../model';
import { toWorkspaceEdit, type WorkspaceEditOptions } from './workspaceEdit';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.forkguard`;

/** LSP's `context.only` rule: a kind is wanted when it equals a requested kind or is nested in one. */
export function isKindWanted(kind: string, only: string[] | undefined): boolean {
  if (!only || only.length === 0) return kind !== FIX_ALL_KIND; // source actions only when asked for
  return only.some((wanted) => kind === wanted || kind.startsWith(`${wanted}.`));
}

/** Touching ranges (one ends where the other starts) do not overlap unless both are insertions there. */
export function rangesOverlap(a: Range, b: Range): boolean {
  if (comparePositions(a.end, b.start) < 0 || comparePositions(b.end, a.start) < 0) return false;
  if (comparePositions(a.end, b.start) === 0) return comparePositions(a.start, a.end) === 0 && comparePositions(b.start, b.end) === 0;
  if (comparePositions(b.end, a.start) === 0) return comparePositions(a.start, a.end) === 0 && comparePositions(b.start, b.end) === 0;
  return true;
}

/** Whether a finding is under the cursor/selection of a code-action request (inclusive ends). */
function touches(findingRange: Range, requested: Range): boolean {
  return comparePositions(findingRange.end, requested.start) >= 0 && comparePositions(requested.end, findingRange.start) >= 0;
}

export interface FindingWithDiagnostic {
  finding: Finding;
  diagnostic: Diagnostic;
}

export function quickFixActions(
  candidates: FindingWithDiagnostic[],
  requested: Range,
  editOptions: WorkspaceEditOptions,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const { finding, diagnostic } of candidates) {
    if (!touches(finding.range, requested)) continue;
    for (const fix of finding.fixes) {
      const action = CodeAction.create(fix.title, toWorkspaceEdit(fix.edits, editOptions), CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      if (fix.preferred) action.isPreferred = true;
      actions.push(action);
    }
  }
  return actions;
}

function collides(fix: Fix, accepted: TextEdit[]): boolean {
  return fix.edits.some((edit) => accepted.some((other) => other.file === edit.file && rangesOverlap(other.range, edit.range)));
}

/** The fix-all action of a document, or undefined when it has no preferred fix. */
export function fixAllAction(findings: Finding[], editOptions: WorkspaceEditOptions): CodeAction | undefined {
  const accepted: TextEdit[] = [];
  let fixCount = 0;
  for (const finding of findings) {
    const fix = finding.fixes.find((candidate) => candidate.preferred);
    if (!fix || collides(fix, accepted)) continue;
    accepted.push(...fix.edits);
    fixCount++;
  }
  if (fixCount === 0) return undefined;
  const title = fixCount === 1 ? 'ForkGuard: fix 1 problem' : `ForkGuard: fix ${fixCount} problems`;
  return CodeAction.create(title, toWorkspaceEdit(accepted, editOptions), FIX_ALL_KIND);
}
