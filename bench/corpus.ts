/**
 * The benchmark corpus: the source files of a folder, skipping the engine's default excludes so
 * the bench and the engine measure the same files. Python by default (the standard library of the
 * machine's `python3`); with `--lang ts`, the TS/JS sources of a folder (by default the repository's
 * own node_modules: every installed package's JavaScript and TypeScript).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDES } from '../server/src/model/config';
import { isTsSourceFile } from '../server/src/typescript/files';

export type Lang = 'python' | 'ts';

export interface CorpusFile {
  path: string;
  bytes: number;
}

/**
 * Third-party packages installed inside the stdlib folder: not part of the standard library, and
 * their size depends on the machine, so the default corpus leaves them out.
 */
export const STDLIB_EXCLUDES: readonly string[] = ['site-packages/**', 'dist-packages/**'];

/**
 * TS/JS files above this size are bundles or generated code (typescript.js is 9 MB), not the
 * hand-written modules an editor opens: the TS corpus leaves them out, by name, for the engine too.
 */
export const MAX_TS_CORPUS_FILE_BYTES = 1_000_000;

/** The stdlib folder of `python3`, or an Error explaining why it could not be found. */
export function defaultCorpus(): string | Error {
  try {
    const output = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return output.trim();
  } catch (error) {
    return new Error(`could not ask python3 for its standard library folder (${(error as Error).message.split('\n')[0]}); pass a folder instead`);
  }
}

/**
 * The default TS/JS corpus: the repository's node_modules (about 4,000 JS/TS files of real
 * packages once `.d.ts` files, bundles, `dist`/`build` folders and nested node_modules are left out).
 */
export function defaultTsCorpus(): string {
  return join(__dirname, '..', 'node_modules');
}

/** Every `.py` file under `root` not matched by the default or the extra excludes, largest first. */
export function collectPythonFiles(root: string, extraExcludes: readonly string[] = []): CorpusFile[] {
  return collectSourceFiles(root, 'python', extraExcludes);
}

/** Every source file of `lang` under `root` not matched by the default or the extra excludes, largest first. */
export function collectSourceFiles(root: string, lang: Lang, extraExcludes: readonly string[] = []): CorpusFile[] {
  const excluded = picomatch([...DEFAULT_EXCLUDES, ...extraExcludes], { dot: true });
  const wanted = lang === 'python' ? (name: string) => name.endsWith('.py') : isTsSourceFile;
  const files: CorpusFile[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // unreadable folder: the engine skips it too
    }
    for (const name of names) {
      const full = join(dir, name);
      const rel = relative(root, full);
      let stats;
      try {
        stats = statSync(full);
      } catch {
        continue; // dangling symlink
      }
      if (stats.isDirectory()) {
        if (!excluded(`${rel}/`) && !excluded(`${rel}/x`)) walk(full);
      } else if (stats.isFile() && wanted(name) && !excluded(rel)) {
        files.push({ path: full, bytes: stats.size });
      }
    }
  };
  walk(root);
  return files.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
}

/**
 * The TS corpus's own excludes: the files above MAX_TS_CORPUS_FILE_BYTES, as globs relative to
 * `root` (the engine would otherwise analyse bundles up to its own 5 MB limit).
 */
export function tsBundleExcludes(root: string, files: readonly CorpusFile[]): string[] {
  return files.filter((file) => file.bytes > MAX_TS_CORPUS_FILE_BYTES).map((file) => escapeGlob(relative(root, file.path)));
}

/** A path as a glob matching only itself (picomatch special characters escaped). */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}

/**
 * A deterministic share of the files for the growth points: sorted by path, every `step`-th file
 * (step 4: 25%, step 2: 50%), so the 25% subset is part of the 50% one.
 */
export function everyNth(files: readonly CorpusFile[], step: number): CorpusFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).filter((_, index) => index % step === 0);
}

/** The file whose line count is closest to `lines` (ties: the smaller path), with its line count. */
export function closestToLines(files: readonly CorpusFile[], lines: number, countLines: (path: string) => number): { path: string; lines: number } | undefined {
  let best: { path: string; lines: number } | undefined;
  // Only files within a plausible byte range are read: 6,000 lines are 60-600 KB of code.
  for (const file of files) {
    if (file.bytes < lines * 10 || file.bytes > lines * 100) continue;
    const count = countLines(file.path);
    const distance = Math.abs(count - lines);
    if (!best || distance < Math.abs(best.lines - lines) || (distance === Math.abs(best.lines - lines) && file.path < best.path)) best = { path: file.path, lines: count };
  }
  return best;
}
