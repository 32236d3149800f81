/**
 * Re-analysing only the edited scopes of a file (python/scope-changes.ts, PyProgram's partial
 * invalidation): which edits qualify, and, over seeded random in-line edits of an open document,
 * findings always equal a fresh workspace's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, describe, it } from 'node:test';
import type { Finding } from '../../server/src/model';
import { analyze } from '../../server/src/engine/analyze';
import { Workspace } from '../../server/src/engine/workspace';
import { extractFacts } from '../../server/src/python/extract';
import { moduleLevelNames, scopesToReanalyse } from '../../server/src/python/scope-changes';
import { initPython, newPythonParser } from '../../server/src/python/parser';
import { seededRandom } from '../robustness/random';
import { FG001_PYTHON } from '../../server/src/rules/fg001-pool-before-fork/python';

const scratch = mkdtempSync(join(tmpdir(), 'fg-scope-reanalysis-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function factsOf(text: string) {
  await initPython();
  const tree = newPythonParser().parse(text)!;
  try {
    return extractFacts(tree, text);
  } finally {
    tree.delete();
  }
}

async function reanalysed(before: string, after: string): Promise<string[] | undefined> {
  const previous = await factsOf(before);
  const next = await factsOf(after);
  const scopes = scopesToReanalyse(previous, next, after);
  return scopes && [...scopes].sort((a, b) => a - b).map((index) => next.scopes[index].qualname);
}

const MODULE = [
  'import os',
  'from concurrent.futures import ThreadPoolExecutor',
  '',
  'POOL = None',
  '',
  'def helper():',
  '    return 1',
  '',
  'def lonely():',
  '    x = 1',
  '    def inner():',
  '        return x',
  '    return inner',
  '',
  'class Service:',
  '    def __init__(self):',
  '        self.pool = ThreadPoolExecutor(2)',
  '',
  '    def run(self):',
  '        y = 2',
  '',
  '    def stash(self):',
  '        z = 3',
  '',
  'def main():',
  '    helper()',
  '    os.fork()',
  '',
].join('\n');

function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), from);
  return text.replace(from, to);
}

describe('scopes to re-analyse after an edit', () => {
  it('an edit inside an unreferenced function: that function and the scopes nested in it', async () => {
    assert.deepEqual(await reanalysed(MODULE, edit(MODULE, '    x = 1', '    x = 12')), ['lonely', 'lonely.inner']);
    // The last line of the last method: where the class body and its `class` statement end moves too.
    assert.deepEqual(await reanalysed(MODULE, edit(MODULE, '        z = 3', '        z = os.fork()')), ['<module>', 'Service', 'Service.stash']);
    assert.deepEqual(await reanalysed(MODULE, edit(MODULE, '        y = 2', '        y = os.fork()')), ['Service', 'Service.run']);
    assert.deepEqual(await reanalysed(MODULE, edit(MODULE, '    x = 1', '    x = 1 + 2')), ['lonely', 'lonely.inner']);
  });

  it('a name found elsewhere only as the name of another definition is no reference', async () => {
    const twoRuns = `${MODULE}\nclass Other:\n    def run(self):\n        pass\n`;
    assert.deepEqual(await reanalysed(twoRuns, edit(twoRuns, '        y = 2', '        y = 3')), ['Service.run']);
    // A call by that name may reach either method: the whole file.
    const called = `${twoRuns}\ndef go(other):\n    other.run()\n`;
    assert.equal(await reanalysed(called, edit(called, '        y = 2', '        y = 3')), undefined);
    // `define run` is no definition (only `def` and `class` are), nor is `undef run`.
    for (const mention of ['# define run', 'x = "undef run"']) {
      const mentioned = `${twoRuns}\n${mention}\n`;
      assert.equal(await reanalysed(mentioned, edit(mentioned, '        y = 2', '        y = 3')), undefined, mention);
    }
  });

  it('a method renamed, neither name mentioned elsewhere: that method', async () => {
    assert.deepEqual(await reanalysed(MODULE, edit(MODULE, '    def run(self):', '    def sprint(self):')), ['Service.sprint']);
    const cases: [string, string, string][] = [
      ['the new name is called elsewhere', MODULE.replace('    helper()', '    Service().sprint()'), 'sprint'],
      ['the old name is called elsewhere', MODULE.replace('    helper()', '    Service().run()'), 'sprint'],
      ['to a dunder name', MODULE, '__call__'],
      ['to the name of another method of its class', MODULE, 'stash'],
    ];
    for (const [what, text, name] of cases) assert.equal(await reanalysed(text, edit(text, '    def run(self):', `    def ${name}(self):`)), undefined, what);
    // A function with a nested function: the nested one's qualname changes too.
    assert.equal(await reanalysed(MODULE, edit(MODULE, 'def lonely():', 'def lonelier():')), undefined);
  });

  it('nothing changed: no scope', async () => {
    assert.deepEqual(await reanalysed(MODULE, MODULE), []);
  });

  it('the whole file when the edit reaches beyond one function', async () => {
    const cases: [string, string, string][] = [
      ['module-level code', 'POOL = None', 'POOL = 1234'],
      ['a function called elsewhere in the file', '    return 1', '    return 2'],
      ['a dunder method (called implicitly)', '        self.pool = ThreadPoolExecutor(2)', '        self.pool = ThreadPoolExecutor(3)'],
      ['an attribute assigned (class layouts read it)', '        y = 2', '        self.y = 2'],
      ['a global declared', '        z = 3', '        global z'],
      ['a line added', '    x = 1', '    x = 1\n    x = 2'],
      ['a function renamed', 'def lonely():', 'def lonelier():'],
    ];
    for (const [what, from, to] of cases) assert.equal(await reanalysed(MODULE, edit(MODULE, from, to)), undefined, what);
  });
});

async function moduleNames(before: string, after: string): Promise<string[] | undefined> {
  const names = moduleLevelNames(await factsOf(before), await factsOf(after), after);
  return names && [...names].sort();
}

describe('module-level edits', () => {
  const APPENDED = `${MODULE}\nimport _fg_bench\n_FG_BENCH_POOL = _fg_bench.make_pool()\n`;

  it('statements added at the end or changed in place: the names they bind', async () => {
    assert.deepEqual(await moduleNames(MODULE, APPENDED), ['_FG_BENCH_POOL', '_fg_bench']);
    assert.deepEqual(await moduleNames(APPENDED, MODULE), ['_FG_BENCH_POOL', '_fg_bench']);
    assert.deepEqual(await moduleNames(MODULE, edit(MODULE, 'POOL = None', 'POOL = 1234')), ['POOL']);
    // A call binds nothing; a name only defined elsewhere (a method `POOL`) is not mentioned.
    assert.deepEqual(await moduleNames(MODULE, `${MODULE}\nhelper()\n`), []);
    assert.deepEqual(await moduleNames(MODULE, edit(`${MODULE}\nPOOL = 1\n`, '    def stash(self):', '    def POOL(self):')), undefined, 'a method renamed');
    const withMethodNamedPool = edit(MODULE, '    def stash(self):', '    def POOL(self):');
    assert.deepEqual(await moduleNames(withMethodNamedPool, `${withMethodNamedPool}\nPOOL = 1\n`), ['POOL']);
  });

  it('nothing provable: undefined', async () => {
    const cases: [string, string, string][] = [
      ['a name bound that a function mentions', MODULE, `${MODULE}\nhelper = 1\n`],
      ['a name bound that a decorator mentions', `${MODULE}\n@cached\ndef later():\n    pass\n`, `${MODULE}\n@cached\ndef later():\n    pass\ncached = 1\n`],
      ['an attribute assigned (class layouts read it)', MODULE, `${MODULE}\nService.pool = None\n`],
      ['a star import', MODULE, `${MODULE}\nfrom os import *\n`],
      ['a function defined', MODULE, `${MODULE}\ndef extra():\n    pass\n`],
      ['later events moved to other indices', `${MODULE}\nhelper()\n`, edit(`${MODULE}\nhelper()\n`, 'POOL = None', 'POOL = None; OTHER = 2')],
      ['a line added above other statements', MODULE, edit(MODULE, 'POOL = None', 'POOL = None\nOTHER = 2')],
      ['a line added above a function', MODULE, edit(MODULE, 'POOL = None', 'POOL = None\n')],
      ['a function body edited', MODULE, edit(MODULE, '    x = 1', '    x = 12')],
    ];
    for (const [what, before, after] of cases) assert.equal(await moduleNames(before, after), undefined, what);
  });
});

/** Every finding as comparable data (fixes included). */
function snapshot(findings: ReadonlyMap<string, Finding[]>): unknown {
  return [...findings].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, list]) => [file, list.map((f) => ({ ...f }))]);
}

