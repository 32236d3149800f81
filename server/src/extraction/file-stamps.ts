/**
 * Content hashes of source files by their stat (size, modification and change times, inode), kept
 * beside the facts packs, so that a warm start need not read and hash a file the disk says is
 * unchanged: reading and hashing every file was a third of a TS/JS warm start. Git's index and
 * Ruff's cache trust the same fields.
 *
 * A stamp can only vouch for the text it was recorded with when no later write kept every field
 * equal. A write changes the modification time, unless it lands in the same tick of the file
 * system's clock as the write before it (a second on some file systems, two on FAT): so, as git does
 * with "racily clean" entries, a file modified within RACY_WINDOW_MS of the scan's start gets no
 * stamp and is read again next time. A file whose times were set back by hand (`touch -d`) still
 * changes its change time, which no user can set.
 *
 * A stamp's hash is only worth trusting while the facts packs hold facts under it, so the stamps
 * are written after the packs and with their stats: a pack written since by another process,
 * replaced or deleted makes every stamp void, and every file is read again (a hash the pack lost
 * anyway costs that one file a synchronous extraction: see DeferredFacts).
 *
 * One JSON file per cache folder, written atomically; an unreadable or foreign file is no stamps
 * (logged), never an error: every file is then read, as on a first start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceFile } from './replace-file';

const FILE_NAME = 'file-stamps-v1.json';
const FORMAT = 'forkguard-file-stamps-1';
/** Writes this close to a scan's start may share the file system's clock tick with a later one. */
export const RACY_WINDOW_MS = 3000;

/** The stat fields a stamp compares (fs.Stats has them all). */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** [size, mtimeMs, ctimeMs, ino, content hash] */
type Stamp = [number, number, number, number, string];
/** A facts pack's [size, mtimeMs] when the stamps were written, null when it did not exist. */
type PackStat = [number, number] | null;

interface StoredStamps {
  format: string;
  packs: Record<string, PackStat>;
  stamps: Record<string, Stamp>;
}

export class FileStamps {
  private stored = new Map<string, Stamp>();
  private loading: Promise<void> | undefined;
  /** The stats of the current scan's files, and when the scan took them (see beginScan). */
  private current: ReadonlyMap<string, FileStat> = new Map();
  private scanStartedAt = 0;
  private scanned = false;
  /** The packs as the stored stamps were written with (or as they are, once loaded). */
  private packStats: Record<string, PackStat> = {};
  private dirty = false;
  /** The write in progress, if any: a flush during it writes after it. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string | null,
    private readonly log: (message: string) => void,
  ) {}

  private get file(): string | null {
    return this.dir === null ? null : path.join(this.dir, FILE_NAME);
  }

  /** Reads the stored stamps (once), void unless `packs` are as they were written with. Never rejects. */
  load(packs: (string | null)[]): Promise<void> {
    this.loading ??= this.read(packs);
    return this.loading;
  }

  /**
   * A scan stat'ed these files (every file it will index from disk), starting at `startedAt`
   * (Date.now()). Stamps of other files are dropped on the next flush: they were deleted or excluded.
   */
  beginScan(stats: ReadonlyMap<string, FileStat>, startedAt: number): void {
    this.current = stats;
    this.scanStartedAt = startedAt;
    this.scanned = true;
  }

  /** True when no stamp was stored (none written yet, or void: see load). */
  isEmpty(): boolean {
    return this.stored.size === 0;
  }

  /** The content hash recorded for the file, when its stat in this scan equals the stamp's. Call after load(). */
  hashOf(file: string): string | undefined {
    const stamp = this.stored.get(file);
    const stat = this.current.get(file);
    if (!stamp || !stat) return undefined;
    const [size, mtimeMs, ctimeMs, ino, hash] = stamp;
    return stat.size === size && stat.mtimeMs === mtimeMs && stat.ctimeMs === ctimeMs && stat.ino === ino ? hash : undefined;
  }

  /** The file's text hashed to `hash` in this scan: stamp it, unless it was written too recently to tell. */
  record(file: string, hash: string): void {
    const stat = this.current.get(file);
    if (!stat || stat.mtimeMs >= this.scanStartedAt - RACY_WINDOW_MS) {
      if (this.stored.delete(file)) this.dirty = true;
      return;
    }
    const previous = this.stored.get(file);
    const stamp: Stamp = [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, hash];
    if (previous && previous.every((field, i) => field === stamp[i])) return;
    this.stored.set(file, stamp);
    this.dirty = true;
  }

  /**
   * Writes the stamps when they or the packs changed (temp file + rename), with the stats of the
   * packs, which must be written already. Never rejects: a failure is logged.
   */
  flush(packs: (string | null)[]): Promise<void> {
    this.writing = this.writing.then(() => this.write(packs));
    return this.writing;
  }

  private async write(packs: (string | null)[]): Promise<void> {
    const file = this.file;
    if (!file || !this.scanned) return;
    const packStats = await statPacks(packs);
    if (JSON.stringify(packStats) !== JSON.stringify(this.packStats)) this.dirty = true;
    this.packStats = packStats;
    for (const stamped of this.stored.keys()) {
      if (!this.current.has(stamped)) {
        this.stored.delete(stamped);
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    this.dirty = false;
    const stored: StoredStamps = { format: FORMAT, packs: packStats, stamps: Object.fromEntries(this.stored) };
    try {
      await replaceFile(file, (temp) => fs.promises.writeFile(temp, JSON.stringify(stored)));
    } catch (error) {
      this.log(`cannot write the file stamps ${file} (${(error as Error).message})`);
    }
  }

  private async read(packs: (string | null)[]): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.packStats = await statPacks(packs);
    let stored: StoredStamps;
    try {
      stored = JSON.parse(await fs.promises.readFile(file, 'utf8')) as StoredStamps;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`ignoring the file stamps ${file} (${(error as Error).message})`);
      return;
    }
    if (stored?.format !== FORMAT || typeof stored.stamps !== 'object' || stored.stamps === null) {
      this.log(`ignoring the file stamps ${file} (unexpected content)`);
      return;
    }
    // Another process wrote a pack since (or it is gone): the hashes may not be in it.
    if (JSON.stringify(stored.packs) !== JSON.stringify(this.packStats)) return;
    for (const [name, stamp] of Object.entries(stored.stamps)) if (isStamp(stamp)) this.stored.set(name, stamp);
  }
}

async function statPacks(packs: (string | null)[]): Promise<Record<string, PackStat>> {
  const stats: Record<string, PackStat> = {};
  for (const pack of packs) {
    if (pack === null) continue;
    const stat = await fs.promises.stat(pack).catch(() => undefined);
    stats[path.basename(pack)] = stat ? [stat.size, stat.mtimeMs] : null;
  }
  return stats;
}

function isStamp(value: unknown): value is Stamp {
  return Array.isArray(value) && value.length === 5 && value.slice(0, 4).every((field) => typeof field === 'number') && typeof value[4] === 'string';
}
