/**
 * Extraction speed against parse speed over a corpus of Python files (not a test).
 * Usage: node --import tsx bench/extract-speed.ts [folder]   (default: the python3 standard library)
 * Target: extraction (query + facts) at most 0.35x the parse time.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { extractFacts } from '../server/src/python/extract';
import { initPython, newPythonParser } from '../server/src/python/parser';
import { collectPythonFiles, STDLIB_EXCLUDES } from './corpus';

/** The corpus's Python files (the bench's own lister and excludes), in path order. */
function pythonFiles(root: string): string[] {
  return collectPythonFiles(root, STDLIB_EXCLUDES)
    .map((file) => file.path)
    .sort();
}

async function main(): Promise<void> {
  const root = process.argv[2] ?? execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])']).toString().trim();
  const texts = pythonFiles(root).map((file) => fs.readFileSync(file, 'utf8'));
  await initPython();
  const parser = newPythonParser();
  let parseMs = 0;
  let extractMs = 0;
  let events = 0;
  for (const text of texts) {
    let started = performance.now();
    const tree = parser.parse(text);
    parseMs += performance.now() - started;
    if (!tree) continue;
    started = performance.now();
    const facts = extractFacts(tree, text);
    extractMs += performance.now() - started;
    for (const scope of facts.scopes) events += scope.events.length;
    tree.delete();
  }
  const megabytes = texts.reduce((sum, text) => sum + text.length, 0) / 1e6;
  console.log(`${root}: ${texts.length} files, ${megabytes.toFixed(1)} MB, ${events} events`);
  console.log(`parse   ${parseMs.toFixed(0)} ms (${(megabytes / (parseMs / 1000)).toFixed(2)} MB/s)`);
  console.log(`extract ${extractMs.toFixed(0)} ms = ${(extractMs / parseMs).toFixed(2)}x parse (target <= 0.35x)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
