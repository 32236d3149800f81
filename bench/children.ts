/**
 * Child processes of the benchmark (phase processes, Bandit, the language server), timed, and
 * stopped with the benchmark on Ctrl+C so none is left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Wall milliseconds from spawn to exit, as seen from the benchmark. */
  ms: number;
}

export interface ChildOptions {
  /** Throw stdout away instead of collecting it (a peer's report we do not read). */
  discardStdout?: boolean;
  /** Throw stderr away instead of passing it through (a peer's warnings about the corpus). */
  discardStderr?: boolean;
  timeoutMs?: number;
}

/**
 * Runs `command` to its end; stdout is collected, stderr goes to ours (unless discarded).
 * Rejects when the command cannot start (ENOENT: not installed) or runs past `timeoutMs`.
 */
export function runChild(command: string, args: readonly string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', options.discardStderr ? 'ignore' : 'inherit'] });
  running.add(child);
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    const timer = options.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${command} ran longer than ${options.timeoutMs! / 1000} s and was stopped`));
        }, options.timeoutMs)
      : undefined;
    child.once('error', (error) => {
      running.delete(child);
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ code, signal, stdout, ms: performance.now() - started });
    });
  });
}

/** A child started elsewhere (the language server) that Ctrl+C must stop too. */
export function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** On Ctrl+C (or a kill): stop every child, run `cleanUp`, exit. */
export function stopChildrenOnSignals(cleanUp: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill('SIGKILL');
      cleanUp();
      console.error(`bench: interrupted (${signal})`);
      process.exit(130);
    });
  }
}
