/**
 * "indexing 120/1800" on stderr, rewritten in place with `\r` — only when stderr is a terminal, so
 * logs and CI output never see it.
 */
import { analyze, type AnalysisResult, type Workspace } from '../engine';

const REDRAW_INTERVAL_MS = 100;

export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class ProgressLine {
  private lastDraw = 0;
  private width = 0;

  constructor(private readonly stream: TerminalStream) {}

  update(done: number, total: number): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_INTERVAL_MS && done < total) return;
    this.lastDraw = now;
    const text = `indexing ${done}/${total}`;
    this.stream.write(`\r${text.padEnd(this.width)}`);
    this.width = text.length;
  }

  /** Erases the line so the next output starts clean. */
  clear(): void {
    if (!this.stream.isTTY || this.width === 0) return;
    this.stream.write(`\r${' '.repeat(this.width)}\r`);
    this.width = 0;
  }
}

/** Scans the workspace with a progress line on `stderr`, then analyses it: what every command does first. */
export async function scanAndAnalyze(workspace: Workspace, stderr: TerminalStream): Promise<AnalysisResult> {
  const progress = new ProgressLine(stderr);
  try {
    await workspace.scan({ onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress.clear();
  }
  return analyze(workspace);
}
