/**
 * Starts and stops one code-server (the real VS Code workbench and extension host, served on
 * loopback) with a fresh profile: its own user-data, extensions and XDG folders under a run folder.
 *
 * code-server and everything it starts (extension host, file watchers, our language server) run in
 * one process group of their own, and stopping kills the whole group: killing children one by one
 * lets watchers respawn, and an orphaned extension host waits hours for a reconnect.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { CODE_SERVER_BIN } from './paths';

export interface CodeServer {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  runDir: string;
  /** Process group id (= pid of the code-server launcher). */
  pgid: number;
  stop(): Promise<void>;
  /** Every log the run produced (code-server, extension host, output channels), tail of each. */
  logs(maxLinesPerFile?: number): string;
}

/**
 * User settings of the fresh profile. Workspace trust off (otherwise a modal asks whether to trust
 * the folder and the extension never activates), nothing that reaches out or pops up, no autosave
 * (check 4 proves diagnostics follow unsaved edits), and a protocol trace for failure reports.
 */
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'files.autoSave': 'off',
  'editor.hover.delay': 100,
  // The client/server messages land in the ForkGuard output channel log, printed on failure.
  'forkguard.trace.server': 'messages',
};

/** In a run folder: the process group id of its code-server while it may still run. */
export const PGID_FILE = 'code-server.pgid';

/** A proxy on a closed loopback port: the server side cannot reach beyond loopback either. */
const DEAD_PROXY = 'http://127.0.0.1:9';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function profileFolders(runDir: string) {
  return {
    userData: join(runDir, 'user-data'),
    extensions: join(runDir, 'extensions'),
    xdgData: join(runDir, 'xdg-data'),
    xdgConfig: join(runDir, 'xdg-config'),
  };
}

function isolatedEnv(runDir: string): NodeJS.ProcessEnv {
  const folders = profileFolders(runDir);
  return {
    ...process.env,
    // Without these code-server writes into the home folder.
    XDG_DATA_HOME: folders.xdgData,
    XDG_CONFIG_HOME: folders.xdgConfig,
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

function profileArgs(runDir: string): string[] {
  const folders = profileFolders(runDir);
  return ['--config', '/dev/null', '--user-data-dir', folders.userData, '--extensions-dir', folders.extensions];
}

/** Creates the run folder's fresh profile. */
export function prepareProfile(runDir: string): void {
  const folders = profileFolders(runDir);
  for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true });
  mkdirSync(join(folders.userData, 'User'), { recursive: true });
  writeFileSync(join(folders.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
}

/** Installs a .vsix into the run's extensions folder (the CLI path a user would take). */
export function installExtension(runDir: string, vsixPath: string): void {
  const result = spawnSync(CODE_SERVER_BIN, [...profileArgs(runDir), '--install-extension', vsixPath], {
    env: isolatedEnv(runDir),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server --install-extension ${vsixPath} failed (exit ${result.status}):\n${output}`);
  }
}

export async function startCodeServer(runDir: string): Promise<CodeServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = join(runDir, 'code-server.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(
    CODE_SERVER_BIN,
    [
      ...profileArgs(runDir),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    // detached: a new session and process group led by the child, so the group can be killed whole.
    { detached: true, env: isolatedEnv(runDir), stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${CODE_SERVER_BIN}`);
  // Recorded so that an interrupted run's group can still be killed (run.sh, freshRunDir).
  writeFileSync(join(runDir, PGID_FILE), `${pgid}\n`);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited early (code ${code}, signal ${signal})`));

  const server: CodeServer = {
    baseUrl,
    runDir,
    pgid,
    stop: async () => {
      await killProcessGroup(pgid);
      rmSync(join(runDir, PGID_FILE), { force: true });
    },
    logs: (maxLines = 150) => collectLogs(runDir, maxLines),
  };
  try {
    await waitForHealthy(baseUrl, () => exited);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${server.logs()}`);
  }
  return server;
}

async function waitForHealthy(baseUrl: string, exitReason: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const reason = exitReason();
    if (reason) throw new Error(`code-server ${reason}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${baseUrl}/healthz within 30 s`);
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills what a previous, interrupted run left in `runDir`: its code-server group, if that process
 * is still a code-server (a pid can be reused by an unrelated process).
 */
export async function killLeftoverCodeServer(runDir: string): Promise<void> {
  const pgidFile = join(runDir, PGID_FILE);
  if (!existsSync(pgidFile)) return;
  const pgid = Number(readFileSync(pgidFile, 'utf8').trim());
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pgid}/cmdline`, 'utf8');
  } catch {
    return; // gone
  }
  if (Number.isInteger(pgid) && pgid > 1 && commandLine.includes('code-server')) await killProcessGroup(pgid);
}

/** TERM to the whole group, then KILL whatever is left after 3 s. */
export async function killProcessGroup(pgid: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  process.kill(-pgid, 'SIGTERM');
  const deadline = Date.now() + 3_000;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
}

function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile());
}

/** code-server's own log, then the extension host logs and the output channels (ForkGuard's too). */
function collectLogs(runDir: string, maxLines: number): string {
  const logsDir = join(profileFolders(runDir).userData, 'logs');
  const wanted = filesUnder(logsDir).filter((path) => /exthost|output_logging|ForkGuard/i.test(path) && path.endsWith('.log'));
  return [join(runDir, 'code-server.log'), ...wanted.sort()]
    .filter((path) => existsSync(path))
    .map((path) => {
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      const shown = lines.slice(-maxLines).join('\n');
      const cut = lines.length > maxLines ? ` (last ${maxLines} of ${lines.length} lines)` : '';
      return `----- ${relative(runDir, path)}${cut}\n${shown}`;
    })
    .join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
