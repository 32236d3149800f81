import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extractFactsFromText } from '../../server/src/python/extract';
import { FactsCache } from '../../server/src/python/facts-cache';
import { packFacts } from '../../server/src/python/facts-codec';
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

  it('writes the encoded form given with put as it is, instead of encoding the facts again', async () => {
    const dir = tempDir();
    const facts = await extractFactsFromText('import os\nos.fork()\n');
    const other = await extractFactsFromText('x = make_pool()\n');
    const writer = new FactsCache(dir);
    writer.put('a', facts, JSON.stringify(packFacts(facts)));
    // A mismatched encoded form shows which one flush writes (callers must not do this).
    writer.put('b', facts, JSON.stringify(packFacts(other)));
    await writer.flush();
    const reader = new FactsCache(dir);
    assert.deepEqual(reader.get('a'), facts);
    assert.deepEqual(reader.get('b'), other);
  });

  it('preloads the pack off the main thread, and gets facts without it as well', async () => {
    const dir = tempDir();
    const facts = await extractFactsFromText('import os\nos.fork()\n');
    const writer = new FactsCache(dir);
    writer.put('a', facts);
    await writer.flush();
    const preloaded = new FactsCache(dir);
    await preloaded.preload();
    assert.deepEqual(preloaded.get('a'), facts);
    const notWaited = new FactsCache(dir);
    const loading = notWaited.preload();
    assert.deepEqual(notWaited.get('a'), facts); // read synchronously; the preload then changes nothing
    await loading;
    assert.deepEqual(notWaited.get('a'), facts);
    fs.writeFileSync(writer.packFile!, 'not gzip at all');
    const messages: string[] = [];
    const corrupt = new FactsCache(dir, (message) => messages.push(message));
    await corrupt.preload();
    assert.equal(corrupt.get('a'), undefined);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /ignoring the facts cache .* it will be rebuilt/);
    await new FactsCache(path.join(dir, 'missing')).preload(); // no pack yet: nothing to say
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

  it('drops a corrupt entry alone, logged, and keeps the others', async () => {
    const dir = tempDir();
    const writer = new FactsCache(dir);
    const facts = await extractFactsFromText('import os\nos.fork()\n');
    writer.put('good', facts);
    writer.put('bad', facts);
    await writer.flush();
    const lines = gunzipSync(fs.readFileSync(writer.packFile!)).toString('utf8').split('\n');
    assert.equal(lines.length, 3); // header + one line per entry
    const corrupted = lines.map((line) => (line.startsWith('bad ') ? 'bad [1,0,"not a number"' : line));
    fs.writeFileSync(writer.packFile!, gzipSync(corrupted.join('\n')));
    const messages: string[] = [];
    const reader = new FactsCache(dir, (message) => messages.push(message));
    assert.equal(reader.get('bad'), undefined);
    assert.deepEqual(reader.get('good'), facts);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /ignoring a corrupt entry of the facts cache/);
  });

  it('writes back entries it never decoded, unchanged', async () => {
    const dir = tempDir();
    const writer = new FactsCache(dir);
    const facts = await extractFactsFromText('x = f(1)\n');
    writer.put('untouched', facts);
    await writer.flush();
    const middle = new FactsCache(dir);
    middle.put('new', await extractFactsFromText('y = 2\n'));
    await middle.flush();
    const reader = new FactsCache(dir);
    assert.deepEqual(reader.get('untouched'), facts);
    assert.ok(reader.get('new'));
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
