/**
 * Finds the language server's process from inside the extension host, through /proc (Linux), so
 * that a test can kill it the way a crash would, without reaching into the client's internals.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of this extension host's children running the bundled server (dist/server.js). */
export function serverPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parentPid !== process.pid) continue;
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (commandLine.some((arg) => arg.endsWith('/dist/server.js'))) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
