/**
 * PoolRelevance's fixpoint identity: the same object while its answer is the same, so FG001's
 * kept summaries (typescript/pools.ts) survive edits that change a file's relevance but not the
 * answer, and are walked again when the answer changes. An edit whose relevance change may move
 * the answer must not keep the last fixpoint: the answer equals a fresh program's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { PoolRelevance } from '../../server/src/typescript/pool-relevance';
import { TsProgram } from '../../server/src/typescript/program';

const PRIMARY = "import cluster from 'node:cluster';\nimport { boot } from './db';\nboot();\ncluster.fork();\n";
const DB = (helperName: string, bootBody: string) =>
  `import { Pool } from 'pg';\nexport function boot() {\n  ${bootBody}\n}\nfunction ${helperName}() {\n  return 1;\n}\n`;

function programWith(files: Record<string, string>): TsProgram {
  const program = new TsProgram();
  for (const [file, text] of Object.entries(files)) program.setFile(file, extractTsFacts(text, file));
  return program;
}

describe('PoolRelevance.fixpoint', () => {
  it('stays the same object when a file changes its relevance but not the answer, and changes with the answer', () => {
    const program = programWith({ '/w/primary.ts': PRIMARY, '/w/db.ts': DB('helper', 'return new Pool();') });
    const first = new PoolRelevance(program).fixpoint();
    assert.equal(new PoolRelevance(program).fixpoint(), first, 'nothing changed');

    // A function nothing reaches is renamed: the file's relevance differs (how its functions are spelled), the answer does not.
    program.setFile('/w/db.ts', extractTsFacts(DB('helpers', 'return new Pool();'), '/w/db.ts'));
    const renamed = new PoolRelevance(program);
    assert.equal(renamed.fixpoint(), first);

    // boot() no longer makes a pool: it is not interesting any more.
    program.setFile('/w/db.ts', extractTsFacts(DB('helpers', 'return 2;'), '/w/db.ts'));
    const changed = new PoolRelevance(program);
    assert.notEqual(changed.fixpoint(), first);
    assert.equal(renamed.isInteresting('/w/db.ts', 0), true);
    assert.equal(changed.isInteresting('/w/db.ts', 0), false);
  });
});

/** Every interesting function of the program, as `file#id`. */
function interestingOf(program: TsProgram): string[] {
  const relevance = new PoolRelevance(program);
  return program.files().flatMap((file) => program.facts(file)!.functions.filter((fn) => relevance.isInteresting(file, fn.id)).map((fn) => `${file}#${fn.id}`));
}

describe('PoolRelevance after a relevance change', () => {
  const RUNNER = "import { Db } from './db';\nconst db = new Db();\nfunction run() {\n  db.start();\n}\nfunction idle() {\n  db.stop();\n}\n";
  const DB_CLASS = (method: string) => `import { Pool } from 'pg';\nexport class Db {\n  ${method}() {\n    return new Pool();\n  }\n  stop() {\n    return 1;\n  }\n}\n`;

  /** Edits /w/runner.ts or /w/db.ts in turn; after each, the answer must be a fresh program's. */
  function checkEdits(edits: [string, string][]): void {
    const files: Record<string, string> = { '/w/runner.ts': RUNNER, '/w/db.ts': DB_CLASS('begin') };
    const program = programWith(files);
    interestingOf(program); // the last fixpoint, before the edits
    for (const [file, text] of edits) {
      files[file] = text;
      program.setFile(file, extractTsFacts(text, file));
      assert.deepEqual(interestingOf(program), interestingOf(programWith(files)), `after editing ${file}`);
    }
  }

  it('follows an interesting function renamed to a name calls spell (its own rename counts)', () => {
    checkEdits([['/w/db.ts', DB_CLASS('start')]]);
  });

  it("follows a call renamed to the name of an interesting function (a caller's list counts)", () => {
    checkEdits([
      ['/w/db.ts', DB_CLASS('start')],
      ['/w/runner.ts', RUNNER.replace('db.stop()', 'db.start()')],
    ]);
  });
});