/** A workspace of `root`, scanned, with `file` open as `text`. */
async function openWith(root: string, file: string, text: string): Promise<Workspace> {
  const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
  await workspace.scan();
  workspace.openDocument(file, text, 1);
  return workspace;
}

/**
 * A project `name` in the scratch folder: service.py (open as `text`), entry.py, and a
 * forkguard.toml when `config` is given; scanned.
 */
async function openServiceProject(name: string, text: string, entryText: string, config?: string): Promise<{ workspace: Workspace; root: string; file: string; entry: string }> {
  const root = join(scratch, name);
  mkdirSync(root, { recursive: true });
  const file = join(root, 'service.py');
  const entry = join(root, 'entry.py');
  if (config !== undefined) writeFileSync(join(root, 'forkguard.toml'), config);
  writeFileSync(file, text);
  writeFileSync(entry, entryText);
  return { workspace: await openWith(root, file, text), root, file, entry };
}

/**
 * The workspace's findings equal those of a fresh workspace with `file` open as `text`. Unless the
 * workspace reads the document's last error-free facts while a syntax error ruins its text
 * (contained-facts.ts), which a fresh workspace has not seen: then nothing is compared, and the
 * result is false.
 */
async function assertSameAsFresh(workspace: Workspace, root: string, file: string, text: string, message: string): Promise<boolean> {
  const incremental = snapshot((await analyze(workspace)).findings);
  if (!isDeepStrictEqual(workspace.facts(file), await factsOf(text))) return false;
  assert.deepEqual(incremental, snapshot((await analyze(await openWith(root, file, text))).findings), message);
  return true;
}

