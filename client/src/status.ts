/**
 * What the status bar item shows, as a pure function of the server's `forkguard/status`
 * notification and the client's state (kept free of `vscode` so it can be unit-tested).
 */

/** Payload of the server's `forkguard/status` notification. */
export interface ForkGuardStatus {
  /** Findings currently reported across the workspace. */
  findings: number;
  /** The same count per rule id (`FG001` -> 3). */
  byRule: Record<string, number>;
  /** Source files analysed. */
  files: number;
  /** True while a workspace scan runs. */
  scanning: boolean;
}

export type ServerState = 'starting' | 'running' | 'stopped';

export interface StatusView {
  text: string;
  tooltip: string;
}

const CLICK_HINT = 'Click to open the Problems panel.';

/**
 * Reads a notification payload defensively: a server of another version (or a bug) must not be
 * able to break the status bar, so unknown shapes become `undefined` and bad counts are dropped.
 */
export function parseStatus(payload: unknown): ForkGuardStatus | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const raw = payload as Record<string, unknown>;
  if (!isCount(raw.findings)) return undefined;
  const byRule: Record<string, number> = {};
  if (typeof raw.byRule === 'object' && raw.byRule !== null) {
    for (const [rule, count] of Object.entries(raw.byRule as Record<string, unknown>)) {
      if (isCount(count)) byRule[rule] = count;
    }
  }
  return {
    findings: raw.findings,
    byRule,
    files: isCount(raw.files) ? raw.files : 0,
    scanning: raw.scanning === true,
  };
}

export function describeStatus(state: ServerState, status: ForkGuardStatus | undefined): StatusView {
  if (state === 'stopped') {
    return { text: '$(error) ForkGuard', tooltip: 'The ForkGuard server is not running. Run "ForkGuard: Restart Server".' };
  }
  if (state === 'starting' || status === undefined) {
    return { text: '$(sync~spin) ForkGuard', tooltip: 'ForkGuard is starting.' };
  }
  if (status.scanning) {
    return { text: '$(sync~spin) ForkGuard', tooltip: `ForkGuard is scanning the workspace.\n${CLICK_HINT}` };
  }
  const perRule = Object.keys(status.byRule)
    .sort()
    .filter((rule) => status.byRule[rule] > 0)
    .map((rule) => `${rule}: ${status.byRule[rule]}`);
  const summary =
    status.findings === 0
      ? `No hazards found in ${plural(status.files, 'file')}.`
      : `${plural(status.findings, 'hazard')} in ${plural(status.files, 'file')} analysed.`;
  return {
    text: `$(shield) ForkGuard: ${status.findings}`,
    tooltip: [summary, ...perRule, CLICK_HINT].join('\n'),
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
