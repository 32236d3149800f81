import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, it } from 'node:test';
import { extractFactsFromText } from '../../server/src/python/extract';
import type { PyFacts, PyImportEvent } from '../../server/src/python/facts';
import { PY_FACTS_VERSION } from '../../server/src/python/facts';
import { initPython, PYTHON_GRAMMAR_VERSION } from '../../server/src/python/parser';
import { calls, r, scope, summary } from './helpers';

const facts = (text: string): Promise<PyFacts> => extractFactsFromText(text);

before(() => initPython());

describe('imports', () => {
  it('records every import form with its bindings', async () => {
    const result = await facts(
      ['from __future__ import annotations', 'import os, a.b.c', 'import a.b as c', 'from .x import y as z, w', 'from . import q', 'from ..m import (p,\n    s as t)', 'from m import *'].join('\n'),
    );
    const imports = result.scopes[0].events.map((event) => {
      const { module, names, star, bindings } = event as PyImportEvent;
      return { module, names, star, bindings: bindings.map((b) => `${b.local}=${b.target}`) };
    });
    assert.deepEqual(imports, [
      { module: '__future__', names: ['annotations'], star: undefined, bindings: ['annotations=__future__.annotations'] },
      { module: 'os', names: undefined, star: undefined, bindings: ['os=os'] },
      { module: 'a.b.c', names: undefined, star: undefined, bindings: ['a=a'] },
      { module: 'a.b', names: undefined, star: undefined, bindings: ['c=a.b'] },
      { module: '.x', names: ['y', 'w'], star: undefined, bindings: ['z=.x.y', 'w=.x.w'] },
      { module: '.', names: ['q'], star: undefined, bindings: ['q=.q'] },
      { module: '..m', names: ['p', 's'], star: undefined, bindings: ['p=..m.p', 't=..m.s'] },
      { module: 'm', names: undefined, star: true, bindings: [] },
    ]);
    assert.equal(r((result.scopes[0].events[3] as PyImportEvent).bindings[0].range), '2:7-2:15');
    assert.equal(r((result.scopes[0].events[4] as PyImportEvent).bindings[0].range), '3:15-3:21');
    assert.equal(result.importInsertLine, 8);
  });

  it('imports inside a function belong to that function', async () => {
    const result = await facts('def f():\n    from concurrent import futures\n    return futures\n');
    assert.deepEqual(summary(scope(result, 'f').events), ['import concurrent', 'return name @-1']);
    assert.deepEqual(summary(result.scopes[0].events), ['def 1']);
  });
});

