/**
 * analyze: runs every enabled rule over the workspace's program model and returns findings per
 * file, after severities and suppressions, in a deterministic order.
 */
import { compareFindings, type CancellationToken, type Finding, type SeveritySetting, type SuppressionComment } from '../model';
import { RULES } from '../rules';
import type { Rule } from '../rules/types';
import type { AnalysisResult } from './api';
import { configFileSuppressions } from './config-files';
import { applySuppressions, suppressionFix, UNUSED_SUPPRESSION_RULE } from './suppressions';
import type { Workspace } from './workspace';

export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

export async function analyze(workspace: Workspace, options: { token?: CancellationToken } = {}): Promise<AnalysisResult> {
  const started = performance.now();
  const { program, config } = workspace;
  const byFile = new Map<string, Finding[]>();
  const configFiles = workspace.configFiles();
  for (const file of workspace.files()) byFile.set(file, []);
  // Config files are analysed too (FG002 reads database URLs in them): each gets an entry.
  for (const file of [...configFiles.keys()].sort()) byFile.set(file, []);

  for (const rule of RULES) {
    const severity = severityOf(rule, config.severity);
    if (severity === 'off' || !rule.checkPython) continue;
    if (options.token?.isCancellationRequested) throw new AnalysisCancelled();
    for (const finding of rule.checkPython({ program, config, configFiles })) {
      byFile.get(finding.file)?.push({ ...finding, severity });
    }
    await yieldToEventLoop(); // lets the LSP message loop serve edits and cancellations between rules
  }

  const unusedSeverity = config.severity[UNUSED_SUPPRESSION_RULE] ?? 'hint';
  const offRules = new Set(RULES.filter((rule) => severityOf(rule, config.severity) === 'off').map((rule) => rule.meta.id));
  for (const [file, findings] of byFile) {
    const configText = configFiles.get(file);
    const comments = withoutOffRules(configText !== undefined ? configFileSuppressions(configText) : (program.facts(file)?.suppressions ?? []), offRules);
    const text = comments.length > 0 || findings.length > 0 ? workspace.text(file) : undefined;
    let kept = comments.length > 0 ? applySuppressions(findings, comments, file, text) : findings;
    if (unusedSeverity === 'off') kept = kept.filter((finding) => finding.rule !== UNUSED_SUPPRESSION_RULE);
    else kept = kept.map((finding) => (finding.rule === UNUSED_SUPPRESSION_RULE ? { ...finding, severity: unusedSeverity } : finding));
    if (text !== undefined) kept = kept.map((finding) => withSuppressionFix(finding, comments, text));
    byFile.set(file, kept.sort(compareFindings));
  }

  return {
    findings: byFile,
    notices: workspace.notices(),
    stats: { files: byFile.size, ms: Math.round(performance.now() - started) },
  };
}

function severityOf(rule: Rule, configured: Record<string, SeveritySetting>): SeveritySetting {
  return configured[rule.meta.id] ?? rule.meta.defaultSeverity;
}

/**
 * A suppression of a rule that is off silences nothing today, but is not stale: the rule may be
 * turned on again. Its codes are left out before unused suppressions are looked for.
 */
function withoutOffRules(comments: SuppressionComment[], offRules: ReadonlySet<string>): SuppressionComment[] {
  if (offRules.size === 0) return comments;
  return comments.flatMap((comment) => {
    if (comment.codes === null) return [comment];
    const codes = comment.codes.filter((code) => !offRules.has(code.toUpperCase()));
    return codes.length > 0 ? [{ ...comment, codes }] : [];
  });
}

function withSuppressionFix(finding: Finding, comments: SuppressionComment[], text: string): Finding {
  const fix = suppressionFix(finding, comments, text, '#');
  return fix ? { ...finding, fixes: [...finding.fixes, fix] } : finding;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

