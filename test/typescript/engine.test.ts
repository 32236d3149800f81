/**
 * The engine with TS/JS files: discovery (next to Python, .d.ts and node_modules left out, size
 * limit), package.json dependencies, TS suppressions (`//` leader, FG000), open documents edited
 * per file, the facts cache, and the CLI scanning both languages in one run.
 *
 * Checker behaviour is the rules' business (their fixtures); here a probe rule, added to the
 * registry for the duration of a test, reports every `probe()` call, so the engine's plumbing is
 * tested whatever the real rules find.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze, MAX_FILE_BYTES, Workspace } from '../../server/src/engine';
import type { Finding } from '../../server/src/model';
import { RULES } from '../../server/src/rules';
import type { Rule } from '../../server/src/rules/types';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function workspaceDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ts-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A rule reporting each call of `probe` (resolved as a global), with the callee's range. */
const PROBE: Rule = {
  meta: { id: 'FG990', name: 'probe', defaultSeverity: 'warning', summary: 'probe', languages: ['typescript'] },
  docs: 'probe',
  checkTypeScript: ({ program }) =>
    program.files().flatMap((file) =>
      program.facts(file)!.calls.flatMap((call): Finding[] => {
        const target = program.resolveCall(file, call.id);
        if (target?.kind !== 'global' || target.qualname !== 'probe') return [];
        return [{ rule: 'FG990', name: 'probe', severity: 'warning', file, range: call.nameRange, message: 'probe called', related: [], fixes: [] }];
      }),
    ),
};

async function withProbe<T>(body: () => Promise<T>): Promise<T> {
  RULES.push(PROBE);
  try {
    return await body();
  } finally {
    RULES.splice(RULES.indexOf(PROBE), 1);
  }
}

function summary(findings: ReadonlyMap<string, Finding[]>, root: string): string[] {
  return [...findings].flatMap(([file, list]) => list.map((finding) => `${file.slice(root.length + 1)}:${finding.range.start.line + 1} ${finding.rule}`)).sort();
}

const POOL_THEN_FORK_PY = ['import os', 'from concurrent.futures import ThreadPoolExecutor', '', 'EXECUTOR = ThreadPoolExecutor(max_workers=4)', '', 'def main():', '    os.fork()', ''].join('\n');

