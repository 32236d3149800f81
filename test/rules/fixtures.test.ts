/**
 * Rule fixtures (server/src/rules/<rule folder>/fixtures/<language>/<case>/, format in server/src/rules/README.md):
 * every case folder is one test. The engine analyses the case as a workspace; the findings of
 * the case's rule must be exactly the `# expect:` comments. A case with a `.fixed/` folder also
 * has its preferred fixes applied, compared with `.fixed/` text for text, and re-analysed clean.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import type { AnalysisResult } from '../../server/src/engine/api';
import type { Finding, SeveritySetting } from '../../server/src/model';
import { fixedTypeScriptProblems } from '../helpers/fixed-typescript';
import {
  applyPreferredFixes,
  applyTextEdits,
  caseSourceFiles,
  copyCaseToScratch,
  describeFindingMismatch,
  discoverFixtureCases,
  RULES_ROOT,
  type FixtureCase,
  lineDiff,
  listFiles,
  parseExpectations,
  readCaseExpectations,
  removeScratch,
  ruleInFamily,
  toActualFindings,
} from '../helpers/fixtures';

const cases = discoverFixtureCases();

async function analyzeFolder(fixture: FixtureCase, root: string): Promise<AnalysisResult> {
  // Loaded here rather than at the top so that an engine that fails to load fails each case
  // with its error, while the harness's own tests below still run.
  const { Workspace } = await import('../../server/src/engine/workspace');
  const { analyze } = await import('../../server/src/engine/analyze');
  const editorSettings = { severity: await enabledOffByDefault(fixture) };
  const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings });
  await workspace.scan();
  return analyze(workspace);
}

/**
 * The case's rules that are off by default (the FG1xx inventory), turned on at `info`: a case
 * checks what its rule finds once enabled. A `forkguard.toml` in the case still overrides this.
 */
async function enabledOffByDefault(fixture: FixtureCase): Promise<Record<string, SeveritySetting>> {
  const { RULES } = await import('../../server/src/rules');
  const offRules = RULES.filter((rule) => ruleInFamily(fixture.rule, rule.meta.id) && rule.meta.defaultSeverity === 'off');
  return Object.fromEntries(offRules.map((rule) => [rule.meta.id, 'info']));
}

/** The findings of the case's rule (or rule family), per file (other rules' findings are not the case's business). */
function findingsOfRule(result: AnalysisResult, rule: string): Map<string, Finding[]> {
  return new Map([...result.findings].map(([file, list]) => [file, list.filter((finding) => ruleInFamily(rule, finding.rule))]));
}

function errorNotices(result: AnalysisResult): string[] {
  return result.notices.filter((notice) => notice.level === 'error').map((notice) => `${notice.file ?? ''} ${notice.message}`);
}

/** Checks findings against the inline expectations; returns the case's findings for the fix step. */
async function checkFindings(fixture: FixtureCase, scratch: string): Promise<Finding[]> {
  const result = await analyzeFolder(fixture, scratch);
  assert.deepEqual(errorNotices(result), [], 'the engine reported errors on the fixture');
  const findings = findingsOfRule(result, fixture.rule);
  const mismatch = describeFindingMismatch(readCaseExpectations(fixture), toActualFindings(scratch, findings));
  if (mismatch) assert.fail(`findings differ\n${mismatch}`);
  return [...findings.values()].flat();
}

/** Applies every finding's preferred fix (as a fix-all would) and checks the text and the re-analysis. */
async function checkPreferredFixes(fixture: FixtureCase, fixedDir: string, scratch: string, findings: Finding[]): Promise<void> {
  const changed = applyPreferredFixes(scratch, findings);
  assert.deepEqual([...changed.keys()], listFiles(fixedDir), 'the preferred fixes change other files than .fixed/ holds');
  for (const [path, text] of changed) {
    const expected = readFileSync(join(fixedDir, path), 'utf8');
    if (text !== expected) assert.fail(`${path} after the preferred fixes differs from .fixed/${path}:\n${lineDiff(expected, text)}`);
  }

  for (const [path, text] of changed) writeFileSync(join(scratch, path), text);
  if (fixture.language === 'typescript') {
    const problems = fixedTypeScriptProblems(scratch, [...changed.keys()]);
    if (problems.length > 0) assert.fail(`the fixed files do not parse or type-check:\n${problems.join('\n')}`);
  }
  const after = await analyzeFolder(fixture, scratch);
  const mismatch = describeFindingMismatch([], toActualFindings(scratch, findingsOfRule(after, fixture.rule)));
  if (mismatch) assert.fail(`after applying the preferred fixes the workspace is not clean:\n${mismatch}`);
}

