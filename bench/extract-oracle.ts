/**
 * Guards extraction rewrites (not a test): records a digest of the facts of every file of a corpus,
 * then checks that the current code extracts exactly the same facts, file by file.
 *
 * Usage:
 *   node --import tsx bench/extract-oracle.ts record <digests.json> [folder]
 *   node --import tsx bench/extract-oracle.ts check  <digests.json> [folder]
 * (default folder: the python3 standard library, plus the rule fixtures' Python files).
 *
 * Each file's digest is sha1 of JSON.stringify(facts): every field, in order, so it is stricter
 * than comparing the packed form (PY_FACTS_CODEC), and it does not change when the codec does.
 * To record with older code, run a copy of this script placed in a copy of that code's tree.
 * `check` also extracts each file through ChunkedFactsExtractor (the open-document path) and
 * compares it with the same digest. Exit code 1 when any file differs.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChunkedFactsExtractor } from '../server/src/python/extract-chunks';
import { extractFacts } from '../server/src/python/extract';
import { initPython, newPythonParser } from '../server/src/python/parser';
import { textForParser } from '../server/src/python/source-text';
import { collectPythonFiles, STDLIB_EXCLUDES } from './corpus';

/** The corpus's Python files (the bench's own lister and excludes), in path order. */
function pythonFiles(root: string): string[] {
  return collectPythonFiles(root, STDLIB_EXCLUDES)
    .map((file) => file.path)
    .sort();
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

async function main(): Promise<void> {
  const [mode, digestsFile, folder] = process.argv.slice(2);
  if ((mode !== 'record' && mode !== 'check') || !digestsFile) {
    console.error('usage: extract-oracle.ts record|check <digests.json> [folder]');
    process.exit(2);
  }
  const roots = folder
    ? [folder]
    : [
        execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])']).toString().trim(),
        path.join(__dirname, '../server/src/rules'),
      ];
  // Keyed by path inside its root, so a copy of the tree elsewhere records comparable digests.
  const files = roots.flatMap((root, index) => pythonFiles(root).map((file) => ({ file, key: `${index}:${path.relative(root, file)}` })));
  await initPython();
  const parser = newPythonParser();
  const recorded: Record<string, string> = mode === 'check' ? JSON.parse(fs.readFileSync(digestsFile, 'utf8')) : {};
  const digests: Record<string, string> = {};
  let differences = 0;
  const report = (file: string, what: string): void => {
    differences++;
    if (differences <= 20) console.log(`DIFF ${what}: ${file}`);
  };
  for (const { file, key } of files) {
    const text = fs.readFileSync(file, 'utf8');
    const tree = parser.parse(textForParser(text));
    if (!tree) continue;
    try {
      const facts = extractFacts(tree, text);
      const digest = sha1(JSON.stringify(facts));
      digests[key] = digest;
      if (mode === 'check') {
        const expected = recorded[key];
        if (expected === undefined) report(file, 'not recorded');
        else {
          if (expected !== digest) report(file, 'extractFacts');
          const chunked = new ChunkedFactsExtractor().extract(tree, text);
          if (sha1(JSON.stringify(chunked)) !== expected) report(file, 'chunked');
        }
      }
    } finally {
      tree.delete();
    }
  }
  if (mode === 'record') {
    fs.writeFileSync(digestsFile, JSON.stringify(digests));
    console.log(`recorded ${Object.keys(digests).length} files to ${digestsFile}`);
    return;
  }
  const missing = Object.keys(recorded).filter((key) => !(key in digests)).length;
  console.log(`checked ${Object.keys(digests).length} files: ${differences} differences, ${missing} recorded files not found`);
  if (differences > 0 || missing > 0) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
