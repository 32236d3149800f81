import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixAllAction, isKindWanted, quickFixActions, rangesOverlap } from '../../server/src/lsp/codeActions';
import { findingToDiagnostic } from '../../server/src/lsp/diagnostics';
import type { WorkspaceEditOptions } from '../../server/src/lsp/workspaceEdit';
import { insertFix, poolFinding, range } from './findings';

const plainEdits: WorkspaceEditOptions = { documentChanges: false, versionOf: () => null };
const versionedEdits: WorkspaceEditOptions = { documentChanges: true, versionOf: (uri) => (uri === 'file:///ws/main.py' ? 7 : null) };

describe('isKindWanted', () => {
  it('follows context.only, with source actions only on request', () => {
    assert.equal(isKindWanted('quickfix', undefined), true);
    assert.equal(isKindWanted('source.fixAll.forkguard', undefined), false);
    assert.equal(isKindWanted('source.fixAll.forkguard', ['source.fixAll']), true);
    assert.equal(isKindWanted('source.fixAll.forkguard', ['source']), true);
    assert.equal(isKindWanted('quickfix', ['source.fixAll']), false);
    assert.equal(isKindWanted('source.fixAllX', ['source.fixAll']), false);
  });
});

describe('rangesOverlap', () => {
  it('treats touching ranges as separate unless both insert at the same point', () => {
    assert.equal(rangesOverlap(range(1, 0, 1, 5), range(1, 5, 1, 9)), false);
    assert.equal(rangesOverlap(range(1, 0, 1, 6), range(1, 5, 1, 9)), true);
    assert.equal(rangesOverlap(range(3, 0, 3, 0), range(3, 0, 3, 0)), true);
    assert.equal(rangesOverlap(range(3, 0, 3, 0), range(4, 0, 4, 0)), false);
  });
});

describe('quickFixActions', () => {
  const file = '/ws/main.py';
  const shutdown = insertFix(file, 4, 'EXECUTOR.shutdown(wait=True)\n', true);
  const multiFile = {
    title: 'register a reset',
    preferred: false,
    safe: false,
    edits: [
      { file: '/ws/app/pools.py', range: range(3, 0, 3, 0), newText: 'os.register_at_fork(after_in_child=reset)\n' },
      { file, range: range(0, 0, 0, 0), newText: '' },
    ],
  };
  const finding = poolFinding(file, { fixes: [shutdown, multiFile] });
  const diagnostic = findingToDiagnostic(finding, () => undefined);

  it('offers every fix of a finding under the cursor, preferred flag and diagnostic attached', () => {
    const actions = quickFixActions([{ finding, diagnostic }], range(4, 8, 4, 8), plainEdits);
    assert.deepEqual(actions, [
      {
        title: shutdown.title,
        kind: 'quickfix',
        isPreferred: true,
        diagnostics: [diagnostic],
        edit: { changes: { 'file:///ws/main.py': [{ range: range(4, 0, 4, 0), newText: 'EXECUTOR.shutdown(wait=True)\n' }] } },
      },
      {
        title: 'register a reset',
        kind: 'quickfix',
        diagnostics: [diagnostic],
        edit: {
          changes: {
            'file:///ws/app/pools.py': [{ range: range(3, 0, 3, 0), newText: 'os.register_at_fork(after_in_child=reset)\n' }],
            'file:///ws/main.py': [{ range: range(0, 0, 0, 0), newText: '' }],
          },
        },
      },
    ]);
  });

  it('uses versioned document changes when the client supports them', () => {
    const [action] = quickFixActions([{ finding, diagnostic }], range(4, 6, 4, 6), versionedEdits);
    assert.deepEqual(action.edit, {
      documentChanges: [
        { textDocument: { uri: 'file:///ws/main.py', version: 7 }, edits: [{ range: range(4, 0, 4, 0), newText: 'EXECUTOR.shutdown(wait=True)\n' }] },
      ],
    });
  });

  it('offers nothing away from the finding', () => {
    assert.deepEqual(quickFixActions([{ finding, diagnostic }], range(2, 0, 3, 4), plainEdits), []);
  });
});

describe('fixAllAction', () => {
  const file = '/ws/main.py';
  it('applies each preferred fix that does not collide with an earlier one, in one edit', () => {
    const findings = [
      poolFinding(file, { fixes: [insertFix(file, 4, 'A.shutdown()\n', true), insertFix(file, 9, 'not preferred\n', false)] }),
      poolFinding(file, { range: range(4, 20, 4, 30), fixes: [insertFix(file, 4, 'B.shutdown()\n', true)] }),
      poolFinding(file, { range: range(8, 0, 8, 9), fixes: [insertFix(file, 8, 'C.shutdown()\n', true)] }),
      poolFinding(file, { range: range(9, 0, 9, 9), fixes: [insertFix(file, 9, 'not preferred either\n', false)] }),
    ];
    assert.deepEqual(fixAllAction(findings, plainEdits), {
      title: 'ForkGuard: fix 2 problems',
      kind: 'source.fixAll.forkguard',
      edit: {
        changes: {
          'file:///ws/main.py': [
            { range: range(4, 0, 4, 0), newText: 'A.shutdown()\n' },
            { range: range(8, 0, 8, 0), newText: 'C.shutdown()\n' },
          ],
        },
      },
    });
  });

  it('is absent without preferred fixes', () => {
    assert.equal(fixAllAction([poolFinding(file)], plainEdits), undefined);
  });
});
