/**
 * Incremental analysis: after any series of changes, `analyze` on a workspace that has analysed
 * before (and so reuses what the changes cannot reach) must give exactly the findings of a fresh
 * workspace analysing the same files from scratch. Checked on a small service whose hazards cross
 * files, through edits that add and remove pools, forks, imports, resets, files and names, and on
 * every Python rule fixture after an edit of each of its files.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import type { Finding } from '../../server/src/model';
import { analyze } from '../../server/src/engine/analyze';
import { Workspace } from '../../server/src/engine/workspace';
import { discoverFixtureCases } from '../helpers/fixtures';

const scratch = mkdtempSync(join(tmpdir(), 'fg-incremental-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Every finding as comparable data (fixes included), file by file. */
function snapshot(findings: ReadonlyMap<string, Finding[]>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [file, list] of [...findings].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out[file] = list.map((f) => ({ rule: f.rule, severity: f.severity, range: f.range, message: f.message, related: f.related, fixes: f.fixes }));
  }
  return out;
}

async function open(root: string): Promise<Workspace> {
  const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
  await workspace.scan();
  return workspace;
}

/** Each workspace's last findings, as assertSameAsScratch saw them. */
const lastFindings = new WeakMap<Workspace, ReadonlyMap<string, Finding[]>>();

/**
 * The incremental result must equal a from-scratch analysis of what is on disk now. When it says
 * it updated the previous result (`changes`), every file it does not name keeps its array.
 */
async function assertSameAsScratch(workspace: Workspace, root: string, step: string): Promise<Record<string, unknown[]>> {
  const result = await analyze(workspace);
  const previous = lastFindings.get(workspace);
  if (result.changes && previous) {
    assert.equal(result.changes.since, previous, `after ${step}: updated from the previous result`);
    assert.deepEqual([...result.findings.keys()], [...previous.keys()], `after ${step}: the same files`);
    for (const [file, findings] of result.findings) {
      if (!result.changes.files.has(file)) assert.equal(findings, previous.get(file), `after ${step}: ${file} is not named as changed`);
    }
  }
  lastFindings.set(workspace, result.findings);
  const incremental = snapshot(result.findings);
  const fresh = snapshot((await analyze(await open(root))).findings);
  assert.deepEqual(incremental, fresh, `after ${step}`);
  return incremental;
}

