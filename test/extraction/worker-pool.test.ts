/**
 * The language-neutral extraction pool with a toy language (facts: a text's length) whose workers
 * are small eval'd scripts: replies are decoded through the codec, files a worker fails (reply that
 * does not decode, error reply, crash) are redone on the calling thread, cancellation stops early.
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { describe, it } from 'node:test';
import type { FactsCodec } from '../../server/src/extraction/codec';
import { extractInPool, type ExtractionLanguage } from '../../server/src/extraction/worker-pool';
import type { ScanFile } from '../../server/src/extraction/scan-protocol';

interface ToyFacts {
  length: number;
  where: 'worker' | 'here';
}

const TOY_CODEC: FactsCodec<ToyFacts> = {
  encode: (facts) => JSON.stringify(facts),
  decode: (encoded) => {
    const facts = JSON.parse(encoded) as ToyFacts;
    if (typeof facts?.length !== 'number') throw new Error('not toy facts');
    return facts;
  },
};

/** A worker answering each file with `reply(file)` (JS source of a function body over `file`). */
function toyWorker(replyBody: string): Worker {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const reply = (file) => { ${replyBody} };
    parentPort.on('message', (batch) => parentPort.postMessage({ id: batch.id, results: batch.files.map((file) => [file.path, reply(file)]) }));`;
  return new Worker(source, { eval: true });
}

function toyLanguage(replyBody: string, started: { count: number } = { count: 0 }): ExtractionLanguage<ToyFacts> {
  return {
    startWorker: () => {
      started.count++;
      return toyWorker(replyBody);
    },
    extractHere: (file) => ({ length: file.text.length, where: 'here' }),
    codec: TOY_CODEC,
  };
}

const files: ScanFile[] = Array.from({ length: 40 }, (_, i) => ({ path: `/ws/f${i}`, text: 'x'.repeat(i) }));
const WORKER_FACTS = `return JSON.stringify({ length: file.text.length, where: 'worker' });`;

describe('extractInPool', () => {
  it('decodes the workers replies, hands their encoded form over, and counts progress to the end', async () => {
    const encoded = new Map<string, string>();
    const started = { count: 0 };
    let progress = 0;
    const result = await extractInPool(files, toyLanguage(WORKER_FACTS, started), { workers: 2, encoded, onProgress: (done) => (progress = done) });
    assert.equal(started.count, 2);
    assert.equal(result.size, files.length);
    for (const [i, file] of files.entries()) {
      assert.deepEqual(result.get(file.path), { length: i, where: 'worker' });
      assert.equal(encoded.get(file.path), JSON.stringify({ length: i, where: 'worker' }));
    }
    assert.equal(progress, files.length);
  });

  it('starts no more workers than there are batches, and none for workers: 0', async () => {
    const started = { count: 0 };
    await extractInPool(files.slice(0, 5), toyLanguage(WORKER_FACTS, started), { workers: 8 });
    assert.equal(started.count, 1); // 5 files are one batch
    const here = await extractInPool(files, toyLanguage(WORKER_FACTS, started), { workers: 0 });
    assert.equal(started.count, 1);
    assert.ok([...here.values()].every((facts) => facts.where === 'here'));
  });

  it('redoes on the calling thread a file whose reply does not decode', async () => {
    const result = await extractInPool(files, toyLanguage(`return file.path === '/ws/f7' ? 'not json' : JSON.stringify({ length: file.text.length, where: 'worker' });`), { workers: 2 });
    assert.equal(result.size, files.length);
    assert.deepEqual(result.get('/ws/f7'), { length: 7, where: 'here' });
    assert.deepEqual(result.get('/ws/f8'), { length: 8, where: 'worker' });
  });

  it('redoes everything on the calling thread when the workers crash', async () => {
    const result = await extractInPool(files, toyLanguage(`process.exit(3);`), { workers: 2 });
    assert.equal(result.size, files.length);
    assert.ok([...result.values()].every((facts) => facts.where === 'here'));
  });

  it('stops early when cancelled, on either thread', async () => {
    const token = { isCancellationRequested: true };
    assert.equal((await extractInPool(files, toyLanguage(WORKER_FACTS), { workers: 2, token })).size, 0);
    assert.equal((await extractInPool(files, toyLanguage(WORKER_FACTS), { workers: 0, token })).size, 0);
  });
});
