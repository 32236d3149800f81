/**
 * Work-done progress for a workspace scan ("ForkGuard: indexing 120/1800"), reported at most every
 * PROGRESS_INTERVAL_MS so a fast cached scan does not flood the client. The library hands out a
 * no-op reporter when the client does not support window progress.
 */
import type { Connection } from 'vscode-languageserver/node';

const PROGRESS_INTERVAL_MS = 100;

export type ProgressCallback = (done: number, total: number) => void;

export async function withIndexingProgress<T>(connection: Connection, work: (onProgress: ProgressCallback) => Promise<T>): Promise<T> {
  const reporter = await connection.window.createWorkDoneProgress();
  reporter.begin('ForkGuard', 0, 'indexing', false);
  let lastReport = 0;
  const onProgress: ProgressCallback = (done, total) => {
    const now = Date.now();
    if (now - lastReport < PROGRESS_INTERVAL_MS && done < total) return;
    lastReport = now;
    const percentage = total > 0 ? Math.floor((done / total) * 100) : 0;
    reporter.report(percentage, `indexing ${done}/${total}`);
  };
  try {
    return await work(onProgress);
  } finally {
    reporter.done();
  }
}
