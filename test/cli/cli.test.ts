/**
 * The bundled CLI (dist/cli.js, real engine): each output format on a small workspace, exit codes,
 * a broken config file, usage errors, and the default target (the bundled examples/).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const CLI_BUNDLE = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

const POOLS_PY = 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = ThreadPoolExecutor(max_workers=5)\n';
const MAIN_PY = 'import os\n\nfrom app.pools import EXECUTOR\n\npid = os.fork()\n';
const FG001_MESSAGE =
  'ThreadPoolExecutor `EXECUTOR` (created in app/pools.py:3 via `import app.pools`) is alive when `os.fork()` forks workers: ' +
  'children inherit its bookkeeping without its threads (submitted work can wait forever, locks held by those threads stay locked). ' +
  'Release it before forking (`EXECUTOR.shutdown(wait=True)`).';

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): CliRun {
  if (!existsSync(CLI_BUNDLE)) throw new Error(`${CLI_BUNDLE} is missing: run \`npm run build\` first`);
  const result = spawnSync(process.execPath, [CLI_BUNDLE, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Timings differ run to run; everything else must match exactly. */
const withoutTimings = (text: string) => text.replace(/\(\d+ ms\)/g, '(T ms)').replace(/"ms": \d+/g, '"ms": 0');

describe('forkguard check', () => {
  let root: string;
  let hazard: string;
  let clean: string;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'forkguard-cli-'));
    hazard = path.join(root, 'hazard');
    mkdirSync(path.join(hazard, 'app'), { recursive: true });
    writeFileSync(path.join(hazard, 'app', '__init__.py'), '');
    writeFileSync(path.join(hazard, 'app', 'pools.py'), POOLS_PY);
    writeFileSync(path.join(hazard, 'main.py'), MAIN_PY);
    clean = path.join(root, 'clean');
    mkdirSync(clean);
    writeFileSync(path.join(clean, 'main.py'), 'import os\n\npid = os.fork()\n');
    writeFileSync(path.join(root, 'broken.toml'), 'timeout-seconds = "soon"\n');
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('text: one compiler-style line per finding on stdout, the summary on stderr, exit 1', () => {
    const run = cli(['check', 'hazard', '--no-cache'], root);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stdout, `hazard/main.py:5:7: FG001 ${FG001_MESSAGE}\n`);
    assert.equal(withoutTimings(run.stderr), '1 finding in 3 files (T ms)\n');
  });

  it('--exit-zero: the same findings, exit 0', () => {
    const run = cli(['check', 'hazard', '--no-cache', '--exit-zero'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `hazard/main.py:5:7: FG001 ${FG001_MESSAGE}\n`);
  });

  it('json: exactly the documented document, paths relative to the current directory', () => {
    const run = cli(['check', 'hazard', '--format', 'json', '--no-cache'], root);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, '');
    const at = (file: string, line: number, column: number, endLine: number, endColumn: number) => ({ file, line, column, endLine, endColumn });
    assert.deepEqual(JSON.parse(withoutTimings(run.stdout)), {
      findings: [
        {
          rule: 'FG001',
          name: 'pool-before-fork',
          severity: 'warning',
          file: 'hazard/main.py',
          line: 5,
          column: 7,
          endLine: 5,
          endColumn: 16,
          message: FG001_MESSAGE,
          related: [
            { file: 'hazard/app/pools.py', line: 3, column: 12, message: 'ThreadPoolExecutor `EXECUTOR` is created here' },
            {
              file: 'hazard/main.py',
              line: 3,
              column: 1,
              message: "`import app.pools` runs the module's top-level code, which leads to the creation of `EXECUTOR`",
            },
          ],
          fixes: [
            {
              title: 'Add `EXECUTOR.shutdown(wait=True)` before the fork',
              edits: [{ ...at('hazard/main.py', 5, 1, 5, 1), newText: 'EXECUTOR.shutdown(wait=True)\n' }],
            },
            {
              title: 'Reset `EXECUTOR` in forked children (os.register_at_fork)',
              edits: [
                { ...at('hazard/app/pools.py', 2, 1, 2, 1), newText: 'import os\n' },
                { ...at('hazard/app/pools.py', 4, 1, 4, 1), newText: 'os.register_at_fork(after_in_child=EXECUTOR.shutdown)\n' },
              ],
            },
            {
              title: 'Suppress FG001 on this line',
              edits: [{ ...at('hazard/main.py', 5, 16, 5, 16), newText: '  # forkguard: ignore[FG001]' }],
            },
          ],
        },
      ],
      stats: { files: 3, ms: 0 },
    });
  });

  it('sarif: a 2.1.0 log with the rule metadata and the result', () => {
    const run = cli(['check', 'hazard', '--format', 'sarif', '--no-cache'], root);
    assert.equal(run.status, 1, run.stderr);
    const sarif = JSON.parse(run.stdout);
    assert.equal(sarif.version, '2.1.0');
    const [sarifRun] = sarif.runs;
    const rules: Array<{ id: string; helpUri: string; help: { markdown: string } }> = sarifRun.tool.driver.rules;
    const fg001 = rules.findIndex((rule) => rule.id === 'FG001');
    assert.ok(fg001 >= 0);
    assert.equal(rules[fg001].helpUri, 'https://github.com/forkguard/forkguard/blob/main/server/src/rules/fg001-pool-before-fork/README.md');
    assert.ok(rules[fg001].help.markdown.length > 100, 'the rule doc page travels as help');
    assert.deepEqual(sarifRun.originalUriBaseIds, { '%SRCROOT%': { uri: `${pathToFileURL(root).href}/` } });
    assert.equal(sarifRun.results.length, 1);
    const [result] = sarifRun.results;
    assert.equal(result.ruleId, 'FG001');
    assert.equal(result.ruleIndex, fg001);
    assert.equal(result.level, 'warning');
    assert.deepEqual(result.locations, [
      { physicalLocation: { artifactLocation: { uri: 'hazard/main.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 5, startColumn: 7, endLine: 5, endColumn: 16 } } },
    ]);
    assert.deepEqual(result.fixes[0].artifactChanges, [
      {
        artifactLocation: { uri: 'hazard/main.py', uriBaseId: '%SRCROOT%' },
        replacements: [{ deletedRegion: { startLine: 5, startColumn: 1, endLine: 5, endColumn: 1 }, insertedContent: { text: 'EXECUTOR.shutdown(wait=True)\n' } }],
      },
    ]);
  });

  it('exits 0 with no findings', () => {
    const run = cli(['check', 'clean', '--no-cache', '--threads', '0'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal(withoutTimings(run.stderr), '0 findings in 1 file (T ms)\n');
  });

  it('exits 2 on a broken config file, naming the file and the key', () => {
    const run = cli(['check', 'clean', '--config', 'broken.toml', '--no-cache'], root);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^forkguard: broken\.toml:1:1: timeout-seconds: .+$/m);
  });

  it('exits 2 on a missing config file', () => {
    const run = cli(['check', 'clean', '--config', 'nowhere.toml', '--no-cache'], root);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^forkguard: nowhere\.toml: cannot read config file/m);
  });

  it('exits 2 on usage errors: unknown option, unknown format, bad thread count, missing path', () => {
    const unknown = cli(['check', 'clean', '--frobnicate'], root);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown option '--frobnicate'/);
    const format = cli(['check', 'clean', '--format', 'xml'], root);
    assert.equal(format.status, 2);
    assert.match(format.stderr, /Allowed choices are text, json, sarif/);
    assert.equal(cli(['check', 'clean', '--threads', 'many'], root).status, 2);
    const missing = cli(['check', 'no-such-dir'], root);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'forkguard: no such file or directory: no-such-dir\n');
  });

  it('checks the bundled examples/ when no path is given', () => {
    const implicit = cli(['check', '--format', 'json', '--no-cache'], root);
    const explicit = cli(['check', EXAMPLES, '--format', 'json', '--no-cache'], root);
    assert.notEqual(implicit.status, 2, implicit.stderr);
    assert.equal(withoutTimings(implicit.stdout), withoutTimings(explicit.stdout));
    assert.ok(JSON.parse(implicit.stdout).stats.files > 0, 'examples/ holds Python files');
  });

  it('finds every rule in both languages of the bundled examples/ (what `npm start` shows)', () => {
    const result = cli(['check', EXAMPLES, '--format', 'json', '--no-cache'], root);
    assert.equal(result.status, 1, result.stderr);
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; file: string; line: number }[] }).findings;
    const relative = (file: string) => path.relative(EXAMPLES, path.resolve(root, file)).split(path.sep).join('/');
    assert.deepEqual(
      findings.map((finding) => `${relative(finding.file)}:${finding.line} ${finding.rule}`),
      [
        'orders-api/src/db.ts:4 FG002',
        'orders-api/src/inventory.ts:3 FG002',
        'orders-api/src/inventory.ts:8 FG003',
        'orders-api/src/server.ts:10 FG001',
        'scheduler/scheduler/cells.py:11 FG003',
        'scheduler/scheduler/cmd.py:21 FG001',
        'scheduler/scheduler/db.py:14 FG002',
      ],
    );
  });
});
