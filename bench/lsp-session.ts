/**
 * The bundled language server (dist/server.js) driven over stdio the way an editor drives it, for
 * the benchmark's edit-latency phase and `npm run soak`: a copy of the corpus as the workspace,
 * editor settings answered from `workspace/configuration`, the facts cache in a folder the caller
 * chooses (warm when the bench's cold phase wrote it), and the server's memory read from /proc.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { initializeClient, startServer, type LspTestClient } from '../test/lsp/lspClient';
import { trackChild } from './children';
import type { CorpusFile } from './corpus';

/**
 * dist/server.js, from the bundled benchmark (dist/bench.js) or from the sources (bench/*.ts);
 * FORKGUARD_BENCH_SERVER points at another script (e.g. a wrapper that profiles the server).
 */
const SERVER = process.env.FORKGUARD_BENCH_SERVER ?? (existsSync(join(__dirname, 'server.js')) ? join(__dirname, 'server.js') : join(__dirname, '..', 'dist', 'server.js'));

export interface IndexedServer {
  client: LspTestClient;
  /** Files and findings the server's first scan reported. */
  counts: { files: number; findings: number };
  /** From `initialize` to the end of the first scan and analysis. */
  indexMs: number;
}

/**
 * Starts the server on `workspace` with `settings` as the editor's `forkguard.*` settings and
 * `storagePath` as the extension's storage folder (the facts cache is `<storagePath>/facts-cache`),
 * and resolves once the first scan and analysis are done. `bundle`: another server script (a
 * profiling wrapper of dist/server.js, say).
 */
export async function startIndexedServer(workspace: string, storagePath: string, settings: Record<string, unknown>, bundle = SERVER): Promise<IndexedServer> {
  const client = startServer(bundle);
  trackChild(client.child);
  client.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
  const started = performance.now();
  try {
    await initializeClient(client, { workspace, storagePath, name: 'corpus' });
    const counts = await startupScanDone(client);
    return { client, counts, indexMs: performance.now() - started };
  } catch (error) {
    client.child.kill();
    throw error;
  }
}

/**
 * Resolves with the counts of the server's start-up scan once its analysis is published: the first
 * `forkguard/status` saying "not scanning" after one saying "scanning". (Not the rescan command: that
 * would be a second scan, and timing it would hide what the start-up scan costs.)
 */
function startupScanDone(client: LspTestClient): Promise<{ files: number; findings: number }> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const scanning = client.statuses.findIndex((status) => status.scanning);
      const done = scanning < 0 ? undefined : client.statuses.slice(scanning).find((status) => !status.scanning);
      if (done) {
        clearInterval(poll);
        resolve({ files: done.files, findings: done.findings });
      } else if (client.child.exitCode !== null || client.child.signalCode !== null) {
        clearInterval(poll);
        reject(new Error(`the server exited (code ${client.child.exitCode ?? client.child.signalCode}) before its first scan was done:\n${client.logs.slice(-15).join('\n')}`));
      }
    }, 20);
  });
}

/** Asks the server to shut down and exit; kills it if it has not gone within a second. */
export async function stopServer(client: LspTestClient): Promise<void> {
  try {
    await client.connection.sendRequest('shutdown');
    await client.connection.sendNotification('exit');
    await Promise.race([client.exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
  } finally {
    client.child.kill();
  }
}

/** Resident set size of a process in MiB now (`current`) and at its peak so far (`peak`, Linux only). */
export function rssMiB(pid: number): { current: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const current = /VmRSS:\s+(\d+)/.exec(status);
    const peak = /VmHWM:\s+(\d+)/.exec(status);
    if (current && peak) return { current: Number(current[1]) / 1024, peak: Number(peak[1]) / 1024 };
  } catch {
    // not Linux: ask ps (no peak there)
  }
  const current = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
  return { current, peak: current };
}

/** The p-th percentile (nearest rank) of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Copies `files` (under `root`) into `target`, keeping their paths relative to `root`: the server
 * then sees a plain folder, whatever repository or ignore files hold the original, and nothing the
 * benchmark does can touch the original.
 */
export function copyCorpus(root: string, files: readonly CorpusFile[], target: string): CorpusFile[] {
  return files.map((file) => {
    const copy = join(target, relative(root, file.path));
    mkdirSync(dirname(copy), { recursive: true });
    copyFileSync(file.path, copy);
    return { path: copy, bytes: file.bytes };
  });
}
