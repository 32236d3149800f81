/**
 * File discovery: the source files of the workspace roots, minus what `.gitignore` files, the
 * default excludes and the configured exclude globs leave out.
 *
 * `discoverFiles` walks the disk (async, a bounded number of file-system calls in flight);
 * `createPathFilter` answers the same question for one path synchronously (watcher events, open
 * documents). Both use the same rules (`ExcludeRules` below), so they agree.
 *
 * Exclude globs are relative to the root, posix separators, matched with picomatch (`dot: true`).
 * A pattern without a slash (`*_pb2.py`, `generated`) matches a file or folder of that name at any
 * depth, as in Ruff and .gitignore; `/name` anchors it to the root. A folder that matches is not
 * entered, so its whole subtree is excluded.
 */
import { existsSync, promises as fs, readFileSync, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { CancellationToken } from '../model';
import { DEFAULT_EXCLUDES } from '../model/config';
import type { FileStat } from '../extraction/file-stamps';

export interface DiscoverOptions {
  /** Absolute folders (or single files) to scan. */
  roots: string[];
  /** Configured exclude globs, added to DEFAULT_EXCLUDES. */
  exclude: string[];
  /** File extensions to collect, with or without the dot: `['.py']`. */
  extensions: string[];
  /** Files larger than this are skipped (with a reason). */
  maxFileBytes: number;
  token?: CancellationToken;
  log?: (message: string) => void;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface DiscoveryResult {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** The stat of each of `files`, as the walk took it (the file stamps compare it: extraction/file-stamps.ts). */
  stats: ReadonlyMap<string, FileStat>;
  /** Files and folders left out for a reason the user may want to know (not excludes), sorted. */
  skipped: SkippedFile[];
  /**
   * Files and folders left out by the *configured* exclude globs (not defaults, not .gitignore):
   * with `files` empty, a non-zero count means the configuration excluded everything.
   */
  excludedByConfig: number;
  /** The token was cancelled: the lists are incomplete. */
  cancelled: boolean;
}

export interface PathFilter {
  /** True when the file is outside every root, or every root containing it excludes it. */
  isExcluded(file: string): boolean;
  /** Drops the cached .gitignore files (call when one changes). */
  forgetIgnoreFiles(): void;
}

/** Folder listings in flight at once: enough to keep libuv's threads busy, few enough to stay below EMFILE. */
const CONCURRENCY = 32;

export async function discoverFiles(options: DiscoverOptions): Promise<DiscoveryResult> {
  const walk = new Walk(options);
  for (const root of [...new Set(options.roots.map((r) => path.resolve(r)))]) {
    if (walk.cancelled()) break;
    await walk.root(root);
  }
  return walk.result();
}

export function createPathFilter(roots: string[], exclude: string[]): PathFilter {
  const rules = new ExcludeRules(exclude);
  const ignoreFiles = new Map<string, Ignore | null>();
  const loadIgnore = (file: string): Ignore | null => {
    if (!ignoreFiles.has(file)) ignoreFiles.set(file, parseIgnoreFile(readTextSync(file)));
    return ignoreFiles.get(file)!;
  };
  const absoluteRoots = [...new Set(roots.map((r) => path.resolve(r)))];
  const layersAboveRoot = new Map<string, IgnoreLayer[]>();

  /** Walks from the root down to the file as discoverFiles does, stopping at the first exclusion. */
  const excludedUnder = (root: string, file: string): boolean => {
    const rel = toPosix(path.relative(root, file));
    if (rel === '') return false; // a root is never excluded from itself
    if (!layersAboveRoot.has(root)) layersAboveRoot.set(root, ignoreLayersAboveRoot(root, loadIgnore));
    const chain = [...layersAboveRoot.get(root)!];
    addIgnoreLayer(chain, root, loadIgnore);
    const parts = rel.split('/');
    let dir = root;
    for (let i = 0; i < parts.length; i++) {
      const isDir = i < parts.length - 1;
      const full = path.join(dir, parts[i]);
      if (rules.match(parts.slice(0, i + 1).join('/')) !== undefined || isGitIgnored(chain, full, isDir)) return true;
      if (isDir) {
        dir = full;
        addIgnoreLayer(chain, dir, loadIgnore);
      }
    }
    return false;
  };

  return {
    isExcluded(file: string): boolean {
      const absolute = path.resolve(file);
      const containing = absoluteRoots.filter((root) => isInside(root, absolute));
      return containing.length === 0 || containing.every((root) => excludedUnder(root, absolute));
    },
    forgetIgnoreFiles(): void {
      ignoreFiles.clear();
      layersAboveRoot.clear();
    },
  };
}

/** The default and configured exclude globs, compiled once. */
class ExcludeRules {
  private readonly defaults: (rel: string) => boolean;
  private readonly configured: { test: (rel: string) => boolean }[];

  constructor(exclude: string[]) {
    const options = { dot: true };
    this.defaults = picomatch([...DEFAULT_EXCLUDES], options);
    // Empty and negated patterns are refused by the configuration (engine/config.ts); dropped
    // here too, since `!x` would otherwise exclude everything but x.
    const usable = exclude.filter((p) => p.trim() !== '' && !p.trim().startsWith('!'));
    this.configured = usable.map((pattern) => compileGlob(pattern, options));
  }

  /** Which kind of rule excludes the root-relative posix path, if any. */
  match(rel: string): 'default' | 'configured' | undefined {
    // picomatch's `**/build/**` also matches the folder `build` itself, so folders are pruned.
    if (this.defaults(rel)) return 'default';
    if (this.configured.some((glob) => glob.test(rel))) return 'configured';
    return undefined;
  }
}

function compileGlob(pattern: string, options: picomatch.PicomatchOptions): { test: (rel: string) => boolean } {
  let glob = pattern.trim().replace(/\\/g, '/');
  const anchored = glob.startsWith('/');
  glob = glob.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  const matcher = picomatch(glob, options);
  if (anchored || glob.includes('/')) return { test: matcher };
  return { test: (rel) => matcher(rel.slice(rel.lastIndexOf('/') + 1)) };
}

/** One .gitignore (or .git/info/exclude) and the folder its patterns are relative to. */
interface IgnoreLayer {
  dir: string;
  rules: Ignore;
}

/** git's precedence: the deepest file with an opinion wins; `!pattern` re-includes. */
function isGitIgnored(chain: IgnoreLayer[], file: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of chain) {
    if (!isInside(layer.dir, file) || layer.dir === file) continue;
    const rel = toPosix(path.relative(layer.dir, file)) + (isDir ? '/' : '');
    const verdict = layer.rules.test(rel);
    if (verdict.unignored) ignored = false;
    else if (verdict.ignored) ignored = true;
  }
  return ignored;
}

/** Adds the ignore files of `dir` (`.git/info/exclude` first: `.gitignore` takes precedence). */
function addIgnoreLayer(chain: IgnoreLayer[], dir: string, load: (file: string) => Ignore | null): void {
  const exclude = load(path.join(dir, '.git', 'info', 'exclude'));
  if (exclude) chain.push({ dir, rules: exclude });
  const gitignore = load(path.join(dir, '.gitignore'));
  if (gitignore) chain.push({ dir, rules: gitignore });
}

function parseIgnoreFile(text: string | undefined): Ignore | null {
  if (text === undefined || text.trim() === '') return null;
  try {
    return ignore().add(text);
  } catch {
    return null; // a pattern the library rejects: behave as if the file were absent
  }
}

/**
 * The ignore files between the top of the git repository holding `root` and the root itself.
 * When they ignore the root itself, the user opened an ignored folder on purpose: they are
 * dropped rather than hiding every file.
 */
function ignoreLayersAboveRoot(root: string, load: (file: string) => Ignore | null): IgnoreLayer[] {
  const chain: IgnoreLayer[] = [];
  for (const dir of ancestorsBetween(findRepoTop(root), root)) addIgnoreLayer(chain, dir, load);
  return isGitIgnored(chain, root, true) ? [] : chain;
}

/** The top of the git repository holding `root` (the folder with `.git`), else `root` itself. */
function findRepoTop(root: string): string {
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return root;
  }
}

