import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abs, applyFix, check, where, workspace, type TestWorkspace } from '../python/program-helpers';

/** Applies a fix, re-extracts the changed files, and returns their texts. */
async function fixAndReload(ws: TestWorkspace, fixIndex = 0): Promise<Map<string, string>> {
  const [finding] = check(ws);
  const changed = applyFix(ws.texts, finding.fixes[fixIndex]);
  for (const [relative, text] of changed) await ws.set(relative, text);
  return changed;
}

const NOVA = {
  'svc/__init__.py': '',
  'svc/executors.py': [
    'import futurist',
    '',
    '_EXECUTOR = None',
    '',
    '',
    'def get_executor():',
    '    global _EXECUTOR',
    '    if _EXECUTOR is None:',
    '        _EXECUTOR = futurist.ThreadPoolExecutor(max_workers=5)',
    '    return _EXECUTOR',
    '',
    '',
    'def destroy_executor():',
    '    global _EXECUTOR',
    '    if _EXECUTOR is not None:',
    '        _EXECUTOR.shutdown(wait=True)',
    '        _EXECUTOR = None',
    '',
  ].join('\n'),
  'svc/manager.py': [
    'from svc import executors',
    '',
    '',
    'def scatter(cells):',
    '    ex = executors.get_executor()',
    '    return [ex.submit(print, c) for c in cells]',
    '',
    '',
    'class Manager:',
    '    def __init__(self):',
    '        self.refresh()',
    '',
    '    def refresh(self):',
    '        scatter([1, 2])',
    '',
  ].join('\n'),
  'svc/cmd.py': [
    'from oslo_service import service',
    '',
    'from svc.manager import Manager',
    '',
    '',
    'def main(conf):',
    '    server = Manager()',
    '    launcher = service.launch(conf, server, workers=4)',
    '    launcher.wait()',
    '',
  ].join('\n'),
};

test('the story: a lazily created executor three calls deep, then a forking launcher', async () => {
  const ws = await workspace(NOVA);
  const findings = check(ws);
  assert.deepEqual(where(findings), ['svc/cmd.py:8']);
  const [finding] = findings;
  assert.equal(finding.rule, 'FG001');
  assert.equal(finding.name, 'pool-before-fork');
  assert.equal(finding.severity, 'warning');
  assert.deepEqual(finding.range, { start: { line: 7, character: 15 }, end: { line: 7, character: 54 } });
  assert.equal(
    finding.message,
    'futurist ThreadPoolExecutor `_EXECUTOR` (created in svc/executors.py:9 via `Manager.__init__` -> `Manager.refresh` -> `scatter` -> `get_executor`) ' +
      'is alive when `service.launch()` forks workers: children inherit its bookkeeping without its threads (submitted work can wait forever, ' +
      'locks held by those threads stay locked). Release it before forking (`_EXECUTOR.shutdown(wait=True)`).',
  );
  assert.deepEqual(
    finding.related.map((r) => `${r.file.slice(abs('').length + 1)}:${r.range.start.line + 1} ${r.message}`),
    [
      'svc/executors.py:9 futurist ThreadPoolExecutor `_EXECUTOR` is created here',
      'svc/cmd.py:7 calls `Manager.__init__`, which leads to the creation of `_EXECUTOR`',
      'svc/manager.py:11 calls `Manager.refresh`, which leads to the creation of `_EXECUTOR`',
      'svc/manager.py:14 calls `scatter`, which leads to the creation of `_EXECUTOR`',
      'svc/manager.py:5 calls `get_executor`, which leads to the creation of `_EXECUTOR`',
    ],
  );
  assert.deepEqual(
    finding.fixes.map((f) => [f.title, f.preferred]),
    [
      ['Call `destroy_executor()` before forking', true],
      ['Reset `_EXECUTOR` in forked children (os.register_at_fork)', false],
    ],
  );
});

test('preferred fix: the reset helper is called before the fork and imported; the finding is gone', async () => {
  const ws = await workspace(NOVA);
  const changed = await fixAndReload(ws);
  assert.deepEqual([...changed.keys()], ['svc/cmd.py']);
  assert.equal(
    changed.get('svc/cmd.py'),
    [
      'from oslo_service import service',
      '',
      'from svc.manager import Manager',
      'from svc.executors import destroy_executor',
      '',
      '',
      'def main(conf):',
      '    server = Manager()',
      '    destroy_executor()',
      '    launcher = service.launch(conf, server, workers=4)',
      '    launcher.wait()',
      '',
    ].join('\n'),
  );
  assert.deepEqual(where(check(ws)), []);
});

