/**
 * The TS/JS half of analyze, when the workspace has TS/JS files. Incremental like the Python half
 * (the runner is incremental-rules.ts): a rule with a per-file checker (`incrementalTypeScript`)
 * keeps its findings per file between analyses of one program, and an analysis re-checks only the
 * files TsProgram.changedSince names. The configuration, a rule's severity or its workspace-wide
 * inputs (`sharedInputs`) changing re-checks every file. Rules with only a whole-program checker
 * run it every time.
 */
import type { ForkGuardConfig } from '../model/config';
import type { TypeScriptRuleContext } from '../rules/types';
import { runIncrementalRules, type LanguageFindings, type RuleRunOptions } from './incremental-rules';
import type { Workspace } from './workspace';

/** Without TS/JS files nothing runs, and nothing is found (analyze notices a change of the file count). */
const NOTHING: LanguageFindings = { changed: new Set(), findingsOf: () => [] };

export async function runTypeScriptRules(workspace: Workspace, options: RuleRunOptions): Promise<LanguageFindings> {
  const program = workspace.tsProgram;
  if (program.fileCount() === 0) return NOTHING;
  const config = workspace.config;
  const context: TypeScriptRuleContext = { program, config, texts: (file: string) => workspace.text(file) };
  return runIncrementalRules<TypeScriptRuleContext, ForkGuardConfig>(
    {
      program,
      context,
      inputs: config,
      sameInputs: (previous, current) => previous === current,
      checkersOf: (rule) => {
        const checkTypeScript = rule.checkTypeScript?.bind(rule);
        return checkTypeScript && { checkWhole: checkTypeScript, incremental: rule.incrementalTypeScript };
      },
    },
    options,
  );
}
