/**
 * FG003 on TypeScript/JavaScript, below the fixtures: the finding's range, message and related
 * locations, the order and titles of the fixes, what each fix is offered for, and the run-time
 * behaviour of the deadline the fix writes (run in a child Node process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, TextEdit } from '../../server/src/model';
import { defaultConfig } from '../../server/src/model/config';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { TsProgram } from '../../server/src/typescript/program';
import { checkScatterGatherTs } from '../../server/src/rules/fg003-unbounded-scatter-gather/typescript';

interface Case {
  files: Record<string, string>;
  /** Dependencies of the package.json at the workspace root. */
  dependencies?: string[];
  timeoutSeconds?: number;
}

const ROOT = '/ws';

function check({ files, dependencies = [], timeoutSeconds = 30 }: Case): Finding[] {
  const program = new TsProgram();
  for (const [name, text] of Object.entries(files)) program.setFile(`${ROOT}/${name}`, extractTsFacts(text, name));
  program.setPackageJson(ROOT, new Set(dependencies));
  const texts = (file: string) => files[file.slice(ROOT.length + 1)];
  return checkScatterGatherTs({ program, config: { ...defaultConfig(), timeoutSeconds }, texts });
}

/** Applies edits to one text, last first (they never overlap). */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((sum, l) => sum + l.length + 1, 0) + p.character;
  for (const edit of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    text = text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
  }
  return text;
}

const MAP_ASYNC = [
  "import { fetchUser } from './api';",
  '',
  'export async function loadUsers(ids: string[]) {',
  '  return Promise.all(ids.map(async (id) => fetchUser(id)));',
  '}',
  '',
].join('\n');

test('the finding sits on `all`, says the Node story and points at the per-item map', () => {
  const [finding, ...rest] = check({ files: { 'users.ts': MAP_ASYNC } });
  assert.equal(rest.length, 0);
  assert.equal(finding.rule, 'FG003');
  assert.equal(finding.severity, 'warning');
  assert.deepEqual(finding.range, { start: { line: 3, character: 17 }, end: { line: 3, character: 20 } });
  assert.match(finding.message, /^`Promise\.all` waits for one promise per item of ids\.map\(\.\.\.\), with no bound on how many run at once and no deadline/);
  assert.match(finding.message, /pending forever/);
  assert.doesNotMatch(finding.message, /thread/);
  assert.deepEqual(
    finding.related.map((r) => [r.range.start.line, r.range.start.character, r.message]),
    [[3, 21, 'one promise per item: `ids.map(...)`']],
  );
});

test('a loop-filled array names its pushes as related locations', () => {
  const text = ['async function f(rows, save) {', '  const tasks = [];', '  for (const row of rows) tasks.push(save(row));', '  await Promise.allSettled(tasks);', '}', ''].join('\n');
  const [finding] = check({ files: { 'sync.js': text } });
  assert.match(finding.message, /^`Promise\.allSettled` waits for one promise per item of `tasks` \(filled once per item\)/);
  assert.deepEqual(finding.related.map((r) => [r.range.start.line, r.message]), [[2, '`tasks` filled here, once per item']]);
});

test('without p-limit: one fix, the deadline, with the configured timeout in ms; marked unsafe', () => {
  const [finding] = check({ files: { 'users.ts': MAP_ASYNC }, timeoutSeconds: 12 });
  assert.deepEqual(finding.fixes.map((f) => [f.title, f.preferred, f.safe]), [['Race `Promise.all` against a 12 s timer (12000 ms)', true, false]]);
  assert.equal(
    apply(MAP_ASYNC, finding.fixes[0].edits),
    [
      "import { fetchUser } from './api';",
      "import { setTimeout as delay } from 'node:timers/promises';",
      '',
      'export async function loadUsers(ids: string[]) {',
      "  return Promise.race([Promise.all(ids.map(async (id) => fetchUser(id))), delay(12000, undefined, { ref: false }).then(() => { throw new Error('Promise.all timed out after 12 s'); })]);",
      '}',
      '',
    ].join('\n'),
  );
});

test('with p-limit in package.json: bound + deadline preferred, deadline alone second', () => {
  const [finding] = check({ files: { 'users.ts': MAP_ASYNC }, dependencies: ['p-limit'] });
  assert.deepEqual(
    finding.fixes.map((f) => [f.title, f.preferred]),
    [
      ['Run at most 10 at a time with p-limit and race `Promise.all` against a 30 s timer', true],
      ['Race `Promise.all` against a 30 s timer (30000 ms)', false],
    ],
  );
  assert.equal(
    apply(MAP_ASYNC, finding.fixes[0].edits),
    [
      "import { fetchUser } from './api';",
      "import pLimit from 'p-limit';",
      "import { setTimeout as delay } from 'node:timers/promises';",
      '',
      'export async function loadUsers(ids: string[]) {',
      '  const limit = pLimit(10);',
      "  return Promise.race([Promise.all(ids.map((id) => limit(async () => fetchUser(id)))), delay(30000, undefined, { ref: false }).then(() => { throw new Error('Promise.all timed out after 30 s'); })]);",
      '}',
      '',
    ].join('\n'),
  );
});