function write(root: string, file: string, text: string): string {
  const full = join(root, file);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** A project of `files` in the scratch folder, scanned. */
async function openProject(name: string, files: Record<string, string>): Promise<{ root: string; workspace: Workspace }> {
  const root = join(scratch, name);
  for (const [file, text] of Object.entries(files)) write(root, file, text);
  return { root, workspace: await open(root) };
}

/** Writes `text` to `file` of the project and refreshes it: the files whose derived data changed, relative and sorted. */
async function rewrite(workspace: Workspace, root: string, file: string, text: string): Promise<string[] | 'all'> {
  const mark = workspace.program.changeMark();
  await workspace.refreshFile(write(root, file, text));
  const changed = workspace.program.changedSince(mark);
  return changed === 'all' ? changed : [...changed].map((f) => f.slice(root.length + 1)).sort();
}

function count(snap: Record<string, unknown[]>, rule: string): number {
  return Object.values(snap)
    .flat()
    .filter((f) => (f as { rule: string }).rule === rule).length;
}

const SERVICE: Record<string, string> = {
  'svc/__init__.py': '',
  'svc/db.py': 'import sqlalchemy\n\nengine = None\n\n\ndef dispose_all():\n    pass\n',
  'svc/work.py': 'from concurrent.futures import ThreadPoolExecutor, wait\n\n\ndef fan_out(items):\n    ex = ThreadPoolExecutor(4)\n    futures = [ex.submit(print, i) for i in items]\n    wait(futures)\n',
  'svc/server.py': 'import os\n\nfrom svc import db\n\n\ndef serve():\n    pass\n',
  'svc/net.py': 'import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n',
  'main.py': 'from svc.server import serve\n\nif __name__ == "__main__":\n    serve()\n',
};

test('incremental analysis equals a fresh one after a series of edits across files', async () => {
  const { root, workspace } = await openProject('service', SERVICE);
  let snap = await assertSameAsScratch(workspace, root, 'the first analysis');
  assert.equal(count(snap, 'FG001'), 0);

  const refresh = async (file: string, text: string): Promise<void> => workspace.refreshFile(write(root, file, text));

  // A pool created at import time of a module the server imports.
  await refresh('svc/db.py', 'import sqlalchemy\n\nengine = sqlalchemy.create_engine("postgresql://db/x")\n\n\ndef dispose_all():\n    pass\n');
  snap = await assertSameAsScratch(workspace, root, 'adding a pool');
  assert.equal(count(snap, 'FG001'), 0, 'no fork yet');

  // The server forks: the pool is inherited.
  await refresh('svc/server.py', 'import os\n\nfrom svc import db\n\n\ndef serve():\n    os.fork()\n');
  snap = await assertSameAsScratch(workspace, root, 'adding a fork');
  assert.equal(count(snap, 'FG001'), 1);

  // The helper now resets the pool: the fix offers it (a change the server file's findings read).
  await refresh('svc/db.py', 'import sqlalchemy\n\nengine = sqlalchemy.create_engine("postgresql://db/x")\n\n\ndef dispose_all():\n    engine.dispose()\n');
  await assertSameAsScratch(workspace, root, 'a reset helper appearing');

  // The server calls the reset before forking.
  await refresh('svc/server.py', 'import os\n\nfrom svc import db\n\n\ndef serve():\n    db.dispose_all()\n    os.fork()\n');
  snap = await assertSameAsScratch(workspace, root, 'adding a reset');
  assert.equal(count(snap, 'FG001'), 0);

  // The helper is renamed: the call no longer resolves, the hazard is back.
  await refresh('svc/db.py', 'import sqlalchemy\n\nengine = sqlalchemy.create_engine("postgresql://db/x")\n\n\ndef close_all():\n    engine.dispose()\n');
  snap = await assertSameAsScratch(workspace, root, 'renaming a function');
  assert.equal(count(snap, 'FG001'), 1);

  // A new module imported by the server creates a thread pool at import time.
  await refresh('svc/pools.py', 'from concurrent.futures import ThreadPoolExecutor\n\nPOOL = ThreadPoolExecutor(2)\n');
  await assertSameAsScratch(workspace, root, 'adding a file');
  await refresh('svc/server.py', 'import os\n\nfrom svc import db, pools\n\n\ndef serve():\n    os.fork()\n');
  snap = await assertSameAsScratch(workspace, root, 'adding an import');
  assert.equal(count(snap, 'FG001'), 1, 'one finding naming both pools');

  // Deleting the module: the import no longer resolves.
  unlinkSync(join(root, 'svc/pools.py'));
  workspace.removeFile(join(root, 'svc/pools.py'));
  await assertSameAsScratch(workspace, root, 'deleting a file');

  // File-local rules: a timeout removed and a wait given a deadline, in files nothing imports.
  const timeoutsBefore = count(snap, 'FG002');
  await refresh('svc/net.py', 'import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n');
  snap = await assertSameAsScratch(workspace, root, 'removing a timeout');
  assert.equal(count(snap, 'FG002'), timeoutsBefore + 1);
  const waitsBefore = count(snap, 'FG003');
  await refresh('svc/work.py', SERVICE['svc/work.py'].replace('wait(futures)', 'wait(futures, timeout=5)'));
  snap = await assertSameAsScratch(workspace, root, 'adding a deadline');
  assert.equal(count(snap, 'FG003'), waitsBefore - 1);

  // An open document edited in memory (no disk write): the fresh workspace opens the same text.
  const server = join(root, 'svc/server.py');
  const text = readFileSync(server, 'utf8');
  workspace.openDocument(server, text, 1);
  workspace.changeDocument(server, 2, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: '    db.close_all()\n' }]);
  const incremental = snapshot((await analyze(workspace)).findings);
  const fresh = await open(root);
  fresh.openDocument(server, workspace.text(server)!, 1);
  assert.deepEqual(incremental, snapshot((await analyze(fresh)).findings), 'after an in-memory edit');
  assert.equal(count(incremental, 'FG001'), 0, 'the edit adds the reset');
});

