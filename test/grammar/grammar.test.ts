// Runs the TextMate grammar cases of test/grammar/cases with vscode-tmgrammar-test, as
// `npm run test:grammar` does, so that `npm test` covers the suppression grammar. The injection
// grammar is picked up from package.json's `contributes.grammars` (so its `injectTo` is tested
// too); the host grammars are the stand-ins in test/grammar/hosts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const hostGrammars = ['python', 'ts', 'js'].flatMap((name) => ['-g', `test/grammar/hosts/${name}.tmLanguage.json`]);

function runGrammarTests(casesGlob: string): { status: number | null; output: string } {
  const result = spawnSync('npx', ['--no-install', 'vscode-tmgrammar-test', ...hostGrammars, casesGlob], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('suppression comment grammar', () => {
  it('is contributed by the manifest for Python, JavaScript and TypeScript', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const grammar = JSON.parse(readFileSync(join(root, 'syntaxes/forkguard-suppression.injection.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.grammars, [
      {
        scopeName: grammar.scopeName,
        path: './syntaxes/forkguard-suppression.injection.json',
        injectTo: ['source.python', 'source.js', 'source.ts', 'source.tsx', 'source.js.jsx'],
      },
    ]);
    assert.equal(grammar.injectionSelector, 'L:comment');
  });

  it('passes every case in test/grammar/cases', () => {
    const { status, output } = runGrammarTests('test/grammar/cases/*.case');
    assert.equal(status, 0, output);
    const passed = output.split('\n').filter((line) => line.includes('run successfuly')).sort();
    assert.deepEqual(passed.map((line) => line.replace(/^.*(test\/grammar\/cases\/\S+).*$/, '$1')), [
      'test/grammar/cases/suppression.js.case',
      'test/grammar/cases/suppression.py.case',
      'test/grammar/cases/suppression.ts.case',
    ]);
  });

  it('fails a case whose expected scope is wrong (the runner really checks)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forkguard-grammar-'));
    try {
      writeFileSync(
        join(dir, 'wrong.case'),
        '# SYNTAX TEST "source.python" "a deliberately wrong expectation"\n' +
          'os.fork()  # forkguard: ignore[FG001]\n' +
          '#                               ^^^^^ keyword.control.directive.forkguard\n',
      );
      const { status, output } = runGrammarTests(join(dir, '*.case'));
      assert.notEqual(status, 0, output);
      assert.match(output, /missing required scopes: keyword\.control\.directive\.forkguard/);
      assert.match(output, /actual: .*constant\.other\.rule-id\.forkguard/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
