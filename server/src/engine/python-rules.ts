/**
 * The Python half of analyze, incremental (the runner is incremental-rules.ts): each rule's
 * findings are kept per file between analyses of one program and recomputed only for the files
 * PyProgram.changedSince names, plus the ones whose findings read the whole workspace. The
 * configuration or the service config files changing recomputes every rule everywhere.
 */
import type { ForkGuardConfig } from '../model/config';
import type { PyProgram } from '../python/program';
import type { PythonRuleContext } from '../rules/types';
import { runIncrementalRules, type LanguageFindings, type RuleRunOptions } from './incremental-rules';

/** The inputs besides the program that every Python finding may read. */
interface PythonInputs {
  config: ForkGuardConfig;
  configFiles: [string, string][];
}

/** Runs every enabled rule's Python checker. */
export async function runPythonRules(
  program: PyProgram,
  config: ForkGuardConfig,
  configFiles: ReadonlyMap<string, string>,
  options: RuleRunOptions,
): Promise<LanguageFindings> {
  const context: PythonRuleContext = { program, config, configFiles };
  return runIncrementalRules<PythonRuleContext, PythonInputs>(
    {
      program,
      context,
      inputs: { config, configFiles: [...configFiles] },
      sameInputs: (previous, current) => previous.config === current.config && sameEntries(previous.configFiles, current.configFiles),
      checkersOf: (rule) => {
        const checkPython = rule.checkPython?.bind(rule);
        return checkPython && { checkWhole: checkPython, incremental: rule.incrementalPython };
      },
    },
    options,
  );
}

function sameEntries(a: [string, string][], b: [string, string][]): boolean {
  return a.length === b.length && a.every(([file, text], i) => file === b[i][0] && text === b[i][1]);
}
