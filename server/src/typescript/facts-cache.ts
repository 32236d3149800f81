/**
 * On-disk cache of TsFacts by content hash, the TS twin of python/facts-cache.ts (same layout and
 * guarantees, its own pack): one gzip'd pack per cache directory named after TS_FACTS_VERSION and
 * the TypeScript version, read at once on first use, entries decoded on first get(), rewritten
 * atomically on flush; packs of other versions are deleted. A corrupt, unreadable or unwritable
 * cache is logged once and the cache keeps working in memory.
 *
 * Entries are plain JSON of TsFacts (TS facts are small next to Python's: no compact codec yet).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TS_FACTS_VERSION, type TsFacts } from './facts';

/**
 * TypeScript version embedded in ts-morph (parses the same text the same way): part of the key.
 * A test checks it against node_modules, so upgrading ts-morph invalidates old entries.
 */
export const TYPESCRIPT_PARSER_VERSION = '6.0.2';

const PACK_PREFIX = 'ts-facts-';
const PACK_NAME = `${PACK_PREFIX}v${TS_FACTS_VERSION}-typescript${TYPESCRIPT_PARSER_VERSION}.json.gz`;
const MAX_ENTRIES = 50_000;
const PACK_HEADER = JSON.stringify({ forkguard: 'ts-facts', version: TS_FACTS_VERSION, typescript: TYPESCRIPT_PARSER_VERSION });

type Entry = TsFacts | string;

export class TsFactsCache {
  private entries: Map<string, Entry> | undefined;
  private readonly used = new Set<string>();
  private dirty = false;
  private broken = false;

  constructor(
    private readonly dir: string | null,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /**
   * Cache key of a file: SHA-1 of its text salted with the versions and the dialect the extension
   * selects (the same text is parsed differently as `.ts` and `.tsx`, as `.js` and `.mjs`).
   */
  static hash(text: string, fileName: string): string {
    const dialect = path.extname(fileName).toLowerCase();
    return createHash('sha1').update(`forkguard-ts-facts ${TS_FACTS_VERSION} ${TYPESCRIPT_PARSER_VERSION} ${dialect}\n`).update(text).digest('hex');
  }

  get packFile(): string | null {
    return this.dir === null ? null : path.join(this.dir, PACK_NAME);
  }

  get(hash: string): TsFacts | undefined {
    const entries = this.load();
    const entry = entries.get(hash);
    if (entry === undefined) return undefined;
    let facts: TsFacts;
    if (typeof entry === 'string') {
      try {
        facts = JSON.parse(entry) as TsFacts;
        if (facts?.version !== TS_FACTS_VERSION || !Array.isArray(facts.calls)) throw new Error('not TS facts of this version');
      } catch (error) {
        this.log(`ignoring a corrupt entry of the TS facts cache ${this.packFile} (${(error as Error).message})`);
        entries.delete(hash);
        this.dirty = true;
        return undefined;
      }
      entries.set(hash, facts);
    } else facts = entry;
    this.used.add(hash);
    return facts;
  }

  put(hash: string, facts: TsFacts): void {
    this.load().set(hash, facts);
    this.used.add(hash);
    this.dirty = true;
  }

  /** Writes the pack if anything changed. Never throws. */
  async flush(): Promise<void> {
    const file = this.packFile;
    if (!file || !this.dirty || this.broken || !this.entries) return;
    const lines = [PACK_HEADER];
    const line = (hash: string, entry: Entry): string => `${hash} ${typeof entry === 'string' ? entry : JSON.stringify(entry)}`;
    for (const hash of this.used) {
      const entry = this.entries.get(hash);
      if (entry) lines.push(line(hash, entry));
    }
    for (const [hash, entry] of this.entries) {
      if (lines.length > MAX_ENTRIES) break;
      if (!this.used.has(hash)) lines.push(line(hash, entry));
    }
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await fs.promises.mkdir(this.dir!, { recursive: true });
      await fs.promises.writeFile(temp, gzipSync(lines.join('\n'), { level: 1 }));
      await fs.promises.rename(temp, file);
      this.dirty = false;
      await this.removeOtherPacks();
    } catch (error) {
      await fs.promises.rm(temp, { force: true }).catch(() => {});
      this.disable(`cannot write the TS facts cache ${file}: ${(error as Error).message}`);
    }
  }

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    const file = this.packFile;
    if (!file || !fs.existsSync(file)) return this.entries;
    try {
      const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
      if (lines[0] !== PACK_HEADER) throw new Error('unexpected content');
      for (let i = 1; i < lines.length; i++) {
        const space = lines[i].indexOf(' ');
        // Copies, not slices: a slice would keep the whole pack text alive (see python/facts-cache.ts).
        if (space > 0) this.entries.set(JSON.parse(JSON.stringify(lines[i].slice(0, space))) as string, lines[i].slice(space + 1));
      }
    } catch (error) {
      this.log(`ignoring the TS facts cache ${file} (${(error as Error).message}); it will be rebuilt`);
      this.entries.clear();
      this.dirty = true;
    }
    return this.entries;
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