test('a start method selected in another file, then not, then in a new file, then that file deleted', async () => {
  const root = join(scratch, 'start-method');
  write(root, 'pools.py', 'from concurrent.futures import ThreadPoolExecutor\n\nPOOL = ThreadPoolExecutor(2)\n');
  write(root, 'main.py', 'import multiprocessing\n\nimport pools\n\nmultiprocessing.Process(target=print).start()\n');
  write(root, 'setup.py', 'import multiprocessing\n\n\ndef configure():\n    pass\n');
  const workspace = await open(root);
  const refresh = async (file: string, text: string): Promise<void> => workspace.refreshFile(write(root, file, text));
  assert.equal(count(await assertSameAsScratch(workspace, root, 'the first analysis'), 'FG001'), 1);

  await refresh('setup.py', 'import multiprocessing\n\n\ndef configure():\n    multiprocessing.set_start_method("spawn")\n');
  assert.equal(count(await assertSameAsScratch(workspace, root, 'selecting spawn'), 'FG001'), 0);
  await refresh('setup.py', 'import multiprocessing\n\n\ndef configure():\n    multiprocessing.set_start_method("fork")\n');
  assert.equal(count(await assertSameAsScratch(workspace, root, 'selecting fork'), 'FG001'), 1);
  await refresh('spawn.py', 'import multiprocessing\n\nmultiprocessing.set_start_method("forkserver")\n');
  assert.equal(count(await assertSameAsScratch(workspace, root, 'a new file selecting forkserver'), 'FG001'), 0);
  unlinkSync(join(root, 'spawn.py'));
  workspace.removeFile(join(root, 'spawn.py'));
  assert.equal(count(await assertSameAsScratch(workspace, root, 'deleting that file'), 'FG001'), 1);
});

test('an edit of a file nothing imports re-analyses that file only', async () => {
  const { root, workspace } = await openProject('leaf', SERVICE);
  await analyze(workspace);
  const before = workspace.program.analysisCount;
  await workspace.refreshFile(write(root, 'svc/net.py', 'import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n'));
  const mark = workspace.program.changeMark();
  await analyze(workspace);
  const net = workspace.program.facts(join(root, 'svc/net.py'))!;
  // The module's top level (as imported and as a script) and its one function.
  assert.equal(workspace.program.analysisCount - before, net.scopes.length + 1);
  assert.deepEqual(workspace.program.changedSince(mark), new Set(), 'analysing changes nothing');
});

test('after an edit, the result names the files whose findings changed; every other file keeps its array', async () => {
  const { root, workspace } = await openProject('changes', SERVICE);
  const first = await analyze(workspace);
  assert.equal(first.changes, undefined, 'a first analysis changes everything');
  const net = write(root, 'svc/net.py', 'import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n');
  await workspace.refreshFile(net);
  const second = await analyze(workspace);
  assert.deepEqual(second.changes && [...second.changes.files], [net], 'the timeout is gone: an FG002 finding');
  assert.equal(second.changes!.since, first.findings);
  assert.equal(second.findings.get(net)!.length, first.findings.get(net)!.length + 1);
  for (const [file, findings] of second.findings) if (file !== net) assert.equal(findings, first.findings.get(file), file);
  await workspace.refreshFile(write(root, 'svc/net.py', 'import requests\n\n\ndef fetch(url):\n    return requests.get(url)  # comment\n'));
  const third = await analyze(workspace);
  assert.deepEqual(third.changes && [...third.changes.files], [net], 'the finding moved: the same range, a new object');
  await workspace.refreshFile(write(root, 'svc/extra.py', 'x = 1\n'));
  assert.equal((await analyze(workspace)).changes, undefined, 'a new file: every file may differ');
});

test('incremental analysis equals a fresh one after editing each file of every Python rule fixture', async () => {
  const cases = discoverFixtureCases().filter((c) => c.language === 'python');
  assert.ok(cases.length > 50);
  for (const fixture of cases) {
    const root = join(scratch, 'fixtures', fixture.rule, fixture.name);
    cpSync(fixture.dir, root, { recursive: true, filter: (source) => !source.includes('.fixed') });
    const workspace = await open(root);
    await analyze(workspace);
    const files = workspace.program.files();
    for (const file of files) {
      const where = `${fixture.rule}/${fixture.name}/${file.slice(root.length + 1)}`;
      const text = readFileSync(file, 'utf8');
      if (files.length > 1) {
        // Gone, then back: what other files resolved through it changes twice.
        unlinkSync(file);
        workspace.removeFile(file);
        await assertSameAsScratch(workspace, root, `deleting ${where}`);
        writeFileSync(file, text);
        await workspace.refreshFile(file);
      }
      // A new module-level name and a new import: both change what other files may resolve.
      await workspace.refreshFile(write(root, file.slice(root.length + 1), `${text}\nimport os as _probe_os\n_probe = _probe_os.getpid()\n`));
      await assertSameAsScratch(workspace, root, `editing ${where}`);
    }
  }
});

