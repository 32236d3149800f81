import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileChangeType } from 'vscode-languageserver/node';
import type { CancellationToken } from '../../server/src/model';
import { AnalysisScheduler } from '../../server/src/lsp/analysisScheduler';
import { collapseFileEvents, FileEventBatcher } from '../../server/src/lsp/watchers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unexpected = (error: unknown) => assert.fail(`unexpected analysis error: ${String(error)}`);

describe('AnalysisScheduler', () => {
  it('runs once after a burst of edits', async () => {
    let runs = 0;
    const scheduler = new AnalysisScheduler(async () => void runs++, unexpected, 20);
    scheduler.scheduleSoon();
    scheduler.scheduleSoon();
    scheduler.scheduleSoon();
    assert.equal(scheduler.busy, true);
    await scheduler.idle();
    assert.equal(runs, 1);
    assert.equal(scheduler.busy, false);
  });

  it('cancels the analysis in flight when an edit arrives, then runs the newest', async () => {
    const tokens: CancellationToken[] = [];
    let published = 0;
    const scheduler = new AnalysisScheduler(
      async (token) => {
        tokens.push(token);
        await sleep(40);
        if (!token.isCancellationRequested) published++;
      },
      unexpected,
      10,
    );
    void scheduler.runNow();
    await sleep(5);
    scheduler.scheduleSoon();
    assert.equal(tokens[0].isCancellationRequested, true);
    await scheduler.idle();
    assert.equal(tokens.length, 2);
    assert.equal(tokens[1].isCancellationRequested, false);
    assert.equal(published, 1);
  });

  it('analyses an edit at once when idle, without waiting out the debounce', async () => {
    let runs = 0;
    const scheduler = new AnalysisScheduler(async () => void runs++, unexpected, 10_000);
    scheduler.scheduleSoon();
    assert.equal(runs, 0, 'not before the change has been applied (the next turn of the event loop)');
    await sleep(50);
    assert.equal(runs, 1);
    assert.equal(scheduler.busy, false);
    scheduler.dispose();
  });

  it('debounces edits that arrive while an analysis runs, then runs the newest once', async () => {
    const started: number[] = [];
    const tokens: CancellationToken[] = [];
    const scheduler = new AnalysisScheduler(
      async (token) => {
        started.push(performance.now());
        tokens.push(token);
        await sleep(30);
      },
      unexpected,
      60,
    );
    scheduler.scheduleSoon();
    await sleep(10);
    assert.equal(started.length, 1, 'the first edit after a pause starts at once');
    scheduler.scheduleSoon();
    scheduler.scheduleSoon();
    const lastEdit = performance.now();
    assert.equal(tokens[0].isCancellationRequested, true, 'an edit cancels the analysis in flight');
    await scheduler.idle();
    assert.equal(started.length, 2, 'the burst is analysed once');
    assert.ok(started[1] - lastEdit >= 55, `the burst waited out the debounce (${(started[1] - lastEdit).toFixed(0)} ms)`);
    assert.equal(tokens[1].isCancellationRequested, false);
  });

  it('reports a failing analysis and keeps working', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new AnalysisScheduler(
      async () => {
        if (calls++ === 0) throw new Error('boom');
      },
      (error) => errors.push(error),
      5,
    );
    await scheduler.runNow();
    await scheduler.runNow();
    assert.equal(calls, 2);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['boom']);
  });
});

describe('file events', () => {
  it('collapse per file (last event wins) and flag config files', () => {
    const batch = collapseFileEvents([
      { uri: 'file:///ws/a.py', type: FileChangeType.Created },
      { uri: 'file:///ws/a.py', type: FileChangeType.Deleted },
      { uri: 'file:///ws/b.py', type: FileChangeType.Deleted },
      { uri: 'file:///ws/b.py', type: FileChangeType.Created },
      { uri: 'untitled:Untitled-1', type: FileChangeType.Changed },
    ]);
    assert.deepEqual(batch, { changed: ['/ws/b.py'], deleted: ['/ws/a.py'], configChanged: false });
    assert.equal(collapseFileEvents([{ uri: 'file:///ws/sub/forkguard.toml', type: FileChangeType.Changed }]).configChanged, true);
    assert.equal(collapseFileEvents([{ uri: 'file:///ws/.gitignore', type: FileChangeType.Deleted }]).configChanged, true);
  });

  it('arriving in several notifications are handled as one batch', async () => {
    const batches: unknown[] = [];
    const batcher = new FileEventBatcher((batch) => batches.push(batch), 20);
    for (let i = 0; i < 3; i++) batcher.add([{ uri: `file:///ws/m${i}.py`, type: FileChangeType.Changed }]);
    await sleep(60);
    assert.deepEqual(batches, [{ changed: ['/ws/m0.py', '/ws/m1.py', '/ws/m2.py'], deleted: [], configChanged: false }]);
  });
});
