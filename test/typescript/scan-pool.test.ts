/**
 * Cold TS/JS scans: worker threads and the calling thread give the same facts; a cancelled scan
 * stops early.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { extractTsMany } from '../../server/src/typescript/scan-pool';

const files = Array.from({ length: 40 }, (_, i) => ({
  path: `/ws/m${i}.${i % 2 ? 'js' : 'ts'}`,
  text: `import cluster from 'node:cluster';\nexport const n${i} = ${i};\nif (cluster.isPrimary) cluster.fork(); // forkguard: ignore[FG001]\n`,
}));

describe('extractTsMany', () => {
  it('gives the same facts from worker threads as on the calling thread', async () => {
    let lastProgress = 0;
    const viaWorkers = await extractTsMany(files, { threads: 2, minFilesPerWorker: 10, onProgress: (done) => (lastProgress = done) });
    assert.equal(viaWorkers.size, files.length);
    assert.equal(lastProgress, files.length);
    for (const file of files) assert.deepEqual(viaWorkers.get(file.path), extractTsFacts(file.text, file.path), file.path);
  });

  it('extracts on the calling thread below the per-worker threshold, and stops when cancelled', async () => {
    const here = await extractTsMany(files, { threads: 4 });
    assert.equal(here.size, files.length);
    const cancelled = await extractTsMany(files, { threads: 0, token: { isCancellationRequested: true } });
    assert.ok(cancelled.size < files.length);
  });
});
