/**
 * Runs `git` with an argument array (never through a shell: paths and revisions from the
 * workspace cannot inject anything) and reads `git grep -c` output.
 */
import { execFile } from 'node:child_process';

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Resolves with git's exit code; rejects only when git cannot be started at all. */
export function runGit(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** The top folder of the git work tree holding `folder`, or undefined when it is not in one. */
export async function gitTopLevel(folder: string): Promise<string | undefined> {
  try {
    const result = await runGit(folder, ['rev-parse', '--show-toplevel']);
    return result.code === 0 ? result.stdout.trim() : undefined;
  } catch {
    return undefined; // git is not installed: same as no repository
  }
}

/**
 * The sum of the counts `git grep -c` prints (`path:N` or `rev:path:N` per line). git grep exits 1
 * when nothing matches, which is a count of 0, not a failure.
 */
export async function countMatchingLines(cwd: string, pattern: string, revision: string | undefined): Promise<number> {
  const args = ['grep', '-c', '--fixed-strings', '-e', pattern];
  if (revision !== undefined) args.push(revision);
  args.push('--', '.');
  const result = await runGit(cwd, args);
  if (result.code === 1) return 0;
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  let total = 0;
  for (const line of result.stdout.split('\n')) {
    const count = /:(\d+)$/.exec(line);
    if (count) total += Number(count[1]);
  }
  return total;
}
