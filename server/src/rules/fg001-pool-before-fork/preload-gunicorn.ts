/**
 * gunicorn with `preload_app = True`: the master imports the application named by `wsgi_app`
 * before forking the workers. Read from the Python configuration file (`gunicorn.conf.py` and the
 * usual `-c` names); only literal top-level settings count, since a value computed at run time
 * (`preload_app = env(...)`) cannot be known. The finding sits on the `preload_app = True` line.
 */
import * as path from 'node:path';
import { GUNICORN, type PreloadingServer } from '../../catalog/python';
import type { PyAssignEvent, PyFacts } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import type { PoolRecord } from '../../python/summaries';
import type { PreloadedApp } from './preload';
import { buildGunicornFixes } from './preload-gunicorn-fixes';

/** What a gunicorn configuration file says about preloading. */
export interface GunicornSettings {
  server: PreloadingServer;
  /** The configuration file (absolute path). */
  file: string;
  /** The `preload_app = True` statement. */
  preload: PyAssignEvent;
  /** The `wsgi_app = "module:attr"` statement. */
  app: PyAssignEvent;
  /** `svc.wsgi` of `svc.wsgi:application`. */
  appModule: string;
  /** `create_app` of `svc.wsgi:create_app()`. */
  appFactory?: string;
}

export function findGunicornPreloads(program: PyProgram): PreloadedApp[] {
  const apps: PreloadedApp[] = [];
  for (const file of program.files()) {
    // Run by every analysis over every file: `endsWith` first, cheaper than `basename`.
    if (!GUNICORN.configFileNames.some((name) => file.endsWith(name)) || !GUNICORN.configFileNames.includes(path.basename(file))) continue;
    const facts = program.facts(file);
    const settings = facts ? readGunicornSettings(GUNICORN, file, facts) : undefined;
    if (settings) apps.push(preloadedApp(program, settings, facts!));
  }
  return apps;
}

export function readGunicornSettings(server: PreloadingServer, file: string, facts: PyFacts): GunicornSettings | undefined {
  const preload = lastTopLevelAssign(facts, server.preloadSetting);
  const app = lastTopLevelAssign(facts, server.appSetting);
  if (!preload || preload.value.kind !== 'bool' || preload.value.literal !== true) return undefined;
  if (!app || app.value.kind !== 'str' || typeof app.value.literal !== 'string') return undefined;
  const target = /^\s*([A-Za-z_][\w.]*)\s*(?::\s*([A-Za-z_]\w*)\s*(\(\s*\))?\s*)?$/.exec(app.value.literal);
  if (!target) return undefined;
  return { server, file, preload, app, appModule: target[1], appFactory: target[3] ? target[2] : undefined };
}

function preloadedApp(program: PyProgram, settings: GunicornSettings, facts: PyFacts): PreloadedApp {
  const { server } = settings;
  const resetHooks = facts.scopes
    .map((scope, index) => ({ scope, index }))
    .filter(({ scope }) => scope.kind === 'function' && scope.parent === 0 && server.resetHooks.includes(scope.qualname))
    .map(({ index }) => ({ file: settings.file, scope: index }));
  return {
    server: server.name,
    file: settings.file,
    range: settings.preload.range,
    appModule: settings.appModule,
    appRange: settings.app.range,
    appFactory: settings.appFactory,
    resetHooks,
    advice: (pools) => `Set \`${server.preloadSetting} = False\`, or release ${releaseText(pools)} in a \`${server.fixHook.name}\` hook.`,
    fixes: (pools) => buildGunicornFixes(program, settings, pools),
  };
}

/** What releasing means for the pools found: `(\`dispose()\`) the pool`. */
export function releaseText(pools: PoolRecord[]): string {
  if (pools.length !== 1) return 'the pools';
  return pools[0].factory.kind === 'thread' ? 'the thread' : `(\`${pools[0].factory.fixCall}\`) the pool`;
}

function lastTopLevelAssign(facts: PyFacts, name: string): PyAssignEvent | undefined {
  let found: PyAssignEvent | undefined;
  for (const event of facts.scopes[0]?.events ?? []) if (event.k === 'assign' && event.block === -1 && event.targets.includes(name)) found = event;
  return found;
}
