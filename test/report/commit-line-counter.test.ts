/**
 * The history counter must give, at every commit, what `git grep -c --fixed-strings` sums to: it
 * is checked against git grep itself on a repository with the awkward cases (binary content, CRLF,
 * no final newline, a file deleted, a subfolder root, a folder that appears later, the same blob in two places).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommitLineCounter, countLinesContaining } from '../../server/src/report/commit-line-counter';
import { countMatchingLines } from '../../server/src/report/git';
import { commitOn, git, removeFixtureDirs, workspaceDir } from './helpers';

describe('CommitLineCounter', () => {
  let repo: string;
  const commits: string[] = [];
  before(() => {
    repo = workspaceDir({});
    git(repo, ['init', '-q', '-b', 'main']);
    commits.push(
      commitOn(repo, '2025-02-01T12:00:00Z', {
        'svc/a.py': 'import eventlet\r\neventlet.sleep(0)\r\n',
        'svc/copy.py': 'import eventlet\r\neventlet.sleep(0)\r\n',
        'svc/blob.dat': 'eventlet\0binary\neventlet',
        'docs/notes.md': 'eventlet eventlet\n',
      }),
    );
    commits.push(commitOn(repo, '2025-02-08T12:00:00Z', { 'svc/a.py': 'import time\n', 'svc/new.py': 'from eventlet import greenpool\n' }));
    git(repo, ['rm', '-q', 'svc/blob.dat']);
    commits.push(commitOn(repo, '2025-02-15T12:00:00Z', { 'svc/b.py': 'x = 1\n', 'later/c.py': 'import eventlet\n' }));
  });
  after(removeFixtureDirs);

  for (const folder of ['.', 'svc', 'docs', 'later']) {
    it(`sums as git grep -c does, at every commit, from ${folder}`, async () => {
      const root = path.join(repo, folder);
      const counter = new CommitLineCounter(root, 'eventlet');
      try {
        for (const commit of commits) {
          assert.equal(await counter.count(commit), await countMatchingLines(root, 'eventlet', commit), `at ${commit}`);
        }
      } finally {
        counter.dispose();
      }
    });
  }

  it('gives the exact counts', async () => {
    const counter = new CommitLineCounter(repo, 'eventlet');
    try {
      assert.deepEqual([await counter.count(commits[0]), await counter.count(commits[1]), await counter.count(commits[2])], [7, 6, 5]);
    } finally {
      counter.dispose();
    }
  });

  it('rejects a commit that does not exist with git’s message', async () => {
    const counter = new CommitLineCounter(repo, 'eventlet');
    try {
      await assert.rejects(counter.count('0000000000000000000000000000000000000000'), /git: no commit 0{40} \(fatal: Not a valid object name/);
    } finally {
      counter.dispose();
    }
  });

  it('counts lines split at \\n, once per line', () => {
    const count = (text: string) => countLinesContaining(Buffer.from(text), Buffer.from('eventlet'));
    assert.equal(count(''), 0);
    assert.equal(count('eventlet eventlet'), 1);
    assert.equal(count('a eventlet\r\nb\reventlet\n\neventlet'), 3);
    assert.equal(count('eventle\nt eventlet\n'), 1);
  });
});
