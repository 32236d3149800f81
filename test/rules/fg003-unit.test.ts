import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../server/src/model/config';
import type { Finding } from '../../server/src/model';
import { buildScatterGatherCatalog } from '../../server/src/catalog/python-waits';
import { POOL_FACTORIES } from '../../server/src/catalog/python';
import { checkScatterGather } from '../../server/src/rules/fg003-unbounded-scatter-gather/python';
import { isFixedCollection } from '../../server/src/rules/fg003-unbounded-scatter-gather/scope';
import { ruleById } from '../../server/src/rules';
import { applyFix, where, workspace, type TestWorkspace } from '../python/program-helpers';

function check(ws: TestWorkspace, timeoutSeconds = 30): Finding[] {
  return checkScatterGather({ program: ws.program, config: { ...defaultConfig(), timeoutSeconds } });
}

const SUBMIT_AND_WAIT = [
  'import concurrent.futures',
  '',
  '',
  'def query_all(cells, fn):',
  '    executor = concurrent.futures.ThreadPoolExecutor(max_workers=5)',
  '    futures = [executor.submit(fn, c) for c in cells]',
  '    return concurrent.futures.wait(futures)',
  '',
].join('\n');

test('the rule is registered with its metadata', () => {
  const rule = ruleById('FG003');
  assert.ok(rule);
  assert.equal(rule.meta.name, 'unbounded-scatter-gather');
  assert.equal(rule.meta.defaultSeverity, 'warning');
  assert.match(rule.docs, /^# unbounded-scatter-gather \(FG003\)/);
});

test('a wait without timeout after a fan-out: range, message and the keyword fix with the configured timeout', async () => {
  const ws = await workspace({ 'app/__init__.py': '', 'app/cells.py': SUBMIT_AND_WAIT });
  const findings = check(ws, 12);
  assert.deepEqual(where(findings), ['app/cells.py:7']);
  const [finding] = findings;
  assert.equal(finding.severity, 'warning');
  assert.deepEqual(finding.range, { start: { line: 6, character: 11 }, end: { line: 6, character: 43 } });
  assert.equal(
    finding.message,
    '`concurrent.futures.wait()` waits with no deadline for the tasks fanned out by `executor.submit()` per item of `cells` (line 6): ' +
      'one hung task (a slow query, a dead peer) blocks it forever. Pass `timeout=12`. A native thread that timed out keeps running ' +
      '(threads cannot be cancelled from outside), so cancel the futures that are not done (`done, not_done = wait(futures, timeout=12)`, ' +
      'then `f.cancel()` for each of `not_done`) and give the work its own timeout.',
  );
  assert.deepEqual(finding.related.map((r) => [r.range.start.line, r.message]), [[5, 'fans out here, per item of `cells`']]);
  assert.deepEqual(finding.fixes.map((f) => [f.title, f.preferred]), [
    ['Add `timeout=12` to `concurrent.futures.wait()`', true],
  ]);
  const fixed = applyFix(ws.texts, finding.fixes[0]).get('app/cells.py');
  assert.equal(fixed, SUBMIT_AND_WAIT.replace('wait(futures)', 'wait(futures, timeout=12)'));
  await ws.set('app/cells.py', fixed!);
  assert.deepEqual(check(ws), []);
});

test('an explicit timeout=None is replaced, not duplicated', async () => {
  const ws = await workspace({ 'app/__init__.py': '', 'app/cells.py': SUBMIT_AND_WAIT.replace('wait(futures)', 'wait(futures, timeout=None)') });
  const [finding] = check(ws);
  assert.match(finding.message, /waits with `timeout=None` \(no deadline\)/);
  assert.equal(applyFix(ws.texts, finding.fixes[0]).get('app/cells.py'), SUBMIT_AND_WAIT.replace('wait(futures)', 'wait(futures, timeout=30)'));
});

test('a multi-line call without a trailing comma gets the keyword on its own line', async () => {
  const text = SUBMIT_AND_WAIT.replace('wait(futures)', 'wait(\n        futures\n    )');
  const ws = await workspace({ 'app/__init__.py': '', 'app/cells.py': text });
  const [finding] = check(ws);
  assert.deepEqual(finding.range, { start: { line: 6, character: 11 }, end: { line: 6, character: 34 } }, 'a multi-line call is marked on its callee');
  assert.equal(applyFix(ws.texts, finding.fixes[0]).get('app/cells.py'), text.replace('        futures\n', '        futures,\n        timeout=30\n'));
});

test('a wait with no fan-out before it in the same function is not a finding', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/cells.py': ['import concurrent.futures', '', '', 'def wait_all(futures):', '    return concurrent.futures.wait(futures)', ''].join('\n'),
  });
  assert.deepEqual(check(ws), []);
});

test('the same names in another meaning are not judged: a local `wait` function and a dict `submit`', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/cells.py': ['def wait(x):', '    return x', '', '', 'def f(items, forms):', '    for i in items:', '        forms[i].submit()', '    wait(items)', ''].join('\n'),
  });
  assert.deepEqual(check(ws), []);
});

test('a gather under a timeout of None has no deadline', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/fetch.py': [
      'import asyncio',
      '',
      'SEM = asyncio.Semaphore(3)',
      '',
      '',
      'async def fetch_all(urls, fetch):',
      '    async with asyncio.timeout(None):',
      '        return await asyncio.gather(*[fetch(u) for u in urls])',
      '',
    ].join('\n'),
  });
  assert.deepEqual(where(check(ws)), ['app/fetch.py:8']);
});

test('a file with syntax errors and odd calls does not crash the checker', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/broken.py': 'import asyncio\n\nasync def f(items):\n    await asyncio.gather(*[\n    for x in (\n    (lambda: 1)()\n',
  });
  assert.doesNotThrow(() => check(ws));
});

test('fixed collections are displays and range(<int>); names and calls are not', () => {
  assert.deepEqual(
    ['(a, b)', '[1, 2]', 'range(3)', 'items', 'range(n)', 'get_cells()', '[c for c in cells]'].map(isFixedCollection),
    [true, true, true, false, false, false, false],
  );
});

test('the catalog derives pool methods from the pool factories', () => {
  const catalog = buildScatterGatherCatalog(POOL_FACTORIES);
  assert.equal(catalog.fanOutByName.get('futurist.ThreadPoolExecutor().submit')?.concurrency, 'pool');
  assert.equal(catalog.fanOutByName.get('eventlet.GreenPool().spawn_n')?.label, 'GreenPool.spawn()');
  assert.equal(catalog.waitByName.get('concurrent.futures.ThreadPoolExecutor().map')?.kind, 'map');
  assert.equal(catalog.waitByName.get('eventlet.GreenPool().waitall')?.timeout, undefined);
  assert.equal(catalog.fanOutByName.get('redis.Redis().submit'), undefined);
  assert.equal(catalog.fanOutByName.get('asyncio.create_task')?.concurrency, 'unbounded');
});
