/**
 * extractFacts reads simple calls, assignments and definitions from the text and finds parents by
 * descending from a captured ancestor; extractFactsByTree asks the tree for everything. Both must
 * give exactly the same facts (JSON-equal: same fields in the same order), on valid code and on
 * code whose tree has errors (where the text shortcuts are off).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { extractFacts, extractFactsByTree } from '../../server/src/python/extract';
import { initPython, newPythonParser } from '../../server/src/python/parser';
import { textForParser } from '../../server/src/python/source-text';
import { ruleFixtureSources, summary } from './helpers';

let parser: Parser;
before(async () => {
  await initPython();
  parser = newPythonParser();
});


/** Shapes at the edges of what the text shortcuts read (and some they must decline). */
const EDGE_CASES = [
  'def f(a=lambda x, y: 0, b=1):\n    pass\n',
  'def f(a, *, b, **kw): pass\ndef g(a, /, b): pass\n',
  'async def  g(x): pass\nclass  K(Base, metaclass=M): pass\n',
  'def f(a,\n      b=1,\n      *c):\n    pass\ndef g(a="x,y", b=(1, 2)): pass\ndef h[T](a: T): pass\n',
  '@dec\n# c\ndef f(): pass\n@a.b(c)\n@d\nclass K:\n    @staticmethod\n    def m(): pass\n',
  'x = f(lambda a, b=g(x): 0)\nf(lambda a=g(x), b: 0)\n',
  'x = f(a)(b)\ny = a[f(x)](y)\nz = "s".join(q)\nf(a)(b)(c)\n',
  'f(x=g(), y=h(1, "a,)"))\nf("(", x)\nf("a(b", "c")\nf(\'\'\'x\'\'\')\n',
  'f(rb"x\\"y", u"z", F"{a}", f"{b!r}")\n',
  'x = y = f()\nx = (await f())\nx: int = f()\nx = 1; y = f()\n',
  'async def h():\n    x = await f()\n    return await g()\n',
  'with f() as a, g() as (b, c): pass\nwith (f() as a, g()): pass\n',
  'for i in range(3): pass\n[x for x in f()]\nif (n := f()) > 1: pass\n',
  'x = \\\n  f()\nx = (\n  f()  # c\n)\nx = f(\n  a,\n  b)\n',
  'f(a,)\nf( )\nf(*a, **k)\nf(a, b=1, *c)\nf(a == b, c <= d)\n',
  'print (f())\ndef r():\n    return(f())\n',
  'self.x = None\nself.y = "a"\nz = 0x10\nw = -1\nv = 1_000\nu = 1.5\n',
  'x = dict(a=1)\ny = f(dict(b=g()))\nx = f(**{"a": 1})\n',
  'é = f(ü)\nf(é)\nx = f()\u00a0\ny =\u00a0g()\n',
  'if a:\n  pass\nelif b:\n  pass\nelse:\n  pass\nfor x in y:\n  pass\nelse:\n  pass\n',
  'try:\n  pass\nexcept E as e:\n  pass\nelse:\n  pass\nfinally:\n  pass\n',
  'match x:\n  case [a, b]:\n    f()\nx = [f(a), g(b)]\nd = {"k": f()}\n',
  'x = f(a b)\ndef f(:\n  pass\nf(g(x)\nx = = 1\nf(\n',
  // tree-sitter-python reads a line break after `=` as a blank, with no error: one chained assignment.
  'POOL =\nEXTRA = f(4)\nA =\n\nB = 1\nC = # c\nD = g()\nE =\nf()\nx = await\ng()\nfor y in\nh(): pass\n',
];

function assertSameFacts(source: string, label: string): void {
  const tree = parser.parse(textForParser(source));
  assert.ok(tree);
  try {
    const fast = JSON.stringify(extractFacts(tree, source));
    const reference = JSON.stringify(extractFactsByTree(tree, source));
    if (fast !== reference) assert.deepEqual(JSON.parse(fast), JSON.parse(reference), label);
    assert.equal(fast, reference, `${label}: same facts, different field order`);
  } finally {
    tree.delete();
  }
}

describe('extraction shortcuts', () => {
  it('give the facts the tree alone gives, on edge cases', () => {
    for (const source of EDGE_CASES) assertSameFacts(source, JSON.stringify(source));
  });

  it('give the facts the tree alone gives, on every rule fixture', () => {
    const sources = ruleFixtureSources({ withFixed: true });
    assert.ok(sources.length > 50);
    sources.forEach((source, index) => assertSameFacts(source, `fixture ${index}`));
  });

  it('give the facts the tree alone gives, with one line cut short anywhere (trees with errors)', () => {
    const source = ruleFixtureSources({ withFixed: true }).slice(0, 40).join('\n');
    const lines = source.split('\n');
    for (let line = 0; line < lines.length; line += 7) {
      const cut = [...lines];
      cut[line] = cut[line].slice(0, Math.floor(cut[line].length / 2));
      assertSameFacts(cut.join('\n'), `line ${line} cut`);
    }
  });

  it('read calls and assignments written simply', () => {
    const source = 'def f():\n    x = make(a, "s", k=g(1))\n    self.y = None\n    run(x)\n';
    const tree = parser.parse(source);
    assert.ok(tree);
    const facts = extractFacts(tree, source);
    tree.delete();
    // Evaluation order: the argument g(1) runs before make.
    assert.deepEqual(summary(facts.scopes[1].events), ['call g @-1', 'call make -> x @-1', 'assign self.y = none @-1', 'call run @-1']);
    const make = facts.scopes[1].events[1];
    assert.ok(make.k === 'call');
    assert.deepEqual(
      make.args.map((arg) => [arg.kind, arg.text, arg.literal]),
      [
        ['name', 'a', undefined],
        ['str', '"s"', 's'],
      ],
    );
    assert.deepEqual(make.kwargs.map((kwarg) => [kwarg.name, kwarg.value.kind, kwarg.value.call]), [['k', 'call', 0]]);
  });
});
