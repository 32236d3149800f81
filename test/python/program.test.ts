import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ModuleIndex } from '../../server/src/python/module-index';
import type { PyProgram } from '../../server/src/python/program';
import type { PySymbol } from '../../server/src/python/resolve';
import { abs, ROOT, workspace } from './program-helpers';

/** The resolution of the first call with this callee in the scope with this qualname. */
function callIn(program: PyProgram, relative: string, qualname: string, callee: string) {
  const file = abs(relative);
  const facts = program.facts(file)!;
  const scope = facts.scopes.findIndex((s) => s.qualname === qualname);
  assert.ok(scope >= 0, `no scope ${qualname}`);
  const event = facts.scopes[scope].events.findIndex((e) => e.k === 'call' && e.callee === callee);
  assert.ok(event >= 0, `no call ${callee} in ${qualname}`);
  return program.callGraph.resolveCall(file, scope, event)!;
}

/** `file:qualname` of resolved workspace functions. */
function targets(program: PyProgram, functions: { file: string; scope: number }[]): string[] {
  return functions.map((f) => `${path.relative(ROOT, f.file)}:${program.facts(f.file)!.scopes[f.scope].qualname}`);
}

function describe(program: PyProgram, symbol: PySymbol): string {
  switch (symbol.k) {
    case 'external':
      return `external ${symbol.qname}`;
    case 'function':
      return `function ${program.qualifiedName(symbol)}`;
    case 'module':
      return `module ${program.moduleName(symbol.file)}`;
    case 'global':
      return `global ${program.moduleName(symbol.file)}.${symbol.name}`;
    case 'class':
      return `class ${program.moduleName(symbol.file)}.${program.facts(symbol.file)!.classes[symbol.cls].qualname}`;
  }
}

test('module names: packages by __init__.py, src layout, several roots, namespace alias', () => {
  const files = ['/r1/pkg/__init__.py', '/r1/pkg/sub/__init__.py', '/r1/pkg/sub/mod.py', '/r1/script.py', '/r2/src/lib/__init__.py', '/r2/src/lib/core.py', '/r2/tools/run.py'];
  const index = new ModuleIndex(['/r1', '/r2'], files);
  assert.deepEqual(
    files.map((f) => index.moduleName(f)),
    ['pkg', 'pkg.sub', 'pkg.sub.mod', 'script', 'lib', 'lib.core', 'run'],
  );
  assert.equal(index.fileOf('tools.run'), '/r2/tools/run.py');
  assert.equal(index.absoluteModule('/r1/pkg/sub/mod.py', '.'), 'pkg.sub');
  assert.equal(index.absoluteModule('/r1/pkg/sub/mod.py', '..x'), 'pkg.x');
  assert.equal(index.absoluteModule('/r1/pkg/sub/__init__.py', '.mod'), 'pkg.sub.mod');
  assert.equal(index.absoluteModule('/r1/pkg/__init__.py', '...x'), undefined);
});

test('qualified names: aliases, relative imports, __init__ re-exports, star imports', async () => {
  const ws = await workspace({
    'pkg/__init__.py': 'from .pools import get_executor\n',
    'pkg/pools.py': 'import concurrent.futures as cf\nfrom concurrent import futures\n\ndef get_executor():\n    return cf.ThreadPoolExecutor()\n',
    'pkg/star.py': 'from .pools import *\n',
  });
  const resolver = ws.program.resolver;
  assert.equal(describe(ws.program, resolver.resolveQualified('pkg.get_executor')), 'function pkg.pools.get_executor');
  assert.equal(describe(ws.program, resolver.resolveQualified('pkg.star.get_executor')), 'function pkg.pools.get_executor');
  assert.equal(describe(ws.program, resolver.resolveQualified('pkg.pools.cf.ThreadPoolExecutor')), 'external concurrent.futures.ThreadPoolExecutor');
  assert.equal(describe(ws.program, resolver.resolveQualified('pkg.pools.futures.ProcessPoolExecutor')), 'external concurrent.futures.ProcessPoolExecutor');
  assert.equal(describe(ws.program, resolver.resolveQualified('os.fork')), 'external os.fork');
  assert.deepEqual(callIn(ws.program, 'pkg/pools.py', 'get_executor', 'cf.ThreadPoolExecutor').externals, ['concurrent.futures.ThreadPoolExecutor']);
});

test('call resolution: function-local imports, aliases and re-exports are followed to the function', async () => {
  const ws = await workspace({
    'app/__init__.py': 'from .pools import get_executor as ge\n',
    'app/pools.py': 'def get_executor():\n    pass\n',
    'app/main.py': 'import app\n\ndef main():\n    from app import ge\n    ge()\n    app.ge()\n    import os as o\n    o.fork()\n',
  });
  assert.deepEqual(targets(ws.program, callIn(ws.program, 'app/main.py', 'main', 'ge').functions), ['app/pools.py:get_executor']);
  assert.deepEqual(targets(ws.program, callIn(ws.program, 'app/main.py', 'main', 'app.ge').functions), ['app/pools.py:get_executor']);
  assert.deepEqual(callIn(ws.program, 'app/main.py', 'main', 'o.fork').externals, ['os.fork']);
});

