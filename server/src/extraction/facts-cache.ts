/**
 * On-disk cache of one language's facts by content hash, so a second start does not parse again.
 * The language passes in its pack format (file name, header, codec); python/facts-cache.ts and
 * typescript/facts-cache.ts are those adapters, with the hash of a text.
 *
 * One gzip'd pack per cache directory, named after the facts version, the encoding and the parser
 * version, read at once on first use (in the background with preload()) and rewritten atomically
 * (temp file + rename) on flush: one read for a warm start of thousands of files instead of
 * thousands of small reads. Packs of other versions of the same language are deleted on flush. A
 * corrupt, unreadable or unwritable cache is logged once and the cache keeps working in memory.
 *
 * The pack is text: a header line, then one line per file, `<hash> <facts encoded by the codec>`.
 * Loading only splits lines; a line is decoded on its first get(), so the whole pack is never one
 * huge object graph beside the decoded facts (peak memory), and entries never asked for are
 * written back untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzip } from 'node:zlib';
import type { FactsCodec } from './codec';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/**
 * Entries not used this session (older versions of files, files deleted or switched away on a
 * branch) are kept up to as many as were used, and at least this many: a branch switch back stays
 * warm, and the pack, which a warm start reads whole, stays the size of the workspace instead of
 * growing with every version of every file ever saved.
 */
export const MIN_UNUSED_ENTRIES_KEPT = 1000;

export interface FactsPackFormat<Facts> {
  /** Start of every pack name of the language: packs with it and another name are old versions. */
  prefix: string;
  /** The pack's file name (prefix + versions). */
  name: string;
  /** First line of the pack: what it holds, checked on load. */
  header: string;
  /** How the cache is called in log messages (`facts cache`, `TS facts cache`). */
  label: string;
  codec: FactsCodec<Facts>;
}

/** An entry as read from the pack (encoded, not decoded yet) or decoded / put this session. */
type Entry<Facts> = { facts: Facts } | string;

export class PackedFactsCache<Facts> {
  private entries: Map<string, Entry<Facts>> | undefined;
  /** Hashes read or written this session: they survive the trimming on flush. */
  private readonly used = new Set<string>();
  private dirty = false;
  private broken = false;
  private preloading: Promise<void> | undefined;
  /** Encoded forms of facts put this session (as a worker sent them), written by the next flush as they are. */
  private readonly encodedPuts = new Map<string, string>();

  constructor(
    private readonly format: FactsPackFormat<Facts>,
    private readonly dir: string | null,
    private readonly log: (message: string) => void = () => {},
  ) {}

  get packFile(): string | null {
    return this.dir === null ? null : path.join(this.dir, this.format.name);
  }

  get(hash: string): Facts | undefined {
    const entries = this.load();
    const entry = entries.get(hash);
    if (entry === undefined) return undefined;
    let facts: Facts;
    if (typeof entry === 'string') {
      try {
        facts = this.format.codec.decode(entry);
      } catch (error) {
        this.log(`ignoring a corrupt entry of the ${this.format.label} ${this.packFile} (${(error as Error).message})`);
        entries.delete(hash);
        this.dirty = true;
        return undefined;
      }
      // Keep the decoded facts only: the program holds them anyway, the encoded copy would be extra.
      entries.set(hash, { facts });
    } else facts = entry.facts;
    this.used.add(hash);
    return facts;
  }

  /**
   * True when the cache has facts for `hash` (not decoded yet, perhaps: a corrupt entry is only
   * found out by get). Counts as a use, like get.
   */
  has(hash: string): boolean {
    if (!this.load().has(hash)) return false;
    this.used.add(hash);
    return true;
  }

  /**
   * `encoded`, when known, must be the codec's encoding of `facts` (what a scan worker sends):
   * flush then writes it instead of encoding the facts again (about a second for 1,800 Python files).
   */
  put(hash: string, facts: Facts, encoded?: string): void {
    this.load().set(hash, { facts });
    this.used.add(hash);
    this.dirty = true;
    if (encoded !== undefined && this.dir !== null && !this.broken) this.encodedPuts.set(hash, encoded);
    else this.encodedPuts.delete(hash);
  }

  /** Writes the pack if anything changed. Never throws. */
  async flush(): Promise<void> {
    const file = this.packFile;
    if (!file || !this.dirty || this.broken || !this.entries) return;
    const lines = [this.format.header];
    const line = (hash: string, entry: Entry<Facts>): string =>
      `${hash} ${typeof entry === 'string' ? entry : (this.encodedPuts.get(hash) ?? this.format.codec.encode(entry.facts))}`;
    for (const hash of this.used) {
      const entry = this.entries.get(hash);
      if (entry) lines.push(line(hash, entry));
    }
    let unusedKept = 0;
    const maxUnused = Math.max(MIN_UNUSED_ENTRIES_KEPT, this.used.size);
    for (const [hash, entry] of this.entries) {
      if (unusedKept >= maxUnused) break;
      if (this.used.has(hash)) continue;
      lines.push(line(hash, entry));
      unusedKept++;
    }
    this.encodedPuts.clear(); // written into `lines`: the copies are not needed any more
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await fs.promises.mkdir(this.dir!, { recursive: true });
      // Compressed in libuv's pool: ~1 s for 1,800 Python files that the server's message loop keeps serving.
      await fs.promises.writeFile(temp, await gzipAsync(lines.join('\n'), { level: 1 }));
      await fs.promises.rename(temp, file);
      this.dirty = false;
      await this.removeOtherPacks();
    } catch (error) {
      await fs.promises.rm(temp, { force: true }).catch(() => {});
      this.disable(`cannot write the ${this.format.label} ${file}: ${(error as Error).message}`);
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

  private load(): Map<string, Entry<Facts>> {
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
  private parsePack(file: string | null, pack: Buffer | Error | undefined): Map<string, Entry<Facts>> {
    const entries = new Map<string, Entry<Facts>>();
    if (pack === undefined) return entries;
    try {
      if (pack instanceof Error) throw pack;
      // Encoded facts never hold a raw newline, so lines are entries.
      const lines = pack.toString('utf8').split('\n');
      if (lines[0] !== this.format.header) throw new Error('unexpected content');
      for (let i = 1; i < lines.length; i++) {
        const space = lines[i].indexOf(' ');
        // Each entry is checked when decoded (get): a bad one is then dropped alone.
        if (space > 0) entries.set(detached(lines[i].slice(0, space)), lines[i].slice(space + 1));
      }
    } catch (error) {
      this.log(`ignoring the ${this.format.label} ${file} (${(error as Error).message}); it will be rebuilt`);
      entries.clear();
      this.dirty = true; // replace the corrupt pack on the next flush
    }
    return entries;
  }

  private async removeOtherPacks(): Promise<void> {
    const names = await fs.promises.readdir(this.dir!).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith(this.format.prefix) && name !== this.format.name && !name.endsWith('.tmp')) {
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
