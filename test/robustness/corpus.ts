/** The Python texts the fuzz tests start from: every source file of every rule fixture case. */
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
