import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleDates } from '../../server/src/report/trend';
import { commitOn, git, removeFixtureDirs, reportOf, workspaceDir } from './helpers';

const NOW = new Date('2025-03-01T08:00:00Z');

describe('trend over git history', () => {
  let repo: string;
  const commits: string[] = [];
  before(() => {
    repo = workspaceDir({});
    git(repo, ['init', '-q', '-b', 'main']);
    commits.push(commitOn(repo, '2025-02-01T12:00:00Z', { 'svc/a.py': 'import eventlet\neventlet.sleep(0)\n# eventlet eventlet on one line counts once\n' }));
    commits.push(commitOn(repo, '2025-02-20T12:00:00Z', { 'svc/a.py': 'import eventlet\neventlet.sleep(0)\n', 'README.md': 'no green threads here\n' }));
    commits.push(commitOn(repo, '2025-02-27T12:00:00Z', { 'svc/a.py': 'import time\ntime.sleep(0)\n' }));
    // Not committed: a tracked file edited in the working tree counts; an untracked file does not.
    writeFileSync(path.join(repo, 'README.md'), 'eventlet is gone\n');
    writeFileSync(path.join(repo, 'untracked.py'), 'import eventlet\n');
  });
  after(removeFixtureDirs);

  it('samples one date a week, oldest first, ending at now', () => {
    assert.deepEqual(
      sampleDates(3, NOW).map((date) => date.toISOString()),
      ['2025-02-15T08:00:00.000Z', '2025-02-22T08:00:00.000Z', '2025-03-01T08:00:00.000Z'],
    );
  });

  it('counts eventlet lines at the last commit before each sample, leaving out dates before the first commit', async () => {
    const report = await reportOf(repo, { historyWeeks: 6, now: NOW });
    assert.deepEqual(report.trend, [
      { date: '2025-02-01', commit: commits[0], refs: 3 },
      { date: '2025-02-08', commit: commits[0], refs: 3 },
      { date: '2025-02-15', commit: commits[0], refs: 3 },
      { date: '2025-02-22', commit: commits[1], refs: 2 },
      { date: '2025-03-01', commit: commits[2], refs: 0 },
    ]);
    assert.equal(report.trendUnavailable, undefined);
  });

  it('counts the textual references over tracked files of the working tree, as git grep -c does', async () => {
    const report = await reportOf(repo, { historyWeeks: 0, now: NOW });
    assert.equal(report.eventlet.textualRefs, 1);
    assert.equal(report.eventlet.textualSource, 'git');
    assert.deepEqual(report.trend, []);
    assert.equal(report.trendUnavailable, 'history disabled (0 weeks asked)');
  });
});