test('the method index kept up to date after edits lists what a fresh program lists, in the same order', async () => {
  const root = join(scratch, 'methods');
  const files: Record<string, string> = {
    'a.py': 'class A:\n    def run(self):\n        pass\n',
    'b.py': 'class B:\n    def stop(self):\n        pass\n',
    'c.py': 'class C:\n    def run(self):\n        pass\n\n\nclass D:\n    def run(self):\n        pass\n',
  };
  for (const [file, text] of Object.entries(files)) write(root, file, text);
  const workspace = await open(root);
  await analyze(workspace);
  workspace.program.methodsNamed('run'); // builds the index, which edits then keep up to date
  const same = async (step: string): Promise<void> => {
    const fresh = await open(root);
    for (const name of ['run', 'stop', 'start']) assert.deepEqual(workspace.program.methodsNamed(name), fresh.program.methodsNamed(name), `${name} after ${step}`);
  };
  await workspace.refreshFile(write(root, 'b.py', 'class B:\n    def helper(self):\n        pass\n\n    def run(self):\n        pass\n'));
  await same('adding a method in the middle file');
  await workspace.refreshFile(write(root, 'a.py', 'def top():\n    pass\n\n\nclass A:\n    def start(self):\n        pass\n'));
  await same('renaming a method (and moving its scope)');
  unlinkSync(join(root, 'c.py'));
  workspace.removeFile(join(root, 'c.py'));
  await same('deleting a file');
  await workspace.refreshFile(write(root, '0.py', 'class Z:\n    def run(self):\n        pass\n'));
  await same('adding a file that sorts first');
  assert.deepEqual(
    workspace.program.methodsNamed('run').map((ref) => ref.file.slice(root.length + 1)),
    ['0.py', 'b.py'],
  );
});

/**
 * A hub module (imported, its functions called) under a chain of modules that reach it only
 * through each other: main -> b -> a -> hub. Early cutoff: an edit of the hub drops the hub and the
 * files that read its facts (a calls into it), and goes further only where a value read from them
 * (a summary, a module member) came out different.
 */
const HUB: Record<string, string> = {
  'hub.py': 'from concurrent.futures import ThreadPoolExecutor\n\nPOOL = None\n\n\ndef start():\n    pass\n\n\ndef helper():\n    return 1\n',
  'a.py': 'import hub\n\n\ndef run():\n    hub.helper()\n    hub.start()\n',
  'b.py': 'import a\n\n\ndef go():\n    a.run()\n',
  'main.py': 'import os\n\nimport b\n\nif __name__ == "__main__":\n    b.go()\n    os.fork()\n',
};

test('hub edits: a change its readers cannot see stops at them; a changed summary or name goes on to what reads it', async () => {
  const { root, workspace } = await openProject('hub', HUB);
  let snap = await assertSameAsScratch(workspace, root, 'the first analysis');
  assert.equal(count(snap, 'FG001'), 0);
  const edit = (text: string): Promise<string[] | 'all'> => rewrite(workspace, root, 'hub.py', text);

  // A statement added inside a function body: helper's summary now names what it returns (the
  // local `x`), so its caller goes again.
  const bodyEdit = HUB['hub.py'].replace('    return 1\n', '    x = 1\n    return x\n');
  assert.deepEqual(await edit(bodyEdit), ['a.py', 'hub.py']);
  await assertSameAsScratch(workspace, root, 'a body edit');

  // A module-level name nobody reads, and a comment: only the hub (its callers read values derived
  // from it, which stay the same, not its facts).
  assert.deepEqual(await edit(`${bodyEdit}\n# a comment\nUNUSED = 2\n`), ['hub.py']);
  await assertSameAsScratch(workspace, root, 'a new module-level name');

  // The called function now creates a pool: its summary changes, so a.run's does, b.go's, and main forks with it.
  const poolEdit = bodyEdit.replace('def start():\n    pass\n', 'def start():\n    global POOL\n    POOL = ThreadPoolExecutor(4)\n');
  assert.deepEqual(await edit(poolEdit), ['a.py', 'b.py', 'hub.py', 'main.py']);
  snap = await assertSameAsScratch(workspace, root, 'a pool created in a function others call');
  assert.equal(count(snap, 'FG001'), 1);

  // A body edit again, with the pool: summaries stay the same, so b is kept; main's finding now
  // offers a fix in the hub (it reads the hub's text), so main is a reader of the hub itself.
  assert.deepEqual(await edit(poolEdit.replace('    x = 1\n', '    x = 2\n')), ['a.py', 'hub.py', 'main.py']);
  snap = await assertSameAsScratch(workspace, root, 'a body edit beside a pool');
  assert.equal(count(snap, 'FG001'), 1);

  // The exported name changes: a's call no longer resolves, the pool is gone from every summary.
  assert.deepEqual(await edit(poolEdit.replace('def start():', 'def begin():')), ['a.py', 'b.py', 'hub.py', 'main.py']);
  snap = await assertSameAsScratch(workspace, root, 'renaming the function others call');
  assert.equal(count(snap, 'FG001'), 0);

  // And back: the name resolves again.
  await edit(poolEdit);
  snap = await assertSameAsScratch(workspace, root, 'the name back');
  assert.equal(count(snap, 'FG001'), 1);
});

