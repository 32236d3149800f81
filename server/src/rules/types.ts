import type { Finding, RuleMeta } from '../model';
import type { ForkGuardConfig } from '../model/config';
import type { PyProgram } from '../python/program';

/** What a Python checker sees: the whole program model, and the configuration. */
export interface PythonRuleContext {
  program: PyProgram;
  config: ForkGuardConfig;
  /** Service config files of the workspace (`*.conf`, `*.ini`), path -> text; absent means none. */
  configFiles?: ReadonlyMap<string, string>;
}

/**
 * A rule: its metadata, its doc page (Markdown, the text of the rule folder's README.md) and one
 * checker per language. Checkers return findings with the rule's default severity; the engine
 * applies the configured severity, suppressions and ordering.
 */
export interface Rule {
  meta: RuleMeta;
  docs: string;
  checkPython?(context: PythonRuleContext): Finding[];
}
