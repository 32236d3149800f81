/**
 * The Workspace: every source file of the roots with its facts, the open documents, the
 * configuration, and the program model built from them. `analyze` (engine/analyze.ts) runs the
 * rules over it. Adapters drive it: the LSP server with editor events, the CLI with one scan.
 */
import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Notice } from '../model';
import type { ForkGuardConfig } from '../model/config';
import { useCachedOrExtractedFacts, type FactsSource } from '../extraction/cached-facts';
import { DeferredFacts } from '../extraction/deferred-facts';
import { FileStamps } from '../extraction/file-stamps';
import { PyProgram } from '../python/program';
import { PythonDocument } from '../python/document';
import { FactsCache } from '../python/facts-cache';
import { extractMany } from '../python/scan-pool';
import { extractFactsFromText, extractFactsSync } from '../python/extract';
import { initPython } from '../python/parser';
import type { PyFacts } from '../python/facts';
import { RULES } from '../rules';
import type { TsFacts } from '../typescript/facts';
import { TsDocument } from '../typescript/document';
import { isTsSourceFile, TS_EXTENSIONS } from '../typescript/files';
import { setTsFrontendCodeCache } from '../typescript/load';
import type { TsProgram } from '../typescript/program';
import { MIN_FILES_PER_WORKER } from '../typescript/scan-pool';
import type { ScanOptions, TextChange, WorkspaceOptions } from './api';
import { loadConfig } from './config';
import { createPathFilter, discoverFiles } from './discover';
import { readSources } from './read-sources';
import { CONFIG_FILE_EXTENSIONS, isServiceConfigFile, MAX_CONFIG_FILE_BYTES } from './config-files';
import { TsFileIndex } from './ts-files';
import { engineId, Fingerprint, ResultsCache } from './results-cache';
import { TsFactsCache } from '../typescript/facts-cache';
import type { Finding } from '../model';

/** Files above this size are skipped (with a notice): generated code, vendored bundles. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** A running server stores its findings at most this often (the results cache is for the next start). */
const RESULTS_SAVE_INTERVAL_MS = 30_000;
/** Below this many files to parse, worker start-up (~100 ms each, WASM load) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 48;
const PYTHON_EXTENSIONS = ['.py'];

interface OpenDocument {
  /** A Python document keeps its tree for incremental reparses; a TS/JS one re-extracts the file. */
  document: PythonDocument | TsDocument;
  version: number;
}

/** The user's ForkGuard cache folder (XDG): the TypeScript code cache, and each workspace's facts below it. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'forkguard');
}

/**
 * Where a workspace's facts packs go by default: one folder per set of roots, so a warm start
 * reads the facts of its own files, not of every project the CLI ever checked.
 */