describe('calls', () => {
  it('orders events by evaluation: arguments before the call', async () => {
    const result = await facts('X = f(g())\n');
    const [g, f] = calls(result.scopes[0].events);
    assert.equal(g.callee, 'g');
    assert.equal(f.callee, 'f');
    assert.deepEqual(f.targets, ['X']);
    assert.equal(g.targets, undefined);
    assert.deepEqual(f.args, [{ kind: 'call', text: 'g()', range: f.args[0].range, call: 0 }]);
  });

  it('describes a call event exactly', async () => {
    const result = await facts('if True:\n    self._t = threading.Thread(target=run, daemon=True)\n');
    assert.deepEqual(result.scopes[0].events[0], {
      k: 'call',
      block: 0,
      range: { start: { line: 1, character: 14 }, end: { line: 1, character: 55 } },
      stmt: { startLine: 1, endLine: 1, indent: '    ' },
      callee: 'threading.Thread',
      calleeRange: { start: { line: 1, character: 14 }, end: { line: 1, character: 30 } },
      argsRange: { start: { line: 1, character: 30 }, end: { line: 1, character: 55 } },
      args: [],
      kwargs: [
        { name: 'target', value: { kind: 'name', text: 'run', dotted: 'run', range: { start: { line: 1, character: 38 }, end: { line: 1, character: 41 } } }, range: { start: { line: 1, character: 31 }, end: { line: 1, character: 41 } } },
        { name: 'daemon', value: { kind: 'bool', text: 'True', literal: true, range: { start: { line: 1, character: 50 }, end: { line: 1, character: 54 } } }, range: { start: { line: 1, character: 43 }, end: { line: 1, character: 54 } } },
      ],
      hasStarArgs: false,
      hasStarKwargs: false,
      targets: ['self._t'],
    });
  });

  it('reads an argument named like an Object.prototype member as a name, not a keyword', async () => {
    // Keyword values (True, False, None) are looked up by the argument's text: `constructor`,
    // `toString` or `__proto__` must not find what every JS object inherits.
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
    const result = await facts(`f(${names.join(', ')}, None)\n`);
    const [call] = calls(result.scopes[0].events);
    assert.deepEqual(
      call.args.map((arg) => [arg.kind, arg.text, arg.dotted, arg.literal]),
      [...names.map((name) => ['name', name, name, undefined]), ['none', 'None', undefined, undefined]],
    );
  });

  it('writes chained calls as #k, subscripts as [] and super() as a call', async () => {
    const result = await facts(
      'class C(B):\n    def m(self, k):\n        threading.Thread(target=w).start()\n        self._pools[k].shutdown()\n        super().m()\n        self._pools[k] = make()\n        wrap(get_pool().spawn, fn)\n',
    );
    assert.deepEqual(summary(scope(result, 'C.m').events), [
      'call threading.Thread @-1',
      'call #0.start @-1',
      'call self._pools[].shutdown @-1',
      'call super @-1',
      'call #3.m @-1',
      'call make -> self._pools[] @-1',
      'call get_pool @-1',
      'call wrap @-1',
    ]);
    const wrap = calls(scope(result, 'C.m').events)[7];
    assert.deepEqual(wrap.args.map((arg) => [arg.kind, arg.dotted]), [
      ['name', '#6.spawn'],
      ['name', 'fn'],
    ]);
  });

  it('reads literal values, dicts, dict() calls, star arguments', async () => {
    const result = await facts('create_engine("mysql://h/db" "?x=1", pool_size=-5, connect_args={"read_timeout": 30, **extra}, opts=dict(a=1.5), *rest, **kw)\n');
    const call = calls(result.scopes[0].events)[1];
    assert.equal(call.callee, 'create_engine');
    assert.equal(call.args[0].literal, 'mysql://h/db?x=1');
    const byName = Object.fromEntries(call.kwargs.map((kwarg) => [kwarg.name, kwarg.value]));
    assert.deepEqual([byName.pool_size.kind, byName.pool_size.literal], ['num', -5]);
    assert.deepEqual(byName.connect_args.entries?.map((entry) => [entry.key, entry.value.literal]), [['read_timeout', 30]]);
    assert.equal(byName.connect_args.hasSpread, true);
    assert.deepEqual([byName.opts.kind, byName.opts.call, byName.opts.entries?.map((entry) => [entry.key, entry.value.literal])], ['call', 0, [['a', 1.5]]]);
    assert.equal(call.hasStarArgs, true);
    assert.equal(call.hasStarKwargs, true);
  });

  it('flags awaited, returned, with-item and iterable calls', async () => {
    const result = await facts(
      'async def f():\n    x = await get()\n    async with lock() as (a, b), open(p) as fh:\n        pass\n    for p in self._pools.values():\n        p.shutdown(wait=True)\n    return await done()\n',
    );
    const [get, lock, open, values, shutdown, done] = calls(scope(result, 'f').events);
    assert.deepEqual([get.awaited, get.targets], [true, ['x']]);
    assert.deepEqual([lock.withItem, lock.targets], [true, ['a', 'b']]);
    assert.deepEqual([open.withItem, open.targets], [true, ['fh']]);
    assert.deepEqual([values.callee, values.isIterable, values.block], ['self._pools.values', true, -1]);
    assert.deepEqual([shutdown.callee, shutdown.block], ['p.shutdown', 1]);
    assert.deepEqual([done.awaited, done.returned], [true, true]);
    assert.deepEqual(scope(result, 'f').blocks.map((block) => [block.kind, block.target, block.test]), [
      ['with', 'a,b,fh', undefined],
      ['for', 'p', 'self._pools.values()'],
    ]);
    assert.equal(scope(result, 'f').isAsync, true);
  });

  it('skips calls inside lambda bodies', async () => {
    const result = await facts('cb = lambda: boom()\nrun(lambda x: x.go(), now())\n');
    assert.deepEqual(summary(result.scopes[0].events), ['assign cb = lambda @-1', 'call now @-1', 'call run @-1']);
  });
});