describe('rule fixtures', () => {
  for (const fixture of cases) {
    test(`${fixture.language}/${fixture.rule.toLowerCase()}/${fixture.name}`, async () => {
      const scratch = copyCaseToScratch(fixture);
      try {
        const findings = await checkFindings(fixture, scratch);
        if (fixture.fixedDir) await checkPreferredFixes(fixture, fixture.fixedDir, scratch, findings);
      } finally {
        removeScratch(scratch);
      }
    });
  }
});

describe('fixture folders are well formed', () => {
  test('there are FG001 Python cases', () => {
    assert.ok(cases.filter((c) => c.language === 'python' && c.rule === 'FG001').length >= 20);
  });

  for (const fixture of cases) {
    test(`${fixture.language}/${fixture.rule.toLowerCase()}/${fixture.name}`, () => {
      const sources = caseSourceFiles(fixture);
      assert.ok(sources.length > 0, 'a case holds at least one source file');
      const expectations = readCaseExpectations(fixture);
      for (const expectation of expectations) {
        assert.ok(ruleInFamily(fixture.rule, expectation.rule), `${expectation.file}:${expectation.line} expects ${expectation.rule}, not a rule of its folder (${fixture.rule})`);
      }
      if (fixture.fixedDir) {
        assert.ok(expectations.length > 0, 'a .fixed folder needs findings to fix');
        for (const file of listFiles(fixture.fixedDir)) {
          assert.ok(existsSync(join(fixture.dir, file)), `.fixed/${file} mirrors no file of the case`);
        }
      }
    });
  }
});

