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
 *
 * Neither loading nor writing makes the whole pack one string (one non-ASCII character anywhere in
 * a pack-wide string would make V8 store all of it two bytes a character: ~90 MB for the standard
 * library). Each entry stays the unzipped bytes it was read as (a view of a 64 KiB chunk, never
 * copied) until it is decoded: a warm start that takes its findings from the results cache decodes
 * nothing and so never turns entries into strings (~15% of a TS/JS warm start did). An entry
 * never asked for is written back as the same bytes. Flush streams the lines through gzip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, gunzipSync } from 'node:zlib';
import type { FactsCodec } from './codec';
import { replaceFile } from './replace-file';

/** Chunks the pack is unzipped in: small enough never to be one large buffer, large enough to be few. */
const STREAM_CHUNK_BYTES = 64 * 1024;
/** Chunks the pack is written in (see packChunks). */
const WRITE_CHUNK_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;
const SPACE = 0x20;

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
/** Decoded facts, or the encoded bytes read from the pack (UTF-8). */
type Entry<Facts> = { facts: Facts } | Buffer;

export class PackedFactsCache<Facts> {
  private entries: Map<string, Entry<Facts>> | undefined;
  /** Hashes read or written this session: they survive the trimming on flush. */
  private readonly used = new Set<string>();
  private dirty = false;
  private broken = false;
  private preloading: Promise<void> | undefined;
  /** Encoded forms of facts put this session (as a worker sent them), written by the next flush as they are. */
  private readonly encodedPuts = new Map<string, string>();
  /** The write in progress, if any (see flush). */
  private writing: Promise<void> = Promise.resolve();

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
    if (Buffer.isBuffer(entry)) {
      try {
        facts = this.format.codec.decode(entry.toString('utf8'));
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

  /** Many entries were decoded or put (see FactsCodec.endOfBulkDecode). */
  endOfBulkDecode(): void {
    this.format.codec.endOfBulkDecode?.();
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
   * Counts `hash` as used without reading the pack: the file stamps vouch that the pack holds it
   * (extraction/file-stamps.ts), and the next flush must keep it, as it keeps what get() and has() saw.
   */
  keep(hash: string): void {
    this.used.add(hash);
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

  /**
   * Writes the pack if anything changed. Never throws. A flush called while another writes runs
   * after it, so the pack on disk ends up holding what was put last.
   */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const file = this.packFile;
    if (!file || !this.dirty || this.broken || !this.entries) return;
    const lines = this.packLines();
    this.encodedPuts.clear(); // in `lines` now: the copies are not needed any more
    this.dirty = false; // a put from now on is for the next write
    try {
      // Compressed in libuv's pool, in chunks of WRITE_CHUNK_BYTES (never one string of the whole
      // pack): each chunk costs the main thread one turn of its event loop, which a long analysis
      // running meanwhile gives only between its slices.
      await replaceFile(file, (temp) => pipeline(Readable.from(packChunks(lines)), createGzip({ level: 1, chunkSize: WRITE_CHUNK_BYTES }), fs.createWriteStream(temp)));
      await this.removeOtherPacks();
    } catch (error) {
      this.disable(`cannot write the ${this.format.label} ${file}: ${(error as Error).message}`);
    }
  }

  /**
   * The pack's lines, header first: the entries used this session, then unused ones up to the
   * limit (MIN_UNUSED_ENTRIES_KEPT). Decoded entries are encoded again unless a worker's encoding
   * is at hand.
   */
  private packLines(): PackLine[] {
    const entries = this.entries!;
    const lines: PackLine[] = [this.format.header];
    const line = (hash: string, entry: Entry<Facts>): PackLine =>
      Buffer.isBuffer(entry) ? [`${hash} `, entry] : `${hash} ${this.encodedPuts.get(hash) ?? this.format.codec.encode(entry.facts)}`;
    for (const hash of this.used) {
      const entry = entries.get(hash);
      if (entry) lines.push(line(hash, entry));
    }
    let unusedKept = 0;
    const maxUnused = Math.max(MIN_UNUSED_ENTRIES_KEPT, this.used.size);
    for (const [hash, entry] of entries) {
      if (unusedKept >= maxUnused) break;
      if (this.used.has(hash)) continue;
      lines.push(line(hash, entry));
      unusedKept++;
    }
    return lines;
  }

  /**
   * Reads and unzips the pack off the main thread (libuv's pool), so a scan can discover and read
   * its files meanwhile; get() and put() before it finishes read the pack synchronously instead.
   * The pack streams through gunzip in small chunks: neither it nor its unzipped bytes are ever
   * one buffer. Never throws.
   */
  preload(): Promise<void> {
    const file = this.packFile;
    if (this.entries || !file) return Promise.resolve();
    this.preloading ??= (async () => {
      const reader = new PackReader<Facts>(this.format.header);
      let pack: PackReader<Facts> | Error | undefined = reader;
      try {
        await pipeline(fs.createReadStream(file), createGunzip({ chunkSize: STREAM_CHUNK_BYTES }), async (chunks: AsyncIterable<Buffer>) => {
          for await (const chunk of chunks) reader.push(chunk);
        });
        reader.end();
      } catch (error) {
        pack = (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (error as Error);
      }
      if (!this.entries) this.entries = this.entriesOf(file, pack);
    })();
    return this.preloading;
  }

  private load(): Map<string, Entry<Facts>> {
    if (this.entries) return this.entries;
    const file = this.packFile;
    let pack: PackReader<Facts> | Error | undefined;
    if (file && fs.existsSync(file)) {
      try {
        pack = new PackReader<Facts>(this.format.header);
        pack.push(gunzipSync(fs.readFileSync(file)));
        pack.end();
      } catch (error) {
        pack = error as Error;
      }
    }
    this.entries = this.entriesOf(file, pack);
    return this.entries;
  }

  /** Entries of a read pack (none when there is no pack, or it cannot be read: then logged). */
  private entriesOf(file: string | null, pack: PackReader<Facts> | Error | undefined): Map<string, Entry<Facts>> {
    if (pack === undefined) return new Map();
    if (pack instanceof Error) {
      this.log(`ignoring the ${this.format.label} ${file} (${pack.message}); it will be rebuilt`);
      this.dirty = true; // replace the corrupt pack on the next flush
      return new Map();
    }
    return pack.entries;
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
 * Splits unzipped pack bytes, fed in chunks of any size, into entries: a header line, then
 * `<hash> <encoded facts>` lines (encoded facts never hold a raw newline). The hash becomes a
 * string, the encoded facts stay bytes: see the top of this file. Throws on a header that is not `header`.
 */
class PackReader<Facts> {
  readonly entries = new Map<string, Entry<Facts>>();
  private headerSeen = false;
  /** The start of a line whose end has not arrived yet. */
  private partial: Buffer[] = [];

  constructor(private readonly header: string) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline >= 0; newline = chunk.indexOf(NEWLINE, start)) {
      this.line(this.withPartial(chunk.subarray(start, newline)));
      start = newline + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  end(): void {
    if (this.partial.length > 0 || !this.headerSeen) this.line(this.withPartial(Buffer.alloc(0)));
  }

  private withPartial(piece: Buffer): Buffer {
    if (this.partial.length === 0) return piece;
    const line = Buffer.concat([...this.partial, piece]);
    this.partial = [];
    return line;
  }

  private line(line: Buffer): void {
    if (!this.headerSeen) {
      if (line.toString('utf8') !== this.header) throw new Error('unexpected content');
      this.headerSeen = true;
      return;
    }
    const space = line.indexOf(SPACE);
    // Each entry is checked when decoded (get): a bad one is then dropped alone.
    if (space > 0) this.entries.set(line.toString('utf8', 0, space), line.subarray(space + 1));
  }
}

/** A line of the pack: its text, or the text before an entry's bytes and those bytes. */
type PackLine = string | [string, Buffer];

/**
 * The pack's lines joined by newlines, as chunks of about WRITE_CHUNK_BYTES. Each line is let go
 * once in a chunk, so the lines and the chunks are not both held whole while the pack is written.
 */
function* packChunks(lines: (PackLine | undefined)[]): Generator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  const add = (part: string | Buffer): void => {
    const buffer = typeof part === 'string' ? Buffer.from(part) : part;
    parts.push(buffer);
    size += buffer.length;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    lines[i] = undefined;
    const separator = i === 0 ? '' : '\n';
    if (typeof line === 'string') add(separator + line);
    else {
      add(separator + line[0]);
      add(line[1]);
    }
    if (size >= WRITE_CHUNK_BYTES) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}
