/**
 * On-disk cache of PyFacts by content hash, so a second start does not parse again.
 *
 * One gzip'd JSON pack per cache directory, named after the facts version and the grammar
 * version, read at once on first use and rewritten atomically (temp file + rename) on flush:
 * one read for a warm start of thousands of files instead of thousands of small reads. Packs
 * of other versions are deleted on flush. A corrupt, unreadable or unwritable cache is logged
 * once and the cache keeps working in memory.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PY_FACTS_VERSION, type PyFacts } from './facts';
import { PYTHON_GRAMMAR_VERSION } from './parser';

const PACK_PREFIX = 'python-facts-';
const PACK_NAME = `${PACK_PREFIX}v${PY_FACTS_VERSION}-grammar${PYTHON_GRAMMAR_VERSION}.json.gz`;
/** Entries not used this session are kept up to this total, so the pack does not grow forever. */
const MAX_ENTRIES = 50_000;

export class FactsCache {
  private entries: Map<string, PyFacts> | undefined;
  /** Hashes read or written this session: they survive the trimming on flush. */
  private readonly used = new Set<string>();
  private dirty = false;
  private broken = false;

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
    const facts = this.load().get(hash);
    if (facts) this.used.add(hash);
    return facts;
  }

  put(hash: string, facts: PyFacts): void {
    this.load().set(hash, facts);
    this.used.add(hash);
    this.dirty = true;
  }

  /** Writes the pack if anything changed. Never throws. */
  async flush(): Promise<void> {
    const file = this.packFile;
    if (!file || !this.dirty || this.broken || !this.entries) return;
    const entries: [string, PyFacts][] = [];
    for (const hash of this.used) {
      const facts = this.entries.get(hash);
      if (facts) entries.push([hash, facts]);
    }
    for (const [hash, facts] of this.entries) {
      if (entries.length >= MAX_ENTRIES) break;
      if (!this.used.has(hash)) entries.push([hash, facts]);
    }
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await fs.promises.mkdir(this.dir!, { recursive: true });
      await fs.promises.writeFile(temp, gzipSync(JSON.stringify({ version: PY_FACTS_VERSION, entries }), { level: 1 }));
      await fs.promises.rename(temp, file);
      this.dirty = false;
      await this.removeOtherPacks();
    } catch (error) {
      await fs.promises.rm(temp, { force: true }).catch(() => {});
      this.disable(`cannot write the facts cache ${file}: ${(error as Error).message}`);
    }
  }

  private load(): Map<string, PyFacts> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    const file = this.packFile;
    if (!file || !fs.existsSync(file)) return this.entries;
    try {
      const pack = JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8')) as { version?: unknown; entries?: unknown };
      if (pack.version !== PY_FACTS_VERSION || !Array.isArray(pack.entries)) throw new Error('unexpected content');
      for (const entry of pack.entries as unknown[]) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && isFacts(entry[1])) this.entries.set(entry[0], entry[1]);
      }
    } catch (error) {
      this.log(`ignoring the facts cache ${file} (${(error as Error).message}); it will be rebuilt`);
      this.entries.clear();
      this.dirty = true; // replace the corrupt pack on the next flush
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

function isFacts(value: unknown): value is PyFacts {
  const facts = value as PyFacts | null;
  return typeof facts === 'object' && facts !== null && facts.version === PY_FACTS_VERSION && Array.isArray(facts.scopes) && facts.scopes.length > 0;
}
