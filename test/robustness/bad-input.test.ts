/**
 * Source mid-edit and hostile files through the real engine: every prefix of every fixture file,
 * seeded random mutations, odd encodings and line endings, deep nesting and huge files. Whatever
 * the text, analyze answers (no exception), within the stated time bound, with every finding and
 * fix inside the document; where the file has a valid part, its finding is still reported.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { Workspace } from '../../server/src/engine/workspace';
import { fixturePythonTexts } from './corpus';
import { ALL_RULES_ON, createDocumentHarness, findingProblems, type DocumentHarness } from './harness';
import { mutate, SeededRandom } from './random';

const seeds = fixturePythonTexts();

/** A pool at import time then a fork: FG001 on the `os.fork()` line, the "valid part" of hostile files. */
const POOL_THEN = 'import os\nfrom concurrent.futures import ThreadPoolExecutor\nPOOL = ThreadPoolExecutor()\n';
const FORK = 'os.fork()\n';

/** Time for the seeded mutation loop; the loop also stops after MAX_MUTANTS so a fast machine does no more than CI. */
const MUTATION_BUDGET_MS = 1_500;
const MAX_MUTANTS = 1_000;

let harness: DocumentHarness;
before(async () => {
  harness = await createDocumentHarness();
});
after(async () => {
  await harness.dispose();
});

/** Analyses `text` and fails with `label` when analyze throws or a finding leaves the document. */
async function check(label: string, text: string) {
  let findings;
  try {
    findings = await harness.analyzeText(text);
  } catch (error) {
    assert.fail(`${label}: analyze threw ${(error as Error).stack}`);
  }
  const problems = findingProblems(harness.file, text, findings);
  if (problems.length > 0) assert.fail(`${label}:\n${problems.join('\n')}\n--- text ---\n${JSON.stringify(text)}`);
  return findings;
}

/** Lines (0-based) of the FG001 findings. */
const fg001Lines = (findings: { rule: string; range: { start: { line: number } } }[]) =>
  findings.filter((finding) => finding.rule === 'FG001').map((finding) => finding.range.start.line);

async function timed<T>(boundMs: number, label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  assert.ok(ms < boundMs, `${label} took ${ms.toFixed(0)} ms, over the ${boundMs} ms bound`);
  return result;
}

describe('source mid-edit', () => {
  test('there are fixture files to start from', () => {
    assert.ok(seeds.length >= 100, `only ${seeds.length} fixture files`);
  });

  test('every prefix of every fixture file, cut at every line', async () => {
    let analysed = 0;
    for (const { name, text } of seeds) {
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
        await check(`${name} cut after offset ${at}`, text.slice(0, at + 1));
        analysed++;
      }
    }
    assert.ok(analysed > 1_000, `only ${analysed} prefixes`);
  });

  test('every fixture file cut at three seeded random offsets (mid-token, mid-string)', async () => {
    const random = new SeededRandom(7);
    for (const { name, text } of seeds) {
      for (let i = 0; i < 3; i++) {
        const at = random.below(text.length + 1);
        await check(`${name} cut at offset ${at}`, text.slice(0, at));
      }
    }
  });

  test(`seeded random mutations of the fixtures (at most ${MUTATION_BUDGET_MS} ms, ${MAX_MUTANTS} mutants)`, async () => {
    const started = performance.now();
    let mutants = 0;
    for (let seed = 1; mutants < MAX_MUTANTS && performance.now() - started < MUTATION_BUDGET_MS; seed++) {
      const random = new SeededRandom(seed);
      const source = random.pick(seeds);
      const { text, steps } = mutate(source.text, random);
      await check(`seed ${seed}: ${source.name} after ${steps.join(', ')}`, text);
      mutants++;
    }
    assert.ok(mutants >= 100, `only ${mutants} mutants in the budget`);
  });
});