/** One-line statements an edit puts in a function body: pools, forks, resets, calls across functions, plain code. */
const STATEMENTS = [
  'value = 1',
  'pool = ThreadPoolExecutor(4)',
  'os.fork()',
  'POOL.shutdown()',
  'ENGINE.dispose()',
  'start_pool()',
  'spawn_workers()',
  'helper_{n}()',
  'executor = make_executor()',
  'executor.submit(print)',
  'Worker().serve()',
  'multiprocessing.Process(target=print).start()',
  'self.pool = ThreadPoolExecutor(2)',
  'self.pool.shutdown()',
  'global POOL',
  'POOL = ThreadPoolExecutor(3)',
  'pass',
  // Mid-edit: syntax errors.
  'pool = ThreadPoolExecutor(',
  'value =',
  'os.fork(',
  'if',
];

/** Names a renaming edit gives a method: Worker's and Other's own, and new ones. */
const METHOD_NAMES = ['serve', 'setup', 'close', 'stop', 'serve_fast', 'drain'];

function serviceModule(functions: number): string {
  const lines = [
    'import multiprocessing',
    'import os',
    'from concurrent.futures import ThreadPoolExecutor',
    '',
    'import sqlalchemy',
    '',
    'POOL = ThreadPoolExecutor(2)',
    'ENGINE = sqlalchemy.create_engine("postgresql://db/x")',
    '',
    'def make_executor():',
    '    return ThreadPoolExecutor(8)',
    '',
    'def start_pool():',
    '    pass',
    '',
    'def spawn_workers():',
    '    os.fork()',
    '',
    'class Worker:',
    '    def serve(self):',
    '        pass',
    '        pass',
    '',
    '    def setup(self):',
    '        pass',
    '',
    '    def close(self):',
    '        pass',
    '',
    // Method names Worker has too: a definition elsewhere is no reference, `Worker().serve()` is.
    'class Other:',
    '    def serve(self):',
    '        pass',
    '        pass',
    '',
    '    def close(self):',
    '        pass',
    '',
  ];
  for (let n = 0; n < functions; n++) lines.push(`def helper_${n}():`, '    pass', '    pass', '', `def task_${n}():`, '    pass', '    pass', '');
  lines.push('if __name__ == "__main__":', '    helper_0()', '    task_0()', '');
  return lines.join('\n');
}

