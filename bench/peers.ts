/**
 * Peers timed on the same corpus in the same run: Bandit (the Debian package's `bandit` command,
 * when installed) here; Ruff's WASM build runs as a phase of its own (phases.ts) for its own RSS.
 */
import { runChild } from './children';
import type { CorpusFile } from './corpus';

/** Bandit is slow (about 160 s on the standard library): past this it is stopped, not waited for. */
const BANDIT_TIMEOUT_MS = 30 * 60_000;

export type BanditResult = { ms: number; files: number; version: string } | { skipped: string };

/** `bandit` on exactly the corpus files (JSON report discarded), or why it did not run. */
export async function runBandit(files: readonly CorpusFile[]): Promise<BanditResult> {
  let version: string;
  try {
    const outcome = await runChild('bandit', ['--version'], { discardStderr: true, timeoutMs: 60_000 });
    version = outcome.stdout.split('\n')[0]?.trim() || 'bandit';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { skipped: 'not installed' };
    return { skipped: `bandit --version failed (${(error as Error).message})` };
  }
  // The file list, not `-r folder`: the same files as ours (no site-packages, no default excludes).
  // Exit 1 means "issues found"; anything else is a failure.
  const outcome = await runChild('bandit', ['-q', '-f', 'json', ...files.map((file) => file.path)], {
    discardStdout: true,
    discardStderr: true,
    timeoutMs: BANDIT_TIMEOUT_MS,
  }).catch((error: Error) => error);
  if (outcome instanceof Error) return { skipped: outcome.message };
  if (outcome.code !== 0 && outcome.code !== 1) return { skipped: `bandit exited with ${outcome.code ?? outcome.signal}` };
  return { ms: outcome.ms, files: files.length, version };
}