test('register_at_fork fix: inserted after the creation with `import os`; the finding is gone', async () => {
  const ws = await workspace(NOVA);
  const changed = await fixAndReload(ws, 1);
  assert.deepEqual([...changed.keys()], ['svc/executors.py']);
  const fixed = changed.get('svc/executors.py')!.split('\n');
  assert.deepEqual(fixed.slice(0, 3), ['import futurist', 'import os', '']);
  assert.deepEqual(fixed.slice(9, 12), [
    '        _EXECUTOR = futurist.ThreadPoolExecutor(max_workers=5)',
    '        os.register_at_fork(after_in_child=_EXECUTOR.shutdown)',
    '    return _EXECUTOR',
  ]);
  assert.deepEqual(ws.program.facts(abs('svc/executors.py'))!.syntaxErrors, []);
  assert.deepEqual(where(check(ws)), []);
});

test('direct fix on an import-time engine, CRLF line endings kept; finding reported in the function that forks', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/db.py': 'import sqlalchemy\r\n\r\nengine = sqlalchemy.create_engine("mysql://db/app")\r\n',
    'app/main.py': 'import os\r\n\r\nfrom app.db import engine\r\n\r\n\r\ndef main():\r\n    with engine.connect() as c:\r\n        pass\r\n    pid = os.fork()\r\n    return pid\r\n\r\n\r\nif __name__ == "__main__":\r\n    main()\r\n',
  });
  const [finding, ...rest] = check(ws);
  assert.deepEqual(rest, []);
  assert.deepEqual(where([finding]), ['app/main.py:9']);
  assert.equal(finding.message.split(' is alive')[0], 'SQLAlchemy engine `engine` (created in app/db.py:3 via `import app.db`)');
  assert.equal(finding.fixes[0].title, 'Add `engine.dispose()` before the fork');
  const changed = await fixAndReload(ws);
  assert.equal(changed.get('app/main.py')!.split('\r\n').slice(7, 11).join('|'), '        pass|    engine.dispose()|    pid = os.fork()|    return pid');
  assert.deepEqual(where(check(ws)), []);
});

test('direct fix through self in a method of the class that owns the pool', async () => {
  const ws = await workspace({
    's.py': [
      'import os',
      'from concurrent.futures import ThreadPoolExecutor',
      '',
      'class Server:',
      '    def __init__(self):',
      '        self._pool = ThreadPoolExecutor(4)',
      '',
      '    def serve(self):',
      '        if os.fork() == 0:',
      '            pass',
      '',
    ].join('\n'),
    'main.py': 'from s import Server\n\ndef main():\n    Server().serve()\n',
  });
  assert.deepEqual(where(check(ws)), ['main.py:4']);
  // the fork is in serve(); the pool is created by the constructor call on the same line
  const [finding] = check(ws);
  assert.equal(finding.message.includes('through `Server.serve` -> os.fork()'), true);
});

test('several pools at one fork: one finding naming them all', async () => {
  const ws = await workspace({
    'a.py': [
      'import os, redis',
      'from concurrent.futures import ThreadPoolExecutor',
      'POOL = ThreadPoolExecutor(2)',
      'CACHE = redis.Redis()',
      'os.fork()',
      '',
    ].join('\n'),
  });
  const findings = check(ws);
  assert.deepEqual(where(findings), ['a.py:5']);
  assert.equal(
    findings[0].message,
    'ThreadPoolExecutor `POOL` (created in a.py:3) and Redis connection pool `CACHE` (created in a.py:4) are alive when `os.fork()` forks workers: ' +
      'children inherit broken copies (threads and connections that are not theirs). Release them before forking.',
  );
  const changed = applyFix(ws.texts, findings[0].fixes[0]);
  assert.equal(changed.get('a.py')!.split('\n').slice(4, 7).join('|'), 'POOL.shutdown(wait=True)|CACHE.close()|os.fork()');
});

test('order and blocks: a reset in another branch does not count, one in the fork\'s own branch does', async () => {
  const ws = await workspace({
    'b.py': [
      'import os',
      'from concurrent.futures import ThreadPoolExecutor',
      'def risky(flag):',
      '    pool = ThreadPoolExecutor(2)',
      '    if flag:',
      '        pool.shutdown()',
      '    os.fork()',
      'def fine(flag):',
      '    pool = ThreadPoolExecutor(2)',
      '    if flag:',
      '        pool.shutdown()',
      '        os.fork()',
      'def exclusive(flag):',
      '    if flag:',
      '        pool = ThreadPoolExecutor(2)',
      '    else:',
      '        os.fork()',
      'def child_only():',
      '    if os.fork() == 0:',
      '        pool = ThreadPoolExecutor(2)',
      'def with_scoped():',
      '    with ThreadPoolExecutor(2) as ex:',
      '        ex.submit(print)',
      '    os.fork()',
      '',
    ].join('\n'),
  });
  assert.deepEqual(where(check(ws)), ['b.py:7']);
});

