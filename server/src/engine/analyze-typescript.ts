/**
 * The TS/JS half of analyze: runs each enabled rule's TypeScript checker over the workspace's
 * TsProgram, when the workspace has TS/JS files, and files the findings by file.
 */
import type { CancellationToken, Finding, SeveritySetting } from '../model';
import { RULES } from '../rules';
import type { Rule } from '../rules/types';
import type { Workspace } from './workspace';

export interface TypeScriptRunOptions {
  severityOf: (rule: Rule) => SeveritySetting;
  token?: CancellationToken;
  /** The error thrown when the token is cancelled between rules. */
  cancelled: () => Error;
}

export async function runTypeScriptRules(workspace: Workspace, byFile: Map<string, Finding[]>, options: TypeScriptRunOptions): Promise<void> {
  const program = workspace.tsProgram;
  if (program.files().length === 0) return;
  const context = { program, config: workspace.config, texts: (file: string) => workspace.text(file) };
  for (const rule of RULES) {
    const severity = options.severityOf(rule);
    if (severity === 'off' || !rule.checkTypeScript) continue;
    if (options.token?.isCancellationRequested) throw options.cancelled();
    for (const finding of rule.checkTypeScript(context)) {
      byFile.get(finding.file)?.push({ ...finding, severity });
    }
    await new Promise((resolve) => setImmediate(resolve)); // lets the LSP message loop serve edits between rules
  }
}
