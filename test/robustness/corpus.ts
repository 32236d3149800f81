/** The texts the fuzz tests start from: every source file of every rule fixture case, per language. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseSourceFiles, discoverFixtureCases } from '../helpers/fixtures';

export interface SeedText {
  /** Case and file, for messages: `fg001/direct_fork/app.py`. */
  name: string;
  text: string;
}

export function fixturePythonTexts(): SeedText[] {
  return discoverFixtureCases()
    .filter((fixture) => fixture.language === 'python')
    .flatMap((fixture) =>
      caseSourceFiles(fixture)
        .filter((file) => file.endsWith('.py'))
        .map((file) => ({ name: `${fixture.rule.toLowerCase()}/${fixture.name}/${file}`, text: readFileSync(join(fixture.dir, file), 'utf8') })),
    );
}

/** The TS/JS source files of the rule fixture cases (`.d.ts` shims left out); `name` keeps the extension. */
export function fixtureTypeScriptTexts(): SeedText[] {
  return discoverFixtureCases()
    .filter((fixture) => fixture.language === 'typescript')
    .flatMap((fixture) =>
      caseSourceFiles(fixture).map((file) => ({ name: `${fixture.rule.toLowerCase()}/${fixture.name}/${file}`, text: readFileSync(join(fixture.dir, file), 'utf8') })),
    );
}