test('call resolution: self, cls, Class.m, constructors, base classes, super, typed locals and attributes', async () => {
  const ws = await workspace({
    'svc/base.py': 'class Base:\n    def __init__(self):\n        pass\n\n    def run(self):\n        pass\n',
    'svc/service.py': [
      'from svc.base import Base',
      '',
      'class Service(Base):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.helper()',
      '',
      '    def helper(self):',
      '        self.run()',
      '',
      '    @classmethod',
      '    def make(cls):',
      '        return cls.build()',
      '',
      '    @classmethod',
      '    def build(cls):',
      '        pass',
      '',
      'class Manager:',
      '    def __init__(self):',
      '        self._svc = Service()',
      '',
      '    def start(self):',
      '        self._svc.helper()',
      '',
      'def main():',
      '    m = Manager()',
      '    m.start()',
      '    Service.make()',
      '',
    ].join('\n'),
  });
  const p = ws.program;
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'Service.__init__', '#0.__init__').functions), ['svc/base.py:Base.__init__']);
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'Service.__init__', 'self.helper').functions), ['svc/service.py:Service.helper']);
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'Service.helper', 'self.run').functions), ['svc/base.py:Base.run']);
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'Service.make', 'cls.build').functions), ['svc/service.py:Service.build']);
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'Manager.__init__', 'Service').functions), ['svc/service.py:Service.__init__']);
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'Manager.start', 'self._svc.helper').functions), ['svc/service.py:Service.helper']);
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'main', 'm.start').functions), ['svc/service.py:Manager.start']);
  assert.deepEqual(targets(p, callIn(p, 'svc/service.py', 'main', 'Service.make').functions), ['svc/service.py:Service.make']);
  assert.equal(callIn(p, 'svc/service.py', 'main', 'm.start').byName, false);
});

test('call resolution: an unresolvable receiver falls back to at most 3 workspace methods of that name', async () => {
  const ws = await workspace({
    'w.py': [
      'class A:',
      '    def load_all(self):',
      '        pass',
      '    def common(self):',
      '        pass',
      'class B:',
      '    def load_all(self):',
      '        pass',
      '    def common(self):',
      '        pass',
      'class C:',
      '    def common(self):',
      '        pass',
      'class D:',
      '    def common(self):',
      '        pass',
      'def go(registry):',
      '    registry.Widget.load_all()',
      '    registry.common()',
      '',
    ].join('\n'),
  });
  const loadAll = callIn(ws.program, 'w.py', 'go', 'registry.Widget.load_all');
  assert.equal(loadAll.byName, true);
  assert.deepEqual(targets(ws.program, loadAll.functions), ['w.py:A.load_all', 'w.py:B.load_all']);
  const common = callIn(ws.program, 'w.py', 'go', 'registry.common');
  assert.deepEqual(common.functions, []);
  assert.equal(common.byName, false);
});

test('external instances: methods of constructed objects get `Q().m` names', async () => {
  const ws = await workspace({
    'm.py': 'import threading\nfrom oslo_service import service\n\ndef f():\n    t = threading.Thread(target=f)\n    t.start()\n    launcher = service.ProcessLauncher(None)\n    launcher.launch_service(None)\n',
  });
  assert.deepEqual(callIn(ws.program, 'm.py', 'f', 't.start').externals, ['threading.Thread().start']);
  assert.deepEqual(callIn(ws.program, 'm.py', 'f', 'launcher.launch_service').externals, ['oslo_service.service.ProcessLauncher().launch_service']);
});

test('incremental invalidation: a change recomputes only the scopes that depend on the changed file', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/pools.py': 'from concurrent.futures import ThreadPoolExecutor\n\ndef make():\n    global P\n    P = ThreadPoolExecutor()\n',
    'app/main.py': 'import os\nfrom app.pools import make\n\ndef main():\n    make()\n    os.fork()\n',
    'other/__init__.py': '',
    'other/solo.py': 'def alone():\n    return 1\n',
  });
  const p = ws.program;
  for (const file of p.files()) p.hazards(file);
  assert.equal(p.hazards(abs('app/main.py')).length, 1);
  const before = p.analysisCount;
  for (const file of p.files()) p.hazards(file);
  assert.equal(p.analysisCount, before, 'everything is cached');

  // An edit inside alone() in other/solo.py recomputes only that function and the module run as a
  // script (alone is named nowhere else in the file: scope-changes.ts).
  const solo = p.analysisCount;
  await ws.set('other/solo.py', 'def alone():\n    return 2\n');
  for (const file of p.files()) p.hazards(file);
  assert.equal(p.analysisCount - solo, 2);

  // An edit at module level recomputes all of other/solo.py's scopes (module, script, alone).
  const moduleLevel = p.analysisCount;
  await ws.set('other/solo.py', 'X = 1\ndef alone():\n    return 2\n');
  for (const file of p.files()) p.hazards(file);
  assert.equal(p.analysisCount - moduleLevel, 3);

  // An edit in app/pools.py reaches app/main.py: the pool is now shut down inside make().
  await ws.set('app/pools.py', 'from concurrent.futures import ThreadPoolExecutor\n\ndef make():\n    global P\n    P = ThreadPoolExecutor()\n    P.shutdown()\n');
  assert.equal(p.hazards(abs('app/main.py')).length, 0);

  // Removing the module leaves the call unresolved: no hazard, no crash.
  p.removeFile(abs('app/pools.py'));
  assert.equal(p.hazards(abs('app/main.py')).length, 0);
  assert.deepEqual(p.files().map((f) => path.relative(ROOT, f)), ['app/__init__.py', 'app/main.py', 'other/__init__.py', 'other/solo.py']);
});

test('adding a module resolves imports that were dangling before', async () => {
  const ws = await workspace({
    'app/__init__.py': '',
    'app/main.py': 'import os\nfrom app.pools import make\n\ndef main():\n    make()\n    os.fork()\n',
  });
  assert.equal(ws.program.hazards(abs('app/main.py')).length, 0);
  await ws.set('app/pools.py', 'from concurrent.futures import ThreadPoolExecutor\n\ndef make():\n    global P\n    P = ThreadPoolExecutor()\n');
  assert.equal(ws.program.hazards(abs('app/main.py')).length, 1);
});
