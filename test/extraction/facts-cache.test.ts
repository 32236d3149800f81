/**
 * The language-neutral facts cache with a toy pack format, and the TS adapter: what is specific to
 * the shared cache (an encoded form put with the facts is written as it is, each language cleans
 * only its own old packs, messages name the language's cache). The Python adapter's behaviour is
 * tested in test/python/facts-cache.test.ts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeferredFacts } from '../../server/src/extraction/deferred-facts';
import { MIN_UNUSED_ENTRIES_KEPT, PackedFactsCache, type FactsPackFormat } from '../../server/src/extraction/facts-cache';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { TsFactsCache } from '../../server/src/typescript/facts-cache';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forkguard-packed-cache-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const TOY_PACK: FactsPackFormat<number[]> = {
  prefix: 'toy-facts-',
  name: 'toy-facts-v2.json.gz',
  header: '{"forkguard":"toy-facts","version":2}',
  label: 'toy facts cache',
  codec: {
    encode: (facts) => JSON.stringify(facts),
    decode: (encoded) => {
      const facts = JSON.parse(encoded) as unknown;
      if (!Array.isArray(facts)) throw new Error('not a list');
      return facts as number[];
    },
  },
};

const packLines = (file: string): string[] => gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');

describe('PackedFactsCache', () => {
  it('keeps the entries used this session and as many unused ones, at least MIN_UNUSED_ENTRIES_KEPT', async () => {
    const dir = tempDir();
    const first = new PackedFactsCache(TOY_PACK, dir);
    const total = MIN_UNUSED_ENTRIES_KEPT + 500;
    for (let i = 0; i < total; i++) first.put(`h${i}`, [i]);
    await first.flush();
    assert.equal(packLines(first.packFile!).length, 1 + total, 'a session keeps everything it used');

    const second = new PackedFactsCache(TOY_PACK, dir);
    assert.deepEqual(second.get('h7'), [7]);
    second.put('new', [0]);
    await second.flush();
    const lines = packLines(second.packFile!);
    assert.equal(lines.length, 1 + 2 + MIN_UNUSED_ENTRIES_KEPT);
    assert.deepEqual(lines.slice(0, 3), [TOY_PACK.header, 'h7 [7]', 'new [0]']);
  });

  it('writes a put entry in the encoded form given with it, else encodes the facts', async () => {
    const dir = tempDir();
    const cache = new PackedFactsCache(TOY_PACK, dir);
    cache.put('a', [1, 2], '[1, 2]'); // spaced: proves the given string is what is written
    cache.put('b', [3]);
    await cache.flush();
    assert.deepEqual(packLines(cache.packFile!), [TOY_PACK.header, 'a [1, 2]', 'b [3]']);
    const reader = new PackedFactsCache(TOY_PACK, dir);
    await reader.preload();
    assert.deepEqual(reader.get('a'), [1, 2]);
    assert.deepEqual(reader.get('b'), [3]);
  });

  it('runs a flush called while another writes after it: the pack holds what was put last', async () => {
    const dir = tempDir();
    const cache = new PackedFactsCache(TOY_PACK, dir);
    cache.put('a', [1]);
    const firstWrite = cache.flush();
    cache.put('b', [2]); // while the first write is under way
    const secondWrite = cache.flush();
    await Promise.all([firstWrite, secondWrite]);
    assert.deepEqual(packLines(cache.packFile!), [TOY_PACK.header, 'a [1]', 'b [2]']);
    const reader = new PackedFactsCache(TOY_PACK, dir);
    assert.deepEqual(reader.get('b'), [2]);
  });

  it('writes a pack of many megabytes whole, in chunks, with entries read back as bytes', async () => {
    const dir = tempDir();
    const big = Array.from({ length: 3000 }, (_, i) => i); // about 14 KB encoded
    const first = new PackedFactsCache(TOY_PACK, dir);
    for (let i = 0; i < 1000; i++) first.put(`h${i}`, [i, ...big]);
    await first.flush();
    const second = new PackedFactsCache(TOY_PACK, dir);
    second.put('new', [0]); // dirty, so the next flush writes back 1,000 entries never decoded
    await second.flush();
    const lines = packLines(second.packFile!);
    assert.equal(lines.length, 1 + 1 + 1000);
    assert.equal(lines[1], 'new [0]');
    assert.equal(lines[1000], `h998 ${JSON.stringify([998, ...big])}`);
    const reader = new PackedFactsCache(TOY_PACK, dir);
    assert.deepEqual(reader.get('h999'), [999, ...big]);
  });

  it('removes its own old packs on flush and leaves other languages alone', async () => {
    const dir = tempDir();
    for (const name of ['toy-facts-v1.json.gz', 'python-facts-v3-packed1-grammar0.25.json.gz', 'ts-facts-v2-typescript6.0.2.json.gz']) {
      fs.writeFileSync(path.join(dir, name), gzipSync('old'));
    }
    const cache = new PackedFactsCache(TOY_PACK, dir);
    cache.put('a', [1]);
    await cache.flush();
    assert.deepEqual(fs.readdirSync(dir).sort(), ['python-facts-v3-packed1-grammar0.25.json.gz', 'toy-facts-v2.json.gz', 'ts-facts-v2-typescript6.0.2.json.gz']);
  });

  it('names the language in what it logs, and drops an entry the codec rejects', async () => {
    const dir = tempDir();
    const file = path.join(dir, TOY_PACK.name);
    fs.writeFileSync(file, gzipSync([TOY_PACK.header, 'good [4]', 'bad {"x":1}'].join('\n')));
    const messages: string[] = [];
    const cache = new PackedFactsCache(TOY_PACK, dir, (message) => messages.push(message));
    assert.equal(cache.get('bad'), undefined);
    assert.deepEqual(cache.get('good'), [4]);
    assert.deepEqual(messages, [`ignoring a corrupt entry of the toy facts cache ${file} (not a list)`]);
    fs.writeFileSync(file, gzipSync('{"forkguard":"toy-facts","version":1}\ngood [4]'));
    const stale = new PackedFactsCache(TOY_PACK, dir, (message) => messages.push(message));
    assert.equal(stale.get('good'), undefined);
    assert.equal(messages[1], `ignoring the toy facts cache ${file} (unexpected content); it will be rebuilt`);
  });

  it('reads back entries of any size and characters, preloaded (streamed in chunks) or read at once', async () => {
    const STRING_CODEC_PACK: FactsPackFormat<string> = { ...TOY_PACK, codec: { encode: (facts) => JSON.stringify(facts), decode: (encoded) => JSON.parse(encoded) as string } };
    // Entries longer than a stream chunk (64 KiB), so lines span chunks; non-ASCII in some only.
    const facts = new Map([
      ['ascii', 'x'.repeat(200_000)],
      ['accents', `café ${'é'.repeat(100_000)} naïve`],
      ['astral', '🐍 pool'],
      ['short', 'y'],
    ]);
    const dir = tempDir();
    const writer = new PackedFactsCache(STRING_CODEC_PACK, dir);
    for (const [hash, text] of facts) writer.put(hash, text);
    await writer.flush();
    const preloaded = new PackedFactsCache(STRING_CODEC_PACK, dir);
    await preloaded.preload();
    const readAtOnce = new PackedFactsCache(STRING_CODEC_PACK, dir);
    for (const [hash, text] of facts) {
      assert.equal(preloaded.get(hash), text);
      assert.equal(readAtOnce.get(hash), text);
    }
    // A pack without its last newline, and an empty one (no header: not a pack).
    fs.writeFileSync(writer.packFile!, gzipSync(`${TOY_PACK.header}\nshort "y"`));
    const unterminated = new PackedFactsCache(STRING_CODEC_PACK, dir);
    await unterminated.preload();
    assert.equal(unterminated.get('short'), 'y');
    fs.writeFileSync(writer.packFile!, gzipSync(''));
    const messages: string[] = [];
    const empty = new PackedFactsCache(STRING_CODEC_PACK, dir, (message) => messages.push(message));
    await empty.preload();
    assert.equal(empty.get('short'), undefined);
    assert.match(messages[0], /unexpected content/);
  });

  it('tells the codec when many entries were decoded, so it may drop its sharing tables', () => {
    let ends = 0;
    const cache = new PackedFactsCache({ ...TOY_PACK, codec: { ...TOY_PACK.codec, endOfBulkDecode: () => ends++ } }, null);
    const deferred = new DeferredFacts(cache, () => undefined, () => undefined);
    cache.put('a', [1]);
    deferred.defer('/a.py', 'a');
    deferred.takeAll();
    assert.equal(ends, 1);
    deferred.takeAll(); // nothing left to decode: not a bulk decode
    assert.equal(ends, 1);
  });
});

describe('TsFactsCache', () => {
  it('keeps TS facts across instances, preloaded in the background', async () => {
    const dir = tempDir();
    const text = "import cluster from 'node:cluster';\nif (cluster.isPrimary) cluster.fork();\n";
    const facts = extractTsFacts(text, '/ws/main.ts');
    const hash = TsFactsCache.hash(text, '/ws/main.ts');
    assert.notEqual(hash, TsFactsCache.hash(text, '/ws/main.tsx')); // another dialect, another key
    const writer = new TsFactsCache(dir);
    writer.put(hash, facts, JSON.stringify(facts));
    await writer.flush();
    assert.match(path.basename(writer.packFile!), /^ts-facts-v\d+-typescript[\d.]+\.json\.gz$/);
    const reader = new TsFactsCache(dir);
    await reader.preload();
    assert.deepEqual(reader.get(hash), facts);
  });
});