describe('hostile text still yields the findings of its valid part', () => {
  const cases: Record<string, { before?: string; middle: string }> = {
    'unbalanced open brackets': { middle: 'x = f((([{\n' },
    'unbalanced close brackets': { middle: 'x = ))]]}}\n' },
    'an unterminated triple-quoted string after the fork': { middle: '' },
    'tabs and spaces mixed in one block': { middle: 'def f():\n\tif x:\n        pass\n \treturn 1\n' },
    'NUL bytes': { middle: 'y = 1\0\0\n\0\n' },
    'a lone surrogate and replacement characters': { middle: 'x = "\ud800\udc00\ufffd"\n# \ud800\n' },
    'a BOM': { before: '\ufeff', middle: '' },
    'parentheses nested 5,000 deep': { middle: `x = ${'('.repeat(5_000)}1${')'.repeat(5_000)}\n` },
    'lists nested 5,000 deep': { middle: `x = ${'['.repeat(5_000)}${']'.repeat(5_000)}\n` },
    'calls nested 5,000 deep': { middle: `x = ${'f('.repeat(5_000)}${')'.repeat(5_000)}\n` },
    'a 5,000-term sum': { middle: `x = ${Array.from({ length: 5_000 }, (_, i) => `a${i}`).join(' + ')}\n` },
    'an attribute chain 5,000 long': { middle: `x = a${'.b'.repeat(5_000)}\n` },
    'lambdas nested 5,000 deep': { middle: `x = ${'lambda: '.repeat(5_000)}1\n` },
    'blocks nested 500 deep': { middle: `${Array.from({ length: 500 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('')}${' '.repeat(500)}pass\n` },
  };
  for (const [name, { before = '', middle }] of Object.entries(cases)) {
    test(`${name} (under 5 s)`, async () => {
      const text = before + POOL_THEN + middle + FORK + (name.startsWith('an unterminated') ? 'x = """never closed\n' : '');
      const findings = await timed(5_000, name, () => check(name, text));
      const forkLine = (POOL_THEN + middle).split(/\r\n|\r|\n/).length - 1;
      assert.deepEqual(fg001Lines(findings), [forkLine]);
    });
  }

  test('a pool created on the last line, without a line break after it: every fix offered is inside the file', async () => {
    // Regression: the register_at_fork fix inserted at the line after the creation, past the end here.
    for (const text of ["import os\nimport redis\nR = redis.Redis(); os.fork()", "import os\nfrom sqlalchemy import create_engine\nE = create_engine('postgresql://x'); os.fork()"]) {
      const findings = await check(JSON.stringify(text), text);
      assert.deepEqual(fg001Lines(findings), [2]);
    }
  });

  test('a finding on a line continued by a backslash: no fix breaks the continuation', async () => {
    // Regression: "Suppress ... on this line" appended a comment after the backslash (a syntax error).
    const text = `${POOL_THEN}pid = os.fork()\\\n\nprint(pid)\n`;
    const findings = await harness.analyzeText(text);
    assert.deepEqual(fg001Lines(findings), [3]);
    assert.deepEqual(findingProblems(harness.file, text, findings, { checkSyntax: true }), []);
  });

  test('a call whose only argument is *args: no fix glues a keyword to it', async () => {
    // Regression: FG002's "Pass `timeout=30`" wrote `requests.get(*argstimeout=30)`.
    const text = 'import requests\n\ndef get(url, *args):\n    return requests.get(*args)\n';
    const findings = await harness.analyzeText(text);
    assert.deepEqual(findings.map((finding) => finding.rule), ['FG002']);
    assert.deepEqual(findingProblems(harness.file, text, findings, { checkSyntax: true }), []);
  });

  for (const [name, eol] of Object.entries({ CRLF: '\r\n', CR: '\r' })) {
    test(`${name} line endings: same finding line, fixes keep the ending`, async () => {
      const text = (POOL_THEN + FORK).replace(/\n/g, eol);
      const findings = await check(name, text);
      assert.deepEqual(fg001Lines(findings), [3]);
      for (const fix of findings.flatMap((finding) => finding.fixes)) {
        for (const edit of fix.edits) assert.ok(!/(^|[^\r])\n/.test(edit.newText) || eol === '\n', `fix "${fix.title}" writes a bare \\n into a ${name} file: ${JSON.stringify(edit.newText)}`);
      }
    });
  }
});