test('fork conditions: spawn start method, workers=1, no_fork=True, spawn contexts are not forks', async () => {
  const base = 'import multiprocessing, threading\nfrom oslo_service import service\nthreading.Thread(target=print).start()\n';
  const cases: [string, string[]][] = [
    ['service.launch(None, None, workers=1)\n', []],
    ['service.launch(None, None)\n', []],
    ['service.launch(None, None, workers=2, no_fork=True)\n', []],
    ['service.launch(None, None, workers=2)\n', ['m.py:4']],
    ['service.ProcessLauncher(None, no_fork=True).launch_service(None)\n', []],
    ['service.ProcessLauncher(None).launch_service(None)\n', ['m.py:4']],
    ['ctx = multiprocessing.get_context("spawn")\nctx.Process(target=print).start()\n', []],
    ['ctx = multiprocessing.get_context("fork")\nctx.Process(target=print).start()\n', ['m.py:5']],
    ['multiprocessing.Process(target=print).start()\n', ['m.py:4']],
    ['multiprocessing.set_start_method("spawn")\nmultiprocessing.Process(target=print).start()\n', []],
  ];
  for (const [tail, expected] of cases) {
    const ws = await workspace({ 'm.py': base + tail });
    assert.deepEqual(where(check(ws)), expected, tail);
  }
});

test('reset handlers: os.register_at_fork(before=...) and a process initializer that re-creates the pool', async () => {
  const ws = await workspace({
    'h.py': [
      'import os',
      'from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor',
      'POOL = ThreadPoolExecutor(2)',
      'def reset():',
      '    POOL.shutdown()',
      'os.register_at_fork(before=reset)',
      'os.fork()',
      '',
    ].join('\n'),
    'i.py': [
      'from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor',
      'POOL = ThreadPoolExecutor(2)',
      'def init():',
      '    global POOL',
      '    POOL = ThreadPoolExecutor(2)',
      'ProcessPoolExecutor(2, initializer=init)',
      '',
    ].join('\n'),
  });
  assert.deepEqual(where(check(ws)), []);
});

test('fallback by method name is named in the explanation', async () => {
  const ws = await workspace({
    'r.py': [
      'import os',
      'from concurrent.futures import ThreadPoolExecutor',
      'class Widget:',
      '    def load_all(self):',
      '        global P',
      '        P = ThreadPoolExecutor(2)',
      'def boot(registry):',
      '    registry.Widget.load_all()',
      '    os.fork()',
      '',
    ].join('\n'),
  });
  const [finding] = check(ws);
  assert.equal(finding.message.split(' is alive')[0], 'ThreadPoolExecutor `P` (created in r.py:6 via `Widget.load_all` (resolved by method name))');
  assert.equal(finding.related[1].message, 'calls `Widget.load_all` (resolved by method name), which leads to the creation of `P`');
});

test('configuration: extra pool factories, fork points and reset calls by qualified name', async () => {
  const files = {
    'lib/__init__.py': '',
    'lib/ext.py': 'def make_pool():\n    pass\ndef spawn_workers():\n    pass\ndef reset_everything():\n    pass\n',
    'main.py': 'from lib.ext import make_pool, spawn_workers, reset_everything\nP = make_pool()\nspawn_workers()\n',
  };
  const extra = { poolFactories: ['lib.ext.make_pool'], forkPoints: ['lib.ext.spawn_workers'], resetCalls: ['lib.ext.reset_everything'] };
  assert.deepEqual(where(check(await workspace(files, extra))), ['main.py:3']);
  const reset = { ...files, 'main.py': files['main.py'].replace('spawn_workers()\n', 'reset_everything()\nspawn_workers()\n') };
  assert.deepEqual(where(check(await workspace(reset, extra))), []);
  assert.deepEqual(where(check(await workspace(files))), []);
});

test('bad input never crashes: syntax errors, empty files, unknown names', async () => {
  const ws = await workspace({ 'x.py': 'def (:\n  os.fork(\n', 'y.py': '', 'z.py': 'from ....nowhere import thing\nthing.start()\nimport os\nos.fork()\n' });
  assert.deepEqual(where(check(ws)), []);
});