describe('partial re-analysis of an open document', () => {
  it('gives the findings of a fresh analysis after each of 150 seeded in-line edits and class splits', async () => {
    let text = serviceModule(12);
    const { workspace, root, file } = await openServiceProject('svc', text, 'import os\n\nimport service\n\nservice.task_1()\nservice.Worker().setup()\nos.fork()\n');
    await analyze(workspace);
    const next = seededRandom(8);
    let partialEdits = 0;
    let splitAt: number | undefined;
    let compared = 0;
    for (let step = 0; step < 150; step++) {
      // Replace one body line of a function with another statement (same line count: a candidate for partial
      // re-analysis), or split a class (whole-file re-analysis, chunks of the extraction before reused).
      const lines = text.split('\n');
      const bodyLines = lines
        .map((line, index) => (/^ {4,}/.test(line) && !/^\s*def /.test(line) && !lines[index - 1]?.startsWith('if __name__') ? index : -1))
        .filter((index) => index >= 0);
      // One edit in five renames a method (to a name it may share with another method, or that a statement calls).
      const methodLines = lines.map((text, index) => (/^ {4}def \w+\(self\):$/.test(text) ? index : -1)).filter((index) => index >= 0);
      const renaming = next() < 0.2;
      const line = renaming ? methodLines[Math.floor(next() * methodLines.length)] : bodyLines[Math.floor(next() * bodyLines.length)];
      const statement = STATEMENTS[Math.floor(next() * STATEMENTS.length)].replace('{n}', String(Math.floor(next() * 12)));
      const replacement = renaming ? `    def ${METHOD_NAMES[Math.floor(next() * METHOD_NAMES.length)]}(self):` : `${lines[line].match(/^\s*/)![0]}${statement}`;
      const before = text;
      if (splitAt !== undefined || next() < 0.15) {
        // A class split: `x` typed at column 0 of a blank line inside a class, removed later.
        let at = splitAt;
        if (at === undefined) {
          const blanks = lines.map((l, i) => (l === '' && /^ {4}\S/.test(lines[i + 1] ?? '') ? i : -1)).filter((i) => i >= 0);
          at = blanks[Math.floor(next() * blanks.length)];
          workspace.changeDocument(file, step + 2, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: 'x' }]);
          splitAt = at;
        } else {
          workspace.changeDocument(file, step + 2, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 1 } }, text: '' }]);
          splitAt = undefined;
        }
        text = workspace.text(file)!;
        if (await assertSameAsFresh(workspace, root, file, text, `after split edit ${step}: line ${at + 1}`)) compared++;
        continue;
      }
      lines[line] = replacement;
      text = lines.join('\n');
      if ((await reanalysedText(before, text)) !== undefined) partialEdits++;
      workspace.changeDocument(file, step + 2, [{ range: { start: { line, character: 0 }, end: { line, character: before.split('\n')[line].length } }, text: replacement }]);
      if (await assertSameAsFresh(workspace, root, file, text, `after edit ${step}: line ${line + 1} -> ${statement}`)) compared++;
    }
    assert.ok(partialEdits >= 30, `${partialEdits} of the edits re-analysed only their function`);
    assert.ok(compared >= 100, `${compared} of the edits compared with a fresh analysis`);
  });
});

/** Module-level statements an edit adds, replaces or removes at the end of the file. */
const MODULE_STATEMENTS = [
  'VALUE = 1',
  'EXTRA = ThreadPoolExecutor(4)',
  'EXTRA = make_executor()',
  'KEPT = keeper()',
  'import threading',
  'threading.Thread(target=print).start()',
  'spawn_workers()',
  'forker()',
  'keeper()',
  'os.fork()',
  'os.register_at_fork(after_in_child=POOL.shutdown)',
  'POOL.shutdown()',
  'POOL = ThreadPoolExecutor(3)',
  'ENGINE = None',
  'Worker.attr = 1',
  'from os import *',
  'helper_{n}()',
  'pass',
  // Mid-edit: syntax errors.
  'EXTRA = ThreadPoolExecutor(',
  'import',
  'POOL =',
  'def',
];

