/**
 * TS/JS extraction speed against parse speed over a bounded corpus (not a test).
 * Usage: node --import tsx bench/ts-extract-speed.ts [folder] [max files]
 * (default: node_modules of this repository, 2000 files under 512 KB, `.d.ts` left out).
 * Two rounds: the first includes the JIT warming up, the second is the steady state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTsSourceFile } from '../server/src/typescript/files';

const MAX_FILE_BYTES = 512 * 1024;

function corpus(root: string, max: number): string[] {
  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0 && files.length < max) {
    const dir = pending.shift()!;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (isTsSourceFile(full) && fs.statSync(full).size < MAX_FILE_BYTES && files.length < max) files.push(full);
    }
  }
  return files;
}

function main(): void {
  const root = process.argv[2] ?? path.join(__dirname, '..', 'node_modules');
  const max = Number(process.argv[3] ?? 2000);
  const loadStart = performance.now();
  // Loaded here, timed: what the first TS/JS file of a session pays.
  const { extractTsFacts } = require('../server/src/typescript/extract') as typeof import('../server/src/typescript/extract');
  const { withParsedTs } = require('../server/src/typescript/parser') as typeof import('../server/src/typescript/parser');
  const loadMs = performance.now() - loadStart;
  const texts = corpus(root, max).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const megabytes = texts.reduce((sum, { text }) => sum + Buffer.byteLength(text), 0) / 1048576;
  console.log(`TypeScript front end loaded in ${loadMs.toFixed(0)} ms; corpus: ${texts.length} files, ${megabytes.toFixed(1)} MB from ${root}`);
  for (const round of ['cold', 'warm']) {
    let started = performance.now();
    for (const { file, text } of texts) withParsedTs(text, file, () => undefined);
    const parseMs = performance.now() - started;
    started = performance.now();
    for (const { file, text } of texts) extractTsFacts(text, file);
    const extractMs = performance.now() - started;
    console.log(
      `${round}: parse ${parseMs.toFixed(0)} ms; parse+extract ${extractMs.toFixed(0)} ms = ${((texts.length / extractMs) * 1000).toFixed(0)} files/s, ${(extractMs / megabytes).toFixed(0)} ms/MB (walk ${((extractMs - parseMs) / parseMs).toFixed(2)}x the parse)`,
    );
  }
}

main();
