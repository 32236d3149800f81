/**
 * When to analyse: at once after a scan, and after an edit at once when nothing is pending or
 * running (the first keystroke after a pause gets its diagnostics without waiting out a debounce),
 * debounced when edits arrive while an analysis runs or waits (a burst of typing is analysed once it
 * is quiet). A new request cancels the analysis in flight (its result would be stale) and the newest
 * one runs; `idle()` waits until no analysis is pending or running, so code actions are computed
 * from findings that match the current text.
 */
import type { CancellationToken } from '../model';
import { Debouncer } from './debounce';

/** Delay after the last edit of a burst before analysing (ms): long enough to batch keystrokes. */
export const EDIT_DEBOUNCE_MS = 75;

class CancellationFlag implements CancellationToken {
  isCancellationRequested = false;
}

export class AnalysisScheduler {
  private readonly debouncer: Debouncer;
  /** An analysis starting on the next turn of the event loop (edits of the same turn join it). */
  private immediate: NodeJS.Immediate | undefined;
  private running: { flag: CancellationFlag; done: Promise<void> } | undefined;
  private rerunRequested = false;
  private readonly idleWaiters: Array<() => void> = [];

  /**
   * `run` analyses and publishes; it must publish nothing once the token is cancelled. Its errors go
   * to `onError` (an analysis failure must not stop later ones).
   */
  constructor(
    private readonly run: (token: CancellationToken) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    debounceMs = EDIT_DEBOUNCE_MS,
  ) {
    this.debouncer = new Debouncer(debounceMs, () => void this.start());
  }

  /**
   * Something changed: when idle, analyse on the next turn of the event loop (after the change is
   * applied); else cancel the analysis in flight and analyse once things are quiet.
   */
  scheduleSoon(): void {
    if (this.immediate) return; // the analysis about to start will see this change too
    if (!this.busy) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        void this.start();
      });
      return;
    }
    this.cancelRunning();
    this.debouncer.trigger();
  }

  /** Analyse now (after a scan, a config change, a command), superseding anything pending. */
  runNow(): Promise<void> {
    this.cancelImmediate();
    this.debouncer.cancel();
    this.cancelRunning();
    return this.start();
  }

  /** Resolves once nothing is pending or running. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get busy(): boolean {
    return this.immediate !== undefined || this.debouncer.pending || this.running !== undefined || this.rerunRequested;
  }

  dispose(): void {
    this.cancelImmediate();
    this.debouncer.cancel();
    this.cancelRunning();
  }

  private cancelImmediate(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private cancelRunning(): void {
    if (this.running) this.running.flag.isCancellationRequested = true;
  }

  private async start(): Promise<void> {
    if (this.running) {
      // The cancelled run still holds the engine; start the newest request once it has stopped.
      this.rerunRequested = true;
      await this.running.done;
      if (this.running) return this.running.done; // another caller already restarted it
    }
    this.rerunRequested = false;
    const flag = new CancellationFlag();
    const done = this.runSafely(flag).finally(() => {
      if (this.running?.flag === flag) this.running = undefined;
      if (!this.busy) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
    this.running = { flag, done };
    return done;
  }

  private async runSafely(token: CancellationToken): Promise<void> {
    try {
      await this.run(token);
    } catch (error) {
      this.onError(error);
    }
  }
}
