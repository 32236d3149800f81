/**
 * Speed and memory of the Python facts codec (python/facts-codec.ts) over a corpus (not a test).
 * Usage: node --import tsx bench/codec-speed.ts [folder]   (default: the python3 standard library)
 *
 * Extracts every file once on this thread, encodes each, then prints:
 * - decode: every file's encoded string back to PyFacts, median of 5 passes. A warm start decodes
 *   every cached file; a cold scan decodes every worker's reply on the main thread.
 * - encode: the same for encoding (scan workers pay it, once per file extracted).
 * - heap: heapUsed growth from keeping every file's decoded facts (what the program holds).
 */
import * as fs from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { extractFactsSync } from '../server/src/python/extract';
import type { PyFacts } from '../server/src/python/facts';
import { PY_FACTS_CODEC } from '../server/src/python/facts-codec';
import { initPython } from '../server/src/python/parser';
import { collectPythonFiles, defaultCorpus, STDLIB_EXCLUDES } from './corpus';

const PASSES = 5;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds of each pass of `run` (garbage of the previous pass collected before each). */
function timePasses(run: () => void): number[] {
  const times: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    collectGarbage();
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times;
}

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const corpus = process.argv[2] ?? defaultCorpus();
  if (typeof corpus !== 'string') throw corpus;
  const files = collectPythonFiles(corpus, process.argv[2] ? [] : STDLIB_EXCLUDES);
  await initPython();
  let facts: PyFacts[] = files.map((file) => extractFactsSync(fs.readFileSync(file.path, 'utf8')));
  const encoded = facts.map((one) => PY_FACTS_CODEC.encode(one));
  const encodeTimes = timePasses(() => {
    for (const one of facts) PY_FACTS_CODEC.encode(one);
  });
  facts = []; // only the encoded strings stay: the heap figure counts decoded facts alone
  const decodeTimes = timePasses(() => {
    for (const text of encoded) PY_FACTS_CODEC.decode(text);
  });
  const before = heapUsed();
  const kept = encoded.map((text) => PY_FACTS_CODEC.decode(text));
  const heapMiB = (heapUsed() - before) / 2 ** 20;

  const megabytes = encoded.reduce((sum, text) => sum + text.length, 0) / 1e6;
  const passes = (times: number[]): string => times.map((ms) => ms.toFixed(0)).join(' ');
  console.log(`${corpus}: ${kept.length} files, ${megabytes.toFixed(1)} MB encoded`);
  console.log(`decode ${median(decodeTimes).toFixed(0)} ms median of ${PASSES} (${passes(decodeTimes)})`);
  console.log(`encode ${median(encodeTimes).toFixed(0)} ms median of ${PASSES} (${passes(encodeTimes)})`);
  console.log(`heap   ${heapMiB.toFixed(1)} MiB of decoded facts`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
