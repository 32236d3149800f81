/**
 * The Python half of analyze, incremental: each rule's findings are kept per file between
 * analyses of one program, and an analysis recomputes only the files the program says changed
 * since the previous one (their facts, or anything their derived data consulted: see
 * PyProgram.changedSince), plus the findings that read the whole workspace. The configuration,
 * the service config files or a rule's shared inputs changing recomputes that rule everywhere.
 *
 * Each file's checker runs as derived data of that file (PyProgram.track), so what it consults is
 * recorded as a dependency and a later change there marks the file changed again.
 */
import type { CancellationToken, Finding, SeveritySetting } from '../model';
import type { ForkGuardConfig } from '../model/config';
import type { PyProgram } from '../python/program';
import { RULES } from '../rules';
import type { IncrementalPythonChecker, PythonRuleContext, Rule } from '../rules/types';

export interface PythonRunOptions {
  severityOf: (rule: Rule) => SeveritySetting;
  token?: CancellationToken;
  /** The error thrown when the token is cancelled. */
  cancelled: () => Error;
}

interface RuleState {
  severity: Finding['severity'];
  sharedInputs: string;
  /** Findings per Python file (severity applied). */
  byFile: Map<string, Finding[]>;
  /** Files whose findings read the whole workspace: recomputed every time. */
  wholeProgram: Set<string>;
}

interface ProgramState {
  /** The program's change mark when the analysis that produced this state started. */
  mark: number;
  config: ForkGuardConfig;
  configFiles: [string, string][];
  rules: Map<string, RuleState>;
}

/** Longest stretch of work between two yields to the event loop (edits and cancellations are served). */
const SLICE_MS = 8;

const states = new WeakMap<PyProgram, ProgramState>();

/** Runs every enabled rule's Python checker and files the findings into `byFile` (files absent from it are dropped). */
export async function runPythonRules(
  program: PyProgram,
  config: ForkGuardConfig,
  configFiles: ReadonlyMap<string, string>,
  byFile: Map<string, Finding[]>,
  options: PythonRunOptions,
): Promise<void> {
  const mark = program.changeMark();
  const previous = states.get(program);
  const configSnapshot = [...configFiles];
  const sameInputs = previous !== undefined && previous.config === config && sameEntries(previous.configFiles, configSnapshot);
  const changed = sameInputs ? program.changedSince(previous.mark) : 'all';
  const context: PythonRuleContext = { program, config, configFiles };
  const files = program.files();
  const rules = new Map<string, RuleState>();
  const slicer = new Slicer(options);

  for (const rule of RULES) {
    const severity = options.severityOf(rule);
    if (severity === 'off' || !rule.checkPython) continue;
    await slicer.yield();
    if (!rule.incrementalPython) {
      for (const finding of rule.checkPython(context)) byFile.get(finding.file)?.push({ ...finding, severity });
      continue;
    }
    const state = await runIncremental(rule.incrementalPython, severity, previous?.rules.get(rule.meta.id), changed, context, files, slicer);
    rules.set(rule.meta.id, state);
    for (const [file, findings] of state.byFile) if (findings.length > 0) byFile.get(file)?.push(...findings);
    for (const finding of rule.incrementalPython.checkProgram?.(context) ?? []) byFile.get(finding.file)?.push({ ...finding, severity });
  }
  states.set(program, { mark, config, configFiles: configSnapshot, rules });
}

async function runIncremental(
  checker: IncrementalPythonChecker,
  severity: Finding['severity'],
  previous: RuleState | undefined,
  changed: Set<string> | 'all',
  context: PythonRuleContext,
  files: string[],
  slicer: Slicer,
): Promise<RuleState> {
  const sharedInputs = checker.sharedInputs?.(context) ?? '';
  const reusable = changed !== 'all' && previous !== undefined && previous.severity === severity && previous.sharedInputs === sharedInputs ? previous : undefined;
  const state: RuleState = { severity, sharedInputs, byFile: new Map(), wholeProgram: new Set() };
  for (const file of files) {
    const kept = reusable && !(changed as Set<string>).has(file) && !reusable.wholeProgram.has(file) ? reusable.byFile.get(file) : undefined;
    if (kept) {
      state.byFile.set(file, kept);
      continue;
    }
    await slicer.maybeYield();
    const found = context.program.track(file, () => checker.checkFile(context, file));
    state.byFile.set(file, found.length === 0 ? NONE : found.map((finding) => ({ ...finding, severity })));
    if (checker.readsWholeProgram?.(found)) state.wholeProgram.add(file);
  }
  return state;
}

/** Shared empty result, so the many files without findings cost one map entry each. */
const NONE: Finding[] = Object.freeze([]) as unknown as Finding[];

function sameEntries(a: [string, string][], b: [string, string][]): boolean {
  return a.length === b.length && a.every(([file, text], i) => file === b[i][0] && text === b[i][1]);
}

/** Yields to the event loop between rules, and within a rule once a slice of work is used up. */
class Slicer {
  private sliceStart = performance.now();

  constructor(private readonly options: PythonRunOptions) {}

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