describe('fixture harness', () => {
  test('parses one or several expectations per line, 1-based', () => {
    const text = 'import os\nos.fork()  # expect: FG001\nx = 1\nos.fork(); os.fork()  # expect: FG001, FG001\n';
    assert.deepEqual(parseExpectations('a.py', text), [
      { rule: 'FG001', file: 'a.py', line: 2 },
      { rule: 'FG001', file: 'a.py', line: 4 },
      { rule: 'FG001', file: 'a.py', line: 4 },
    ]);
  });

  test('rejects a malformed expectation instead of expecting nothing', () => {
    assert.throws(() => parseExpectations('a.py', 'os.fork()  # expect: fg1\n'), /a\.py:1: malformed expectation/);
  });

  test('reads // expect: in TS/JS files, and not # expect: there', () => {
    const text = "cluster.fork(); // expect: FG001\nconst s = '# expect: FG002';\nnew Pool(); new Pool(); // expect: FG001, FG001\n";
    for (const file of ['a.ts', 'a.tsx', 'a.js', 'a.jsx', 'a.mjs', 'a.cjs', 'a.mts', 'a.cts']) {
      assert.deepEqual(parseExpectations(file, text), [
        { rule: 'FG001', file, line: 1 },
        { rule: 'FG001', file, line: 3 },
        { rule: 'FG001', file, line: 3 },
      ]);
    }
    assert.throws(() => parseExpectations('a.ts', 'fork(); // expect: FG1\n'), /a\.ts:1: malformed expectation "\/\/ expect: FG1" \(want "\/\/ expect: FG001/);
  });

  test('TS fixes: the fixed files must re-parse and type-check against the case\'s .d.ts shims', () => {
    const root = mkdtempSync(join(tmpdir(), 'forkguard-harness-ts-'));
    try {
      const write = (file: string, text: string) => {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
      };
      write('types.d.ts', "declare module 'pg' {\n  export class Pool {\n    end(): Promise<void>;\n  }\n}\n");
      write('package.json', '{ "type": "module" }');
      write('server.ts', "import cluster from 'node:cluster';\nimport { Pool } from 'pg';\nconst pool = new Pool();\nawait pool.end();\ncluster.fork();\n");
      write('broken.ts', "import { Pool } from 'pg';\nconst pool = new Pool();\nawait pool.close();\n");
      write('unparsable.js', 'const x = (;\n');
      assert.deepEqual(fixedTypeScriptProblems(root, ['server.ts', 'types.d.ts']), []);
      assert.deepEqual(fixedTypeScriptProblems(root, ['broken.ts']), ["broken.ts:3:12 TS2339 Property 'close' does not exist on type 'Pool'."]);
      assert.deepEqual(fixedTypeScriptProblems(root, ['unparsable.js']), ['unparsable.js:1:12 syntax error after the fix']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('.d.ts shims are not case sources', () => {
    const root = mkdtempSync(join(tmpdir(), 'forkguard-harness-dts-'));
    try {
      writeFileSync(join(root, 'types.d.ts'), 'declare const x: number; // expect: FG001\n');
      writeFileSync(join(root, 'main.ts'), 'fork(); // expect: FG001\n');
      const fixture = { language: 'typescript', rule: 'FG001', name: 'inline', dir: root };
      assert.deepEqual(caseSourceFiles(fixture), ['main.ts']);
      assert.deepEqual(readCaseExpectations(fixture), [{ rule: 'FG001', file: 'main.ts', line: 1 }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('reports missing and unexpected findings with messages', () => {
    const report = describeFindingMismatch(
      [{ rule: 'FG001', file: 'main.py', line: 3 }],
      [{ rule: 'FG001', file: 'main.py', line: 4, message: 'pool alive at fork' }],
    );
    assert.equal(
      report,
      [
        'expected:',
        '  main.py:3 FG001',
        'actual:',
        '  main.py:4 FG001  pool alive at fork',
        'missing:',
        '  main.py:3 FG001',
        'unexpected:',
        '  main.py:4 FG001',
      ].join('\n'),
    );
  });

  test('a rule folder named with x digits covers its family of codes', () => {
    assert.equal(ruleInFamily('FG001', 'FG001'), true);
    assert.equal(ruleInFamily('FG001', 'FG002'), false);
    assert.equal(ruleInFamily('FG1XX', 'FG104'), true);
    assert.equal(ruleInFamily('FG1XX', 'FG001'), false);
    assert.equal(ruleInFamily('FG1XX', 'FG1001'), false);
  });

  test('counts findings as a multiset', () => {
    const one = { rule: 'FG001', file: 'm.py', line: 1 };
    assert.notEqual(describeFindingMismatch([one, one], [{ ...one, message: 'x' }]), null);
    assert.equal(describeFindingMismatch([one], [{ ...one, message: 'x' }]), null);
  });

  test('applies edits last first, in UTF-16 units, keeping CRLF', () => {
    const text = 'def main():\r\n    s = "é😀"\r\n    os.fork()\r\n';
    const at = (line: number, character: number) => ({ line, character });
    const result = applyTextEdits(text, [
      { range: { start: at(0, 0), end: at(0, 0) }, newText: 'import os\r\n' },
      { range: { start: at(2, 0), end: at(2, 0) }, newText: '    pool.shutdown(wait=True)\r\n' },
      { range: { start: at(1, 12), end: at(1, 12) }, newText: '!' },
    ]);
    assert.equal(result, 'import os\r\ndef main():\r\n    s = "é😀!"\r\n    pool.shutdown(wait=True)\r\n    os.fork()\r\n');
  });

  test('rejects overlapping edits and positions outside the text', () => {
    const at = (line: number, character: number) => ({ line, character });
    assert.throws(
      () =>
        applyTextEdits('abcdef\n', [
          { range: { start: at(0, 1), end: at(0, 4) }, newText: '' },
          { range: { start: at(0, 3), end: at(0, 5) }, newText: '' },
        ]),
      /overlapping/,
    );
    assert.throws(() => applyTextEdits('ab\n', [{ range: { start: at(0, 3), end: at(0, 3) }, newText: '' }]), /outside line 0/);
    assert.throws(() => applyTextEdits('ab\n', [{ range: { start: at(5, 0), end: at(5, 0) }, newText: '' }]), /outside the file/);
  });

  /** A finding as the engine would report it, with one preferred fix inserting lines. */
  function findingWithInsertions(file: string, line: number, insertions: { line: number; text: string }[]): Finding {
    const at = (l: number) => ({ start: { line: l, character: 0 }, end: { line: l, character: 0 } });
    return {
      rule: 'FG001',
      name: 'pool-before-fork',
      severity: 'warning',
      file,
      range: at(line),
      message: 'synthetic',
      related: [],
      fixes: [
        { title: 'suppress', edits: [], preferred: false, safe: true },
        { title: 'reset', edits: insertions.map((insert) => ({ file, range: at(insert.line), newText: insert.text })), preferred: true, safe: true },
      ],
    };
  }

  /** Checks, through the harness, that a case's .fixed text is its input plus the given lines. */
  function assertFixedIsInsertion(caseName: string, insertions: (forkLine: number, lines: string[]) => { line: number; text: string }[]) {
    const fixture = cases.find((c) => c.name === caseName);
    assert.ok(fixture?.fixedDir, `${caseName} has a .fixed folder`);
    const [expectation] = readCaseExpectations(fixture);
    const file = join(fixture.dir, expectation.file);
    const lines = readFileSync(file, 'utf8').split('\n');
    const finding = findingWithInsertions(file, expectation.line - 1, insertions(expectation.line - 1, lines));
    const changed = applyPreferredFixes(fixture.dir, [finding]);
    assert.deepEqual([...changed.keys()], listFiles(fixture.fixedDir));
    assert.equal(changed.get(expectation.file), readFileSync(join(fixture.fixedDir, expectation.file), 'utf8'));
  }

  test('.fixed texts are their inputs plus the documented insertions', () => {
    assertFixedIsInsertion('module-engine', (fork) => [{ line: fork, text: '    engine.dispose()\n' }]);
    assertFixedIsInsertion('reset-in-conditional-branch', (fork) => [{ line: fork, text: '    executor.shutdown(wait=True)\n' }]);
    assertFixedIsInsertion('nova-scatter-gather-fixable', (fork, lines) => [
      { line: lines.indexOf('CONF = cfg.CONF') - 1, text: 'from nova_sched.utils.executors import destroy_scatter_gather_executor\n' },
      { line: fork, text: '    destroy_scatter_gather_executor()\n' },
    ]);
  });

  test('refuses findings without a preferred fix or with edits outside the workspace', () => {
    const root = join(RULES_ROOT, 'fg001-pool-before-fork', 'fixtures', 'python');
    const inside = join(root, 'module-engine', 'app', 'main.py');
    const noFix = { ...findingWithInsertions(inside, 0, []), fixes: [] };
    assert.throws(() => applyPreferredFixes(root, [noFix]), /module-engine\/app\/main\.py:1 FG001: the finding has no preferred fix/);
    const outside = findingWithInsertions(join(RULES_ROOT, 'README.md'), 0, [{ line: 0, text: 'x' }]);
    assert.throws(() => applyPreferredFixes(root, [outside]), /outside the workspace/);
  });

  test('shows a line diff with visible carriage returns', () => {
    assert.equal(lineDiff('a\nb\nc', 'a\nx\nc'), '  a\n- b\n+ x\n  c');
    assert.equal(lineDiff('a\r\n', 'a\n'), '- a\\r\n+ a\n  ');
  });

  test('scratch copies leave the .fixed folder out', () => {
    const withFix = cases.find((c) => c.fixedDir);
    assert.ok(withFix, 'at least one case has a .fixed folder');
    const scratch = copyCaseToScratch(withFix);
    try {
      assert.deepEqual(listFiles(scratch, { includeDotFolders: true }), listFiles(withFix.dir));
    } finally {
      removeScratch(scratch);
    }
  });
});
