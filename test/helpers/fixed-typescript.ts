/**
 * What a TS/JS file changed by a fix must satisfy besides its exact text (server/src/rules/README.md):
 * it re-parses with no syntax error, and the fixed `.ts`/`.tsx`/`.mts`/`.cts` files type-check
 * (see typecheck.ts for the options and the `.d.ts` shim convention).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { typeCheck } from './typecheck';

const TS_OR_JS = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;

/** Problems of the changed files (paths relative to `root`, texts already written there); empty when fine. */
export function fixedTypeScriptProblems(root: string, changed: string[]): string[] {
  const sources = changed.filter((file) => TS_OR_JS.test(file) && !/\.d\.[cm]?ts$/.test(file));
  const problems: string[] = [];
  for (const file of sources) {
    const facts = extractTsFacts(readFileSync(join(root, file), 'utf8'), file);
    for (const error of facts.syntaxErrors) problems.push(`${file}:${error.start.line + 1}:${error.start.character + 1} syntax error after the fix`);
  }
  if (problems.length > 0) return problems;
  return typeCheck(root, sources);
}
