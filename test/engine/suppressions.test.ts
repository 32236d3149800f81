import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppressions, suppressionFix } from '../../server/src/engine/suppressions';
import type { Finding, SuppressionComment, TextEdit } from '../../server/src/model';

const FILE = '/ws/app.py';

function finding(rule: string, line: number, character = 4): Finding {
  return {
    rule,
    name: `rule-${rule}`,
    severity: 'warning',
    file: FILE,
    range: { start: { line, character }, end: { line, character: character + 3 } },
    message: `${rule} on line ${line}`,
    related: [],
    fixes: [],
  };
}

/** The suppression comment as the facts extractor reports it, found in `text` on `line`. */
function comment(text: string, line: number, codes: string[] | null): SuppressionComment {
  const lineText = text.split('\n')[line];
  const directive = /forkguard: ignore(\[[^\]]*\])?/.exec(lineText)!;
  return {
    line,
    codes,
    range: { start: { line, character: directive.index }, end: { line, character: directive.index + directive[0].length } },
  };
}

/** Applies one fix's edits (single-line or line-joining ranges) to the text. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const offsets = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') offsets.push(i + 1);
  const at = (p: { line: number; character: number }) => offsets[p.line] + p.character;
  return [...edits]
    .sort((a, b) => at(b.range.start) - at(a.range.start))
    .reduce((out, edit) => out.slice(0, at(edit.range.start)) + edit.newText + out.slice(at(edit.range.end)), text);
}

function unusedHints(result: Finding[]) {
  return result.filter((f) => f.rule === 'FG000');
}

test('a listed code silences that rule on its line only', () => {
  const text = 'pool = make()\nos.fork()  # forkguard: ignore[FG001]\nos.fork()\n';
  const findings = [finding('FG001', 1), finding('FG001', 2), finding('FG002', 1)];
  const result = applySuppressions(findings, [comment(text, 1, ['FG001'])], FILE, text);
  assert.deepEqual(result, [finding('FG001', 2), finding('FG002', 1)]);
});

test('several codes: each silences its rule', () => {
  const text = 'x = connect()  # forkguard: ignore[FG001, FG002]\n';
  const result = applySuppressions([finding('FG001', 0), finding('FG002', 0), finding('FG003', 0)], [comment(text, 0, ['FG001', 'FG002'])], FILE, text);
  assert.deepEqual(result, [finding('FG003', 0)]);
});

test('a bare ignore silences every rule on the line', () => {
  const text = 'x = connect()  # forkguard: ignore\n';
  const result = applySuppressions([finding('FG001', 0), finding('FG003', 0, 20), finding('FG002', 1)], [comment(text, 0, null)], FILE, text);
  assert.deepEqual(result, [finding('FG002', 1)]);
});

test('codes match case-insensitively and a finding is matched by the line its range starts on', () => {
  const text = 'a\nx = f(  # forkguard: ignore[fg002]\n)\n';
  const spanning = { ...finding('FG002', 1), range: { start: { line: 1, character: 4 }, end: { line: 2, character: 1 } } };
  const endsHere = { ...finding('FG002', 0), range: { start: { line: 0, character: 0 }, end: { line: 1, character: 2 } } };
  const result = applySuppressions([spanning, endsHere], [comment(text, 1, ['fg002'])], FILE, text);
  assert.deepEqual(result, [endsHere]);
});

test('unused suppression with one code: a hint on the comment, and a fix that removes the comment', () => {
  const text = 'import os\nos.fork()  # forkguard: ignore[FG002]\n';
  const suppression = comment(text, 1, ['FG002']);
  const result = applySuppressions([finding('FG001', 1)], [suppression], FILE, text);
  assert.deepEqual(result, [
    finding('FG001', 1),
    {
      rule: 'FG000',
      name: 'unused-suppression',
      severity: 'hint',
      file: FILE,
      range: suppression.range,
      message: 'Unused suppression: no FG002 finding on this line',
      related: [],
      fixes: [
        {
          title: 'Remove unused suppression',
          edits: [{ file: FILE, range: { start: { line: 1, character: 9 }, end: { line: 1, character: 37 } }, newText: '' }],
          preferred: true,
          safe: true,
        },
      ],
      tags: ['unnecessary'],
    },
  ]);
  assert.equal(applyEdits(text, result[1].fixes[0].edits), 'import os\nos.fork()\n');
});

test('partly used: the hint names only the unused codes, the fix keeps the used ones', () => {
  const text = 'x = connect()  # forkguard: ignore[FG001, FG002, FG003]\n';
  const result = applySuppressions([finding('FG002', 0)], [comment(text, 0, ['FG001', 'FG002', 'FG003'])], FILE, text);
  const hints = unusedHints(result);
  assert.equal(result.length, 1);
  assert.deepEqual(
    hints.map((h) => h.message),
    ['Unused suppression: no FG001 or FG003 finding on this line'],
  );
  assert.deepEqual(result, hints);
  assert.equal(applyEdits(text, hints[0].fixes[0].edits), 'x = connect()  # forkguard: ignore[FG002]\n');
});

test('all codes unused: one hint naming them all, the whole comment removed', () => {
  const text = 'x = connect()  # forkguard: ignore[FG001, FG002]\n';
  const result = applySuppressions([], [comment(text, 0, ['FG001', 'FG002'])], FILE, text);
  assert.deepEqual(result.map((f) => f.message), ['Unused suppression: no FG001 or FG002 finding on this line']);
  assert.equal(applyEdits(text, result[0].fixes[0].edits), 'x = connect()\n');
});

test('unknown codes are reported as unused', () => {
  const text = 'os.fork()  # forkguard: ignore[FG001, FG999]\n';
  const result = applySuppressions([finding('FG001', 0)], [comment(text, 0, ['FG001', 'FG999'])], FILE, text);
  assert.deepEqual(result.map((f) => f.message), ['Unused suppression: no FG999 finding on this line']);
  assert.equal(applyEdits(text, result[0].fixes[0].edits), 'os.fork()  # forkguard: ignore[FG001]\n');
});

test('an unused bare ignore is reported; a comment-only line is removed with its line break', () => {
  const text = 'def f():\n    # forkguard: ignore\n    return 1\n';
  const result = applySuppressions([finding('FG003', 2)], [comment(text, 1, null)], FILE, text);
  assert.deepEqual(
    result.map((f) => [f.rule, f.message]),
    [
      ['FG003', 'FG003 on line 2'],
      ['FG000', 'Unused suppression: no ForkGuard finding on this line'],
    ],
  );
  assert.equal(applyEdits(text, result[1].fixes[0].edits), 'def f():\n    return 1\n');
});

test('removal keeps a following comment and a trailing reason, and works for // comments', () => {
  const cases: [string, string][] = [
    ['x = 1  # forkguard: ignore[FG002]  # noqa: E501\n', 'x = 1  # noqa: E501\n'],
    ['x = 1  # forkguard: ignore[FG002] -- legacy pool\n', 'x = 1  # -- legacy pool\n'],
    ['x = 1  #forkguard: ignore[FG002]\n', 'x = 1\n'],
    ['const p = new Pool(); // forkguard: ignore[FG002]\n', 'const p = new Pool();\n'],
    ['x = 1  # forkguard: ignore[FG002]', 'x = 1'],
  ];
  for (const [text, expected] of cases) {
    const [hint] = applySuppressions([], [comment(text, 0, ['FG002'])], FILE, text);
    assert.equal(applyEdits(text, hint.fixes[0].edits), expected, JSON.stringify(text));
  }
});

test('without the file text the fix removes the directive itself', () => {
  const text = 'x = 1  # forkguard: ignore[FG002]\n';
  const [hint] = applySuppressions([], [comment(text, 0, ['FG002'])], FILE);
  assert.equal(applyEdits(text, hint.fixes[0].edits), 'x = 1  # \n');
});

test('FG000 findings are never silenced, so suppressions cannot loop on themselves', () => {
  const text = 'x = 1  # forkguard: ignore\n';
  const earlierHint = { ...finding('FG000', 0), name: 'unused-suppression' };
  const result = applySuppressions([earlierHint], [comment(text, 0, null)], FILE, text);
  assert.deepEqual(result.map((f) => [f.rule, f.message]), [
    ['FG000', 'FG000 on line 0'],
    ['FG000', 'Unused suppression: no ForkGuard finding on this line'],
  ]);
});

test('no comments: the same findings array comes back', () => {
  const findings = [finding('FG001', 0)];
  assert.equal(applySuppressions(findings, [], FILE), findings);
});

test('duplicate codes count once', () => {
  const text = 'os.fork()  # forkguard: ignore[FG001, FG001, FG002]\n';
  const result = applySuppressions([finding('FG001', 0)], [comment(text, 0, ['FG001', 'FG001', 'FG002'])], FILE, text);
  assert.deepEqual(result.map((f) => f.message), ['Unused suppression: no FG002 finding on this line']);
  assert.equal(applyEdits(text, result[0].fixes[0].edits), 'os.fork()  # forkguard: ignore[FG001]\n');
});

test('suppression fix: appends a comment at the end of the line, with the file\'s comment leader', () => {
  const text = 'import os\npid = os.fork()\n';
  assert.deepEqual(suppressionFix(finding('FG001', 1, 6), [], text, '#'), {
    title: 'Suppress FG001 on this line',
    edits: [{ file: FILE, range: { start: { line: 1, character: 15 }, end: { line: 1, character: 15 } }, newText: '  # forkguard: ignore[FG001]' }],
    preferred: false,
    safe: true,
  });
  const ts = 'cluster.fork();\n';
  assert.equal(suppressionFix(finding('FG001', 0, 0), [], ts, '//')!.edits[0].newText, '  // forkguard: ignore[FG001]');
});

test('suppression fix: adds the code to the line\'s existing list', () => {
  const text = 'import os\npid = os.fork()  # forkguard: ignore[FG002]\n';
  const fix = suppressionFix(finding('FG001', 1, 6), [comment(text, 1, ['FG002'])], text, '#')!;
  assert.equal(applyEdits(text, fix.edits), 'import os\npid = os.fork()  # forkguard: ignore[FG002, FG001]\n');
});

test('suppression fix: none for FG000 itself, nor for a line past the end of the text', () => {
  assert.equal(suppressionFix(finding('FG000', 0), [], 'x = 1\n', '#'), undefined);
  assert.equal(suppressionFix(finding('FG001', 9), [], 'x = 1\n', '#'), undefined);
});
