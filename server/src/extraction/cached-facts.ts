/**
 * The facts of a scan's files, for any language: from the on-disk cache by content hash, else
 * extracted (the language's pool) and then cached, the workers' encoded form stored as it is.
 */
import type { PackedFactsCache } from './facts-cache';
import type { ScanFile } from './scan-protocol';

export interface FactsSource<Facts> {
  cache: PackedFactsCache<Facts>;
  /** Cache key of a file's text. */
  hashOf(file: ScanFile): string;
  /** Facts of the files the cache does not have (the language's extraction pool). */
  extract(files: ScanFile[], options: FactsExtractionOptions): Promise<Map<string, Facts>>;
}

export interface FactsExtractionOptions {
  /** Receives each file's encoded facts as a worker sent them (see worker-pool.ts). */
  encoded: Map<string, string>;
  token?: { isCancellationRequested: boolean };
  /** Files extracted so far. */
  onProgress: (done: number) => void;
}

/**
 * A file of a scan: its text, or only its content hash when the file stamps vouch that it is
 * unchanged (engine/read-sources.ts). A file known only by its hash is always deferred:
 * DeferredFacts reads it from disk should the cache not have its facts after all.
 */
export type ScanInput = ScanFile | { path: string; hash: string; text?: undefined };

export interface CachedFactsOptions {
  token?: { isCancellationRequested: boolean };
  /**
   * When given, a cache hit is handed here with its hash, not decoded: the caller decodes it when
   * the facts are first needed (see deferred-facts.ts). Extracted files still go to `use`. Needed
   * when some files are known only by their hash.
   */
  deferCached?: (file: string, hash: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** Each file given facts (deferred or not), with the content hash they are under. */
  onIndexed?: (file: string, hash: string) => void;
}

/**
 * Hands each file's facts and content hash to `use` (cache hits first, then extracted files); a file whose
 * extraction was cancelled gets none. Writing the cache is the caller's (`cache.flush()`): it can
 * then run beside what the caller does next.
 */
export async function useCachedOrExtractedFacts<Facts>(
  files: ScanInput[],
  source: FactsSource<Facts>,
  use: (file: string, facts: Facts, hash: string) => void,
  options: CachedFactsOptions = {},
): Promise<void> {
  // Files known by their hash need no pack: a warm start does not wait for it to unzip.
  if (files.some((file) => file.text !== undefined)) await source.cache.preload();
  const toExtract: (ScanFile & { hash: string })[] = [];
  let done = 0;
  const indexed = (file: string, hash: string): void => {
    options.onIndexed?.(file, hash);
    options.onProgress?.(++done, files.length);
  };
  const deferred = (file: string, hash: string): void => {
    options.deferCached!(file, hash);
    indexed(file, hash);
  };
  for (const file of files) {
    if (file.text === undefined) {
      if (!options.deferCached) throw new Error(`${file.path} is known only by its hash: useCachedOrExtractedFacts needs deferCached`);
      source.cache.keep(file.hash);
      deferred(file.path, file.hash);
      continue;
    }
    const hash = source.hashOf(file);
    if (options.deferCached && source.cache.has(hash)) {
      deferred(file.path, hash);
      continue;
    }
    const cached = options.deferCached ? undefined : source.cache.get(hash);
    if (cached) {
      use(file.path, cached, hash);
      indexed(file.path, hash);
    } else toExtract.push({ ...file, hash });
  }
  if (options.token?.isCancellationRequested || toExtract.length === 0) return;

  const encoded = new Map<string, string>();
  const extracted = await source.extract(toExtract, {
    encoded,
    token: options.token,
    onProgress: (n) => options.onProgress?.(done + n, files.length),
  });
  for (const { path: file, hash } of toExtract) {
    const facts = extracted.get(file);
    if (!facts) continue;
    source.cache.put(hash, facts, encoded.get(file));
    use(file, facts, hash);
    options.onIndexed?.(file, hash);
  }
  source.cache.endOfBulkDecode();
}
