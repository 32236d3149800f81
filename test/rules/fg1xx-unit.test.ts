/**
 * FG101-FG109, the eventlet migration inventory: catalog matching, the rule metadata and doc
 * anchors, `eventletInventory` over in-memory workspaces (with its cache), and the engine keeping
 * the codes off until configured. Fixture cases cover each API in the rule folder's fixtures/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { eventletModuleReplacement, matchEventletApi } from '../../server/src/catalog/python-eventlet';
import { ruleDocsUrl } from '../../server/src/model';
import { RULES } from '../../server/src/rules';
import { eventletInventory, INVENTORY_METAS, type EventletUsage } from '../../server/src/rules/fg1xx-eventlet-inventory';
import { inventoryMessage } from '../../server/src/rules/fg1xx-eventlet-inventory/python';
import { workspace } from '../python/program-helpers';

/** `file:line rule qualifiedName` (1-based lines), the parts of a usage these tests pin. */
function brief(usages: EventletUsage[]): string[] {
  return usages.map((u) => `${path.basename(u.file)}:${u.range.start.line + 1} ${u.rule} ${u.qualifiedName}`);
}

describe('eventlet catalog', () => {
  test('matches exact qualified names to their kind and replacement', () => {
    assert.deepEqual(matchEventletApi('eventlet.greenthread.sleep'), {
      kind: 'sleep',
      replacement: '`time.sleep(seconds)` (a `sleep(0)` that only yields to other green threads can go)',
    });
    assert.equal(matchEventletApi('eventlet.spawn_after')?.replacement, '`threading.Timer(seconds, fn).start()`');
    assert.equal(matchEventletApi('eventlet.GreenPile')?.kind, 'green-pool');
  });

  test('fills the member of a prefix entry; an exact entry wins over a prefix', () => {
    assert.deepEqual(matchEventletApi('eventlet.green.threading.Lock'), { kind: 'green-primitive', replacement: 'the standard library `threading.Lock`' });
    assert.deepEqual(matchEventletApi('eventlet.queue.LifoQueue'), { kind: 'green-primitive', replacement: 'the standard library `queue` (`queue.LifoQueue`)' });
    assert.equal(matchEventletApi('eventlet.green.time.sleep')?.kind, 'sleep');
    assert.equal(matchEventletApi('eventlet.tpool.execute')?.kind, 'tpool');
  });

  test('does not match methods of eventlet objects, other libraries, or bare prefixes', () => {
    assert.equal(matchEventletApi('eventlet.GreenPool().spawn'), undefined);
    assert.equal(matchEventletApi('eventlet.queue.Queue().put'), undefined);
    assert.equal(matchEventletApi('eventlet_helpers.spawn'), undefined);
    assert.equal(matchEventletApi('futurist.GreenThreadPoolExecutor'), undefined);
    assert.equal(matchEventletApi('eventlet.green.'), undefined);
    assert.equal(matchEventletApi('eventlet.hubs.get_hub'), undefined);
  });

  test('names the most specific replacement for an imported module', () => {
    assert.equal(eventletModuleReplacement('eventlet'), 'native threads: `concurrent.futures` or `futurist` executors, `threading`, `queue` and `time`');
    assert.equal(eventletModuleReplacement('eventlet.greenpool'), 'native threads: `concurrent.futures` or `futurist` executors, `threading`, `queue` and `time`');
    assert.equal(eventletModuleReplacement('eventlet.green'), 'the standard library modules themselves');
    assert.equal(eventletModuleReplacement('eventlet.green.subprocess'), 'the standard library `subprocess`');
    assert.equal(eventletModuleReplacement('eventlet.queue'), 'the standard library `queue`');
  });
});

describe('FG1xx rules', () => {
  test('nine codes, off by default, registered after FG001 in id order', () => {
    assert.deepEqual(
      INVENTORY_METAS.map((m) => `${m.id} ${m.name} ${m.defaultSeverity}`),
      [
        'FG101 eventlet-import off',
        'FG102 eventlet-monkey-patch off',
        'FG103 eventlet-green-pool off',
        'FG104 eventlet-spawn off',
        'FG105 eventlet-sleep off',
        'FG106 eventlet-timeout off',
        'FG107 eventlet-tpool off',
        'FG108 eventlet-green-primitive off',
        'FG109 eventlet-wsgi off',
      ],
    );
    const ids = RULES.map((rule) => rule.meta.id);
    const inventory = ids.filter((id) => id.startsWith('FG1'));
    assert.deepEqual(inventory, INVENTORY_METAS.map((m) => m.id));
    assert.ok(ids.indexOf('FG001') < ids.indexOf('FG101'));
  });

  test('registered metas are plain rule metadata, and each doc link points at a heading of the shared page', () => {
    const readme = readFileSync(path.join(__dirname, '../../server/src/rules/fg1xx-eventlet-inventory/README.md'), 'utf8');
    for (const rule of RULES.filter((r) => r.meta.id.startsWith('FG1'))) {
      assert.deepEqual(Object.keys(rule.meta).sort(), ['defaultSeverity', 'docsPage', 'id', 'languages', 'name', 'summary']);
      assert.equal(ruleDocsUrl(rule.meta), `https://github.com/forkguard/forkguard/blob/main/server/src/rules/fg1xx-eventlet-inventory/README.md#${rule.meta.name}-${rule.meta.id.toLowerCase()}`);
      assert.ok(readme.includes(`\n## ${rule.meta.name} (${rule.meta.id})\n`), `README has a section for ${rule.meta.id}`);
      assert.equal(rule.docs, readme);
    }
  });
});