describe('assignments', () => {
  it('records tuple, chained and plain targets', async () => {
    const result = await facts('a, (b, *c) = make()\nx = y = 1\nself.n: int = 5\nz: int\n(w := compute())\n');
    assert.deepEqual(summary(result.scopes[0].events), ['call make -> a,b,c @-1', 'assign x,y = num @-1', 'assign self.n = num @-1', 'call compute -> w @-1']);
  });

  it('sees the lazy global pattern', async () => {
    const result = await facts('_POOL = None\ndef get_pool():\n    global _POOL\n    if _POOL is None:\n        _POOL = ThreadPoolExecutor(max_workers=5)\n    return _POOL\n');
    const getPool = scope(result, 'get_pool');
    assert.deepEqual(getPool.globals, ['_POOL']);
    assert.deepEqual(getPool.blocks, [{ kind: 'if', parent: -1, test: '_POOL is None', chain: 0, range: getPool.blocks[0].range }]);
    assert.deepEqual(summary(getPool.events), ['call ThreadPoolExecutor -> _POOL @0', 'return name @-1']);
    assert.deepEqual(summary(result.scopes[0].events), ['assign _POOL = none @-1', 'def 1']);
  });
});

describe('blocks', () => {
  it('links the arms of an if chain', async () => {
    const result = await facts('if a:\n    f()\nelif b():\n    g()\nelse:\n    h()\n');
    assert.deepEqual(
      result.scopes[0].blocks.map((block) => [block.kind, block.test, block.chain, block.parent, r(block.range)]),
      [
        ['if', 'a', 0, -1, '1:4-1:7'],
        ['if', 'b()', 0, -1, '2:0-3:7'],
        ['else', 'b()', 0, -1, '4:0-5:7'],
      ],
    );
    assert.deepEqual(summary(result.scopes[0].events), ['call f @0', 'call b @1', 'call g @1', 'call h @2']);
  });

  it('nests try, except, finally, loops and their else', async () => {
    const result = await facts('try:\n    a()\nexcept E:\n    b()\nelse:\n    c()\nfinally:\n    while x:\n        d()\n    else:\n        e()\n');
    assert.deepEqual(
      result.scopes[0].blocks.map((block) => [block.kind, block.parent]),
      [
        ['try', -1],
        ['except', -1],
        ['try_else', -1],
        ['finally', -1],
        ['while', 3],
        ['loop_else', 3],
      ],
    );
    assert.deepEqual(summary(result.scopes[0].events), ['call a @0', 'call b @1', 'call c @2', 'call d @4', 'call e @5']);
  });

  it('puts comprehension bodies in a comprehension block, the first iterable outside', async () => {
    const result = await facts('pools = [p.stop() for p in all_pools() if p]\n');
    assert.deepEqual(result.scopes[0].blocks.map((block) => [block.kind, block.test, block.target]), [['comprehension', 'all_pools()', 'p']]);
    assert.deepEqual(summary(result.scopes[0].events), ['call p.stop @0', 'call all_pools @-1', 'assign pools = comprehension @-1']);
    assert.equal(calls(result.scopes[0].events)[1].isIterable, true);
  });

  it('records match cases with their pattern', async () => {
    const result = await facts('match cmd:\n    case ["go", x] if x:\n        go()\n');
    assert.deepEqual(result.scopes[0].blocks.map((block) => [block.kind, block.test]), [['case', '["go", x] if x']]);
    assert.deepEqual(summary(result.scopes[0].events), ['call go @0']);
  });
});

