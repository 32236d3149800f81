/**
 * The TS/JS half of the Workspace: the TsProgram the TS checkers read, filled from the disk (facts
 * from the on-disk cache by content hash, else extracted), and the package.json files above the
 * TS/JS files (their dependency names: fixes use a library only when the package depends on it).
 *
 * TypeScript itself (the front end) is loaded only when a file must be extracted: a workspace
 * without TS/JS files, or whose facts all come from the cache, never loads it.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { useCachedOrExtractedFacts, type FactsSource } from '../extraction/cached-facts';
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
}

/** A package.json larger than this is not read (it is not a real manifest). */
const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

export class TsFileIndex {
  readonly program = new TsProgram();
  private readonly cache: TsFactsCache;
  /** Folders whose package.json was looked for, under the roots. */
  private readonly checkedDirs = new Set<string>();

  constructor(
    cacheDir: string | null,
    private readonly log: (message: string) => void,
  ) {
    this.cache = new TsFactsCache(cacheDir, log);
  }

  /**
   * Indexes `texts` (files read from disk; files open in the editor are not among them) and drops
   * facts of files no longer present (`present` holds every TS/JS file of the scan, open or not).
   */
  async scan(texts: { path: string; text: string }[], present: ReadonlySet<string>, roots: string[], options: TsScanOptions): Promise<void> {
    for (const known of this.program.files()) if (!present.has(known)) this.program.removeFile(known);
    this.checkedDirs.clear();
    await this.readPackageJsons([...present], roots);
    const tsFacts: FactsSource<TsFacts> = {
      cache: this.cache,
      hashOf: (file) => TsFactsCache.hash(file.text, file.path),
      extract: (toExtract, extraction) => extractTsMany(toExtract, { ...extraction, threads: options.threads, log: this.log }),
    };
    await useCachedOrExtractedFacts(texts, tsFacts, (file, facts) => this.program.setFile(file, facts), options);
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
    this.program.setFile(file, facts);
    await this.readPackageJsons([file], roots);
  }

  /** Facts of an open document (extracted by its TsDocument). */
  setFacts(file: string, facts: TsFacts): void {
    this.program.setFile(file, facts);
  }

  remove(file: string): void {
    this.program.removeFile(file);
  }

  /** A package.json changed, appeared or vanished on disk. */
  async refreshPackageJson(file: string): Promise<void> {
    const dir = path.dirname(file);
    this.checkedDirs.add(dir);
    this.program.setPackageJson(dir, await readDependencies(file, this.log));
  }

  /** A package.json was deleted. */
  forgetPackageJson(file: string): void {
    this.program.setPackageJson(path.dirname(file), undefined);
  }

  flush(): Promise<void> {
    return this.cache.flush();
  }

  /** Reads the package.json of every folder from each file up to its root, once per folder. */
  private async readPackageJsons(files: string[], roots: string[]): Promise<void> {
    for (const file of files) {
      const root = roots.find((candidate) => file.startsWith(candidate + path.sep));
      if (!root) continue;
      for (let dir = path.dirname(file); dir.length >= root.length; dir = path.dirname(dir)) {
        if (this.checkedDirs.has(dir)) break; // checked with everything above it
        this.checkedDirs.add(dir);
        this.program.setPackageJson(dir, await readDependencies(path.join(dir, 'package.json'), this.log));
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
