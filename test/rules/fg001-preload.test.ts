/**
 * FG001 for gunicorn `preload_app` and uWSGI without `lazy-apps`: the settings read from the configuration file, the pools the
 * preloaded app leaves alive, the hooks that release them, the message and the quick fixes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GUNICORN } from '../../server/src/catalog/python';
import { extractFactsFromText } from '../../server/src/python/extract';
import { defaultConfig } from '../../server/src/model/config';
import { checkPoolBeforeFork } from '../../server/src/rules/fg001-pool-before-fork/python';
import { readGunicornSettings } from '../../server/src/rules/fg001-pool-before-fork/preload-gunicorn';
import { readUwsgiIni } from '../../server/src/rules/fg001-pool-before-fork/preload-uwsgi';
import * as path from 'node:path';
import { abs, applyFix, check, ROOT, where, workspace, type TestWorkspace } from '../python/program-helpers';

const DB = [
  'import sqlalchemy',
  '',
  'engine = sqlalchemy.create_engine("postgresql://db/orders", pool_size=5)',
  '',
].join('\n');

const WSGI = ['from svc import db', '', '', 'def application(environ, start_response):', '    return [str(db.engine.url).encode()]', ''].join('\n');

function conf(...lines: string[]): string {
  return [...lines, ''].join('\n');
}

async function service(confText: string, extra: Record<string, string> = {}, confName = 'gunicorn.conf.py'): Promise<TestWorkspace> {
  return workspace({ 'svc/__init__.py': '', 'svc/db.py': DB, 'svc/wsgi.py': WSGI, [confName]: confText, ...extra });
}

async function settingsOf(text: string) {
  return readGunicornSettings(GUNICORN, abs('gunicorn.conf.py'), await extractFactsFromText(text));
}

describe('readGunicornSettings', () => {
  test('reads the app module and an application factory', async () => {
    const plain = await settingsOf(conf('preload_app = True', 'wsgi_app = "svc.wsgi:application"'));
    assert.equal(plain?.appModule, 'svc.wsgi');
    assert.equal(plain?.appFactory, undefined);
    assert.equal(plain?.preload.range.start.line, 0);
    const factory = await settingsOf(conf('wsgi_app = "svc.app:create_app()"', 'preload_app = True'));
    assert.equal(factory?.appModule, 'svc.app');
    assert.equal(factory?.appFactory, 'create_app');
  });

  test('needs a literal True preload and a literal app; the last assignment wins', async () => {
    assert.equal(await settingsOf(conf('preload_app = False', 'wsgi_app = "svc.wsgi:application"')), undefined);
    assert.equal(await settingsOf(conf('import os', 'preload_app = os.environ.get("PRELOAD") == "1"', 'wsgi_app = "svc.wsgi:app"')), undefined);
    assert.equal(await settingsOf(conf('preload_app = True')), undefined);
    assert.equal(await settingsOf(conf('preload_app = True', 'wsgi_app = "not a module path"')), undefined);
    assert.equal(await settingsOf(conf('preload_app = True', 'wsgi_app = "svc.wsgi:app"', 'preload_app = False')), undefined);
  });
});

describe('gunicorn preload_app', () => {
  test('reports the import-time engine on the preload line, with the chain', async () => {
    const ws = await service(conf('workers = 4', 'preload_app = True', 'wsgi_app = "svc.wsgi:application"'));
    const findings = check(ws);
    assert.deepEqual(where(findings), ['gunicorn.conf.py:2']);
    assert.equal(
      findings[0].message,
      'gunicorn preloads `svc.wsgi` in the master before forking workers, so SQLAlchemy engine `engine` (created at import time in svc/db.py:3 via `import svc.db`) ' +
        'is inherited by every worker: each gets its pooled connections, so parent and children talk over the same database sockets. ' +
        'Set `preload_app = False`, or release (`dispose()`) the pool in a `post_fork` hook.',
    );
    assert.deepEqual(
      findings[0].related.map((r) => `${path.relative(ROOT, r.file)}:${r.range.start.line + 1} ${r.message}`),
      [
        'gunicorn.conf.py:3 gunicorn loads `svc.wsgi` in the master',
        'svc/db.py:3 SQLAlchemy engine `engine` is created here',
        "svc/wsgi.py:1 `import svc.db` runs the module's top-level code, which leads to the creation of `engine`",
      ],
    );
    assert.deepEqual(
      findings[0].fixes.map((f) => [f.title, f.preferred]),
      [
        ['Release `engine` in the `post_fork` hook', true],
        ['Set `preload_app = False` (each worker imports the app itself)', false],
      ],
    );
  });

  test('also reads gunicorn_conf.py and gunicorn_config.py, and no other file', async () => {
    const settings = conf('preload_app = True', 'wsgi_app = "svc.wsgi:application"');
    assert.deepEqual(where(check(await service(settings, {}, 'gunicorn_config.py'))), ['gunicorn_config.py:1']);
    assert.deepEqual(where(check(await service(settings, {}, 'deploy/gunicorn_conf.py'))), ['deploy/gunicorn_conf.py:1']);
    assert.deepEqual(check(await service(settings, {}, 'settings.py')), []);
  });

  test('an app outside the workspace, or one whose import creates no pool, is not a finding', async () => {
    assert.deepEqual(check(await service(conf('preload_app = True', 'wsgi_app = "vendor.app:application"'))), []);
    const quiet = await workspace({ 'web/__init__.py': '', 'web/wsgi.py': 'def application(e, s):\n    return []\n', 'gunicorn.conf.py': conf('preload_app = True', 'wsgi_app = "web.wsgi:application"') });
    assert.deepEqual(check(quiet), []);
  });

  test('a pool made by the application factory the master calls is reported with that step', async () => {
    const app = ['import concurrent.futures', '', '', 'def create_app():', '    global POOL', '    POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8)', '    return object()', ''].join('\n');
    const ws = await workspace({ 'web/__init__.py': '', 'web/app.py': app, 'gunicorn.conf.py': conf('preload_app = True', 'wsgi_app = "web.app:create_app()"') });
    const [finding, ...rest] = check(ws);
    assert.equal(rest.length, 0);
    assert.match(finding.message, /^gunicorn preloads `web\.app` \(and calls `create_app\(\)`\) in the master before forking workers, so ThreadPoolExecutor `POOL` \(created at import time in web\/app\.py:6 via `create_app\(\)`\)/);
  });

  test('a post_fork hook counts only when it surely releases that very pool', async () => {
    const preload = ['preload_app = True', 'wsgi_app = "svc.wsgi:application"', '', ''];
    const released = conf(...preload, 'def post_fork(server, worker):', '    from svc.db import engine', '    engine.dispose()');
    assert.deepEqual(check(await service(released)), []);
    const beforeFork = conf(...preload, 'def pre_fork(server, worker):', '    import svc.db', '    svc.db.engine.dispose()');
    assert.deepEqual(check(await service(beforeFork)), []);
    const helper = conf(...preload, 'def post_worker_init(worker):', '    from svc.pools import release_all', '    release_all()');
    const pools = 'from svc.db import engine\n\n\ndef release_all():\n    engine.dispose()\n';
    assert.deepEqual(check(await service(helper, { 'svc/pools.py': pools })), []);
    const sometimes = conf(...preload, 'def post_fork(server, worker):', '    from svc.db import engine', '    if worker.age > 1:', '        engine.dispose()');
    assert.deepEqual(where(check(await service(sometimes))), ['gunicorn.conf.py:1']);
    const otherHook = conf(...preload, 'def on_exit(server):', '    from svc.db import engine', '    engine.dispose()');
    assert.deepEqual(where(check(await service(otherHook))), ['gunicorn.conf.py:1']);
  });

  test('the hook fix extends an existing post_fork hook, and the result is clean', async () => {
    const text = conf('preload_app = True', 'wsgi_app = "svc.wsgi:application"', '', '', 'def post_fork(server, worker):', '    server.log.info("forked %s", worker.pid)');
    const ws = await service(text);
    const [finding] = check(ws);
    const changed = applyFix(ws.texts, finding.fixes[0]);
    assert.equal(
      changed.get('gunicorn.conf.py'),
      conf(
        'preload_app = True',
        'wsgi_app = "svc.wsgi:application"',
        '',
        '',
        'def post_fork(server, worker):',
        '    server.log.info("forked %s", worker.pid)',
        '    from svc.db import engine',
        '',
        '    engine.dispose()',
      ),
    );
    for (const [relative, newText] of changed) await ws.set(relative, newText);
    assert.deepEqual(check(ws), []);
  });

  test('the preload-off fix clears the finding', async () => {
    const ws = await service(conf('preload_app = True', 'wsgi_app = "svc.wsgi:application"'));
    const changed = applyFix(ws.texts, check(ws)[0].fixes[1]);
    assert.equal(changed.get('gunicorn.conf.py')?.split('\n')[0], 'preload_app = False');
    const off = await service(conf('preload_app = False', 'wsgi_app = "svc.wsgi:application"'));
    assert.deepEqual(check(off), []);
  });

  test('a started thread gets no hook fix (the worker has no thread to stop)', async () => {
    const threads = ['import threading', '', 'POLLER = threading.Thread(target=print, daemon=True)', 'POLLER.start()', ''].join('\n');
    const ws = await workspace({ 'web/__init__.py': '', 'web/wsgi.py': threads, 'gunicorn.conf.py': conf('preload_app = True', 'wsgi_app = "web.wsgi:app"') });
    const [finding] = check(ws);
    assert.deepEqual(
      finding.fixes.map((f) => [f.title, f.preferred]),
      [
        ['Set `preload_app = False` (each worker imports the app itself)', true],
      ],
    );
  });
});

describe('uWSGI without lazy-apps', () => {
  const INI = abs('deploy/uwsgi.ini');

  function checkIni(ws: TestWorkspace, ini: string) {
    return checkPoolBeforeFork({ program: ws.program, config: defaultConfig(), configFiles: new Map([[INI, ini]]) });
  }

  test('reads module, wsgi-file (from chdir), lazy-apps and whether workers fork', () => {
    const moduleOf = (file: string) => (file === abs('svc/wsgi.py') ? 'svc.wsgi' : undefined);
    const plain = readUwsgiIni(INI, '[uwsgi]\nmaster = true\nmodule = svc.wsgi:application\n', moduleOf);
    assert.deepEqual([plain?.appModule, plain?.appOption.line, plain?.lazy, plain?.forks], ['svc.wsgi', 2, false, true]);
    const byFile = readUwsgiIni(INI, '[uwsgi]\nchdir = ..\nwsgi-file = svc/wsgi.py\nprocesses = 4\nlazy_apps = 1\n', moduleOf);
    assert.deepEqual([byFile?.appModule, byFile?.lazy, byFile?.forks], ['svc.wsgi', true, true]);
    const single = readUwsgiIni(INI, '[uwsgi]\nmodule = svc.wsgi\nprocesses = 1\n', moduleOf);
    assert.equal(single?.forks, false);
    assert.equal(readUwsgiIni(INI, '[app:main]\nmodule = svc.wsgi\n', moduleOf), undefined);
    assert.equal(readUwsgiIni(INI, '[uwsgi]\nwsgi-file = other/app.py\nmaster = true\n', moduleOf), undefined);
  });

  test('reports the import-time engine on the module line; lazy-apps fix clears it', async () => {
    const ws = await service('');
    const ini = '[uwsgi]\nmaster = true\nprocesses = 4\n  module = svc.wsgi:application\n';
    const [finding, ...rest] = checkIni(ws, ini);
    assert.equal(rest.length, 0);
    assert.equal(finding.file, INI);
    assert.deepEqual(finding.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 31 } });
    assert.equal(
      finding.message,
      'uWSGI preloads `svc.wsgi` in the master before forking workers, so SQLAlchemy engine `engine` (created at import time in svc/db.py:3 via `import svc.db`) ' +
        'is inherited by every worker: each gets its pooled connections, so parent and children talk over the same database sockets. ' +
        'Set `lazy-apps = true`, or release (`dispose()`) the pool in a `@postfork` function (uwsgidecorators).',
    );
    const [fix] = finding.fixes;
    assert.equal(finding.fixes.length, 1);
    const texts = new Map([[INI, ini]]);
    const fixed = applyFix(texts, fix).get(path.relative(ROOT, INI));
    assert.equal(fixed, '[uwsgi]\nmaster = true\nprocesses = 4\n  module = svc.wsgi:application\n  lazy-apps = true\n');
    assert.deepEqual(checkIni(ws, fixed!), []);
  });

  test('a @postfork function that releases the pool, or a single process, is not a finding', async () => {
    const ini = '[uwsgi]\nmaster = true\nmodule = svc.wsgi\n';
    for (const decorator of ['from uwsgidecorators import postfork\n\n\n@postfork', 'import uwsgidecorators\n\n\n@uwsgidecorators.postfork']) {
      const hooks = `${decorator}\ndef reconnect():\n    from svc.db import engine\n    engine.dispose()\n`;
      assert.deepEqual(checkIni(await service('', { 'svc/hooks.py': hooks }), ini), []);
    }
    const undecorated = 'def reconnect():\n    from svc.db import engine\n    engine.dispose()\n';
    assert.equal(checkIni(await service('', { 'svc/hooks.py': undecorated }), ini).length, 1);
    assert.deepEqual(checkIni(await service(''), '[uwsgi]\nmodule = svc.wsgi\n'), []);
  });
});