/** Folders from `top` down to the parent of `root` (the .gitignore files above the root). */
function ancestorsBetween(top: string, root: string): string[] {
  const result: string[] = [];
  for (let dir = path.dirname(root); isInside(top, dir) && dir !== root; dir = path.dirname(dir)) {
    result.unshift(dir);
    if (dir === top || path.dirname(dir) === dir) break;
  }
  return result;
}

type EntryKind = 'file' | 'dir' | 'symlinked-dir' | 'special' | 'dangling' | 'looping' | 'gone';

function direntKind(entry: Dirent): EntryKind {
  return entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'special';
}

/** A symlink to a folder, walked after the real folders (see `Walk.root`). */
interface PendingSymlink {
  dir: string;
  rel: string;
  chain: IgnoreLayer[];
}

/** The state of one discovery run. */
class Walk {
  private readonly files = new Map<string, FileStat>();
  private readonly skipped: SkippedFile[] = [];
  private excludedByConfig = 0;
  private readonly rules: ExcludeRules;
  private readonly extensions: Set<string>;
  private readonly visitedRealDirs = new Set<string>();
  private readonly limit = createLimiter(CONCURRENCY);

  constructor(private readonly options: DiscoverOptions) {
    this.rules = new ExcludeRules(options.exclude);
    this.extensions = new Set(options.extensions.map((e) => (e.startsWith('.') ? e : `.${e}`)));
  }

