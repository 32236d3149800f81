import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { PyProgram } from '../../server/src/python/program';
import type { FunctionSummary } from '../../server/src/python/summaries';
import { abs, ROOT, workspace } from './program-helpers';

function summaryOf(program: PyProgram, relative: string, qualname: string): FunctionSummary {
  const file = abs(relative);
  const scope = program.facts(file)!.scopes.findIndex((s) => s.qualname === qualname);
  assert.ok(scope >= 0, `no scope ${qualname}`);
  return program.summaryOf({ file, scope });
}

/** Identity keys with the workspace root taken out, for readable expectations. */
function keys(list: { key: string }[]): string[] {
  return list.map((k) => k.key.split(ROOT + path.sep).join(''));
}

function created(summary: FunctionSummary): string[] {
  return summary.creates.map((c) => `${keys([c.identity])[0]} ${c.factory.label} via ${c.via.map((s) => s.label).join('>') || '-'}`);
}

test('lazily created global: created (conditionally) through callees, returned identity kept', async () => {
  const ws = await workspace({
    'p/__init__.py': '',
    'p/pools.py': [
      'import futurist',
      '_EX = None',
      'def get_executor():',
      '    global _EX',
      '    if _EX is None:',
      '        _EX = futurist.ThreadPoolExecutor(max_workers=5)',
      '    return _EX',
      'def scatter():',
      '    ex = get_executor()',
      '    ex.submit(print)',
      'def reset():',
      '    global _EX',
      '    if _EX is not None:',
      '        _EX.shutdown(wait=True)',
      '        _EX = None',
      '',
    ].join('\n'),
  });
  const getter = summaryOf(ws.program, 'p/pools.py', 'get_executor');
  assert.deepEqual(created(getter), ['global:p/pools.py:_EX futurist ThreadPoolExecutor via -']);
  assert.equal(getter.creates[0].conditional, true);
  assert.equal(getter.returns?.split(ROOT + path.sep).join(''), 'global:p/pools.py:_EX');
  assert.deepEqual(created(summaryOf(ws.program, 'p/pools.py', 'scatter')), ['global:p/pools.py:_EX futurist ThreadPoolExecutor via get_executor']);
  // The reset is guarded by the pool itself, so it is sure.
  assert.deepEqual(summaryOf(ws.program, 'p/pools.py', 'reset').resets, [{ key: abs('p/pools.py').replace(/^/, 'global:') + ':_EX', methods: ['shutdown'] }]);
});

test('a returned fresh pool takes the identity the caller binds it to', async () => {
  const ws = await workspace({
    's.py': [
      'from concurrent.futures import ThreadPoolExecutor',
      'def make_pool(n):',
      '    pool = ThreadPoolExecutor(n)',
      '    return pool',
      'class Svc:',
      '    def __init__(self):',
      '        self._pool = make_pool(4)',
      '    def stop(self):',
      '        self._pool.shutdown()',
      '',
    ].join('\n'),
  });
  const maker = summaryOf(ws.program, 's.py', 'make_pool');
  assert.deepEqual(created(maker), ['local:s.py#1:pool ThreadPoolExecutor via -']);
  assert.deepEqual(created(summaryOf(ws.program, 's.py', 'Svc.__init__')), ['attr:s.py#0:_pool ThreadPoolExecutor via make_pool']);
  assert.deepEqual(keys(summaryOf(ws.program, 's.py', 'Svc.stop').resets), ['attr:s.py#0:_pool']);
});

test('a registry filled by a factory is reset by a loop over its values, not by a loop over something else', async () => {
  const ws = await workspace({
    'r.py': [
      'from concurrent.futures import ThreadPoolExecutor',
      'class Registry:',
      '    def __init__(self):',
      '        self._pools = {}',
      '    def get(self, name):',
      '        self._pools[name] = ThreadPoolExecutor(2)',
      '    def close_all(self):',
      '        for pool in self._pools.values():',
      '            pool.shutdown(wait=True)',
      '    def close_some(self, names):',
      '        for name in names:',
      '            self._pools[name].shutdown()',
      '',
    ].join('\n'),
  });
  assert.deepEqual(created(summaryOf(ws.program, 'r.py', 'Registry.get')), ['registry:r.py#0:_pools ThreadPoolExecutor via -']);
  assert.deepEqual(keys(summaryOf(ws.program, 'r.py', 'Registry.close_all').resets), ['registry:r.py#0:_pools']);
  assert.deepEqual(summaryOf(ws.program, 'r.py', 'Registry.close_some').resets, []);
});

test('recursive and mutually recursive functions get summaries (cycles reach a fixpoint)', async () => {
  const ws = await workspace({
    'c.py': [
      'import os',
      'from concurrent.futures import ThreadPoolExecutor',
      'def ping(n):',
      '    if n:',
      '        pong(n - 1)',
      '    global P',
      '    P = ThreadPoolExecutor()',
      'def pong(n):',
      '    ping(n)',
      '    os.fork()',
      'def self_loop(n):',
      '    self_loop(n - 1)',
      'def caller():',
      '    ping(3)',
      '',
    ].join('\n'),
  });
  const ping = summaryOf(ws.program, 'c.py', 'ping');
  const pong = summaryOf(ws.program, 'c.py', 'pong');
  assert.deepEqual(created(ping), ['global:c.py:P ThreadPoolExecutor via -']);
  assert.deepEqual(created(pong), ['global:c.py:P ThreadPoolExecutor via ping']);
  assert.equal(ping.fork?.point.label, 'os.fork()');
  assert.equal(pong.fork?.point.label, 'os.fork()');
  assert.deepEqual(summaryOf(ws.program, 'c.py', 'self_loop'), { creates: [], resets: [], protects: [], fork: undefined, returns: undefined });
  assert.equal(summaryOf(ws.program, 'c.py', 'caller').fork?.via.map((s) => s.label).join('>'), 'ping>pong');
});

test('import-time code: a module-level engine is created by importing its module', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/db.py': 'import sqlalchemy\nengine = sqlalchemy.create_engine("mysql://x")\n',
    'app/main.py': 'import app.db\n',
  });
  assert.deepEqual(created(summaryOf(ws.program, 'app/main.py', '<module>')), ['global:app/db.py:engine SQLAlchemy engine via import app.db']);
});

test('a thread counts once started; joining it surely resets it', async () => {
  const ws = await workspace({
    't.py': 'import threading\ndef run():\n    t = threading.Thread(target=print)\n    t.start()\ndef run_and_join():\n    t = threading.Thread(target=print)\n    t.start()\n    t.join()\n',
  });
  assert.deepEqual(created(summaryOf(ws.program, 't.py', 'run')), ['local:t.py#1:t thread via -']);
  assert.deepEqual(created(summaryOf(ws.program, 't.py', 'run_and_join')), []);
});
