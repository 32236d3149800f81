import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze, defaultCacheDir, defaultFactsCacheDir, MAX_FILE_BYTES, Workspace } from '../../server/src/engine';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function workspaceDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ws-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const POOL_THEN_FORK = [
  'import os',
  'from concurrent.futures import ThreadPoolExecutor',
  '',
  'EXECUTOR = ThreadPoolExecutor(max_workers=4)',
  '',
  'def main():',
  '    os.fork()',
  '',
].join('\n');

/** `file:line rule` for each finding, 1-based lines, sorted: what the tests compare. */
function summary(findings: ReadonlyMap<string, { rule: string; range: { start: { line: number } } }[]>, root: string): string[] {
  const lines: string[] = [];
  for (const [file, list] of findings) {
    for (const finding of list) lines.push(`${file.slice(root.length + 1)}:${finding.range.start.line + 1} ${finding.rule}`);
  }
  return lines.sort();
}

describe('Workspace', () => {
  it('scans the roots, honours default excludes and .gitignore, and lists files sorted', async () => {
    const root = workspaceDir({
      'b.py': 'x = 1\n',
      'a/m.py': 'y = 2\n',
      'node_modules/dep/x.py': 'z = 3\n',
      '.venv/lib/site.py': 'w = 4\n',
      'generated/out.py': 'v = 5\n',
      '.gitignore': 'generated/\n',
      'notes.txt': 'not python\n',
    });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    assert.deepEqual(ws.files(), [join(root, 'a/m.py'), join(root, 'b.py')]);
  });

  it('reports a pool alive at a fork, and the configured severity replaces the default', async () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings: { severity: { FG001: 'error' } } });
    await ws.scan();
    const result = await analyze(ws);
    assert.deepEqual(summary(result.findings, root), ['svc.py:7 FG001']);
    assert.equal(result.findings.get(join(root, 'svc.py'))![0].severity, 'error');
    assert.equal(result.stats.files, 1);
  });

  it('turns a rule off from the project file, which wins over editor settings', async () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK, 'forkguard.toml': '[severity]\nFG001 = "off"\n' });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings: { severity: { FG001: 'error' } } });
    await ws.scan();
    assert.deepEqual(summary((await analyze(ws)).findings, root), []);
  });

  it('applies suppressions and reports the unused ones as FG000 hints', async () => {
    const root = workspaceDir({
      'svc.py': POOL_THEN_FORK.replace('    os.fork()', '    os.fork()  # forkguard: ignore[FG001]') + 'x = 1  # forkguard: ignore[FG002]\n',
    });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    const findings = (await analyze(ws)).findings.get(join(root, 'svc.py'))!;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.range.start.line + 1, f.severity]),
      [['FG000', 8, 'hint']],
    );
  });

  it('offers "suppress on this line" last on every finding, and applying it silences the finding', async () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    const [finding] = (await analyze(ws)).findings.get(join(root, 'svc.py'))!;
    const suppress = finding.fixes[finding.fixes.length - 1];
    assert.equal(suppress.title, 'Suppress FG001 on this line');
    assert.equal(suppress.preferred, false);
    const fixed = POOL_THEN_FORK.replace('    os.fork()', '    os.fork()' + suppress.edits[0].newText);
    assert.equal(suppress.edits[0].range.start.character, '    os.fork()'.length);
    writeFileSync(join(root, 'svc.py'), fixed);
    await ws.refreshFile(join(root, 'svc.py'));
    assert.deepEqual(summary((await analyze(ws)).findings, root), []);
  });

  it('does not call a suppression of a rule that is off unused', async () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK.replace('    os.fork()', '    os.fork()  # forkguard: ignore[FG001]') });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings: { severity: { FG001: 'off' } } });
    await ws.scan();
    assert.deepEqual(summary((await analyze(ws)).findings, root), []);
  });

  it('follows open documents: an edit to the pool module clears the finding in the entry point', async () => {
    const root = workspaceDir({
      'app/__init__.py': '',
      'app/pools.py': 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = ThreadPoolExecutor(max_workers=4)\n',
      'main.py': 'import os\nfrom app import pools\n\nos.fork()\n',
    });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    assert.deepEqual(summary((await analyze(ws)).findings, root), ['main.py:4 FG001']);

    const pools = join(root, 'app/pools.py');
    ws.openDocument(pools, ws.text(pools)!, 1);
    ws.changeDocument(pools, 2, [{ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 44 } }, text: 'None' }]);
    assert.equal(ws.text(pools), 'from concurrent.futures import ThreadPoolExecutor\n\nEXECUTOR = None\n');
    assert.deepEqual(summary((await analyze(ws)).findings, root), []);

    await ws.closeDocument(pools); // back to the disk's text, which still creates the pool
    assert.deepEqual(summary((await analyze(ws)).findings, root), ['main.py:4 FG001']);
  });

  it('picks up files changed, created and deleted on disk', async () => {
    const root = workspaceDir({ 'main.py': 'import os\nos.fork()\n' });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    assert.deepEqual(summary((await analyze(ws)).findings, root), []);

    writeFileSync(join(root, 'main.py'), 'import os\nimport pools\nos.fork()\n');
    writeFileSync(join(root, 'pools.py'), 'import concurrent.futures\nPOOL = concurrent.futures.ThreadPoolExecutor()\n');
    await ws.refreshFile(join(root, 'main.py'));
    await ws.refreshFile(join(root, 'pools.py'));
    assert.deepEqual(summary((await analyze(ws)).findings, root), ['main.py:3 FG001']);

    rmSync(join(root, 'pools.py'));
    ws.removeFile(join(root, 'pools.py'));
    assert.deepEqual(ws.files(), [join(root, 'main.py')]);
    assert.deepEqual(summary((await analyze(ws)).findings, root), []);
  });

  it('skips a file too large to analyse with an info notice naming it', async () => {
    const root = workspaceDir({ 'small.py': 'x = 1\n', 'huge.py': '#'.repeat(MAX_FILE_BYTES + 1) });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    assert.deepEqual(ws.files(), [join(root, 'small.py')]);
    const notices = ws.notices().filter((n) => n.file === join(root, 'huge.py'));
    assert.equal(notices.length, 1);
    assert.equal(notices[0].level, 'info');
    assert.match(notices[0].message, /huge\.py.*too large/);
  });

  it('keeps working on a broken config file, with a notice naming the file', async () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK, 'forkguard.toml': 'severity = [unclosed\n' });
    const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
    await ws.scan();
    assert.deepEqual(summary((await analyze(ws)).findings, root), ['svc.py:7 FG001']);
    assert.ok(ws.notices().some((n) => n.message.includes('forkguard.toml')), JSON.stringify(ws.notices()));
  });

  it('gives the same findings from a warm cache as from a cold scan', async () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK });
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-cache-'));
    dirs.push(cacheDir);
    const cold = await Workspace.create({ roots: [root], cacheDir, threads: 0 });
    await cold.scan();
    const coldFindings = new Map((await analyze(cold)).findings);
    await cold.dispose();
    const warm = await Workspace.create({ roots: [root], cacheDir, threads: 0 });
    await warm.scan();
    assert.deepEqual(new Map((await analyze(warm)).findings), coldFindings);
  });

  it('ends an analysis once the facts cache its scan began writing is on disk', async () => {
    const root = workspaceDir({ 'svc.py': POOL_THEN_FORK });
    const cacheDir = mkdtempSync(join(tmpdir(), 'fg-cache-'));
    dirs.push(cacheDir);
    const ws = await Workspace.create({ roots: [root], cacheDir, threads: 0 });
    await ws.scan(); // the write runs beside what follows
    const written = ws.cacheWritten();
    let release: (() => void) | undefined;
    ws.cacheWritten = () => new Promise<void>((resolve) => (release = () => written.then(resolve)));
    let done = false;
    const analysis = analyze(ws).then(() => (done = true));
    for (let waited = 0; waited < 10_000 && !release && !done; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(done, false, 'the analysis waits for the write');
    assert.ok(release, 'the analysis asked for the write');
    release();
    await analysis;
    assert.deepEqual(
      readdirSync(cacheDir).filter((name) => name.startsWith('python-facts-')).map((name) => name.replace(/v\d+.*/, '')),
      ['python-facts-'],
      readdirSync(cacheDir).join(),
    );
  });
});

describe('default facts cache folder', () => {
  it('is one folder per set of roots, whatever their order, under the user cache folder', () => {
    const ab = defaultFactsCacheDir(['/srv/a', '/srv/b']);
    assert.equal(defaultFactsCacheDir(['/srv/b', '/srv/a']), ab);
    assert.notEqual(defaultFactsCacheDir(['/srv/a']), ab);
    assert.ok(ab.startsWith(join(defaultCacheDir(), 'workspaces') + '/'), ab);
  });
});