describe('partial re-analysis after module-level edits', () => {
  it('gives the findings of a fresh analysis after each of 120 seeded edits of module-level statements', async () => {
    // Functions that see the import-time pools (one forks, one keeps a pool), named nowhere else in the file.
    const functions = [
      'def forker():',
      '    os.fork()',
      '',
      'def keeper():',
      '    ex = ThreadPoolExecutor(2)',
      '    return ex',
      '',
      'def uses_engine():',
      '    ENGINE.dispose()',
      '',
    ].join('\n');
    let text = `${serviceModule(6)}${functions}`;
    const ENGINE_LINE = 'ENGINE = sqlalchemy.create_engine("postgresql://db/x")';
    const ENGINE_LINE_INDEX = text.split('\n').indexOf(ENGINE_LINE);
    const fixedLines = text.split('\n').length;
    const { workspace, root, file } = await openServiceProject('module-level', text, 'import os\n\nimport service\n\nservice.forker()\nos.fork()\n');
    await analyze(workspace);
    const next = seededRandom(11);
    let moduleLevelEdits = 0;
    let compared = 0;
    for (let step = 0; step < 120; step++) {
      const lines = text.split('\n');
      const added = lines.length - fixedLines;
      const statement = MODULE_STATEMENTS[Math.floor(next() * MODULE_STATEMENTS.length)].replace('{n}', String(Math.floor(next() * 6)));
      const choice = next();
      // The text ends with a newline: lines[lines.length - 1] is the empty last line.
      let change: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };
      const last = lines.length - 1;
      if (choice >= 0.85) {
        // In place, above every function: the module's later events keep their indices when the
        // statement has as many events as the one it replaces.
        const line = lines.indexOf(ENGINE_LINE) >= 0 ? lines.indexOf(ENGINE_LINE) : ENGINE_LINE_INDEX;
        const replacement = next() < 0.5 ? ENGINE_LINE : statement;
        change = { range: { start: { line, character: 0 }, end: { line, character: lines[line].length } }, text: replacement };
      } else if (added === 0 || (choice < 0.4 && added < 6)) change = { range: { start: { line: last, character: 0 }, end: { line: last, character: 0 } }, text: `${statement}\n` };
      else if (choice < 0.7) {
        const line = last - 1 - Math.floor(next() * added);
        change = { range: { start: { line, character: 0 }, end: { line, character: lines[line].length } }, text: statement };
      } else change = { range: { start: { line: last - 1, character: 0 }, end: { line: last, character: 0 } }, text: '' };
      const before = text;
      workspace.changeDocument(file, step + 2, [change]);
      text = workspace.text(file)!;
      if ((await moduleLevelNames(await factsOf(before), await factsOf(text), text)) !== undefined) moduleLevelEdits++;
      if (await assertSameAsFresh(workspace, root, file, text, `after edit ${step}: ${JSON.stringify(change)}`)) compared++;
    }
    assert.ok(moduleLevelEdits >= 40, `${moduleLevelEdits} of the edits re-analysed only the module scope`);
    assert.ok(compared >= 90, `${compared} of the edits compared with a fresh analysis`);
  });
});

describe('an import-time pool added at the end of an open document', () => {
  it('re-analyses the module and the functions that fork or keep pools, and nothing else', async () => {
    const plain = [1, 2, 3, 4].flatMap((n) => [`def plain_${n}():`, `    return ${n}`, '']);
    const text = ['import os', 'from concurrent.futures import ThreadPoolExecutor', '', 'def forker():', '    os.fork()', '', ...plain].join('\n');
    const { workspace, file, entry } = await openServiceProject('import-time-pool', text, 'import service\n\nservice.forker()\n');
    const fg001Lines = (findings: ReadonlyMap<string, Finding[]>) =>
      [...findings].flatMap(([path, list]) => list.filter((finding) => finding.rule === 'FG001').map((finding) => `${path === entry ? 'entry' : 'service'}:${finding.range.start.line}`));
    assert.deepEqual(fg001Lines((await analyze(workspace)).findings), []);

    const end = { line: text.split('\n').length - 1, character: 0 }; // the empty line after the last newline
    let analysed = workspace.program.analysisCount;
    workspace.changeDocument(file, 2, [{ range: { start: end, end }, text: 'POOL = ThreadPoolExecutor(2)\n' }]);
    // At forker's fork (the entry's call of it does not report the pool again).
    assert.deepEqual(fg001Lines((await analyze(workspace)).findings), ['service:4']);
    // The module scope twice (its summary first, then again with forker's), the module as a
    // script, forker, and the entry (imported and as a script): not the plain functions.
    assert.equal(workspace.program.analysisCount - analysed, 6);

    analysed = workspace.program.analysisCount;
    workspace.changeDocument(file, 3, [{ range: { start: end, end: { line: end.line + 1, character: 0 } }, text: '' }]);
    assert.equal(workspace.text(file), text);
    assert.deepEqual(fg001Lines((await analyze(workspace)).findings), []);
    assert.equal(workspace.program.analysisCount - analysed, 6);
  });
});

