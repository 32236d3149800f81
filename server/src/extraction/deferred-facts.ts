/**
 * Facts a scan found in the on-disk cache but has not decoded: decoding every file's facts costs
 * about as much as the rest of a warm start together, and a start whose findings come from the
 * results cache (engine/results-cache.ts) may never need them. They are decoded when first needed,
 * all at once (`takeAll`, for a program about to be read) or in slices that yield to the event loop
 * (`takeInSlices`, before an analysis), and handed to `onFacts` as the scan would have.
 *
 * A file's newer facts (an edit, a refresh from disk) or its removal must `forget` it first, so a
 * later decode never overwrites them with the cached version.
 */
import type { PackedFactsCache } from './facts-cache';

/** Longest stretch of decoding between two yields to the event loop. */
const SLICE_MS = 8;

export class DeferredFacts<Facts> {
  /** File -> content hash of the cached facts. */
  private readonly pending = new Map<string, string>();

  /**
   * `extractFromDisk`: facts and hash of a file read again from the disk, for an entry the cache
   * cannot decode after all (corrupt); undefined when the file cannot be read.
   */
  constructor(
    private readonly cache: PackedFactsCache<Facts>,
    private readonly onFacts: (file: string, facts: Facts, hash: string) => void,
    private readonly extractFromDisk: (file: string) => { facts: Facts; hash: string } | undefined,
  ) {}

  defer(file: string, hash: string): void {
    this.pending.set(file, hash);
  }

  forget(file: string): void {
    this.pending.delete(file);
  }

  has(file: string): boolean {
    return this.pending.has(file);
  }

  hashOf(file: string): string | undefined {
    return this.pending.get(file);
  }

  count(): number {
    return this.pending.size;
  }

  files(): IterableIterator<string> {
    return this.pending.keys();
  }

  /** Decodes one file's facts now, when it is deferred. */
  take(file: string): void {
    const hash = this.pending.get(file);
    if (hash === undefined) return;
    this.pending.delete(file);
    const facts = this.cache.get(hash);
    if (facts !== undefined) {
      this.onFacts(file, facts, hash);
      return;
    }
    const extracted = this.extractFromDisk(file);
    if (extracted) this.onFacts(file, extracted.facts, extracted.hash);
  }

  takeAll(): void {
    if (this.pending.size === 0) return;
    for (const file of [...this.pending.keys()]) this.take(file);
    this.cache.endOfBulkDecode();
  }

  /** Decodes everything, yielding to the event loop every few milliseconds; stops early when `stop()` says so. */
  async takeInSlices(stop: () => boolean = () => false): Promise<void> {
    if (this.pending.size === 0) return;
    await this.cache.preload(); // unzipped off the main thread, not by the first take()
    if (stop()) return;
    let sliceStart = performance.now();
    for (const file of [...this.pending.keys()]) {
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (stop()) return;
        sliceStart = performance.now();
      }
      this.take(file);
    }
    this.cache.endOfBulkDecode();
  }
}
