/**
 * TS/JS source mid-edit and hostile files through the real engine, as bad-input.test.ts does for
 * Python: prefixes of the TS/JS fixture files, seeded random mutations, NUL and binary bytes,
 * unterminated templates/regexes/JSX, deep nesting, a file over the size limit. Whatever the text,
 * analyze answers, and every finding and fix lies inside the document and applies cleanly.
 */
import assert from 'node:assert/strict';
import { extname } from 'node:path';
import { after, describe, test } from 'node:test';
import { MAX_FILE_BYTES } from '../../server/src/engine/workspace';
import { fixtureTypeScriptTexts } from './corpus';
import { createDocumentHarness, findingProblems, type DocumentHarness } from './harness';
import { mutate, SeededRandom } from './random';

const seeds = fixtureTypeScriptTexts();
const MUTATION_BUDGET_MS = 1_500;
const MAX_MUTANTS = 600;
/** Prefixes per seed file: cuts spread over the file (every prefix of every file would take minutes). */
const PREFIXES_PER_FILE = 8;

/** One open-document harness per extension: `.mjs` is ESM, `.tsx` parses JSX... */
const harnesses = new Map<string, DocumentHarness>();
async function harnessFor(name: string): Promise<DocumentHarness> {
  const ext = extname(name) || '.ts';
  let harness = harnesses.get(ext);
  if (!harness) {
    harness = await createDocumentHarness(`app${ext}`);
    harnesses.set(ext, harness);
  }
  return harness;
}
after(async () => {
  for (const harness of harnesses.values()) await harness.dispose();
});

async function check(name: string, label: string, text: string, options: { checkSyntax?: boolean } = {}) {
  const harness = await harnessFor(name);
  let findings;
  try {
    findings = await harness.analyzeText(text);
  } catch (error) {
    assert.fail(`${label}: analyze threw ${(error as Error).stack}`);
  }
  const problems = findingProblems(harness.file, text, findings, options);
  if (problems.length > 0) assert.fail(`${label}:\n${problems.join('\n')}\n--- text ---\n${JSON.stringify(text)}`);
  return findings;
}

describe('TS/JS source mid-edit', () => {
  test('there are TS/JS fixture files to start from', () => {
    assert.ok(seeds.length >= 10, `${seeds.length} TS/JS seed files`);
    assert.ok(seeds.some((seed) => seed.name.endsWith('.js')) && seeds.some((seed) => seed.name.endsWith('.ts')));
  });

  test('prefixes of every TS/JS fixture file', async () => {
    for (const seed of seeds) {
      for (let i = 1; i <= PREFIXES_PER_FILE; i++) {
        const cut = Math.floor((seed.text.length * i) / PREFIXES_PER_FILE);
        await check(seed.name, `${seed.name} cut at ${cut}`, seed.text.slice(0, cut));
      }
    }
  });

  test('seeded random mutations', async () => {
    const deadline = performance.now() + MUTATION_BUDGET_MS;
    let mutants = 0;
    for (let seed = 1; mutants < MAX_MUTANTS && performance.now() < deadline; seed++, mutants++) {
      const random = new SeededRandom(seed);
      const source = random.pick(seeds);
      const { text, steps } = mutate(source.text, random, 4);
      await check(source.name, `seed ${seed}: ${source.name} after ${steps.join(', ')}`, text, { checkSyntax: true });
    }
    assert.ok(mutants > 0);
  });
});

describe('hostile TS/JS files', () => {
  const cases: [string, string][] = [
    ['NUL and binary bytes', "import cluster from 'node:cluster';\u0000\u0001\u00ff\ufffe\ud800\ncluster.fork();\u0000\n"],
    ['unterminated template', 'const q = `select ${fetch(url)} from'],
    ['unterminated regex and string', "const r = /abc[;\nconst s = 'x\nfetch(u);\n"],
    ['unclosed JSX', 'const A = () => <div onClick={() => fetch(u)}><span>\n'],
    ['deep nesting', `const x = ${'['.repeat(3000)}fetch(u)${']'.repeat(3000)};\n`],
    ['deep parentheses', `x = ${'('.repeat(20000)}1${')'.repeat(20000)};\n`],
    ['long line', `const a = [${'fetch(u), '.repeat(1000)}];\n`],
    ['only a BOM and CRs', '\ufeff\r\r\r'],
    ['shebang and suppression comments everywhere', '#!/usr/bin/env node\n// forkguard: ignore[\n/* forkguard: ignore[FG001 */ fetch(u); // forkguard: ignore[]\n'],
  ];
  for (const [label, text] of cases) {
    for (const name of ['app.ts', 'app.tsx', 'app.js', 'app.mjs']) {
      test(`${label} (${name})`, async () => {
        await check(name, `${label} in ${name}`, text);
      });
    }
  }

  test('a document over the size limit is not analysed, and says so', async () => {
    const harness = await harnessFor('app.ts');
    const text = `// ${'x'.repeat(MAX_FILE_BYTES)}\nimport cluster from 'node:cluster';\ncluster.fork();\n`;
    const findings = await harness.analyzeText(text);
    assert.deepEqual(findings, []);
    assert.ok(harness.workspace.notices().some((notice) => notice.file === harness.file && /too large/.test(notice.message)));
    await harness.analyzeText('fetch(u);\n');
    assert.ok(!harness.workspace.notices().some((notice) => notice.file === harness.file));
  });
});
