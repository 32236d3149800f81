/**
 * Bookkeeping shared by the e2e entry files: a fresh run folder per suite, and checks that save a
 * screenshot whatever their outcome and remember whether anything failed (so the suite can print
 * the extension host log on failure).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { killLeftoverCodeServer } from './codeServer';
import { RUNS_DIR } from './paths';

/** `.e2e/<suite>`, emptied first: every run starts from fresh profiles and a fresh workspace. */
export async function freshRunDir(suite: string): Promise<string> {
  const runDir = join(RUNS_DIR, suite);
  await killLeftoverCodeServer(runDir);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  return runDir;
}

export class FailureTracker {
  failed = false;

  /** Runs `step`, noting a failure before passing it on. */
  async track<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }
}

/**
 * An `it` whose screenshot is saved as `<screenshotName>.png` after the body, pass or fail.
 * `screenshot` is looked up at run time because the browser starts in `before`.
 */
export function check(
  title: string,
  screenshotName: string,
  tracker: FailureTracker,
  screenshot: () => ((name: string) => Promise<unknown>) | undefined,
  body: () => Promise<void>,
): void {
  it(title, async () => {
    try {
      await tracker.track(body);
    } finally {
      const save = screenshot();
      if (save) await save(screenshotName).catch((error: Error) => console.error(`screenshot ${screenshotName} failed: ${error.message}`));
    }
  });
}