  cancelled(): boolean {
    return this.options.token?.isCancellationRequested === true;
  }

  result(): DiscoveryResult {
    const byFile = (a: SkippedFile, b: SkippedFile) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
    return {
      files: [...this.files.keys()].sort(),
      stats: this.files,
      skipped: [...this.skipped].sort(byFile),
      excludedByConfig: this.excludedByConfig,
      cancelled: this.cancelled(),
    };
  }

  async root(root: string): Promise<void> {
    const stats = await this.fsCall(() => fs.stat(root));
    if (!stats.ok) return this.skip(root, stats.code === 'ENOENT' ? 'not found' : `cannot read (${stats.code})`);
    if (stats.value.isFile()) {
      // A file named on the command line is taken even when an exclude would match it.
      if (this.hasSourceExtension(root)) this.takeFile(root, stats.value);
      else this.skip(root, `not a source file (${[...this.extensions].join(', ')})`);
      return;
    }
    const real = await this.fsCall(() => fs.realpath(root));
    // Few files, once per root: synchronous reads keep this identical to createPathFilter's.
    const chain = ignoreLayersAboveRoot(root, (file) => parseIgnoreFile(readTextSync(file)));
    // Symlinked folders are walked last, in sorted order, so which alias of a folder is kept
    // (and which is reported as a duplicate) does not depend on timing.
    const symlinkedDirs: PendingSymlink[] = [];
    const realRoot = real.ok ? real.value : root;
    if (this.visitedRealDirs.has(realRoot)) return; // a root nested in an earlier one: already walked
    this.visitedRealDirs.add(realRoot);
    await this.directory(root, realRoot, '', chain, symlinkedDirs);
    while (symlinkedDirs.length > 0 && !this.cancelled()) {
      symlinkedDirs.sort((a, b) => (a.dir < b.dir ? -1 : 1));
      const next = symlinkedDirs.shift()!;
      const target = await this.fsCall(() => fs.realpath(next.dir));
      if (!target.ok) continue; // vanished since it was listed
      if (this.visitedRealDirs.has(target.value)) {
        this.skip(next.dir, `symlink to ${target.value}, a folder already scanned`);
        continue;
      }
      this.visitedRealDirs.add(target.value);
      await this.directory(next.dir, target.value, next.rel, next.chain, symlinkedDirs);
    }
  }

