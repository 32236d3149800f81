#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [substring...]  (only files whose path contains one of them)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

/**
 * A test file that leaves a handle open (a pipe of a killed server once did) keeps its process,
 * and so the run, waiting: past this the run is stopped and fails, naming the cause, instead of
 * waiting for CI's limit. (Not `--test-force-exit`: on Linux it ends a test file's process before
 * the last reports in its pipe reach the runner, which then prints fewer tests than ran, and exits
 * 0: nodejs/node#64833. The whole suite takes about two minutes.)
 */
const WATCHDOG_MS = 20 * 60 * 1000;

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const files = collect(join(root, 'test'), []).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// detached: the runner and the processes it starts (one per test file, and the servers tests
// start) form a process group the watchdog can stop whole.
const runner = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  detached: true,
});
const watchdog = setTimeout(() => {
  console.error(`run-tests: the tests did not finish within ${WATCHDOG_MS / 60000} minutes; stopping them. A test file probably left a handle open (a server, a pipe, a timer).`);
  process.kill(-runner.pid, 'SIGKILL');
}, WATCHDOG_MS);
// Being in a group of its own, the run does not get the terminal's Ctrl-C: pass it on, and the like.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try {
      process.kill(-runner.pid, signal);
    } catch {
      // the group has gone already
    }
  });
}
runner.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(signal ? 1 : (code ?? 1));
});
