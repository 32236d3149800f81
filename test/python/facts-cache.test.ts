import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { extractFactsFromText } from '../../server/src/python/extract';
import { FactsCache } from '../../server/src/python/facts-cache';
import { initPython } from '../../server/src/python/parser';

before(() => initPython());

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'forkguard-cache-'));
}

describe('FactsCache', () => {
  it('round-trips facts through the disk', async () => {
    const dir = tempDir();
    const text = 'import os\nos.fork()\n';
    const facts = await extractFactsFromText(text);
    const hash = FactsCache.hash(text);
    assert.match(hash, /^[0-9a-f]{40}$/);
    assert.notEqual(hash, FactsCache.hash(text + ' '));
    const writer = new FactsCache(dir);
    writer.put(hash, facts);
    await writer.flush();
    const reader = new FactsCache(dir);
    assert.deepEqual(reader.get(hash), facts);
    assert.equal(reader.get(FactsCache.hash('other')), undefined);
    assert.deepEqual(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
  });

  it('logs a corrupt pack once and starts empty', async () => {
    const dir = tempDir();
    const messages: string[] = [];
    const first = new FactsCache(dir);
    first.put('h', await extractFactsFromText('x = 1\n'));
    await first.flush();
    fs.writeFileSync(first.packFile!, 'not gzip at all');
    const cache = new FactsCache(dir, (message) => messages.push(message));
    assert.equal(cache.get('h'), undefined);
    assert.equal(cache.get('h'), undefined);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /ignoring the facts cache .* it will be rebuilt/);
  });

  it('keeps working in memory when the directory cannot be written', async () => {
    const parent = tempDir();
    const blocker = path.join(parent, 'file');
    fs.writeFileSync(blocker, 'a file where the cache folder should be');
    const messages: string[] = [];
    const cache = new FactsCache(path.join(blocker, 'cache'), (message) => messages.push(message));
    const facts = await extractFactsFromText('x = 1\n');
    cache.put('h', facts);
    await cache.flush();
    cache.put('h2', facts);
    await cache.flush();
    assert.deepEqual(cache.get('h'), facts);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /cannot write the facts cache .*continuing without an on-disk cache/);
  });

  it('does nothing without a directory', async () => {
    const cache = new FactsCache(null);
    cache.put('h', await extractFactsFromText(''));
    await cache.flush();
    assert.equal(cache.packFile, null);
    assert.ok(cache.get('h'));
  });
});
