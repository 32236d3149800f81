import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { extractFactsFromText } from '../../server/src/python/extract';
import type { PyCallEvent } from '../../server/src/python/facts';
import { FactsCodecError, packFacts, unpackFacts } from '../../server/src/python/facts-codec';
import { initPython } from '../../server/src/python/parser';

before(() => initPython());

/** Through JSON and back, as the cache and the scan workers do. */
function roundTrip(facts: Parameters<typeof packFacts>[0]): ReturnType<typeof unpackFacts> {
  return unpackFacts(JSON.parse(JSON.stringify(packFacts(facts))));
}

function pythonFixtures(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? pythonFixtures(full) : entry.name.endsWith('.py') ? [full] : [];
  });
}

const EVERY_SHAPE = `"""Doc."""
from __future__ import annotations
import os, a.b as ab
from . import x as y
from .m import *
# forkguard: ignore[FG001]
class C(Base, metaclass=M):
    @staticmethod
    async def m(self, *args, k=1, **kw):
        global G
        async with open(p) as (f, g):
            x = await self.pool.submit(fn, *args, key=[1, 'a', None], d={'t': 5, **extra}, **kw)
        for i in range(3):
            if i: return dict(timeout=2.5)
            elif not i: pass
            else: return
        else:
            pass
        try:
            y = z = [v for v in gen() if v]
        except E:
            pass
        finally:
            threading.Thread(target=lambda: f()).start()
        match x:
            case {'a': 1}:
                n = True
def broken(:
    pass
`;

describe('facts codec', () => {
  it('decodes exactly the facts it encoded, for every shape of event, value and block', async () => {
    const facts = await extractFactsFromText(EVERY_SHAPE);
    const call = facts.scopes.flatMap((scope) => scope.events).find((event): event is PyCallEvent => event.k === 'call' && event.callee === 'self.pool.submit');
    assert.ok(call, 'the sample has the call the test relies on');
    assert.equal(call.awaited, true);
    assert.ok(facts.syntaxErrors.length > 0 && facts.suppressions.length === 1 && facts.classes.length === 1);
    assert.deepStrictEqual(roundTrip(facts), facts);
  });

  it('round-trips every Python fixture of the test suite and a CRLF file', async () => {
    const files = pythonFixtures(path.join(__dirname, '..', '..', 'server', 'src', 'rules'));
    assert.ok(files.length > 0);
    for (const file of files) {
      const facts = await extractFactsFromText(fs.readFileSync(file, 'utf8'));
      assert.deepStrictEqual(roundTrip(facts), facts, file);
    }
    const crlf = await extractFactsFromText('import os\r\nos.fork()\r\n');
    assert.equal(roundTrip(crlf).eol, '\r\n');
  });

  it('is much smaller than plain JSON', async () => {
    const facts = await extractFactsFromText(EVERY_SHAPE.repeat(20));
    const packed = JSON.stringify(packFacts(facts)).length;
    const plain = JSON.stringify(facts).length;
    assert.ok(packed < plain * 0.4, `packed ${packed} vs plain ${plain}`);
  });

  it('shares equal positions and statement spans within a file', async () => {
    const facts = roundTrip(await extractFactsFromText('x = f(g(1), 2)\n'));
    const [inner, outer] = facts.scopes[0].events as PyCallEvent[];
    assert.equal(outer.calleeRange.start, outer.range.start);
    assert.equal(outer.argsRange.end, outer.range.end);
    assert.equal(outer.args[0].range.start, inner.range.start);
    assert.equal(inner.stmt, outer.stmt);
  });

  it('shares equal positions across files, and keeps positions it cannot share exact', async () => {
    const first = roundTrip(await extractFactsFromText('import os\nos.fork()\n'));
    const second = roundTrip(await extractFactsFromText('import sys\nos.fork(1)\n'));
    assert.equal(first.scopes[0].events[1].range.start, second.scopes[0].events[1].range.start); // 1:0 in both
    assert.notEqual(first.scopes[0].events[1].range.end, second.scopes[0].events[1].range.end); // 1:9 and 1:10
    const longLine = `x = f(${'a'.repeat(5000)}, g())\n`;
    const wide = roundTrip(await extractFactsFromText(longLine));
    assert.deepEqual(wide, await extractFactsFromText(longLine));
  });

  it('rejects malformed input with a FactsCodecError, never another error', () => {
    const good = packFacts({ version: 1, eol: '\n', lineCount: 1, syntaxErrors: [], scopes: [], classes: [], suppressions: [], importInsertLine: 0 });
    const bad: unknown[] = [
      null,
      'text',
      [],
      [999],
      good, // no module scope
      [1, 0, 1, [], [['<module>', 0, -1, 0, [], [], [], [0, 0], [0, 0, 0, 0], [], []]], [], [], 0], // short range
      [1, 7, 1, [], [], [], [], 0], // unknown line ending
      [1, 0, 1, [], [['<module>', 0, -1, 0, [], [], [], [0, 0, 1, 0], [0, 0, 0, 0], [], [[42, -1, [0, 0, 0, 1], [0, 0, '']]]]], [], [], 0], // unknown event kind
      [1, 0, 1, [], [['<module>', 0, -1, 0, 'params', [], [], [0, 0, 1, 0], [0, 0, 0, 0], [], []]], [], [], 0],
    ];
    for (const input of bad) assert.throws(() => unpackFacts(input), FactsCodecError, JSON.stringify(input));
  });
});
