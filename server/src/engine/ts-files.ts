/**
 * The TS/JS half of the Workspace: the TsProgram the TS checkers read, filled from the disk (facts
 * from the on-disk cache by content hash, else extracted), and the package.json files above the
 * TS/JS files (their dependency names: fixes use a library only when the package depends on it).
 *
 * TypeScript itself (the front end) is loaded only when a file must be extracted: a workspace
 * without TS/JS files, or whose facts all come from the cache, never loads it.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { useCachedOrExtractedFacts, type FactsSource, type ScanInput } from '../extraction/cached-facts';
import { DeferredFacts } from '../extraction/deferred-facts';
import type { CancellationToken } from '../model';
import { TsFactsCache } from '../typescript/facts-cache';
import type { TsFacts } from '../typescript/facts';
import { loadTsFrontend } from '../typescript/load';
import { TsProgram } from '../typescript/program';
import { extractTsMany } from '../typescript/scan-pool';

export interface TsScanOptions {
  threads: number;
  token?: CancellationToken;
  onProgress?: (done: number, total: number) => void;
  /** Each file indexed by the scan, with the content hash its facts are under. */
  onIndexed?: (file: string, hash: string) => void;
}

/** A package.json larger than this is not read (it is not a real manifest). */
const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

export class TsFileIndex {
  private readonly tsProgram = new TsProgram();
  private readonly cache: TsFactsCache;
  /** Files whose facts are in the cache but not decoded yet (see deferred-facts.ts). */
  private readonly deferred: DeferredFacts<TsFacts>;
  /** Folders whose package.json was looked for, under the roots. */
  private readonly checkedDirs = new Set<string>();
  /** Content hash of each file indexed from the disk (open documents are hashed by the workspace). */
  private readonly hashes = new Map<string, string>();

  constructor(
    cacheDir: string | null,
    private readonly log: (message: string) => void,
  ) {
    this.cache = new TsFactsCache(cacheDir, log);
    this.deferred = new DeferredFacts(this.cache, (file, facts, hash) => this.setFacts(file, facts, hash), (file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      const hash = TsFactsCache.hash(text, file);
      const facts = loadTsFrontend().extractTsFacts(text, file, { log: this.log });
      this.cache.put(hash, facts);
      return { facts, hash };
    });
  }

  /** The program, with every file's facts. */
  get program(): TsProgram {
    this.deferred.takeAll();
    return this.tsProgram;
  }

  /** The indexed files (their facts decoded or not), unsorted. */
  files(): string[] {
    return [...this.tsProgram.files(), ...this.deferred.files()];
  }

  /** How many files `files()` lists, without listing them. */
  fileCount(): number {
    return this.tsProgram.fileCount() + this.deferred.count();
  }

  /** One file's facts (decoding only its own when deferred). */
  facts(file: string): TsFacts | undefined {
    this.deferred.take(file);
    return this.tsProgram.facts(file);
  }

  /** See TsProgram.packagesText (no facts decoded). */
  packagesText(): string {
    return this.tsProgram.packagesText();
  }

  /** See Workspace.decodeDeferredFacts. */
  decodeDeferredFacts(stop: () => boolean): Promise<void> {
    return this.deferred.takeInSlices(stop);
  }

  /**
   * Indexes `texts` (files read from disk; files open in the editor are not among them) and drops
   * facts of files no longer present (`present` holds every TS/JS file of the scan, open or not).
   */
  async scan(texts: ScanInput[], present: ReadonlySet<string>, roots: string[], options: TsScanOptions): Promise<void> {
    for (const known of this.files()) if (!present.has(known)) this.remove(known);
    this.checkedDirs.clear();
    await this.readPackageJsons([...present], roots);
    const tsFacts: FactsSource<TsFacts> = {
      cache: this.cache,
      hashOf: (file) => TsFactsCache.hash(file.text, file.path),
      extract: (toExtract, extraction) => extractTsMany(toExtract, { ...extraction, threads: options.threads, log: this.log }),
    };
    await useCachedOrExtractedFacts(texts, tsFacts, (file, facts, hash) => this.setFacts(file, facts, hash), {
      ...options,
      deferCached: (file, hash) => this.deferred.defer(file, hash),
    });
  }

  /** The content hash of a file indexed from the disk (see TsFactsCache.hash). */
  contentHash(file: string): string | undefined {
    return this.hashes.get(file) ?? this.deferred.hashOf(file);
  }

  /** Starts unzipping the facts pack in the background (a scan awaits it before reading the cache). */
  preloadCache(): Promise<void> {
    return this.cache.preload();
  }

  /** A file read again from disk (watcher event, closed document). */
  async refresh(file: string, text: string, roots: string[]): Promise<void> {
    const hash = TsFactsCache.hash(text, file);
    let facts = this.cache.get(hash);
    if (!facts) {
      facts = loadTsFrontend().extractTsFacts(text, file, { log: this.log });
      this.cache.put(hash, facts);
    }
    this.setFacts(file, facts, hash);
    await this.readPackageJsons([file], roots);
  }

  /** Facts of a file: of an open document (extracted by its TsDocument) when `hash` is undefined. */
  setFacts(file: string, facts: TsFacts, hash?: string): void {
    this.deferred.forget(file);
    if (hash === undefined) this.hashes.delete(file);
    else this.hashes.set(file, hash);
    this.tsProgram.setFile(file, facts);
  }

  remove(file: string): void {
    this.deferred.forget(file);
    this.hashes.delete(file);
    this.tsProgram.removeFile(file);
  }

  /** A package.json changed, appeared or vanished on disk. */
  async refreshPackageJson(file: string): Promise<void> {
    const dir = path.dirname(file);
    this.checkedDirs.add(dir);
    this.tsProgram.setPackageJson(dir, await readDependencies(file, this.log));
  }

  /** A package.json was deleted. */
  forgetPackageJson(file: string): void {
    this.tsProgram.setPackageJson(path.dirname(file), undefined);
  }

  flush(): Promise<void> {
    return this.cache.flush();
  }

  /** The facts pack's path (null without a cache folder). */
  get packFile(): string | null {
    return this.cache.packFile;
  }

  /** Reads the package.json of every folder from each file up to its root, once per folder. */
  private async readPackageJsons(files: string[], roots: string[]): Promise<void> {
    for (const file of files) {
      const root = roots.find((candidate) => file.startsWith(candidate + path.sep));
      if (!root) continue;
      for (let dir = path.dirname(file); dir.length >= root.length; dir = path.dirname(dir)) {
        if (this.checkedDirs.has(dir)) break; // checked with everything above it
        this.checkedDirs.add(dir);
        this.tsProgram.setPackageJson(dir, await readDependencies(path.join(dir, 'package.json'), this.log));
        if (dir === root) break;
      }
    }
  }
}

/** Dependency names of a package.json (JSON.parse only: nothing is executed); undefined when there is none. */
async function readDependencies(file: string, log: (message: string) => void): Promise<ReadonlySet<string> | undefined> {
  let text: string;
  try {
    const stat = await fsp.stat(file);
    if (!stat.isFile() || stat.size > MAX_PACKAGE_JSON_BYTES) return undefined;
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    const names = new Set<string>();
    for (const field of DEPENDENCY_FIELDS) {
      const entries = manifest?.[field];
      if (entries && typeof entries === 'object' && !Array.isArray(entries)) for (const name of Object.keys(entries)) names.add(name);
    }
    return names;
  } catch (error) {
    log(`ignoring ${file}: not valid JSON (${(error as Error).message})`);
    return new Set();
  }
}
