/**
 * The language-neutral incremental rule runner (engine/incremental-rules.ts), driven through a
 * fake program and one fake checker, so what it re-checks is observable: only the files the
 * program says changed, plus those whose findings read the whole workspace; everything when the
 * language's inputs, the severity or the shared inputs change; the whole-program checker each time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding, SeveritySetting } from '../../server/src/model';
import { RULES } from '../../server/src/rules';
import { runIncrementalRules, type IncrementalChecker, type LanguageCheckers, type TrackedProgram } from '../../server/src/engine/incremental-rules';

const RULE = RULES[0];
const FILES = ['/a.py', '/b.py', '/c.py'];

/** A program whose changes are set by the test: `changed` is what changedSince reports next. */
class FakeProgram implements TrackedProgram {
  epoch = 0;
  changed: Set<string> | 'all' = new Set();
  tracked: string[] = [];
  files(): string[] {
    return [...FILES];
  }
  changeMark(): number {
    return this.epoch;
  }
  changedSince(): Set<string> | 'all' {
    return this.changed;
  }
  track<T>(file: string, compute: () => T): T {
    this.tracked.push(file);
    return compute();
  }
}

interface Context {
  shared: string;
}

function finding(file: string, message: string): Finding {
  return { rule: RULE.meta.id, name: RULE.meta.name, severity: 'warning', file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message, related: [], fixes: [] };
}

/** One finding per file; /c.py's reads the whole program. Plus one workspace-wide finding on /a.py. */
const checker: IncrementalChecker<Context> = {
  checkFile: (_context, file) => [finding(file, `in ${file}`)],
  readsWholeProgram: (findings) => findings.some((f) => f.file === '/c.py'),
  checkProgram: () => [finding('/a.py', 'workspace')],
  sharedInputs: (context) => context.shared,
};

async function run(
  program: FakeProgram,
  options: { inputs?: string; shared?: string; severity?: SeveritySetting; checkers?: LanguageCheckers<Context>; cancelled?: boolean } = {},
): Promise<Map<string, string[]>> {
  return (await runWithChanges(program, options)).findings;
}

/** The findings of every file, and which files the run says may have changed. */
async function runWithChanges(
  program: FakeProgram,
  options: { inputs?: string; shared?: string; severity?: SeveritySetting; checkers?: LanguageCheckers<Context>; cancelled?: boolean } = {},
): Promise<{ findings: Map<string, string[]>; changed: string[] | 'all' }> {
  program.tracked = [];
  const result = await runIncrementalRules<Context, string>(
    {
      program,
      context: { shared: options.shared ?? 's' },
      inputs: options.inputs ?? 'config',
      sameInputs: (previous, current) => previous === current,
      checkersOf: (rule) => (rule === RULE ? (options.checkers ?? { checkWhole: () => [], incremental: checker }) : undefined),
    },
    {
      severityOf: (rule) => (rule === RULE ? (options.severity ?? 'warning') : 'off'),
      token: { isCancellationRequested: options.cancelled ?? false },
      cancelled: () => new Error('stop'),
    },
  );
  return {
    findings: new Map(FILES.map((file) => [file, result.findingsOf(file).map((f) => `${f.severity}:${f.message}`)])),
    changed: result.changed === 'all' ? 'all' : [...result.changed].sort(),
  };
}

test('re-checks only changed and whole-program files, and reuses the rest', async () => {
  const program = new FakeProgram();
  const expected = new Map([
    ['/a.py', ['warning:in /a.py', 'warning:workspace']],
    ['/b.py', ['warning:in /b.py']],
    ['/c.py', ['warning:in /c.py']],
  ]);
  assert.deepEqual(await run(program), expected);
  assert.deepEqual(program.tracked, FILES);
  program.changed = new Set(['/b.py']);
  assert.deepEqual(await run(program), expected);
  assert.deepEqual(program.tracked, ['/b.py', '/c.py']);
  program.changed = new Set();
  await run(program);
  assert.deepEqual(program.tracked, ['/c.py']);
});

test('other inputs, severity or shared inputs changing re-check every file', async () => {
  const program = new FakeProgram();
  await run(program);
  await run(program, { inputs: 'other config' });
  assert.deepEqual(program.tracked, FILES);
  assert.deepEqual((await run(program, { inputs: 'other config', severity: 'error' })).get('/b.py'), ['error:in /b.py']);
  assert.deepEqual(program.tracked, FILES);
  await run(program, { inputs: 'other config', severity: 'error', shared: 'changed' });
  assert.deepEqual(program.tracked, FILES);
  program.changed = 'all';
  await run(program, { inputs: 'other config', severity: 'error', shared: 'changed' });
  assert.deepEqual(program.tracked, FILES);
});

test('a rule without an incremental form runs its whole-program checker, untracked', async () => {
  const program = new FakeProgram();
  const result = await run(program, { severity: 'hint', checkers: { checkWhole: () => [finding('/b.py', 'whole'), finding('/elsewhere.py', 'dropped')] } });
  assert.deepEqual(result, new Map([['/a.py', []], ['/b.py', ['hint:whole']], ['/c.py', []]]));
  assert.deepEqual(program.tracked, []);
});

test('a cancelled token stops the run with the given error', async () => {
  await assert.rejects(run(new FakeProgram(), { cancelled: true }), /stop/);
});

test('says which files may have changed: the ones checked again and those with whole-program findings then or now', async () => {
  const program = new FakeProgram();
  assert.equal((await runWithChanges(program)).changed, 'all');
  program.changed = new Set(['/b.py']);
  // /b.py changed, /c.py's findings read the whole program, /a.py has the workspace-wide finding.
  assert.deepEqual((await runWithChanges(program)).changed, ['/a.py', '/b.py', '/c.py']);
  // A checker without workspace-wide findings: /a.py's goes (so it changed), /c.py is checked again once more.
  const perFileOnly = { checkWhole: () => [], incremental: { checkFile: checker.checkFile, sharedInputs: checker.sharedInputs } };
  assert.deepEqual((await runWithChanges(program, { checkers: perFileOnly })).changed, ['/a.py', '/b.py', '/c.py']);
  assert.deepEqual((await runWithChanges(program, { checkers: perFileOnly })).changed, ['/b.py']);
  program.changed = new Set();
  assert.deepEqual((await runWithChanges(program, { checkers: perFileOnly })).changed, []);
  assert.equal((await runWithChanges(program, { checkers: perFileOnly, severity: 'error' })).changed, 'all');
  assert.equal((await runWithChanges(program, { checkers: perFileOnly, severity: 'error', inputs: 'other' })).changed, 'all');
  assert.equal((await runWithChanges(program, { severity: 'off' })).changed, 'all', 'a rule turned off');
});