describe('scopes and classes', () => {
  it('gives classes bases and methods, and nested functions their own scopes', async () => {
    const result = await facts(
      '@register\nclass Manager(base.Service, Mixin, metaclass=Meta):\n    @staticmethod\n    def create(a, b=1, *args, c: int = 2, **kw):\n        def helper():\n            spawn()\n        return helper\n    async def run(self):\n        pass\n',
    );
    assert.deepEqual(
      result.scopes.map((s) => [s.qualname, s.kind, s.parent, s.className, s.params, s.decorators]),
      [
        ['<module>', 'module', -1, undefined, [], []],
        ['Manager', 'class', 0, undefined, [], ['register']],
        ['Manager.create', 'function', 1, 'Manager', ['a', 'b', 'args', 'c', 'kw'], ['staticmethod']],
        ['Manager.create.helper', 'function', 2, undefined, [], []],
        ['Manager.run', 'function', 1, 'Manager', ['self'], []],
      ],
    );
    assert.deepEqual(result.classes.map((c) => [c.qualname, c.bases, c.scope, c.methods, r(c.nameRange)]), [['Manager', ['base.Service', 'Mixin'], 1, { create: 2, run: 4 }, '1:6-1:13']]);
    assert.deepEqual(summary(scope(result, 'Manager.create').events), ['def 3', 'return name @-1']);
    assert.deepEqual(summary(scope(result, 'Manager.create.helper').events), ['call spawn @-1']);
    assert.deepEqual(result.scopes[0].events[0].stmt, { startLine: 0, endLine: 8, indent: '' });
  });

  it('evaluates decorators and defaults in the enclosing scope', async () => {
    const result = await facts('@cache(size())\ndef f(x=default()):\n    body()\n');
    assert.deepEqual(summary(result.scopes[0].events), ['call size @-1', 'call cache @-1', 'call default @-1', 'def 1']);
    assert.deepEqual(scope(result, 'f').decorators, ['cache']);
  });
});

describe('file-level facts', () => {
  it('reads suppressions with several codes and bare ones, only in comments', async () => {
    const result = await facts('os.fork()  # forkguard: ignore[FG001, FG002]\nx = "# forkguard: ignore"\ny()  # forkguard: ignore\n');
    assert.deepEqual(
      result.suppressions.map((s) => [s.line, s.codes, r(s.range)]),
      [
        [0, ['FG001', 'FG002'], '0:13-0:44'],
        [2, null, '2:7-2:24'],
      ],
    );
  });

  it('knows line endings, line count and where imports go', async () => {
    const result = await facts('#!/usr/bin/env python\r\n"""Doc."""\r\nimport os\r\n\r\nos.fork()\r\n');
    assert.deepEqual([result.eol, result.lineCount, result.importInsertLine, result.version], ['\r\n', 6, 3, PY_FACTS_VERSION]);
    assert.equal((await facts('# just a comment\nx = 1\n')).importInsertLine, 1);
  });

  it('still extracts the valid parts of a file with syntax errors', async () => {
    const result = await facts('import os\ndef broken(:\n    pass\nos.fork()\nx = Pool(\n');
    assert.ok(result.syntaxErrors.length > 0);
    assert.ok(result.syntaxErrors.length <= 20);
    const module = summary(result.scopes[0].events);
    assert.ok(module.includes('import os'), module.join(' | '));
    assert.ok(module.some((event) => event.startsWith('call os.fork')), module.join(' | '));
  });

  it('never throws on odd input', async () => {
    const deep = 'x = ' + '('.repeat(3000) + '1' + ')'.repeat(3000) + '\n' + 'f(' + '['.repeat(2000) + ']'.repeat(2000) + ')\n';
    let nested = '';
    for (let depth = 0; depth < 300; depth++) nested += '    '.repeat(depth) + `if c${depth}:\n`;
    nested += '    '.repeat(300) + 'go()\n';
    for (const text of ['', '\uFEFFimport os\n', 'a\u0000b = f()\n', deep, nested, '"""unterminated', ')))', '\r\r\n\n']) {
      const result = await facts(text);
      assert.equal(result.scopes[0].qualname, '<module>');
    }
    const nestedFacts = await facts(nested);
    assert.equal(calls(nestedFacts.scopes[0].events)[0].block, 299);
    assert.deepEqual(summary((await facts('\uFEFFimport os\n')).scopes[0].events), ['import os']);
  });

  it('ships the grammar version it names in cache keys', () => {
    const pkg = JSON.parse(fs.readFileSync(require.resolve('tree-sitter-python/package.json'), 'utf8')) as { version: string };
    assert.equal(PYTHON_GRAMMAR_VERSION, pkg.version);
  });
});

