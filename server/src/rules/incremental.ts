/**
 * An incremental Python checker (types.ts) put back together as a whole-program one: every file's
 * findings in path order, then the workspace-wide ones. `checkPython` of a rule with an incremental
 * form is this, so both ways of running it give the same findings.
 */
import type { Finding } from '../model';
import type { IncrementalPythonChecker, PythonRuleContext } from './types';

export function wholeProgramChecker(checker: IncrementalPythonChecker): (context: PythonRuleContext) => Finding[] {
  return (context) => {
    const findings: Finding[] = [];
    for (const file of context.program.files()) findings.push(...checker.checkFile(context, file));
    if (checker.checkProgram) findings.push(...checker.checkProgram(context));
    return findings;
  };
}