/**
 * A base class module that other files extend and call into (as unittest.TestCase is): what they
 * read of it (its methods, what they return, the attributes they assign, its bases) are values
 * derived for it, compared after an edit of it, not its facts. An edit those values do not see
 * stays in the module; one they see reaches the subclasses' files, and findings follow.
 */
const BASE: Record<string, string> = {
  'base.py': [
    'from concurrent.futures import ThreadPoolExecutor',
    '',
    '',
    'class Base:',
    '    def __init__(self):',
    '        self.pool = None',
    '',
    '    def make(self):',
    '        return ThreadPoolExecutor(2)',
    '',
    '    def other(self):',
    '        x = 1',
    '        return x',
    '',
  ].join('\n'),
  'service.py': [
    'import os',
    '',
    'import base',
    '',
    '',
    'class Service(base.Base):',
    '    def run(self):',
    '        self.executor = self.make()',
    '        self.other()',
    '        os.fork()',
    '',
  ].join('\n'),
  'plain.py': 'import base\n\n\nclass Plain(base.Base):\n    def go(self):\n        return self.other()\n',
};

test('base class edits: one the subclasses cannot see stays in the base module; a changed return value or base reaches them', async () => {
  const { root, workspace } = await openProject('base-class', BASE);
  let snap = await assertSameAsScratch(workspace, root, 'the first analysis');
  assert.equal(count(snap, 'FG001'), 1);
  const edit = (text: string): Promise<string[] | 'all'> => rewrite(workspace, root, 'base.py', text);

  // Inside a method, with the same return value: plain.py read nothing that changed. (service.py's
  // finding offers a fix in base.py, at the pool's creation: it reads base.py's text.)
  const inBody = BASE['base.py'].replace('        x = 1\n', '        x = 2\n');
  assert.deepEqual(await edit(inBody), ['base.py', 'service.py']);
  snap = await assertSameAsScratch(workspace, root, 'an edit inside a method');
  assert.equal(count(snap, 'FG001'), 1);

  // make() no longer returns a pool: Service's summary loses it, and the finding goes.
  const noPool = inBody.replace('        return ThreadPoolExecutor(2)\n', '        return None\n');
  assert.deepEqual(await edit(noPool), ['base.py', 'service.py']);
  snap = await assertSameAsScratch(workspace, root, 'a return value changed');
  assert.equal(count(snap, 'FG001'), 0);

  // A method renamed: the files calling it by that name resolve it no more.
  assert.deepEqual(await edit(inBody.replace('def other(self):', 'def another(self):')), ['base.py', 'plain.py', 'service.py']);
  snap = await assertSameAsScratch(workspace, root, 'a method renamed');
  assert.equal(count(snap, 'FG001'), 1);

  // A base added: every subclass's method resolution order reads it.
  const withBase = inBody.replace('class Base:', 'class Mixin:\n    pass\n\n\nclass Base(Mixin):');
  assert.deepEqual(await edit(withBase), ['base.py', 'plain.py', 'service.py']);
  snap = await assertSameAsScratch(workspace, root, 'a base added');
  assert.equal(count(snap, 'FG001'), 1);
});