  /** Lists `dir` (whose real path is `realDir`, `rel` from the root) and walks what it holds. */
  private async directory(
    dir: string,
    realDir: string,
    rel: string,
    parentChain: IgnoreLayer[],
    symlinkedDirs: PendingSymlink[],
  ): Promise<void> {
    if (this.cancelled()) return;
    // Only listings hold a file descriptor while in flight: they are the calls worth limiting.
    const listing = await this.limit(() => this.fsCall(() => fs.readdir(dir, { withFileTypes: true })));
    if (!listing.ok) {
      if (listing.code === 'ENOENT' || listing.code === 'ENOTDIR') return this.log(`folder vanished during the scan: ${dir}`);
      return this.skip(dir, `unreadable folder (${listing.code})`);
    }
    const chain = [...parentChain];
    const names = new Set(listing.value.map((entry) => entry.name));
    if (names.has('.gitignore') || names.has('.git')) await this.addIgnoreLayerAsync(chain, dir, names.has('.git'));

    const work: Promise<void>[] = [];
    for (const entry of listing.value) {
      const full = path.join(dir, entry.name);
      const entryRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const kind = entry.isSymbolicLink() ? await this.symlinkKind(full) : direntKind(entry);
      if (kind === 'gone') continue;
      if (kind === 'dangling' || kind === 'looping') {
        if (!this.isExcluded(entryRel, full, false, chain)) this.skip(full, kind === 'dangling' ? 'broken symlink' : 'symlink loop');
        continue;
      }
      if (kind === 'dir' || kind === 'symlinked-dir') {
        if (this.isExcluded(entryRel, full, true, chain)) continue;
        if (kind === 'symlinked-dir') {
          symlinkedDirs.push({ dir: full, rel: entryRel, chain });
          continue;
        }
        const realChild = path.join(realDir, entry.name);
        // Already walked: a nested root, or the way back into a tree entered through a symlink.
        if (this.visitedRealDirs.has(realChild)) continue;
        this.visitedRealDirs.add(realChild);
        work.push(this.directory(full, realChild, entryRel, chain, symlinkedDirs));
        continue;
      }
      if (!this.hasSourceExtension(entry.name) || this.isExcluded(entryRel, full, false, chain)) continue;
      if (kind === 'special') {
        this.skip(full, 'not a regular file');
        continue;
      }
      work.push(this.file(full));
    }
    await Promise.all(work);
  }

  private async symlinkKind(full: string): Promise<EntryKind> {
    const target = await this.fsCall(() => fs.stat(full));
    if (!target.ok) return target.code === 'ENOENT' ? 'dangling' : target.code === 'ELOOP' ? 'looping' : 'gone';
    if (target.value.isDirectory()) return 'symlinked-dir';
    return target.value.isFile() ? 'file' : 'special';
  }

  private async file(file: string): Promise<void> {
    const stats = await this.fsCall(() => fs.stat(file));
    if (!stats.ok) {
      if (stats.code === 'ENOENT') return this.log(`file vanished during the scan: ${file}`);
      return this.skip(file, `cannot read (${stats.code})`);
    }
    this.takeFile(file, stats.value);
  }

  private takeFile(file: string, stats: Stats): void {
    if (!stats.isFile()) return this.skip(file, 'not a regular file');
    if (stats.size > this.options.maxFileBytes) {
      return this.skip(file, `too large (${formatSize(stats.size)} > ${formatSize(this.options.maxFileBytes)} limit)`);
    }
    this.files.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino });
  }

  private isExcluded(rel: string, full: string, isDir: boolean, chain: IgnoreLayer[]): boolean {
    const byRule = this.rules.match(rel);
    if (byRule === 'configured') this.excludedByConfig++;
    return byRule !== undefined || isGitIgnored(chain, full, isDir);
  }

  private async addIgnoreLayerAsync(chain: IgnoreLayer[], dir: string, mayHaveGitDir: boolean): Promise<void> {
    if (mayHaveGitDir) {
      const exclude = parseIgnoreFile(await readTextAsync(path.join(dir, '.git', 'info', 'exclude')));
      if (exclude) chain.push({ dir, rules: exclude });
    }
    const gitignore = parseIgnoreFile(await readTextAsync(path.join(dir, '.gitignore')));
    if (gitignore) chain.push({ dir, rules: gitignore });
  }

  private hasSourceExtension(file: string): boolean {
    return this.extensions.has(path.extname(file));
  }

  private skip(file: string, reason: string): void {
    this.skipped.push({ file, reason });
    this.log(`skipped ${file}: ${reason}`);
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  /** A file-system call whose failure is a value (its error code), never an exception. */
  private async fsCall<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, code: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
  }
}

/** Runs at most `max` of the given async calls at a time. */
function createLimiter(max: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (call) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await call();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

async function readTextAsync(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readTextSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function toPosix(rel: string): string {
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

function formatSize(bytes: number): string {
  const trim = (n: number) => n.toFixed(1).replace(/\.0$/, '');
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
