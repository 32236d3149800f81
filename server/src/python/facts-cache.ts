/**
 * On-disk cache of PyFacts by content hash, so a second start does not parse again.
 *
 * One gzip'd pack per cache directory, named after the facts version, the encoding and the
 * grammar version, read at once on first use and rewritten atomically (temp file + rename) on
 * flush: one read for a warm start of thousands of files instead of thousands of small reads.
 * Packs of other versions are deleted on flush. A corrupt, unreadable or unwritable cache is
 * logged once and the cache keeps working in memory.
 *
 * The pack is text: a header line, then one line per file, `<hash> <JSON of the compact encoding
 * of facts-codec.ts>` (about 0.3x the size of plain JSON of PyFacts). Loading only splits lines; a
 * line is parsed and decoded on its first get(), so the whole pack is never one huge object graph
 * beside the decoded facts (peak memory), and entries never asked for are written back untouched.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzip } from 'node:zlib';
import { PY_FACTS_VERSION, type PyFacts } from './facts';
import { FactsCodecError, packFacts, unpackFacts } from './facts-codec';
import { PYTHON_GRAMMAR_VERSION } from './parser';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

const PACK_PREFIX = 'python-facts-';
/** Version of the pack's encoding (facts-codec.ts): part of the name, like the facts version. */
const PACK_ENCODING = 'packed1';
const PACK_NAME = `${PACK_PREFIX}v${PY_FACTS_VERSION}-${PACK_ENCODING}-grammar${PYTHON_GRAMMAR_VERSION}.json.gz`;
/** Entries not used this session are kept up to this total, so the pack does not grow forever. */
const MAX_ENTRIES = 50_000;

/** First line of a pack: what it holds, checked on load. */
const PACK_HEADER = JSON.stringify({ forkguard: 'python-facts', version: PY_FACTS_VERSION, encoding: PACK_ENCODING });

/** An entry as read from the pack (JSON of the encoded facts, not parsed yet) or decoded / put this session. */
type Entry = PyFacts | string;

export class FactsCache {
  private entries: Map<string, Entry> | undefined;
  /** Hashes read or written this session: they survive the trimming on flush. */
  private readonly used = new Set<string>();
  private dirty = false;
  private broken = false;
  private preloading: Promise<void> | undefined;
  /** Encoded forms of facts put this session (JSON of facts-codec), written by the next flush as they are. */
  private readonly encodedPuts = new Map<string, string>();

  constructor(
    private readonly dir: string | null,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Cache key of a text: its SHA-1, salted with the facts and grammar versions. */
  static hash(text: string): string {
    return createHash('sha1').update(`forkguard-py-facts ${PY_FACTS_VERSION} ${PYTHON_GRAMMAR_VERSION}\n`).update(text).digest('hex');
  }

  get packFile(): string | null {
    return this.dir === null ? null : path.join(this.dir, PACK_NAME);
  }

  get(hash: string): PyFacts | undefined {
    const entries = this.load();
    const entry = entries.get(hash);
    if (entry === undefined) return undefined;
    let facts: PyFacts;
    if (typeof entry === 'string') {
      try {
        facts = unpackFacts(JSON.parse(entry));
      } catch (error) {
        if (!(error instanceof FactsCodecError) && !(error instanceof SyntaxError)) throw error;
        this.log(`ignoring a corrupt entry of the facts cache ${this.packFile} (${error.message})`);
        entries.delete(hash);
        this.dirty = true;
        return undefined;
      }
      // Keep the decoded facts only: the program holds them anyway, the encoded copy would be extra.
      entries.set(hash, facts);
    } else facts = entry;
    this.used.add(hash);
    return facts;
  }

  /**
   * `encoded`, when known, must be JSON.stringify(packFacts(facts)) (what a scan worker sends):
   * flush then writes it instead of encoding the facts again (about a second for 1,800 files).
   */
  put(hash: string, facts: PyFacts, encoded?: string): void {
    this.load().set(hash, facts);
    this.used.add(hash);
    this.dirty = true;
    if (encoded !== undefined && this.dir !== null && !this.broken) this.encodedPuts.set(hash, encoded);
    else this.encodedPuts.delete(hash);
  }

  /** Writes the pack if anything changed. Never throws. */
  async flush(): Promise<void> {
    const file = this.packFile;
    if (!file || !this.dirty || this.broken || !this.entries) return;
    const lines = [PACK_HEADER];
    const line = (hash: string, entry: Entry): string =>
      `${hash} ${typeof entry === 'string' ? entry : (this.encodedPuts.get(hash) ?? JSON.stringify(packFacts(entry)))}`;
    for (const hash of this.used) {
      const entry = this.entries.get(hash);
      if (entry) lines.push(line(hash, entry));
    }
    for (const [hash, entry] of this.entries) {
      if (lines.length > MAX_ENTRIES) break;
      if (!this.used.has(hash)) lines.push(line(hash, entry));
    }
    this.encodedPuts.clear(); // written into `lines`: the copies are not needed any more
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await fs.promises.mkdir(this.dir!, { recursive: true });
      // Compressed in libuv's pool: ~1 s for 1,800 files that the server's message loop keeps serving.
      await fs.promises.writeFile(temp, await gzipAsync(lines.join('\n'), { level: 1 }));
      await fs.promises.rename(temp, file);
      this.dirty = false;
      await this.removeOtherPacks();
    } catch (error) {
      await fs.promises.rm(temp, { force: true }).catch(() => {});
      this.disable(`cannot write the facts cache ${file}: ${(error as Error).message}`);
    }
  }

