/**
 * The TS/JS half of analyze, when the workspace has TS/JS files. Incremental like the Python half
 * (python-rules.ts): a rule with a per-file checker (`incrementalTypeScript`) keeps its findings
 * per file between analyses of one program, and an analysis re-checks only the files the program
 * says changed since the previous one (their facts, or a file their check read: see
 * TsProgram.track/changedSince). The configuration, a rule's severity or its workspace-wide
 * inputs (`sharedInputs`) changing re-checks every file. Rules with only a whole-program checker run it every time.
 */
import type { CancellationToken, Finding, SeveritySetting } from '../model';
import type { ForkGuardConfig } from '../model/config';
import { RULES } from '../rules';
import type { IncrementalTypeScriptChecker, Rule, TypeScriptRuleContext } from '../rules/types';
import type { TsProgram } from '../typescript/program';
import type { Workspace } from './workspace';

export interface TypeScriptRunOptions {
  severityOf: (rule: Rule) => SeveritySetting;
  token?: CancellationToken;
  /** The error thrown when the token is cancelled between rules. */
  cancelled: () => Error;
}

interface RuleState {
  severity: Finding['severity'];
  sharedInputs: string;
  /** Findings per TS/JS file (severity applied). */
  byFile: Map<string, Finding[]>;
}

interface ProgramState {
  /** The program's change mark when the analysis that produced this state started. */
  mark: number;
  config: ForkGuardConfig;
  rules: Map<string, RuleState>;
}

/** Longest stretch of work between two yields to the event loop (edits and cancellations are served). */
const SLICE_MS = 8;

const states = new WeakMap<TsProgram, ProgramState>();

export async function runTypeScriptRules(workspace: Workspace, byFile: Map<string, Finding[]>, options: TypeScriptRunOptions): Promise<void> {
  const program = workspace.tsProgram;
  const files = program.files();
  if (files.length === 0) return;
  const config = workspace.config;
  const mark = program.changeMark();
  const previous = states.get(program);
  const changed = previous !== undefined && previous.config === config ? program.changedSince(previous.mark) : 'all';
  const context: TypeScriptRuleContext = { program, config, texts: (file: string) => workspace.text(file) };
  const rules = new Map<string, RuleState>();
  const slicer = new Slicer(options);

  for (const rule of RULES) {
    const severity = options.severityOf(rule);
    if (severity === 'off' || !rule.checkTypeScript) continue;
    await slicer.yield();
    if (!rule.incrementalTypeScript) {
      for (const finding of rule.checkTypeScript(context)) byFile.get(finding.file)?.push({ ...finding, severity });
      continue;
    }
    const state = await runIncremental(rule.incrementalTypeScript, severity, previous?.rules.get(rule.meta.id), changed, context, files, slicer);
    rules.set(rule.meta.id, state);
    for (const [file, findings] of state.byFile) if (findings.length > 0) byFile.get(file)?.push(...findings);
  }
  states.set(program, { mark, config, rules });
}

async function runIncremental(
  checker: IncrementalTypeScriptChecker,
  severity: Finding['severity'],
  previous: RuleState | undefined,
  changed: Set<string> | 'all',
  context: TypeScriptRuleContext,
  files: string[],
  slicer: Slicer,
): Promise<RuleState> {
  // Outside any file's tracking: what it reads is workspace-wide, summed up in its text.
  const sharedInputs = checker.sharedInputs?.(context) ?? '';
  const reusable = changed !== 'all' && previous?.severity === severity && previous.sharedInputs === sharedInputs ? previous : undefined;
  const state: RuleState = { severity, sharedInputs, byFile: new Map() };
  for (const file of files) {
    const kept = reusable && !(changed as Set<string>).has(file) ? reusable.byFile.get(file) : undefined;
    if (kept) {
      state.byFile.set(file, kept);
      continue;
    }
    await slicer.maybeYield();
    const found = context.program.track(file, () => checker.checkFile(context, file));
    state.byFile.set(file, found.length === 0 ? NONE : found.map((finding) => ({ ...finding, severity })));
  }
  return state;
}

/** Shared empty result, so the many files without findings cost one map entry each. */
const NONE: Finding[] = Object.freeze([]) as unknown as Finding[];

/** Yields to the event loop between rules, and within a rule once a slice of work is used up. */
class Slicer {
  private sliceStart = performance.now();

  constructor(private readonly options: TypeScriptRunOptions) {}

  async yield(): Promise<void> {
    if (this.options.token?.isCancellationRequested) throw this.options.cancelled();
    await new Promise((resolve) => setImmediate(resolve));
    if (this.options.token?.isCancellationRequested) throw this.options.cancelled();
    this.sliceStart = performance.now();
  }

  async maybeYield(): Promise<void> {
    if (performance.now() - this.sliceStart >= SLICE_MS) await this.yield();
  }
}