test('the bound is not offered for a mapper passed by name, nor when `limit` and its fallbacks are taken', () => {
  const byName = "import { load } from './load';\nexport const all = (ids: string[]) => Promise.all(ids.map(load));\n";
  assert.equal(check({ files: { 'a.ts': byName }, dependencies: ['p-limit'] })[0].fixes.length, 1);
  const taken = [
    "import { load } from './load';",
    'const limit = 1, fanOutLimit = 2, concurrencyLimit = 3;',
    'export async function all(ids: string[]) {',
    '  return Promise.all(ids.map((id) => load(id, limit + fanOutLimit + concurrencyLimit)));',
    '}',
    '',
  ].join('\n');
  assert.equal(check({ files: { 'a.ts': taken }, dependencies: ['p-limit'] })[0].fixes.length, 1);
});

test('a CommonJS file gets the deadline by require(), and a namespace import of timers/promises is reused', () => {
  const cjs = "const { load } = require('./load');\nasync function all(ids) {\n  return Promise.all(ids.map((id) => load(id)));\n}\n";
  const [finding] = check({ files: { 'a.js': cjs }, dependencies: ['p-limit'] });
  assert.equal(finding.fixes.length, 1, 'p-limit is not required by the file: no bound in CommonJS');
  assert.match(apply(cjs, finding.fixes[0].edits), /^const \{ load \} = require\('\.\/load'\);\nconst \{ setTimeout: delay \} = require\('node:timers\/promises'\);\n/);

  const namespaced = "import * as timers from 'timers/promises';\nexport const all = (ids: string[], load: (id: string) => Promise<void>) => {\n  return Promise.all(ids.map((id) => load(id)));\n};\n";
  const [reuse] = check({ files: { 'b.ts': namespaced } });
  assert.equal(
    apply(namespaced, reuse.fixes[0].edits).split('\n')[2],
    "  return Promise.race([Promise.all(ids.map((id) => load(id))), timers.setTimeout(30000, undefined, { ref: false }).then(() => { throw new Error('Promise.all timed out after 30 s'); })]);",
  );
});

test('a CRLF file gets CRLF lines from the fix (the import and the limiter declaration)', () => {
  const text = MAP_ASYNC.replace(/\n/g, '\r\n');
  const [finding] = check({ files: { 'users.ts': text }, dependencies: ['p-limit'] });
  const fixed = apply(text, finding.fixes[0].edits);
  assert.equal(fixed.split('\r\n').length, MAP_ASYNC.split('\n').length + 3);
  assert.doesNotMatch(fixed.replace(/\r\n/g, ''), /\n/);
});

test('no text, no fixes (the finding stays)', () => {
  const program = new TsProgram();
  program.setFile(`${ROOT}/users.ts`, extractTsFacts(MAP_ASYNC, 'users.ts'));
  const findings = checkScatterGatherTs({ program, config: defaultConfig(), texts: () => undefined });
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0].fixes, []);
});

test('a Promise bound in the file is not the global: not judged', () => {
  const text = "const Promise = require('bluebird');\nasync function all(ids, load) {\n  return Promise.all(ids.map((id) => load(id)));\n}\n";
  assert.deepEqual(check({ files: { 'a.js': text } }), []);
});

test('the deadline the fix writes: resolves with the results on success, rejects with an Error naming the timeout when a task hangs', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fg003-runtime-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const source = [
    'export async function gather(items, work) {',
    '  return Promise.all(items.map((item) => work(item)));',
    '}',
    '',
  ].join('\n');
  const [finding] = check({ files: { 'gather.mjs': source }, timeoutSeconds: 0.2 });
  writeFileSync(join(dir, 'gather.mjs'), apply(source, finding.fixes[0].edits));
  const run = (body: string) =>
    execFileSync(process.execPath, ['--input-type=module', '-e', `import { gather } from ${JSON.stringify(join(dir, 'gather.mjs'))};\n${body}`], {
      encoding: 'utf8',
      timeout: 10_000,
    });

  assert.equal(run("console.log(JSON.stringify(await gather([1, 2, 3], async (x) => x * 2)));").trim(), '[2,4,6]');

  const keepAliveAndHang = [
    'const keepAlive = setInterval(() => {}, 1000);',
    'try { await gather([1, 2], () => new Promise(() => {})); console.log("resolved"); }',
    'catch (error) { console.log(error instanceof Error, error.message); }',
    'finally { clearInterval(keepAlive); }',
  ].join('\n');
  assert.equal(run(keepAliveAndHang).trim(), 'true Promise.all timed out after 0.2 s');
});

test('the success path does not wait for the timer: a 30 s deadline, a process that ends in well under 30 s', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fg003-runtime-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const source = 'export const gather = (items) => Promise.all(items.map(async (x) => x));\n';
  const [finding] = check({ files: { 'gather.mjs': source } });
  writeFileSync(join(dir, 'gather.mjs'), apply(source, finding.fixes[0].edits));
  const started = Date.now();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `import { gather } from ${JSON.stringify(join(dir, 'gather.mjs'))};\nconsole.log((await gather([1, 2])).length);`], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(out.trim(), '2');
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms: the timer kept the process alive`);
});
