/**
 * The long fuzz run: `npm run fuzz -- --seconds 300 [--seed 1] [--corpus DIR]`.
 *
 * Mutates Python and TS/JS texts with the seeded mutators of the robustness tests (test/robustness) and
 * analyses each mutant through the real engine as an open document, for as long as asked. For
 * every mutant it checks that analyze does not throw, that every finding, related location and fix
 * lies inside the document, that each fix applies cleanly (in range, no overlap), keeps the file's
 * line endings and adds no syntax error. The seed texts are the rule fixtures (Python and TS/JS, each
 * analysed as an open document of its own extension), plus the `.py` files of `--corpus` (e.g. the bench corpus, the Python standard library) when given.
 *
 * Prints one line per failure with the seed that reproduces it, and a summary; exits 1 on any.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { collectPythonFiles } from '../bench/corpus';
import { fixturePythonTexts, fixtureTypeScriptTexts, type SeedText } from '../test/robustness/corpus';
import { createDocumentHarness, findingProblems, type DocumentHarness } from '../test/robustness/harness';
import { mutate, SeededRandom } from '../test/robustness/random';

/** Corpus files above this are left out: each mutant is re-analysed, and big files make few mutants. */
const MAX_CORPUS_FILE_BYTES = 64 * 1024;
const MAX_REPORTED_FAILURES = 20;
const PROGRESS_EVERY_MS = 10_000;

function usage(message: string): never {
  console.error(`fuzz: ${message}\nusage: npm run fuzz -- [--seconds N] [--seed N] [--corpus DIR]`);
  process.exit(2);
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) usage(`--${name} wants a positive whole number, got "${value}"`);
  return number;
}

function corpusTexts(dir: string): SeedText[] {
  return collectPythonFiles(dir)
    .filter((file) => file.bytes <= MAX_CORPUS_FILE_BYTES)
    .flatMap((file) => {
      try {
        return [{ name: file.path, text: readFileSync(file.path, 'utf8') }];
      } catch {
        return []; // vanished or unreadable since the listing: not the engine's problem
      }
    });
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ options: { seconds: { type: 'string' }, seed: { type: 'string' }, corpus: { type: 'string' } } });
  } catch (error) {
    usage((error as Error).message);
  }
  const seconds = positiveInteger(parsed.values.seconds, 'seconds', 60);
  const firstSeed = positiveInteger(parsed.values.seed, 'seed', 1);
  const seeds = [...fixturePythonTexts(), ...fixtureTypeScriptTexts(), ...(parsed.values.corpus ? corpusTexts(parsed.values.corpus) : [])];
  if (seeds.length === 0) usage('no source files to start from');

  let unhandled = 0;
  process.on('unhandledRejection', (reason) => {
    unhandled++;
    console.error(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  });

  // One open document per extension: the extension picks the language (and ESM for `.mjs`...).
  const harnesses = new Map<string, DocumentHarness>();
  const harnessFor = async (name: string): Promise<DocumentHarness> => {
    const ext = extname(name) || '.py';
    if (!harnesses.has(ext)) harnesses.set(ext, await createDocumentHarness(`app${ext}`));
    return harnesses.get(ext)!;
  };
  const deadline = performance.now() + seconds * 1000;
  let mutants = 0;
  let crashes = 0;
  let badFindings = 0;
  let slowest = { ms: 0, seed: 0 };
  let nextProgress = performance.now() + PROGRESS_EVERY_MS;
  const failures: string[] = [];
  console.log(`fuzz: ${seeds.length} seed files, ${seconds} s, seeds from ${firstSeed}`);

  for (let seed = firstSeed; performance.now() < deadline; seed++) {
    const random = new SeededRandom(seed);
    const source = random.pick(seeds);
    const { text, steps } = mutate(source.text, random, 4);
    const label = `seed ${seed}: ${source.name} after ${steps.join(', ')}`;
    const started = performance.now();
    const harness = await harnessFor(source.name);
    try {
      const findings = await harness.analyzeText(text);
      const problems = findingProblems(harness.file, text, findings, { checkSyntax: true });
      if (problems.length > 0) {
        badFindings++;
        failures.push(`${label}\n  ${problems.join('\n  ')}`);
      }
    } catch (error) {
      crashes++;
      failures.push(`${label}\n  analyze threw ${(error as Error).stack}`);
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, seed };
    mutants++;
    if (performance.now() >= nextProgress) {
      console.log(`  ${mutants} mutants, ${crashes} crashes, ${badFindings} with bad findings`);
      nextProgress += PROGRESS_EVERY_MS;
    }
  }
  for (const harness of harnesses.values()) await harness.dispose();

  for (const failure of failures.slice(0, MAX_REPORTED_FAILURES)) console.log(`FAIL ${failure}`);
  if (failures.length > MAX_REPORTED_FAILURES) console.log(`... and ${failures.length - MAX_REPORTED_FAILURES} more`);
  console.log(
    `fuzz: ${mutants} mutants in ${seconds} s; crashes: ${crashes}; mutants with bad findings or fixes: ${badFindings}; ` +
      `unhandled rejections: ${unhandled}; slowest analysis: ${slowest.ms.toFixed(0)} ms (seed ${slowest.seed})`,
  );
  process.exit(failures.length > 0 || unhandled > 0 ? 1 : 0);
}

void main();
