/**
 * When the server process dies, restart it, unless it has already died too often recently
 * (a server that crashes at start would otherwise be restarted forever). The same limits as the
 * language client's default handler, made explicit: at most 4 restarts within 3 minutes.
 */
export class CrashRestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true when the server should be restarted after it. */
  shouldRestartAfterCrash(): boolean {
    const time = this.now();
    this.crashes = this.crashes.filter((crash) => time - crash < this.windowMs);
    this.crashes.push(time);
    return this.crashes.length <= this.maxRestarts;
  }

  /** A deliberate restart (command, trust granted) starts with a clean slate. */
  reset(): void {
    this.crashes = [];
  }
}
