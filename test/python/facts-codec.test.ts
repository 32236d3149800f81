import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { extractFactsFromText } from '../../server/src/python/extract';
import type { PyAssignEvent, PyCallEvent } from '../../server/src/python/facts';
import { FactsCodecError, packFacts, PY_FACTS_CODEC, unpackFacts } from '../../server/src/python/facts-codec';
import { forgetSharedObjects } from '../../server/src/python/facts-decode';
import { intsToText, textToInts } from '../../server/src/python/facts-format';
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

  it('shares a range equal to one of the last two at the same start within a file', async () => {
    const facts = roundTrip(await extractFactsFromText('x = [f(1)]\ny = f(1)\n'));
    const [listCall, assignment, assignedCall] = facts.scopes[0].events as [PyCallEvent, PyAssignEvent, PyCallEvent];
    const list = assignment.value;
    assert.equal(list.elements![0].range, listCall.range); // the element is the call
    assert.notEqual(assignedCall.range, listCall.range); // equal text, another place
    assert.deepEqual(facts, await extractFactsFromText('x = [f(1)]\ny = f(1)\n'));
  });

  it('decodes the same facts after its sharing tables were emptied', async () => {
    const text = 'import os\nos.fork()\n';
    const before = roundTrip(await extractFactsFromText(text));
    forgetSharedObjects();
    const after = roundTrip(await extractFactsFromText(text));
    assert.deepEqual(after, before);
    assert.notEqual(after.scopes[0].events[1].range.start, before.scopes[0].events[1].range.start); // a new table
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

  it('shares statement spans across files, and one frozen empty list', async () => {
    const first = roundTrip(await extractFactsFromText('import os\nos.fork()\n'));
    const second = roundTrip(await extractFactsFromText('import sys\nos.fork(1)\n'));
    assert.equal(first.scopes[0].events[1].stmt, second.scopes[0].events[1].stmt); // line 1, no indent, in both
    const kwargs = (first.scopes[0].events[1] as PyCallEvent).kwargs;
    assert.equal(kwargs, (second.scopes[0].events[1] as PyCallEvent).kwargs);
    assert.ok(Object.isFrozen(kwargs) && kwargs.length === 0);
    assert.throws(() => kwargs.push({ name: 'x', value: first.scopes[0].events[0] as never, range: first.scopes[0].range }), TypeError);
  });

  it('keeps literals exactly, optional flags present but false, and absent fields absent', async () => {
    const facts = await extractFactsFromText('f(1, 2.5, -3, "s", True, False, None, x, *a, **k)\nreturn_me = {**d}\n');
    const call = facts.scopes[0].events[0] as PyCallEvent;
    const numbers = [2.5, 1e300, -0, Infinity, -Infinity, NaN, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 0.1 + 0.2];
    for (const literal of numbers) call.args.push({ kind: 'num', text: String(literal), range: call.range, literal });
    call.awaited = false;
    call.withItem = true;
    assert.deepStrictEqual(roundTrip(facts), facts);
    const decoded = roundTrip(facts).scopes[0].events[0] as PyCallEvent;
    assert.ok(Object.is(decoded.args.at(-8)?.literal, -0));
    assert.equal('isIterable' in decoded, false);
    assert.equal(decoded.awaited, false);
    assert.ok(decoded.hasStarArgs && decoded.hasStarKwargs);
  });

  it('writes integers as digits and reads them back, any int32, and nothing else', () => {
    const ints = [0, 1, -1, 31, -32, 32, 863, -864, 864, 2 ** 20, 2 ** 31 - 1, -(2 ** 31)];
    const text = intsToText(ints);
    assert.match(text, /^[#-[\]-~]*$/, 'printable ASCII without quote or backslash: JSON keeps it as it is');
    assert.equal(JSON.stringify(text), `"${text}"`);
    assert.equal(intsToText([0, -1, 31, -32]).length, 4, 'small integers take one character');
    assert.deepEqual([...textToInts(text)!], ints);
    assert.deepEqual([...textToInts('')!], []);
    assert.equal(textToInts('a b'), undefined, 'a space is not a digit');
    assert.equal(textToInts('é'), undefined);
    assert.equal(textToInts(intsToText([5000]).slice(0, -1)), undefined, 'an integer cut off');
    for (const int of textToInts('~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~#')!) assert.equal(int | 0, int, 'too many digits still make an int32');
  });

  it('rejects malformed input with a FactsCodecError, never another error', async () => {
    const packed = packFacts(await extractFactsFromText(EVERY_SHAPE)) as unknown[];
    const [version, encoding, strings] = packed as [number, string, string[]];
    const [positions, statements, body] = packed.slice(3).map((text) => [...textToInts(text as string)!]);
    const file = (parts: { strings?: unknown; positions?: number[]; statements?: number[]; body?: number[] }): unknown[] => [
      version,
      encoding,
      parts.strings ?? strings,
      intsToText(parts.positions ?? positions),
      intsToText(parts.statements ?? statements),
      intsToText(parts.body ?? body),
    ];
    assert.deepStrictEqual(unpackFacts(file({})), unpackFacts(packed), 'the variations below start from valid facts');
    const bad: unknown[] = [
      null,
      'text',
      [],
      [version],
      [version + 1, ...packed.slice(1)], // another facts version
      [version, 'packed1', ...packed.slice(2)], // another encoding
      [version, 0, 1, [], [['<module>', 0, -1, 0, [], [], [], [0, 0, 1, 0], [0, 0, 0, 0], [], []]], [], [], 0], // the old nested-tuple form
      [...packed, []], // extra item
      [...packed.slice(0, 5), body], // a list where the digits belong
      [...packed.slice(0, 5), `${packed[5] as string} `], // a character that is not a digit
      file({ strings: 'strings' }),
      file({ strings: [...strings, 7] }), // a number among the strings
      file({ positions: positions.slice(1) }), // odd position list
      file({ statements: [...statements, 0, 0, 10 ** 6] }), // indent string out of range
      file({ body: [...body, 0] }), // body longer than read
      file({ body: body.slice(0, -1) }), // body shorter
      file({ body: [...body.slice(0, 3), 10 ** 6, ...body.slice(4)] }), // syntax error count past the end
      file({ body: [9, ...body.slice(1)] }), // unknown line ending
      file({ body: [0, 1, 0, 0, 0, 0, 0, 0] }), // no module scope
      file({ strings: [] }), // string indices out of range
      file({ positions: [] }), // position indices out of range
      file({ statements: [] }), // statement indices out of range
    ];
    for (const input of bad) assert.throws(() => unpackFacts(input), FactsCodecError, JSON.stringify(input).slice(0, 200));
    assert.throws(() => PY_FACTS_CODEC.decode(JSON.stringify(packed).slice(0, -10)), FactsCodecError); // cut-off JSON
  });

  it('never throws anything but a FactsCodecError on any change of one integer of the body', async () => {
    const packed = packFacts(await extractFactsFromText(EVERY_SHAPE)) as unknown[];
    const body = [...textToInts(packed[5] as string)!];
    let rejected = 0;
    for (let at = 0; at < body.length; at++) {
      for (const change of [-1, 1, 64, -1000, 1 << 20]) {
        const changed = [...body];
        changed[at] += change;
        try {
          unpackFacts([...packed.slice(0, 5), intsToText(changed)]);
        } catch (error) {
          assert.ok(error instanceof FactsCodecError, `body[${at}] += ${change}: ${String(error)}`);
          rejected++;
        }
      }
    }
    assert.ok(rejected > body.length, `most changes are caught (${rejected} of ${body.length * 5})`);
  });
});
