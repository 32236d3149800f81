/**
 * The incremental rule runner both languages share (python-rules.ts, analyze-typescript.ts): each
 * rule's findings are kept per file between analyses of one program, and an analysis recomputes
 * only the files the program says changed since the previous one (their facts, or anything their
 * check consulted: see the programs' changedSince), plus the files whose findings read the whole
 * workspace. The language's other inputs (configuration, service config files) changing, or a
 * rule's severity or shared inputs changing, recomputes that rule everywhere.
 *
 * Each file's checker runs as derived data of that file (the program's `track`), so what it
 * consults is recorded as a dependency and a later change there marks the file changed again.
 * A language plugs in through a `LanguageRules` adapter: its program's change tracking, its rule
 * context, and which of a rule's checkers are its own.
 */
import { sameList, type CancellationToken, type Finding, type SeveritySetting } from '../model';
import { RULES } from '../rules';
import type { Rule } from '../rules/types';

/** The change tracking a language's program offers (PyProgram, TsProgram). */
export interface TrackedProgram {
  /** The files to check, in path order. */
  files(): string[];
  /** A mark to pass to `changedSince` later. */
  changeMark(): number;
  /** The files whose per-file results may differ since `mark`, or 'all'. */
  changedSince(mark: number): Set<string> | 'all';
  /** Runs `compute` as derived data of `file`, recording what it consults as dependencies. */
  track<T>(file: string, compute: () => T): T;
}

/** A rule's checker split per file, in a language's context (IncrementalPythonChecker, IncrementalTypeScriptChecker). */
export interface IncrementalChecker<Context> {
  checkFile(context: Context, file: string): Finding[];
  /**
   * These findings of a file also depend on the whole workspace: recomputed after every change, or
   * with `wholeProgramInputs`, after a change of those.
   */
  readsWholeProgram?(findings: Finding[]): boolean;
  /**
   * What the findings that `readsWholeProgram` read of the workspace, as one value that stays the
   * same object while its content does (compared by identity, outside any file's tracking).
   */
  wholeProgramInputs?(context: Context): unknown;
  /** Findings from workspace-wide inputs, after the per-file ones; run by every analysis. */
  checkProgram?(context: Context): Finding[];
  /** Text standing for workspace-wide inputs the per-file findings read: when it changes, every file is checked again. */
  sharedInputs?(context: Context): string;
}

/** A rule's checkers for one language: the whole-program one, and its incremental form when it has one. */
export interface LanguageCheckers<Context> {
  checkWhole: (context: Context) => Finding[];
  incremental?: IncrementalChecker<Context>;
}

/** What the runner needs from a language. */
export interface LanguageRules<Context, Inputs> {
  program: TrackedProgram;
  context: Context;
  /** The language's inputs outside the program (configuration...), compared with the previous analysis' ones by `sameInputs`. */
  inputs: Inputs;
  sameInputs(previous: Inputs, current: Inputs): boolean;
  /** The rule's checkers for this language; undefined when the rule does not check it. */
  checkersOf(rule: Rule): LanguageCheckers<Context> | undefined;
}

export interface RuleRunOptions {
  severityOf: (rule: Rule) => SeveritySetting;
  token?: CancellationToken;
  /** The error thrown when the token is cancelled. */
  cancelled: () => Error;
}

interface RuleState {
  severity: Finding['severity'];
  sharedInputs: string;
  /** Findings per file (severity applied). */
  byFile: Map<string, Finding[]>;
  /** Files whose findings read the whole workspace: recomputed when wholeProgramInputs changes. */
  wholeProgram: Set<string>;
  /** The checker's wholeProgramInputs when the state was computed (undefined: it has none). */
  wholeProgramInputs: unknown;
}

/** One enabled rule's findings in one run. */
interface RuleRun {
  /** The incremental checker's state; undefined when the rule has no incremental form. */
  state?: RuleState;
  /** Findings of the whole-program checkers (checkWhole, checkProgram), by file: few, found again every run. */
  whole: Map<string, Finding[]>;
}

interface ProgramState {
  /** The program's change mark when the analysis that produced this state started. */
  mark: number;
  /** The files checked then, in path order. */
  files: string[];
  inputs: unknown;
  /** Every enabled rule's run, in RULES order. */
  rules: Map<string, RuleRun>;
}

/** What one language's rules found in one run. */
export interface LanguageFindings {
  /**
   * The files whose findings may differ from the previous run's on the same program: the files
   * checked again, and those with whole-program findings then or now. 'all' when there was no
   * previous run, or its files, inputs, enabled rules or a rule's severity or shared inputs differ.
   */
  changed: ReadonlySet<string> | 'all';
  /** A file's findings, rule by rule in RULES order (severity applied); a new array. */
  findingsOf(file: string): Finding[];
}

/** Longest stretch of work between two yields to the event loop (edits and cancellations are served). */
const SLICE_MS = 8;

/** Keyed by program: each language's program is its own object, so the languages never share a state. */
const states = new WeakMap<TrackedProgram, ProgramState>();