describe('Workspace with TS/JS files', () => {
  it('indexes TS/JS files beside Python ones; .d.ts, node_modules and dist are left out', async () => {
    const root = workspaceDir({
      'app.py': 'x = 1\n',
      'src/a.ts': 'export const a = 1;\n',
      'src/b.tsx': 'export const B = () => <b />;\n',
      'src/c.mjs': 'export default 1;\n',
      'src/d.cjs': 'module.exports = 1;\n',
      'src/e.js': 'probe();\n',
      'src/types.d.ts': 'declare const x: number;\n',
      'node_modules/pg/index.js': 'module.exports = {};\n',
      'dist/bundle.js': 'x();\n',
      'package.json': '{ "dependencies": { "pg": "^8" }, "devDependencies": { "p-limit": "^5" } }',
    });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    assert.deepEqual(
      ws.files().map((file) => file.slice(root.length + 1)),
      ['app.py', 'src/a.ts', 'src/b.tsx', 'src/c.mjs', 'src/d.cjs', 'src/e.js'],
    );
    assert.equal(ws.tsFacts(join(root, 'src/a.ts'))?.exports[0].name, 'a');
    assert.equal(ws.facts(join(root, 'app.py'))?.scopes[0].qualname, '<module>');
    assert.deepEqual([...ws.tsProgram.packageDependencies(join(root, 'src/e.js'))].sort(), ['p-limit', 'pg']);
    const result = await analyze(ws);
    assert.deepEqual([...result.findings.keys()].sort(), ws.files());
  });

  it('analyses Python and TS in one run, applies // suppressions and reports unused ones (FG000)', async () => {
    const root = workspaceDir({
      'svc.py': POOL_THEN_FORK_PY,
      'main.ts': ['probe();', 'probe(); // forkguard: ignore[FG990]', 'x(); // forkguard: ignore[FG990]', '/* forkguard: ignore */ probe();', ''].join('\n'),
    });
    await withProbe(async () => {
      const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
      await ws.scan();
      const result = await analyze(ws);
      assert.deepEqual(summary(result.findings, root), ['main.ts:1 FG990', 'main.ts:3 FG000', 'svc.py:7 FG001']);
      const probe = result.findings.get(join(root, 'main.ts'))!.find((finding) => finding.rule === 'FG990')!;
      const suppress = probe.fixes.find((fix) => fix.title === 'Suppress FG990 on this line')!;
      assert.deepEqual(suppress.edits, [{ file: join(root, 'main.ts'), range: { start: { line: 0, character: 8 }, end: { line: 0, character: 8 } }, newText: '  // forkguard: ignore[FG990]' }]);
      const unused = result.findings.get(join(root, 'main.ts'))!.find((finding) => finding.rule === 'FG000')!;
      assert.equal(unused.message, 'Unused suppression: no FG990 finding on this line');
      // The removal takes the `//` leader and the space before it.
      assert.deepEqual(unused.fixes[0].edits[0].range, { start: { line: 2, character: 4 }, end: { line: 2, character: 32 } });
    });
  });

  it('skips a TS file over the size limit with a notice', async () => {
    const root = workspaceDir({ 'big.js': `// ${'x'.repeat(MAX_FILE_BYTES)}\n`, 'small.js': 'probe();\n' });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    assert.deepEqual(ws.files(), [join(root, 'small.js')]);
    assert.ok(ws.notices().some((notice) => notice.file === join(root, 'big.js') && /too large/.test(notice.message)));
  });

  it('re-extracts an open TS document per edit; text() gives the editor text; closing returns to the disk', async () => {
    const root = workspaceDir({ 'main.ts': 'probe();\n', 'other.ts': "import './main';\n" });
    await withProbe(async () => {
      const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
      await ws.scan();
      const file = join(root, 'main.ts');
      ws.openDocument(file, 'probe();\n', 1);
      ws.changeDocument(file, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'if (x) {\n  probe();\n}\n' }]);
      assert.equal(ws.text(file), 'probe();\nif (x) {\n  probe();\n}\n');
      assert.equal(ws.documentVersion(file), 2);
      assert.deepEqual(ws.tsFacts(file)!.calls.map((call) => [call.range.start.line, call.guards.map((guard) => guard.text)]), [[0, []], [2, ['x']]]);
      assert.deepEqual(summary((await analyze(ws)).findings, root), ['main.ts:1 FG990', 'main.ts:3 FG990']);
      // Mid-edit syntax errors: facts keep what parses, analysis goes on.
      ws.changeDocument(file, 3, [{ text: 'probe(;\nfunction f( {\n' }]);
      assert.ok(ws.tsFacts(file)!.syntaxErrors.length > 0);
      await analyze(ws);
      await ws.closeDocument(file);
      assert.equal(ws.text(file), 'probe();\n');
      assert.deepEqual(summary((await analyze(ws)).findings, root), ['main.ts:1 FG990']);
      assert.deepEqual(ws.tsProgram.importersOf(file), [join(root, 'other.ts')]);
    });
  });

  it('refreshes TS files and package.json files from disk events', async () => {
    const root = workspaceDir({ 'a.js': 'probe();\n', 'package.json': '{}' });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    writeFileSync(join(root, 'b.mjs'), 'export const b = 1;\n');
    await ws.refreshFile(join(root, 'b.mjs'));
    assert.equal(ws.tsFacts(join(root, 'b.mjs'))?.moduleSystem, 'esm');
    rmSync(join(root, 'a.js'));
    await ws.refreshFile(join(root, 'a.js'));
    assert.equal(ws.tsFacts(join(root, 'a.js')), undefined);
    writeFileSync(join(root, 'package.json'), '{ "dependencies": { "axios": "1" } }');
    await ws.refreshFile(join(root, 'package.json'));
    assert.deepEqual([...ws.tsProgram.packageDependencies(join(root, 'b.mjs'))], ['axios']);
    writeFileSync(join(root, 'package.json'), '{ not json');
    await ws.refreshFile(join(root, 'package.json'));
    assert.deepEqual([...ws.tsProgram.packageDependencies(join(root, 'b.mjs'))], []);
  });

  it('caches TS facts on disk by content hash', async () => {
    const root = workspaceDir({ 'a.ts': 'export function f() { probe(); }\n' });
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-ts-cache-'));
    dirs.push(cacheDir);
    const first = await Workspace.create({ roots: [root], cacheDir, threads: 0 });
    await first.scan();
    await first.cacheWritten();
    assert.ok(readdirSync(cacheDir).some((name) => /^ts-facts-v\d+-typescript[\d.]+\.json\.gz$/.test(name)), readdirSync(cacheDir).join());
    const second = await Workspace.create({ roots: [root], cacheDir, threads: 0 });
    await second.scan();
    assert.deepEqual(second.tsFacts(join(root, 'a.ts')), first.tsFacts(join(root, 'a.ts')));
  });
});

describe('forkguard check (CLI bundle) with TS/JS files', () => {
  it('scans Python and TS/JS files in one run', { skip: !existsSync(join(__dirname, '../../dist/cli.js')) && 'dist/cli.js not built' }, () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK_PY, 'web/server.ts': 'start(); // forkguard: ignore[FG002]\n' });
    const run = spawnSync(process.execPath, [join(__dirname, '../../dist/cli.js'), 'check', '--format', 'json', root], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: root } });
    assert.ok(run.status === 1 || run.status === 0, run.stderr);
    const report = JSON.parse(run.stdout) as { findings: { rule: string; file: string }[] };
    const seen = report.findings.map((finding) => `${finding.file.replace(/\\/g, '/').split('/').slice(-1)[0]} ${finding.rule}`).sort();
    assert.deepEqual(seen, ['server.ts FG000', 'svc.py FG001']);
  });

  it('keeps V8\'s code cache of the TS front end beside the facts caches, and works from it', { skip: !existsSync(join(__dirname, '../../dist/typescript-frontend.js')) && 'dist/ not built' }, () => {
    const root = workspaceDir({ 'a.ts': 'x(); // forkguard: ignore[FG002]\n' });
    const cacheHome = mkdtempSync(join(tmpdir(), 'fg-ts-xdg-'));
    dirs.push(cacheHome);
    const check = () => {
      const run = spawnSync(process.execPath, [join(__dirname, '../../dist/cli.js'), 'check', '--format', 'json', root], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
      return (JSON.parse(run.stdout) as { findings: { rule: string }[] }).findings.map((finding) => finding.rule);
    };
    assert.deepEqual(check(), ['FG000']);
    assert.ok(readdirSync(join(cacheHome, 'forkguard')).some((name) => /^typescript-frontend-[0-9a-f]{16}\.v8cache$/.test(name)));
    writeFileSync(join(root, 'a.ts'), 'y(); // forkguard: ignore[FG003]\n'); // new text: extracted again, by a front end loaded from the code cache
    assert.deepEqual(check(), ['FG000']);
  });
});
