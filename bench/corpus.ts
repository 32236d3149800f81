/**
 * The benchmark corpus: the Python files of a folder (by default the standard library of the
 * machine's `python3`), skipping the engine's default excludes so both measure the same files.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDES } from '../server/src/model/config';

export interface CorpusFile {
  path: string;
  bytes: number;
}

/**
 * Third-party packages installed inside the stdlib folder: not part of the standard library, and
 * their size depends on the machine, so the default corpus leaves them out.
 */
export const STDLIB_EXCLUDES: readonly string[] = ['site-packages/**', 'dist-packages/**'];

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

/** Every `.py` file under `root` not matched by the default or the extra excludes, largest first. */
export function collectPythonFiles(root: string, extraExcludes: readonly string[] = []): CorpusFile[] {
  const excluded = picomatch([...DEFAULT_EXCLUDES, ...extraExcludes], { dot: true });
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
      } else if (stats.isFile() && name.endsWith('.py') && !excluded(rel)) {
        files.push({ path: full, bytes: stats.size });
      }
    }
  };
  walk(root);
  return files.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
}