/** Runs every enabled rule's checkers for the language. */
export async function runIncrementalRules<Context, Inputs>(language: LanguageRules<Context, Inputs>, options: RuleRunOptions): Promise<LanguageFindings> {
  const { program, context, inputs } = language;
  const mark = program.changeMark();
  const previous = states.get(program);
  const sameInputs = previous !== undefined && language.sameInputs(previous.inputs as Inputs, inputs);
  const changed = sameInputs ? program.changedSince(previous.mark) : 'all';
  const files = program.files();
  const sameFiles = previous !== undefined && sameList(previous.files, files);
  const rules = new Map<string, RuleRun>();
  const slicer = new Slicer(options);
  let changedFindings = new ChangedFiles(sameFiles && changed !== 'all' ? changed : 'all');

  for (const rule of RULES) {
    const severity = options.severityOf(rule);
    if (severity === 'off') continue;
    const checkers = language.checkersOf(rule);
    if (!checkers) continue;
    await slicer.yield();
    const run: RuleRun = { whole: new Map() };
    const addWhole = (findings: Finding[]): void => {
      for (const finding of findings) {
        const list = run.whole.get(finding.file) ?? [];
        list.push({ ...finding, severity });
        run.whole.set(finding.file, list);
      }
    };
    const before = previous?.rules.get(rule.meta.id);
    if (checkers.incremental) {
      const checker = checkers.incremental;
      const { state, checked } = await runIncremental(checker, severity, before?.state, changed, program, context, files, sameFiles, slicer);
      run.state = state;
      changedFindings.add(before?.state === undefined ? 'all' : checked);
      addWhole(checker.checkProgram?.(context) ?? []);
    } else {
      addWhole(checkers.checkWhole(context));
      if (before === undefined || before.state !== undefined) changedFindings.add('all');
    }
    changedFindings.add(before?.whole.keys() ?? 'all');
    changedFindings.add(run.whole.keys());
    rules.set(rule.meta.id, run);
  }
  if (previous && [...previous.rules.keys()].some((id) => !rules.has(id))) changedFindings = new ChangedFiles('all');
  states.set(program, { mark, files, inputs, rules });
  return {
    changed: changedFindings.files,
    findingsOf: (file) => {
      const found: Finding[] = [];
      rules.forEach((run) => {
        const own = run.state?.byFile.get(file);
        if (own !== undefined && own.length > 0) found.push(...own);
        const whole = run.whole.get(file);
        if (whole !== undefined) found.push(...whole);
      });
      return found;
    },
  };
}

/** A set of files that becomes 'all' for good once 'all' is added. */
class ChangedFiles {
  files: Set<string> | 'all';

  constructor(initial: ReadonlySet<string> | 'all') {
    this.files = initial === 'all' ? 'all' : new Set(initial);
  }

  add(files: Iterable<string> | 'all'): void {
    if (this.files === 'all') return;
    if (files === 'all') this.files = 'all';
    else for (const file of files) this.files.add(file);
  }
}

async function runIncremental<Context>(
  checker: IncrementalChecker<Context>,
  severity: Finding['severity'],
  previous: RuleState | undefined,
  changed: Set<string> | 'all',
  program: TrackedProgram,
  context: Context,
  files: string[],
  sameFiles: boolean,
  slicer: Slicer,
): Promise<{ state: RuleState; checked: Set<string> | 'all' }> {
  // Outside any file's tracking: what it reads is workspace-wide, summed up in its text.
  const sharedInputs = checker.sharedInputs?.(context) ?? '';
  const reusable = changed !== 'all' && previous?.severity === severity && previous.sharedInputs === sharedInputs ? previous : undefined;
  const wholeProgramInputs = checker.wholeProgramInputs?.(context);
  const wholeProgramChanged = checker.wholeProgramInputs === undefined || wholeProgramInputs !== reusable?.wholeProgramInputs;
  const stale = (file: string, kept: RuleState): boolean => (changed as Set<string>).has(file) || (wholeProgramChanged && kept.wholeProgram.has(file));
  if (reusable && sameFiles) {
    // The usual analysis after an edit: a few files to check again among thousands. The previous
    // state is not kept, so its map and set are updated in place rather than copied.
    const state: RuleState = { severity, sharedInputs, byFile: reusable.byFile, wholeProgram: reusable.wholeProgram, wholeProgramInputs };
    const toCheck = wholeProgramChanged ? new Set([...(changed as Set<string>), ...reusable.wholeProgram]) : (changed as Set<string>);
    const checked = new Set([...toCheck].filter((file) => state.byFile.has(file)).sort());
    for (const file of checked) await checkFile(checker, severity, state, program, context, file, slicer);
    return { state, checked };
  }
  const state: RuleState = { severity, sharedInputs, byFile: new Map(), wholeProgram: new Set(), wholeProgramInputs };
  for (const file of files) {
    const kept = reusable && !stale(file, reusable) ? reusable.byFile.get(file) : undefined;
    if (kept) {
      state.byFile.set(file, kept);
      if (reusable!.wholeProgram.has(file)) state.wholeProgram.add(file);
      continue;
    }
    await checkFile(checker, severity, state, program, context, file, slicer);
  }
  return { state, checked: 'all' };
}

/** Checks one file and files its findings (severity applied) into the state. */
async function checkFile<Context>(
  checker: IncrementalChecker<Context>,
  severity: Finding['severity'],
  state: RuleState,
  program: TrackedProgram,
  context: Context,
  file: string,
  slicer: Slicer,
): Promise<void> {
  await slicer.maybeYield();
  const found = program.track(file, () => checker.checkFile(context, file));
  state.byFile.set(file, found.length === 0 ? NONE : found.map((finding) => ({ ...finding, severity })));
  if (checker.readsWholeProgram?.(found)) state.wholeProgram.add(file);
  else state.wholeProgram.delete(file);
}

/** Shared empty result, so the many files without findings cost one map entry each. */
const NONE: Finding[] = Object.freeze([]) as unknown as Finding[];

/** Yields to the event loop between rules, and within a rule once a slice of work is used up. */
class Slicer {
  private sliceStart = performance.now();

  constructor(private readonly options: RuleRunOptions) {}

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