export function defaultFactsCacheDir(roots: readonly string[]): string {
  const key = createHash('sha1').update([...roots].sort().join('\0')).digest('hex').slice(0, 16);
  return path.join(defaultCacheDir(), 'workspaces', key);
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export class Workspace {
  /** The effective configuration (defaults < editor settings < project file). */
  config!: ForkGuardConfig;
  readonly roots: string[];
  private pyProgram!: PyProgram;

  private configNotices: Notice[] = [];
  private skippedNotices = new Map<string, Notice>();
  private pathFilter!: { isExcluded(file: string): boolean };
  private readonly openDocuments = new Map<string, OpenDocument>();
  /** Service config files (`*.conf`, `*.ini`) of the roots: path -> text (rules read settings from them). */
  private readonly serviceConfigs = new Map<string, string>();
  private readonly cache: FactsCache;
  /** Content hash (FactsCache.hash) of each Python file indexed from the disk; open documents are hashed when needed. */
  private readonly pythonHashes = new Map<string, string>();
  private readonly results: ResultsCache;
  /** Content hashes of unchanged files by their stat, so that a warm start reads none of them. */
  private readonly stamps: FileStamps;
  /** Python files whose facts are in the cache but not decoded yet (see deferred-facts.ts). */
  private readonly deferredPython: DeferredFacts<PyFacts>;
  /** Whether `storedFindings` was asked already: only a workspace's first analysis may reuse stored findings. */
  private storedFindingsAsked = false;
  private lastResultsSave = 0;
  /** The facts cache write the last scan began (see cacheWritten). */
  private cacheWrite: Promise<void> = Promise.resolve();
  /** The TS/JS files: their program, facts cache and package.json files. */
  private readonly ts: TsFileIndex;
  private readonly log: (message: string) => void;

  protected constructor(readonly options: WorkspaceOptions) {
    this.roots = options.roots.map((root) => path.resolve(root));
    this.log = options.log ?? (() => undefined);
    const cacheDir = options.cacheDir === undefined ? defaultFactsCacheDir(this.roots) : options.cacheDir;
    this.cache = new FactsCache(cacheDir, this.log);
    this.results = new ResultsCache(cacheDir, this.log);
    this.stamps = new FileStamps(cacheDir, this.log);
    this.deferredPython = new DeferredFacts(this.cache, (file, facts, hash) => this.setPythonFacts(file, facts, hash), (file) => {
      const text = readTextOrUndefined(file);
      if (text === undefined) return undefined;
      const hash = FactsCache.hash(text);
      const facts = extractFactsSync(text);
      this.cache.put(hash, facts);
      return { facts, hash };
    });
    this.ts = new TsFileIndex(cacheDir, this.log);
    // TypeScript compiles ~4x faster from V8's code cache: one for every workspace of the default folder.
    setTsFrontendCodeCache(options.cacheDir === undefined ? defaultCacheDir() : cacheDir, this.log);
  }

  /** The Python program model the rules read (rebuilt when the catalog extensions change), with every file's facts. */
  get program(): PyProgram {
    this.deferredPython.takeAll();
    return this.pyProgram;
  }

  /** The TS/JS program model the rules' TypeScript checkers read. */
  get tsProgram(): TsProgram {
    return this.ts.program;
  }

  /**
   * Decodes the facts a scan left in the cache undecoded, yielding to the event loop between
   * slices, so that reading `program` and `tsProgram` afterwards does not block for long.
   */
  async decodeDeferredFacts(token?: { isCancellationRequested: boolean }): Promise<void> {
    const cancelled = (): boolean => token?.isCancellationRequested === true;
    await this.deferredPython.takeInSlices(cancelled);
    if (!cancelled()) await this.ts.decodeDeferredFacts(cancelled);
  }

  /** Creates a workspace and loads its configuration (config problems become notices). */
  static async create(options: WorkspaceOptions): Promise<Workspace> {
    // Documents may be opened before the first scan: the parser must be ready for them.
    await initPython();
    const workspace = new Workspace(options);
    await workspace.reloadConfig(options.editorSettings);
    return workspace;
  }

  /** Re-reads the configuration (project files changed, or new editor settings). */
  async reloadConfig(editorSettings: Partial<ForkGuardConfig> | undefined = this.options.editorSettings): Promise<void> {
    this.options.editorSettings = editorSettings;
    const { config, notices } = await loadConfig({
      roots: this.roots,
      configFile: this.options.configFile,
      editorSettings,
      restricted: this.options.restricted,
      knownRules: knownRuleIds(),
    });
    const catalogChanged = !this.config || catalogKey(this.config) !== catalogKey(config);
    this.config = config;
    this.configNotices = notices;
    this.pathFilter = createPathFilter(this.roots, config.exclude);
    if (catalogChanged) this.rebuildProgram();
  }

  /** Discovers and indexes every source file of the roots (cached facts when unchanged). */
  async scan(options: ScanOptions = {}): Promise<void> {
    // Without stamps every file is read and looked up in the packs: they unzip (in libuv's pool)
    // while files are discovered and read. With stamps a warm start reads neither files nor packs.
    const stampsLoaded = this.stamps.load(this.packFiles()).then(() => {
      if (this.stamps.isEmpty()) this.preloadPacks();
    });
    const startedAt = Date.now();
    const { files, skipped, stats } = await discoverFiles({
      roots: this.roots,
      exclude: this.config.exclude,
      extensions: [...PYTHON_EXTENSIONS, ...TS_EXTENSIONS, ...CONFIG_FILE_EXTENSIONS],
      maxFileBytes: MAX_FILE_BYTES,
      token: options.token,
      log: this.log,
    });
    this.skippedNotices.clear();
    // discoverFiles has logged each of these already: one log line per skipped file, not two.
    for (const { file, reason } of skipped) this.noteSkipped(file, reason, { logged: true });
    const configFiles = files.filter(isServiceConfigFile);
    this.serviceConfigs.clear();
    await this.readServiceConfigs(configFiles);
    const tsFiles = files.filter(isTsSourceFile);
    const pythonFiles = files.filter((file) => PYTHON_EXTENSIONS.includes(path.extname(file)));
    if (pythonFiles.length === 0 && tsFiles.length === 0 && configFiles.length === 0 && this.config.exclude.length > 0) {
      this.configNotices.push({ level: 'info', message: `no source files left after the exclude patterns ${JSON.stringify(this.config.exclude)}` });
    }

    const present = new Set(pythonFiles);
    for (const known of [...this.pyProgram.files(), ...this.deferredPython.files()]) {
      if (!present.has(known) && !this.openDocuments.has(known)) this.forgetPythonFile(known);
    }

    await stampsLoaded;
    this.stamps.beginScan(stats, startedAt);
    const fromDisk = (list: string[]): string[] => list.filter((file) => !this.openDocuments.has(file));
    const readOptions = {
      stampedHash: (file: string) => this.stamps.hashOf(file),
      onError: (file: string, error: string) => this.noteSkipped(file, `unreadable (${error})`),
    };
    const texts = await readSources(fromDisk(pythonFiles), readOptions);
    const tsTexts = await readSources(fromDisk(tsFiles), readOptions);
    const unread = [...texts, ...tsTexts].filter((input) => input.text === undefined).length;
    if (unread > 0) this.log(`${unread} of ${texts.length + tsTexts.length} files unchanged since the last scan by their stamps: not read`);
    const stamp = (file: string, hash: string): void => this.stamps.record(file, hash);
    const pythonProgress = options.onProgress;
    // One progress count over both languages: Python files first, then TS/JS ones.
    options = { ...options, onProgress: pythonProgress && ((done, total) => pythonProgress(done, total + tsTexts.length)) };
    const pythonFacts: FactsSource<PyFacts> = {
      cache: this.cache,
      hashOf: (file) => FactsCache.hash(file.text),
      extract: (toExtract, extraction) =>
        extractMany(toExtract, { ...extraction, threads: toExtract.length >= MIN_FILES_FOR_WORKERS ? (this.options.threads ?? defaultThreads()) : 0 }),
    };
    await useCachedOrExtractedFacts(texts, pythonFacts, (file, facts, hash) => this.setPythonFacts(file, facts, hash), {
      ...options,
      deferCached: (file, hash) => this.deferredPython.defer(file, hash),
      onIndexed: stamp,
    });
    if (!options.token?.isCancellationRequested) {
      const tsThreads = tsTexts.length >= 2 * MIN_FILES_PER_WORKER ? (this.options.threads ?? defaultThreads()) : 0;
      await this.ts.scan(tsTexts, new Set(tsFiles), this.roots, {
        threads: tsThreads,
        token: options.token,
        onProgress: pythonProgress && ((done, total) => pythonProgress(texts.length + done, texts.length + total)),
        onIndexed: stamp,
      });
    }
    // Not awaited: the packs are compressed in libuv's pool, on a core the analysis that follows
    // leaves idle (a cold scan's worker threads have exited). Cancelled or not, as before.
    this.cacheWrite = this.writeCaches();
    // What the scan deferred is decoded at the first analysis that needs the program (an edit):
    // the packs unzip now, in the background, instead of then.
    this.preloadPacks();
  }

  /** Writes the facts packs, then the file stamps, which record the packs they vouch with. Never rejects. */
  private async writeCaches(): Promise<void> {
    await Promise.all([this.cache.flush(), this.ts.flush()]);
    await this.stamps.flush(this.packFiles());
  }

  private preloadPacks(): void {
    void this.cache.preload();
    void this.ts.preloadCache();
  }

  private packFiles(): (string | null)[] {
    return [this.cache.packFile, this.ts.packFile];
  }

  /**
   * Resolves once the facts caches the last scan began writing are on disk (a write never fails:
   * an unwritable cache is logged and disabled). `analyze` awaits it, so that a process may exit,
   * or a second workspace start warm on the same cache folder, once an analysis is done.
   */
  cacheWritten(): Promise<void> {
    return this.cacheWrite;
  }

  /** Absolute paths of the indexed source files (Python and TS/JS), sorted. */
  files(): string[] {
    return [...this.pyProgram.files(), ...this.deferredPython.files(), ...this.ts.files()].sort();
  }

  /** How many files `files()` lists, without listing them. */
  fileCount(): number {
    return this.pyProgram.fileCount() + this.deferredPython.count() + this.ts.fileCount();
  }

  /** Service config files (`*.conf`, `*.ini`) of the roots and their text, by absolute path. */
  configFiles(): ReadonlyMap<string, string> {
    return this.serviceConfigs;
  }

  /** Config problems, skipped files, and other messages for the user, current as of now. */
  notices(): Notice[] {
    return [...this.configNotices, ...this.skippedNotices.values()];
  }

  /** True when the file is a source file of this workspace that the configuration does not exclude. */
  isIncluded(file: string): boolean {
    if (!PYTHON_EXTENSIONS.includes(path.extname(file)) && !isTsSourceFile(file) && !isServiceConfigFile(file)) return false;
    const inRoot = this.roots.some((root) => file === root || file.startsWith(root + path.sep));
    return inRoot && !this.pathFilter.isExcluded(file);
  }

  /** An editor opened the file: its text now comes from the editor, not the disk. */
  openDocument(file: string, text: string, version: number): void {
    if (!this.isIncluded(file) || isServiceConfigFile(file)) return;
    this.openDocuments.get(file)?.document.dispose();
    const document = isTsSourceFile(file)
      ? new TsDocument(text, file, { maxBytes: MAX_FILE_BYTES, log: this.log })
      : new PythonDocument(text, { maxBytes: MAX_FILE_BYTES });
    this.openDocuments.set(file, { document, version });
    this.setDocumentFacts(file, document);
    this.noteOpenDocumentSize(file, document);
  }

  /** Applies LSP-style changes (incremental or full) to an open document. */
  changeDocument(file: string, version: number, changes: TextChange[]): void {
    const open = this.openDocuments.get(file);
    if (!open) return;
    const wasTooLarge = open.document.tooLargeBytes !== undefined;
    open.document.update(changes);
    open.version = version;
    this.setDocumentFacts(file, open.document);
    if (wasTooLarge !== (open.document.tooLargeBytes !== undefined)) this.noteOpenDocumentSize(file, open.document);
  }

  /** The editor closed the file: its text comes from the disk again. */
  async closeDocument(file: string): Promise<void> {
    const open = this.openDocuments.get(file);
    if (!open) return;
    this.openDocuments.delete(file);
    open.document.dispose();
    await this.refreshFile(file);
  }

  /** Version of an open document, undefined when it is not open. */
  documentVersion(file: string): number | undefined {
    return this.openDocuments.get(file)?.version;
  }

  /** The text of a file as the engine sees it (open document, else disk), or undefined. */
  text(file: string): string | undefined {
    const open = this.openDocuments.get(file);
    if (open) return open.document.text;
    const config = this.serviceConfigs.get(file);
    if (config !== undefined) return config;
    return readTextOrUndefined(file);
  }

  /** The facts of a file, when it is indexed. */
  facts(file: string): PyFacts | undefined {
    this.deferredPython.take(file);
    return this.pyProgram.facts(file);
  }

  /** The facts of a TS/JS file, when it is indexed. */
  tsFacts(file: string): TsFacts | undefined {
    return this.ts.facts(file);
  }

  /** A file changed or appeared on disk (watcher event, branch switch). */
  async refreshFile(file: string): Promise<void> {
    if (this.openDocuments.has(file)) return; // the editor's text wins until the document closes
    if (path.basename(file) === 'package.json') {
      if (this.roots.some((root) => file.startsWith(root + path.sep)) && !this.pathFilter.isExcluded(file)) await this.ts.refreshPackageJson(file);
      return;
    }
    if (!this.isIncluded(file)) {
      this.removeFile(file);
      return;
    }
    if (isServiceConfigFile(file)) {
      await this.readServiceConfigs([file]);
      return;
    }
    let text: string;
    try {
      const stat = await fsp.stat(file);
      if (!stat.isFile()) throw new Error('not a regular file');
      if (stat.size > MAX_FILE_BYTES) {
        this.removeFile(file);
        this.noteSkipped(file, tooLargeReason(stat.size));
        return;
      }
      text = await fsp.readFile(file, 'utf8');
    } catch {
      this.removeFile(file);
      return;
    }
    this.skippedNotices.delete(file);
    if (isTsSourceFile(file)) {
      await this.ts.refresh(file, text, this.roots);
      return;
    }
    const hash = FactsCache.hash(text);
    let facts = this.cache.get(hash);
    if (!facts) {
      facts = await extractFactsFromText(text);
      this.cache.put(hash, facts);
    }
    this.setPythonFacts(file, facts, hash);
  }

  /**
   * The findings the results cache holds for exactly this workspace's current inputs, when this is
   * the workspace's first analysis (later ones have the program's incremental state, and the
   * inputs have moved on). `analyze` returns them instead of analysing.
   */
  async storedFindings(): Promise<Map<string, Finding[]> | undefined> {
    if (this.storedFindingsAsked) return undefined;
    this.storedFindingsAsked = true;
    const fingerprint = this.inputFingerprint();
    return fingerprint === undefined ? undefined : this.results.load(fingerprint);
  }

  /**
   * Offers the findings an analysis just computed from the current inputs to the results cache:
   * the first analysis' are stored (awaited: a CLI run exits right after), later ones at most every
   * RESULTS_SAVE_INTERVAL_MS (not awaited: an edit's analysis must not wait for a disk write).
   */
  async storeFindings(findings: ReadonlyMap<string, Finding[]>): Promise<void> {
    const first = this.lastResultsSave === 0;
    if (!first && performance.now() - this.lastResultsSave < RESULTS_SAVE_INTERVAL_MS) return;
    this.lastResultsSave = performance.now();
    const fingerprint = this.inputFingerprint();
    if (fingerprint === undefined) return;
    const saving = this.results.save(fingerprint, findings);
    if (first) await saving;
  }

  /**
   * Everything findings are computed from, as one hash: the engine build, the roots, the effective
   * configuration, service config files, package.json dependencies, and every source file's path
   * and content. Undefined when a file's content hash is unknown (then nothing is reused or stored).
   */
  private inputFingerprint(): string | undefined {
    const fingerprint = new Fingerprint()
      .add('engine', engineId())
      .add('roots', JSON.stringify(this.roots))
      .add('config', JSON.stringify(this.config))
      .add('packages', this.ts.packagesText());
    for (const file of [...this.serviceConfigs.keys()].sort()) fingerprint.add(`config file ${file}`, this.serviceConfigs.get(file)!);
    for (const file of this.files()) {
      const hash = this.contentHash(file);
      if (hash === undefined) return undefined;
      fingerprint.add(file, hash);
    }
    return fingerprint.digest();
  }

  private contentHash(file: string): string | undefined {
    const open = this.openDocuments.get(file);
    const isTs = isTsSourceFile(file);
    if (open) return isTs ? TsFactsCache.hash(open.document.text, file) : FactsCache.hash(open.document.text);
    return isTs ? this.ts.contentHash(file) : (this.pythonHashes.get(file) ?? this.deferredPython.hashOf(file));
  }

  private setPythonFacts(file: string, facts: PyFacts, hash: string | undefined): void {
    this.deferredPython.forget(file);
    if (hash === undefined) this.pythonHashes.delete(file);
    else this.pythonHashes.set(file, hash);
    this.pyProgram.setFile(file, facts);
  }

  private forgetPythonFile(file: string): void {
    this.deferredPython.forget(file);
    this.pythonHashes.delete(file);
    this.pyProgram.removeFile(file);
  }

  /** A file was deleted on disk. */
  removeFile(file: string): void {
    this.skippedNotices.delete(file);
    this.serviceConfigs.delete(file);
    if (this.openDocuments.has(file)) return;
    this.forgetPythonFile(file);
    this.ts.remove(file);
    if (path.basename(file) === 'package.json') this.ts.forgetPackageJson(file);
  }

  /** Frees parser memory held by open documents and writes the cache. */
  async dispose(): Promise<void> {
    for (const { document } of this.openDocuments.values()) document.dispose();
    this.openDocuments.clear();
    await this.writeCaches();
  }

  private setDocumentFacts(file: string, document: PythonDocument | TsDocument): void {
    if (document instanceof TsDocument) this.ts.setFacts(file, document.facts);
    else this.setPythonFacts(file, document.facts, undefined);
  }

  private rebuildProgram(): void {
    const previous = this.pyProgram;
    this.pyProgram = new PyProgram(this.roots, {
      poolFactories: this.config.poolFactories,
      forkPoints: this.config.forkPoints,
      resetCalls: this.config.resetCalls,
    });
    // Fixes that edit the end of a line (suppression comments) need the text, which facts omit.
    this.pyProgram.setTextSource((file) => this.text(file));
    if (!previous) return;
    for (const file of previous.files()) {
      const facts = previous.facts(file);
      if (facts) this.pyProgram.setFile(file, facts);
    }
  }

  /** Reads service config files into the map; large or unreadable ones are left out (they are optional input). */
  private async readServiceConfigs(files: string[]): Promise<void> {
    for (const file of files) {
      this.serviceConfigs.delete(file);
      try {
        const stat = await fsp.stat(file);
        if (!stat.isFile() || stat.size > MAX_CONFIG_FILE_BYTES) continue;
        this.serviceConfigs.set(file, await fsp.readFile(file, 'utf8'));
      } catch {
        this.serviceConfigs.delete(file);
      }
    }
  }

  /** An open document over the size limit is not analysed (its facts are empty): say so, as for files on disk. */
  private noteOpenDocumentSize(file: string, document: PythonDocument | TsDocument): void {
    const bytes = document.tooLargeBytes;
    if (bytes !== undefined) this.noteSkipped(file, tooLargeReason(bytes));
    else this.skippedNotices.delete(file);
  }

  private noteSkipped(file: string, reason: string, options: { logged?: boolean } = {}): void {
    const message = `skipped ${path.relative(this.roots[0] ?? '', file) || file}: ${reason}`;
    if (!options.logged) this.log(message);
    this.skippedNotices.set(file, { level: 'info', message: `ForkGuard ${message}`, file });
  }
}

function readTextOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function knownRuleIds(): string[] {
  return ['FG000', ...RULES.map((rule) => rule.meta.id)];
}

function catalogKey(config: ForkGuardConfig): string {
  return JSON.stringify([config.poolFactories, config.forkPoints, config.resetCalls]);
}

function tooLargeReason(bytes: number): string {
  return `too large to analyse (${(bytes / 1048576).toFixed(1)} MB > ${MAX_FILE_BYTES / 1048576} MB)`;
}
