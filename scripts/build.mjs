#!/usr/bin/env node
// Bundles the extension client, the language server, the CLI, the scan worker and the benchmark
// into dist/ with esbuild, and copies the tree-sitter .wasm files beside them (the server, the CLI
// and the workers load them from their own folder at run time).
//
// Usage: node scripts/build.mjs [--watch]
//
// An entry whose source file does not exist yet is skipped with a warning, so the build works at
// every stage of the project (the pieces are written in parallel).
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');

/**
 * `lean`: the bundle must not contain TypeScript (ts-morph): it is loaded at start, and the TS front
 * end (typescript-frontend.js) is required lazily, only when a workspace has TS/JS files to parse.
 * @type {{ source: string, output: string, executable?: boolean, external?: string[], lean?: boolean, minify?: boolean }[]}
 */
const entries = [
  { source: 'client/src/extension.ts', output: 'client.js', external: ['vscode'], lean: true },
  { source: 'server/src/lsp/server.ts', output: 'server.js', lean: true },
  { source: 'server/src/cli/main.ts', output: 'cli.js', executable: true, lean: true },
  { source: 'server/src/python/scan-worker.ts', output: 'scan-worker.js', lean: true },
  // TypeScript (through ts-morph) is ~10 MB of JavaScript: minified, and loaded only when needed.
  { source: 'server/src/typescript/frontend.ts', output: 'typescript-frontend.js', minify: true },
  { source: 'server/src/typescript/scan-worker.ts', output: 'ts-scan-worker.js', lean: true },
  // Ruff's WASM build loads its .wasm from its own folder: it stays in node_modules (a devDependency).
  { source: 'bench/scan.ts', output: 'bench.js', external: ['@astral-sh/ruff-wasm-nodejs'] },
  { source: 'bench/parse-worker.ts', output: 'bench-parse-worker.js' },
];

/** Files the bundles load at run time from their own folder. */
const runtimeAssets = [
  require.resolve('tree-sitter-python/tree-sitter-python.wasm'),
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
];

/**
 * What identifies this build of the engine (engine/results-cache.ts: findings stored by another
 * build are never reused): a hash of the server's sources and of the locked dependency versions.
 */
function engineId() {
  const hash = createHash('sha1');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) hash.update(`${relative(root, full)}\0${readFileSync(full, 'utf8')}\0`);
    }
  };
  walk(join(root, 'server/src'));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return `build-${hash.digest('hex')}`;
}
const ENGINE_ID = engineId();

function buildOptions(entry) {
  return {
    entryPoints: [join(root, entry.source)],
    outfile: join(dist, entry.output),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: entry.minify ? false : 'linked',
    minify: entry.minify ?? false,
    metafile: entry.lean ?? false,
    // tsx is only asked for when running from sources (tests), never from a bundle.
    // The TS front end is required by typescript/load.ts at run time, from its own bundle beside
    // this one (or from sources under tsx): never inlined into the bundle that loads it.
    external: [...(entry.external ?? []), 'tsx', 'tsx/*', './typescript-frontend.js', './frontend'],
    // The ESM build of web-tree-sitter reads import.meta.url, which esbuild empties in a CJS
    // bundle: the bundle would die at start ("createRequire ... Received undefined"). Its CJS
    // build has no such problem.
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
    banner: entry.executable ? { js: '#!/usr/bin/env node' } : undefined,
    define: { 'process.env.FORKGUARD_ENGINE_ID': JSON.stringify(ENGINE_ID) },
    logLevel: 'warning',
  };
}

/** Inputs of a bundle that come from ts-morph or typescript. */
function typescriptInputs(metafile) {
  return Object.keys(metafile?.inputs ?? {}).filter((input) => /node_modules\/(ts-morph|@ts-morph|typescript)\//.test(input));
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** Rule doc pages (rules/<folder>/README.md), read at run time for SARIF help and rule metadata. */
function ruleDocs() {
  const rules = join(root, 'server/src/rules');
  return readdirSync(rules, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(rules, entry.name, 'README.md')))
    .map((entry) => ({ source: join(rules, entry.name, 'README.md'), target: join(dist, 'rules', entry.name, 'README.md') }));
}

function copyRuntimeAssets() {
  const assets = [...runtimeAssets.map((source) => ({ source, target: join(dist, source.split(/[\\/]/).pop()) })), ...ruleDocs()];
  for (const { source, target } of assets) {
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(source, target);
    console.log(`  ${relative(root, target).padEnd(32)} ${formatSize(statSync(target).size)}`);
  }
}

async function main() {
  mkdirSync(dist, { recursive: true });
  const present = entries.filter((entry) => {
    if (existsSync(join(root, entry.source))) return true;
    console.warn(`build: skipping ${entry.source} (not written yet)`);
    return false;
  });

  if (watch) {
    copyRuntimeAssets();
    for (const entry of present) {
      const context = await esbuild.context(buildOptions(entry));
      await context.watch();
    }
    console.log('build: watching for changes (Ctrl+C to stop)');
    return;
  }

  const started = Date.now();
  // Every entry is built even when another fails, so one broken piece does not hide the rest.
  const outcomes = await Promise.allSettled(present.map((entry) => esbuild.build(buildOptions(entry))));
  const failed = [];
  present.forEach((entry, index) => {
    const outfile = join(dist, entry.output);
    if (outcomes[index].status === 'rejected') {
      failed.push(entry.source);
      return;
    }
    const heavy = entry.lean ? typescriptInputs(outcomes[index].value.metafile) : [];
    if (heavy.length > 0) {
      console.error(`build: ${entry.output} bundles TypeScript (${heavy[0]}...): import it only from server/src/typescript/frontend.ts (see typescript/load.ts)`);
      failed.push(entry.source);
      return;
    }
    if (entry.executable) chmodSync(outfile, 0o755);
    console.log(`  ${relative(root, outfile).padEnd(32)} ${formatSize(statSync(outfile).size)}`);
  });
  copyRuntimeAssets();
  if (failed.length > 0) {
    console.error(`build: FAILED for ${failed.join(', ')} (errors above)`);
    process.exitCode = 1;
    return;
  }
  console.log(`build: done in ${Date.now() - started} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