test('a call resolved by method name follows the method when an edit of its file moves it, and ignores other edits there', async () => {
  const root = join(scratch, 'by-name');
  write(root, 'workers.py', 'from concurrent.futures import ThreadPoolExecutor\n\n\nclass Runner:\n    def start_everything(self):\n        global POOL\n        POOL = ThreadPoolExecutor(4)\n');
  write(root, 'main.py', 'import os\n\n\ndef main(runner):\n    runner.start_everything()\n    os.fork()\n');
  const workspace = await open(root);
  let snap = await assertSameAsScratch(workspace, root, 'the first analysis');
  assert.equal(count(snap, 'FG001'), 1, 'the unknown receiver resolves by the method name');
  const mark = workspace.program.changeMark();

  // A function added above the class moves the method to another scope index.
  await workspace.refreshFile(write(root, 'workers.py', 'from concurrent.futures import ThreadPoolExecutor\n\n\ndef helper():\n    pass\n\n\nclass Runner:\n    def start_everything(self):\n        global POOL\n        POOL = ThreadPoolExecutor(4)\n'));
  assert.ok((workspace.program.changedSince(mark) as Set<string>).has(join(root, 'main.py')), 'main read where the method was');
  snap = await assertSameAsScratch(workspace, root, 'moving the method');
  assert.equal(count(snap, 'FG001'), 1);

  // Without a pool there is no finding (whose fix reads the pool's file): an edit inside another
  // function of that file then leaves main alone, a move of the method does not.
  const quiet = 'class Runner:\n    def start_everything(self):\n        pass\n';
  await workspace.refreshFile(write(root, 'workers.py', `def helper():\n    pass\n\n\n${quiet}`));
  snap = await assertSameAsScratch(workspace, root, 'the pool gone');
  assert.equal(count(snap, 'FG001'), 0);
  let before = workspace.program.changeMark();
  await workspace.refreshFile(write(root, 'workers.py', `def helper():\n    return 1\n\n\n${quiet}`));
  assert.deepEqual([...(workspace.program.changedSince(before) as Set<string>)], [join(root, 'workers.py')]);
  await assertSameAsScratch(workspace, root, 'an edit beside the method');
  before = workspace.program.changeMark();
  await workspace.refreshFile(write(root, 'workers.py', `def helper():\n    return 1\n\n\ndef other():\n    pass\n\n\n${quiet}`));
  assert.deepEqual([...(workspace.program.changedSince(before) as Set<string>)].sort(), [join(root, 'main.py'), join(root, 'workers.py')]);
  await assertSameAsScratch(workspace, root, 'the method moved again');
});

test('a method name the workspace has more than three of resolves nothing either way: gaining or losing one re-checks no caller, crossing to three does', async () => {
  const root = join(scratch, 'by-name-count');
  const runner = (name: string, method: string) => `from concurrent.futures import ThreadPoolExecutor\n\n\nclass ${name}:\n    def ${method}(self):\n        global POOL\n        POOL = ThreadPoolExecutor(4)\n`;
  for (const name of ['A', 'B', 'C', 'D']) write(root, `${name.toLowerCase()}.py`, runner(name, 'start_all'));
  write(root, 'e.py', runner('E', 'other'));
  write(root, 'main.py', 'import os\n\n\ndef main(runner):\n    runner.start_all()\n    os.fork()\n');
  const workspace = await open(root);
  let snap = await assertSameAsScratch(workspace, root, 'four candidates');
  assert.equal(count(snap, 'FG001'), 0, 'four methods of that name: the call resolves to none of them');

  // A fifth: more than three before and after, so main (a caller by that name) stays as it is.
  let before = workspace.program.changeMark();
  await workspace.refreshFile(write(root, 'e.py', runner('E', 'start_all')));
  assert.deepEqual([...(workspace.program.changedSince(before) as Set<string>)], [join(root, 'e.py')]);
  snap = await assertSameAsScratch(workspace, root, 'five candidates');
  assert.equal(count(snap, 'FG001'), 0);

  // Down to three: now the call resolves by name, and main has a finding.
  await workspace.refreshFile(write(root, 'e.py', runner('E', 'other')));
  before = workspace.program.changeMark();
  await workspace.refreshFile(write(root, 'd.py', runner('D', 'other')));
  assert.ok((workspace.program.changedSince(before) as Set<string>).has(join(root, 'main.py')), 'three candidates: main resolves the call again');
  snap = await assertSameAsScratch(workspace, root, 'three candidates');
  assert.equal(count(snap, 'FG001'), 1);
});