describe('eventletInventory', () => {
  const MAIN = [
    'import eventlet',
    'from eventlet import greenthread, tpool',
    '',
    'POOL = eventlet.GreenPool(10)',
    '',
    'def run(f):',
    '    import eventlet.wsgi',
    '    POOL.spawn(f)',
    '    greenthread.spawn_n(f)',
    '    eventlet.sleep(0)',
    '    tpool.execute(f)',
    '    eventlet.wsgi.server(None, f)',
    '',
  ].join('\n');

  test('lists imports and API calls by resolved name, in file and position order', async () => {
    const ws = await workspace({ 'svc/__init__.py': '', 'svc/main.py': MAIN });
    assert.deepEqual(brief(eventletInventory(ws.program)), [
      'main.py:1 FG101 eventlet',
      'main.py:2 FG101 eventlet',
      'main.py:4 FG103 eventlet.GreenPool',
      'main.py:7 FG101 eventlet.wsgi',
      'main.py:9 FG104 eventlet.greenthread.spawn_n',
      'main.py:10 FG105 eventlet.sleep',
      'main.py:11 FG107 eventlet.tpool.execute',
      'main.py:12 FG109 eventlet.wsgi.server',
    ]);
  });

  test('a message names the usage and its native replacement', async () => {
    const ws = await workspace({ 'svc/__init__.py': '', 'svc/main.py': MAIN });
    const usages = eventletInventory(ws.program);
    const spawn = usages.find((u) => u.rule === 'FG104')!;
    assert.deepEqual(spawn.range, { start: { line: 8, character: 4 }, end: { line: 8, character: 26 } });
    assert.equal(
      inventoryMessage(INVENTORY_METAS[3], spawn),
      'Green thread spawn `eventlet.greenthread.spawn_n()`; native replacement: `executor.submit(fn, ...)` on a `futurist.ThreadPoolExecutor` or `concurrent.futures.ThreadPoolExecutor` (or `threading.Thread(target=fn).start()`).',
    );
    assert.equal(inventoryMessage(INVENTORY_METAS[0], usages[0]), 'Eventlet import `eventlet`; native replacement: native threads: `concurrent.futures` or `futurist` executors, `threading`, `queue` and `time`.');
  });

  test('is empty for a workspace that never imports eventlet', async () => {
    const ws = await workspace({ 'svc/__init__.py': '', 'svc/main.py': 'import time\n\ndef spawn(f):\n    time.sleep(1)\n\nspawn(print)\n' });
    assert.deepEqual(eventletInventory(ws.program), []);
  });

  test('is reused while the facts are the same and follows a change in a re-exporting module', async () => {
    const ws = await workspace({
      'svc/__init__.py': '',
      'svc/green.py': 'from eventlet import spawn\n',
      'svc/main.py': 'from svc.green import spawn\n\nspawn(print)\n',
    });
    const first = eventletInventory(ws.program);
    assert.deepEqual(brief(first), ['green.py:1 FG101 eventlet', 'main.py:3 FG104 eventlet.spawn']);
    assert.equal(eventletInventory(ws.program), first, 'same facts: the same list, not recomputed');

    await ws.set('svc/green.py', 'def spawn(f):\n    return f()\n');
    assert.deepEqual(eventletInventory(ws.program), []);
  });

  test('a file that does not parse still gives what can be read, without throwing', async () => {
    const ws = await workspace({ 'svc/__init__.py': '', 'svc/main.py': 'import eventlet\n\ndef broken(:\n    eventlet.spawn(\n' });
    assert.deepEqual(brief(eventletInventory(ws.program)), ['main.py:1 FG101 eventlet']);
  });
});

describe('FG1xx in the engine', () => {
  async function analyzeText(text: string, severity: Record<string, 'info' | 'off'>) {
    const { Workspace } = await import('../../server/src/engine/workspace');
    const { analyze } = await import('../../server/src/engine/analyze');
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'forkguard-fg1xx-')));
    try {
      writeFileSync(path.join(root, 'main.py'), text);
      const ws = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings: { severity } });
      await ws.scan();
      const result = await analyze(ws);
      return [...result.findings.values()].flat().map((f) => `${f.rule} ${f.severity} ${f.range.start.line + 1}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  const TEXT = 'import eventlet\n\neventlet.spawn(print)\neventlet.sleep(1)\n';

  test('reports nothing until a code is turned on', async () => {
    assert.deepEqual(await analyzeText(TEXT, {}), []);
  });

  test('reports the codes turned on, at the configured severity', async () => {
    assert.deepEqual(await analyzeText(TEXT, { FG104: 'info' }), ['FG104 info 3']);
    assert.deepEqual(await analyzeText(TEXT, { FG101: 'info', FG105: 'info' }), ['FG101 info 1', 'FG105 info 4']);
  });
});