describe('a method renamed in an open document', () => {
  it('changes what another file resolves by its qualified name (a configured pool factory)', async () => {
    const text = 'class Worker:\n    def make(self):\n        return 1\n';
    const entryText = 'import os\n\nimport service\n\nPOOL = service.Worker().make()\nos.fork()\n';
    const { workspace, file: service, entry } = await openServiceProject('renamed', text, entryText, 'poolFactories = ["service.Worker.make"]\n');
    const rulesAt = (findings: ReadonlyMap<string, Finding[]>) => (findings.get(entry) ?? []).map((finding) => finding.rule);
    assert.deepEqual(rulesAt((await analyze(workspace)).findings), ['FG001']);
    const renamed = text.replace('def make', 'def build');
    assert.ok(scopesToReanalyse(await factsOf(text), await factsOf(renamed), renamed), 'a partial re-analysis');
    workspace.changeDocument(service, 2, [{ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 12 } }, text: 'build' }]);
    assert.deepEqual(rulesAt((await analyze(workspace)).findings), []);
    workspace.changeDocument(service, 3, [{ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 13 } }, text: 'make' }]);
    assert.deepEqual(rulesAt((await analyze(workspace)).findings), ['FG001']);
  });
});

describe('a method nested in a method that an edit moves out of its class', () => {
  // Outer.build becomes a module-level function when an edit dedents it: the qualified name of the
  // method nested in it changes (Outer.build.Inner.make -> build.Inner.make), nothing else another
  // file calling `worker.make()` (resolved by the method's name, the only `make`) reads.
  const service = ['class Outer:', '    def first(self):', '        pass', '', '    def build(self):', '        class Inner:', '            def make(self):', '                return 1', '        return Inner()', ''].join('\n');
  const entryText = 'import os\n\ndef get(worker):\n    return worker.make()\n\nPOOL = get(None)\nos.fork()\n';
  const build = service.split('\n').slice(4, 9);
  const dedented = build.map((line) => line.slice(4));
  const split = { range: { start: { line: 4, character: 0 }, end: { line: 8, character: build[4].length } }, text: dedented.join('\n') };
  const unsplit = { range: { start: { line: 4, character: 0 }, end: { line: 8, character: dedented[4].length } }, text: build.join('\n') };

  async function setUp(name: string, config?: string) {
    const { workspace, file, entry } = await openServiceProject(name, service, entryText, config);
    const rulesAt = async () => ((await analyze(workspace)).findings.get(entry) ?? []).map((finding) => finding.rule);
    return { workspace, file, rulesAt };
  }

  it('changes what the other file finds when that name is configured', async () => {
    const { workspace, file, rulesAt } = await setUp('nested-configured', 'poolFactories = ["service.Outer.build.Inner.make"]\n');
    assert.deepEqual(await rulesAt(), ['FG001']);
    workspace.changeDocument(file, 2, [split]);
    assert.deepEqual(await rulesAt(), []);
    workspace.changeDocument(file, 3, [unsplit]);
    assert.deepEqual(await rulesAt(), ['FG001']);
  });

  it('re-analyses only the edited file when it is not', async () => {
    const { workspace, file, rulesAt } = await setUp('nested-plain');
    assert.deepEqual(await rulesAt(), []);
    for (const [version, change] of [[2, split], [3, unsplit]] as const) {
      const analysed = workspace.program.analysisCount;
      workspace.changeDocument(file, version, [change]);
      assert.deepEqual(await rulesAt(), []);
      // The file's 6 scopes (the module, Outer, first, build, Inner, make) and the module run as a
      // script; no scope of entry.py.
      assert.equal(workspace.program.analysisCount - analysed, 7);
    }
  });
});

async function reanalysedText(before: string, after: string): Promise<Set<number> | undefined> {
  return scopesToReanalyse(await factsOf(before), await factsOf(after), after);
}