describe('huge files', () => {
  test('a 50,000-function file is analysed in under 15 s, its finding reported', async () => {
    const functions = Array.from({ length: 50_000 }, (_, i) => `def f${i}(a):\n    return f${Math.max(0, i - 1)}(a)\n`).join('');
    const text = POOL_THEN + functions + FORK;
    const findings = await timed(15_000, '50,000 functions', () => check('50,000 functions', text));
    assert.deepEqual(fg001Lines(findings), [100_003]);
  });

  test('a file of one 1 MB line is analysed in under 10 s, the finding after it reported', async () => {
    const text = `${POOL_THEN}x = [${'1, '.repeat(350_000)}]\n${FORK}`;
    const findings = await timed(10_000, '1 MB line', () => check('1 MB line', text));
    assert.deepEqual(fg001Lines(findings), [4]);
  });

  test('a 10 MB file on disk is skipped with one log line and an info notice naming it', async () => {
    const root = harness.root;
    const big = join(root, 'generated.py');
    writeFileSync(big, POOL_THEN + 'x = 1\n'.repeat(1_800_000) + FORK);
    const logs: string[] = [];
    const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings: { severity: ALL_RULES_ON }, log: (line) => logs.push(line) });
    try {
      await timed(5_000, 'scan with a 10 MB file', () => workspace.scan());
      const result = await analyze(workspace);
      assert.deepEqual(logs, [`skipped ${big}: too large (10.3 MB > 5 MB limit)`]);
      assert.deepEqual(
        result.notices.map(({ level, file, message }) => ({ level, file, message })),
        [{ level: 'info', file: big, message: 'ForkGuard skipped generated.py: too large (10.3 MB > 5 MB limit)' }],
      );
      assert.equal(result.findings.has(big), false);
    } finally {
      await workspace.dispose();
    }
  });

  test('a 10 MB open document is not parsed (an info notice says why) until it shrinks again', async () => {
    const text = POOL_THEN + 'x = 1\n'.repeat(1_800_000) + FORK;
    const findings = await timed(3_000, '10 MB open document', () => check('10 MB open document', text));
    assert.deepEqual(findings, []);
    const notice = (await analyze(harness.workspace)).notices.find((candidate) => candidate.file === harness.file);
    assert.deepEqual(notice && { level: notice.level, message: notice.message }, {
      level: 'info',
      message: 'ForkGuard skipped app.py: too large to analyse (10.3 MB > 5 MB)',
    });

    harness.workspace.changeDocument(harness.file, 1_000_000, [{ range: { start: { line: 3, character: 0 }, end: { line: 1_800_003, character: 0 } }, text: '' }]);
    const result = await analyze(harness.workspace);
    assert.deepEqual(fg001Lines(result.findings.get(harness.file) ?? []), [3]);
    assert.equal(result.notices.some((candidate) => candidate.file === harness.file), false);
  });

  test('non-UTF-8 bytes on disk: the file is read (bytes replaced) and its finding reported', async () => {
    const root = harness.root;
    const latin1 = join(root, 'latin1.py');
    writeFileSync(latin1, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff, 0xfe, 0x80]), Buffer.from(`\n${POOL_THEN}${FORK}`)]));
    const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    try {
      await workspace.scan();
      const result = await analyze(workspace);
      assert.deepEqual(fg001Lines(result.findings.get(latin1) ?? []), [4]);
      assert.deepEqual(findingProblems(latin1, workspace.text(latin1) ?? '', result.findings.get(latin1) ?? []), []);
    } finally {
      await workspace.dispose();
    }
  });
});
