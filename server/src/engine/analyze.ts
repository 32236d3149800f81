/**
 * analyze: runs every enabled rule over the workspace's program model and returns findings per
 * file, after severities and suppressions, in a deterministic order.
 *
 * Incremental: the rules' findings of both languages (incremental-rules.ts), each file's last step
 * (file-findings.ts) and the result itself are kept between analyses of one workspace and
 * recomputed only for what changed since the previous analysis.
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
import { LayeredMap } from './layered-map';
import { runPythonRules } from './python-rules';
import type { Workspace } from './workspace';

const fileFindings = new WeakMap<Workspace, FileFindingsCache>();

/** The last analysis of a workspace, which the next one updates rather than rebuilds. */
interface PreviousAnalysis {
  findings: LayeredMap<string, Finding[]>;
  /** Source and config files analysed. */
  fileCount: number;
  /** The settings of the last step (unused-suppression severity, rules that are off). */
  settings: string;
}

const previousAnalyses = new WeakMap<Workspace, PreviousAnalysis>();

export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

export async function analyze(workspace: Workspace, options: { token?: CancellationToken } = {}): Promise<AnalysisResult> {
  const started = performance.now();
  const stored = await workspace.storedFindings();
  if (stored) {
    await workspace.cacheWritten();
    return { findings: stored, notices: workspace.notices(), stats: { files: stored.size, ms: Math.round(performance.now() - started), fromResultsCache: true } };
  }
  await workspace.decodeDeferredFacts(options.token);
  if (options.token?.isCancellationRequested) throw new AnalysisCancelled();
  const { program, config } = workspace;
  const configFiles = workspace.configFiles();
  const ruleOptions = { severityOf: (rule: Rule) => severityOf(rule, config.severity), token: options.token, cancelled: () => new AnalysisCancelled() };
  // Which files changed is known relative to the rules' last run: an analysis cancelled after
  // some of them ran leaves no result to update.
  const previous = previousAnalyses.get(workspace);
  previousAnalyses.delete(workspace);
  const python = await runPythonRules(program, config, configFiles, ruleOptions);
  await yieldToEventLoop(); // lets the LSP message loop serve edits and cancellations between languages
  const typescript = await runTypeScriptRules(workspace, ruleOptions);

  const unusedSeverity = config.severity[UNUSED_SUPPRESSION_RULE] ?? 'hint';
  const offRules = new Set(RULES.filter((rule) => severityOf(rule, config.severity) === 'off').map((rule) => rule.meta.id));
  const settings = `${unusedSeverity}|${[...offRules].join(',')}`;
  let cache = fileFindings.get(workspace);
  if (!cache) fileFindings.set(workspace, (cache = new FileFindingsCache()));
  const finish = (file: string): Finding[] => {
    const findings = [...python.findingsOf(file), ...typescript.findingsOf(file)];
    const configText = configFiles.get(file);
    const tsFacts = configText === undefined ? workspace.tsFacts(file) : undefined;
    const facts = configText === undefined ? (tsFacts ?? program.facts(file)) : undefined;
    // Most files: nothing found and no suppression comment, so nothing to do.
    if (findings.length === 0 && configText === undefined && (facts?.suppressions.length ?? 0) === 0) return findings;
    return cache.finish({
      file,
      findings,
      source: configText ?? facts,
      comments: () => withoutOffRules(configText !== undefined ? configFileSuppressions(configText) : (facts?.suppressions ?? []), offRules),
      text: () => workspace.text(file),
      commentLeader: tsFacts ? '//' : '#',
      settings,
      unusedSeverity,
    });
  };

  // After an edit, the files whose findings may have changed are a handful of thousands: they are
  // laid over the previous analysis' map, which is not rebuilt (that costs milliseconds per edit
  // in a workspace of ten thousand files).
  const fileCount = workspace.fileCount() + configFiles.size;
  const changed = previous?.settings === settings && previous.fileCount === fileCount ? unionOf(python.changed, typescript.changed) : 'all';
  let byFile: LayeredMap<string, Finding[]>;
  let changes: AnalysisResult['changes'];
  if (changed !== 'all' && [...changed].every((file) => previous!.findings.has(file))) {
    const updated = new Map<string, Finding[]>();
    for (const file of [...changed].sort()) {
      const before = previous!.findings.get(file)!;
      const findings = finish(file);
      if (findings !== before && (findings.length > 0 || before.length > 0)) updated.set(file, findings);
    }
    byFile = previous!.findings.with(updated);
    changes = { since: previous!.findings, files: new Set(updated.keys()) };
  } else {
    const all = new Map<string, Finding[]>();
    for (const file of workspace.files()) all.set(file, finish(file));
    // Config files are analysed too (FG002 reads database URLs in them): each gets an entry.
    for (const file of [...configFiles.keys()].sort()) all.set(file, finish(file));
    cache.retain(all);
    byFile = LayeredMap.of(all);
  }
  previousAnalyses.set(workspace, { findings: byFile, fileCount, settings });
  await workspace.storeFindings(byFile);
  await workspace.cacheWritten();

  return {
    findings: byFile,
    changes,
    notices: workspace.notices(),
    stats: { files: byFile.size, ms: Math.round(performance.now() - started) },
  };
}

function unionOf(a: ReadonlySet<string> | 'all', b: ReadonlySet<string> | 'all'): ReadonlySet<string> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  return b.size === 0 ? a : new Set([...a, ...b]);
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