describe('a file with an FG001 finding, after an edit of another file', () => {
  // FG001's quick fixes look for a reset helper among every module-level function of the
  // workspace. The file with the finding must not become a reader of all those files: it would be
  // re-analysed whole after every edit anywhere.
  const entryText = [
    'import os',
    'from concurrent.futures import ThreadPoolExecutor',
    '',
    'POOL = ThreadPoolExecutor(2)',
    '',
    'def first():',
    '    return 1',
    '',
    'def second():',
    '    return 2',
    '',
    'os.fork()',
    '',
  ].join('\n');
  const service = 'def helper():\n    return 1\n';

  it('is neither re-analysed nor checked again, until the edit adds a reset helper its fixes offer', async () => {
    const { workspace, file, entry } = await openServiceProject('fix-helpers', service, entryText);
    const fixTitles = async () => ((await analyze(workspace)).findings.get(entry) ?? []).map((finding) => `${finding.rule}: ${finding.fixes.map((fix) => fix.title).join(' | ')}`);
    const noHelper = ['FG001: Add `POOL.shutdown(wait=True)` before the fork | Reset `POOL` in forked children (os.register_at_fork) | Suppress FG001 on this line'];
    assert.deepEqual(await fixTitles(), noHelper);
    const checkFile = FG001_PYTHON.checkFile;
    const checked: string[] = [];
    FG001_PYTHON.checkFile = (context, path) => (checked.push(basename(path)), checkFile(context, path));
    try {
      const analysed = workspace.program.analysisCount;
      workspace.changeDocument(file, 2, [{ range: { start: { line: 1, character: 11 }, end: { line: 1, character: 12 } }, text: '2' }]);
      assert.deepEqual(await fixTitles(), noHelper);
      assert.equal(workspace.program.analysisCount - analysed, 2, 'helper, and its module run as a script');
      assert.deepEqual(checked.splice(0), ['service.py']);

      // helper now shuts the entry's pool down: the entry's finding offers to call it.
      const resetting = 'import entry\n\ndef helper():\n    entry.POOL.shutdown()\n';
      workspace.changeDocument(file, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, text: resetting }]);
      assert.equal(workspace.text(file), resetting);
      assert.deepEqual(await fixTitles(), [`FG001: Call \`helper()\` before forking | ${noHelper[0].slice('FG001: '.length)}`]);
      assert.deepEqual(checked.splice(0).sort(), ['entry.py', 'service.py']);
    } finally {
      FG001_PYTHON.checkFile = checkFile;
    }
  });
});

describe('a syntax error typed in a module other files call into', () => {
  const method = (name: string, body: string): string => `    def ${name}(self, a, b):\n        if not a > b and check(a):\n            ${body}\n        return b\n`;
  const service = `from concurrent.futures import ThreadPoolExecutor\n\n\nclass Service:\n${method('m0', 'pass')}\n${method('m1', 'pass')}\n${method('start', 'self.pool = ThreadPoolExecutor(4)')}\n`;
  const entryText = 'import os\n\nfrom service import Service\n\nService().start(1, 2)\nos.fork()\n';

  it('leaves the callers alone while it ruins the rest of the module, and reaches them once repaired', async () => {
    const { workspace, file, entry } = await openServiceProject('hub-syntax-error', service, entryText);
    const entryFindings = async () => ((await analyze(workspace)).findings.get(entry) ?? []).map((finding) => `${finding.rule} ${finding.range.start.line}`);
    assert.deepEqual(await entryFindings(), ['FG001 5']);
    const analysed = workspace.program.analysisCount;
    // `ifx not a > b and check(a):` in m1: tree-sitter reads the rest of the module as one error, Service.start gone.
    workspace.changeDocument(file, 2, [{ range: { start: { line: 10, character: 10 }, end: { line: 10, character: 10 } }, text: 'x' }]);
    assert.ok(workspace.facts(file)!.syntaxErrors.length > 0);
    assert.deepEqual(await entryFindings(), ['FG001 5']);
    assert.ok(workspace.program.analysisCount - analysed <= workspace.facts(file)!.scopes.length + 1, 'the module alone is analysed again');
    // Repaired, then the pool made local: the entry's finding goes.
    workspace.changeDocument(file, 3, [{ range: { start: { line: 10, character: 10 }, end: { line: 10, character: 11 } }, text: '' }]);
    assert.deepEqual(await entryFindings(), ['FG001 5']);
    workspace.changeDocument(file, 4, [{ range: { start: { line: 16, character: 12 }, end: { line: 16, character: 21 } }, text: 'pool' }]);
    assert.equal(workspace.text(file)!.split('\n')[16], '            pool = ThreadPoolExecutor(4)');
    assert.deepEqual(await entryFindings(), []);
  });
});
