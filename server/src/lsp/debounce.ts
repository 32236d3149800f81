/**
 * Runs a callback once a burst of triggers has been quiet for `delayMs` (keystrokes, file events).
 */
export class Debouncer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly callback: () => void,
  ) {}

  trigger(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.callback();
    }, this.delayMs);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Runs the pending callback now, if any. */
  flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.callback();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