  /**
   * Reads and unzips the pack off the main thread (libuv's pool), so a scan can discover and read
   * its files meanwhile; get() and put() before it finishes read the pack synchronously instead.
   * Never throws.
   */
  preload(): Promise<void> {
    const file = this.packFile;
    if (this.entries || !file) return Promise.resolve();
    this.preloading ??= (async () => {
      let pack: Buffer | Error | undefined;
      try {
        pack = await gunzipAsync(await fs.promises.readFile(file));
      } catch (error) {
        pack = (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (error as Error);
      }
      if (!this.entries) this.entries = this.parsePack(file, pack);
    })();
    return this.preloading;
  }

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const file = this.packFile;
    let pack: Buffer | Error | undefined;
    if (file && fs.existsSync(file)) {
      try {
        pack = gunzipSync(fs.readFileSync(file));
      } catch (error) {
        pack = error as Error;
      }
    }
    this.entries = this.parsePack(file, pack);
    return this.entries;
  }

  /** Entries of an unzipped pack (none when there is no pack, or it cannot be read: then logged). */
  private parsePack(file: string | null, pack: Buffer | Error | undefined): Map<string, Entry> {
    const entries = new Map<string, Entry>();
    if (pack === undefined) return entries;
    try {
      if (pack instanceof Error) throw pack;
      // JSON never holds a raw newline, so lines are entries.
      const lines = pack.toString('utf8').split('\n');
      if (lines[0] !== PACK_HEADER) throw new Error('unexpected content');
      for (let i = 1; i < lines.length; i++) {
        const space = lines[i].indexOf(' ');
        // Each entry is checked when decoded (get): a bad one is then dropped alone.
        if (space > 0) entries.set(detached(lines[i].slice(0, space)), lines[i].slice(space + 1));
      }
    } catch (error) {
      this.log(`ignoring the facts cache ${file} (${(error as Error).message}); it will be rebuilt`);
      entries.clear();
      this.dirty = true; // replace the corrupt pack on the next flush
    }
    return entries;
  }

  private async removeOtherPacks(): Promise<void> {
    const names = await fs.promises.readdir(this.dir!).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith(PACK_PREFIX) && name !== PACK_NAME && !name.endsWith('.tmp')) {
        await fs.promises.rm(path.join(this.dir!, name), { force: true }).catch(() => {});
      }
    }
  }

  private disable(message: string): void {
    if (this.broken) return;
    this.broken = true;
    this.log(`${message}; continuing without an on-disk cache`);
  }
}

/**
 * A copy of a string that does not share the memory of the string it was cut from. V8 keeps a
 * slice's whole parent alive: a hash key cut from the pack text would pin all of it for as long as
 * the cache lives. (Entry bodies are slices too, but each is replaced by its facts when read.)
 */
function detached(slice: string): string {
  return JSON.parse(JSON.stringify(slice)) as string;
}
