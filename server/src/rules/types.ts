import type { Finding, RuleMeta } from '../model';
import type { ForkGuardConfig } from '../model/config';
import type { PyProgram } from '../python/program';
import type { TsProgram } from '../typescript/program';

/** What a Python checker sees: the whole program model, and the configuration. */
export interface PythonRuleContext {
  program: PyProgram;
  config: ForkGuardConfig;
  /** Service config files of the workspace (`*.conf`, `*.ini`), path -> text; absent means none. */
  configFiles?: ReadonlyMap<string, string>;
}

/** What a TS/JS checker sees: the TS/JS program (facts, resolution, import graph) and the configuration. */
export interface TypeScriptRuleContext {
  program: TsProgram;
  config: ForkGuardConfig;
  /** The text of a file as the engine sees it (open document, else disk); undefined when unreadable. */
  texts: (file: string) => string | undefined;
}

/**
 * A rule: its metadata, its doc page (Markdown, the text of the rule folder's README.md) and one
 * checker per language. Checkers return findings with the rule's default severity; the engine
 * applies the configured severity, suppressions and ordering. A checker runs only when the
 * workspace has files of its language.
 */
export interface Rule {
  meta: RuleMeta;
  docs: string;
  checkPython?(context: PythonRuleContext): Finding[];
  /** The same Python findings, split so an analysis after an edit recomputes only what it can change. */
  incrementalPython?: IncrementalPythonChecker;
  checkTypeScript?(context: TypeScriptRuleContext): Finding[];
  /** The same TS/JS findings, file by file, so an analysis after an edit recomputes only what it can change. */
  incrementalTypeScript?: IncrementalTypeScriptChecker;
}

/**
 * A TS/JS checker split per file for incremental analysis (engine/analyze-typescript.ts). The
 * engine runs `checkFile` as derived data of `file` (TsProgram.track): the other files it reads
 * through the program are recorded, and a change there runs it again. It may read the text of
 * `file` only (a text change always brings new facts). Put together in file order, the results
 * are exactly what `checkTypeScript` returns.
 */
export interface IncrementalTypeScriptChecker {
  checkFile(context: TypeScriptRuleContext, file: string): Finding[];
  /**
   * Text standing for the workspace-wide inputs the per-file findings read besides the program's
   * resolution (assignments of defaults anywhere, calls on a value made in another file): when it
   * changes, every file is checked again. Called once per analysis before any `checkFile`.
   */
  sharedInputs?(context: TypeScriptRuleContext): string;
}

/**
 * A Python checker split for incremental analysis (engine/analyze.ts): the findings located in one
 * file, computed from that file's view of the program, plus the few computed from workspace-wide
 * inputs. Put together (rules/incremental.ts) they are exactly what `checkPython` returns.
 */
export interface IncrementalPythonChecker {
  /**
   * The findings located in `file`, in the order `checkPython` gives them. The engine runs it as
   * derived data of `file` (PyProgram.track): what it consults through the program's resolution,
   * call graph and summaries is recorded as a dependency, and a change there runs it again. Reading
   * other files in any other way must be declared with `readsWholeProgram`.
   */
  checkFile(context: PythonRuleContext, file: string): Finding[];
  /**
   * These findings of a file also depend on the whole workspace (a helper looked for anywhere):
   * recomputed after every change, or with `wholeProgramInputs`, after a change of those.
   */
  readsWholeProgram?(findings: Finding[]): boolean;
  /**
   * What the findings that `readsWholeProgram` read of the workspace (the reset helpers found), as
   * one value that stays the same object while its content does.
   */
  wholeProgramInputs?(context: PythonRuleContext): unknown;
  /** Findings from workspace-wide inputs (service config files, preloading servers), after the per-file ones; run by every analysis, so cheap. */
  checkProgram?(context: PythonRuleContext): Finding[];
  /** Text standing for workspace-wide inputs the per-file findings read too: when it changes, every file is checked again. */
  sharedInputs?(context: PythonRuleContext): string;
}

/** A rule's checkers, one per language it supports. */
export interface RuleCheckers {
  python?: NonNullable<Rule['checkPython']>;
  /** The Python checker's incremental form (`python` must be its composition, rules/incremental.ts). */
  pythonIncremental?: IncrementalPythonChecker;
  typescript?: NonNullable<Rule['checkTypeScript']>;
  /** The TS/JS checker's per-file form (`typescript` must be its composition over the files in order). */
  typescriptIncremental?: IncrementalTypeScriptChecker;
}
