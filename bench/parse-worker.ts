/**
 * Parse-only worker of the benchmark floor: reads and parses its share of the files with
 * web-tree-sitter and does nothing else (no queries, no facts), so its time is the least any
 * scan of the same files on the same threads can take.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { Language, Parser } from 'web-tree-sitter';

export interface ParseWorkerInput {
  files: string[];
}

export interface ParseWorkerResult {
  files: number;
  failed: number;
}

async function parseAll({ files }: ParseWorkerInput): Promise<ParseWorkerResult> {
  // The bundle sits in dist/ beside both .wasm files (copied there by scripts/build.mjs).
  await Parser.init({ locateFile: (name: string) => join(__dirname, name) });
  const parser = new Parser();
  parser.setLanguage(await Language.load(join(__dirname, 'tree-sitter-python.wasm')));
  let failed = 0;
  for (const file of files) {
    const tree = parser.parse(readFileSync(file, 'utf8'));
    if (tree) tree.delete();
    else failed++;
  }
  parser.delete();
  return { files: files.length, failed };
}

parseAll(workerData as ParseWorkerInput).then(
  (result) => parentPort?.postMessage(result),
  (error) => {
    throw error;
  },
);
