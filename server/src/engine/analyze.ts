/**
 * analyze: runs every enabled rule over the workspace's program model and returns findings per
 * file, after severities and suppressions, in a deterministic order.
 *
 * Incremental: the rules' findings of both languages (incremental-rules.ts) and each file's last step
 * (file-findings.ts) are kept between analyses of one workspace and recomputed only for what
 * changed since the previous analysis.
 *
 * A workspace's first analysis takes its findings from the results cache (results-cache.ts) when
 * nothing they are computed from changed since they were stored: a warm start analyses nothing.
 */
import type { CancellationToken, Finding, SeveritySetting, SuppressionComment } from '../model';
import { RULES } from '../rules';
import type { Rule } from '../rules/types';
import type { AnalysisResult } from './api';
import { configFileSuppressions } from './config-files';
import { UNUSED_SUPPRESSION_RULE } from './suppressions';
import { runTypeScriptRules } from './analyze-typescript';
import { FileFindingsCache } from './file-findings';
import { runPythonRules } from './python-rules';
import type { Workspace } from './workspace';

const fileFindings = new WeakMap<Workspace, FileFindingsCache>();

export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

export async function analyze(workspace: Workspace, options: { token?: CancellationToken } = {}): Promise<AnalysisResult> {
  const started = performance.now();
  const stored = await workspace.storedFindings();
  if (stored) {
    return { findings: stored, notices: workspace.notices(), stats: { files: stored.size, ms: Math.round(performance.now() - started), fromResultsCache: true } };
  }
  await workspace.decodeDeferredFacts(options.token);
  if (options.token?.isCancellationRequested) throw new AnalysisCancelled();
  const { program, config } = workspace;
  const byFile = new Map<string, Finding[]>();
  const configFiles = workspace.configFiles();
  for (const file of workspace.files()) byFile.set(file, []);
  // Config files are analysed too (FG002 reads database URLs in them): each gets an entry.
  for (const file of [...configFiles.keys()].sort()) byFile.set(file, []);

  await runPythonRules(program, config, configFiles, byFile, {
    severityOf: (rule) => severityOf(rule, config.severity),
    token: options.token,
    cancelled: () => new AnalysisCancelled(),
  });
  await yieldToEventLoop(); // lets the LSP message loop serve edits and cancellations between languages
  await runTypeScriptRules(workspace, byFile, { severityOf: (rule) => severityOf(rule, config.severity), token: options.token, cancelled: () => new AnalysisCancelled() });

  const unusedSeverity = config.severity[UNUSED_SUPPRESSION_RULE] ?? 'hint';
  const offRules = new Set(RULES.filter((rule) => severityOf(rule, config.severity) === 'off').map((rule) => rule.meta.id));
  const settings = `${unusedSeverity}|${[...offRules].join(',')}`;
  let cache = fileFindings.get(workspace);
  if (!cache) fileFindings.set(workspace, (cache = new FileFindingsCache()));
  // forEach, not for-of: run after every edit over every file, it allocates no entry per file.
  byFile.forEach((findings, file) => {
    const configText = configFiles.get(file);
    const tsFacts = configText === undefined ? workspace.tsFacts(file) : undefined;
    const facts = configText === undefined ? (tsFacts ?? program.facts(file)) : undefined;
    // Most files: nothing found and no suppression comment, so nothing to do.
    if (findings.length === 0 && configText === undefined && (facts?.suppressions.length ?? 0) === 0) return;
    byFile.set(
      file,
      cache.finish({
        file,
        findings,
        source: configText ?? facts,
        comments: () => withoutOffRules(configText !== undefined ? configFileSuppressions(configText) : (facts?.suppressions ?? []), offRules),
        text: () => workspace.text(file),
        commentLeader: tsFacts ? '//' : '#',
        settings,
        unusedSeverity,
      }),
    );
  });
  cache.retain(byFile);
  await workspace.storeFindings(byFile);

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

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

