import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unpackFacts } from '../../server/src/python/facts-codec';
import { extractMany } from '../../server/src/python/scan-pool';

const files = Array.from({ length: 40 }, (_, i) => ({
  path: `/ws/m${i}.py`,
  text: `import os\nfrom concurrent.futures import ThreadPoolExecutor\n\ndef f${i}():\n    pool = ThreadPoolExecutor(${i + 1})\n    os.fork()\n`,
}));

describe('extractMany', () => {
  it('gives the same facts with worker threads as on the calling thread', async () => {
    const progress: number[] = [];
    const inThread = await extractMany(files, { threads: 0 });
    const encoded = new Map<string, string>();
    const inWorkers = await extractMany(files, { threads: 2, encoded, onProgress: (done, total) => progress.push(done / total) });
    assert.equal(inWorkers.size, 40);
    // What the workers sent, for the cache to store without encoding again: the same facts.
    assert.equal(encoded.size, 40);
    for (const [file, json] of encoded) assert.deepEqual(unpackFacts(JSON.parse(json)), inWorkers.get(file), file);
    assert.deepEqual([...inWorkers.keys()].sort(), [...inThread.keys()].sort());
    for (const [file, facts] of inThread) assert.deepEqual(inWorkers.get(file), facts, file);
    assert.equal(progress[progress.length - 1], 1);
    assert.equal(inThread.get('/ws/m3.py')?.scopes[1].qualname, 'f3');
  });

  it('stops early when cancelled', async () => {
    const token = { isCancellationRequested: false };
    const result = await extractMany(files, {
      threads: 0,
      token,
      onProgress: (done) => {
        if (done === 5) token.isCancellationRequested = true;
      },
    });
    assert.equal(result.size, 5);
    const cancelledBeforeStart = await extractMany(files, { threads: 2, token });
    assert.equal(cancelledBeforeStart.size, 0);
  });
});
