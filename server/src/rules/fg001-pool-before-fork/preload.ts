/**
 * FG001 for pre-forking servers that load the application before forking: gunicorn with
 * `preload_app = True` (preload-gunicorn.ts) and uWSGI without `lazy-apps` (preload-uwsgi.ts)
 * import the app module in the master and then fork the workers, so every pool created at import
 * time of that module, or of a module it imports, is inherited by each worker. The import-time
 * summary of the app module (python/summaries.ts) says which pools those are; fork handlers
 * (`os.register_at_fork`) and the server's hooks may release them around the fork.
 *
 * This file holds what both servers share: the pools alive at the fork, the finding's message and
 * its explanation chain. Each server's reader says where the finding sits and what the fixes are.
 */
import type { Finding, Fix, Range, RelatedLocation } from '../../model';
import { INHERITED_BY_CHILDREN, RESET_METHOD_NAMES } from '../../catalog/python';
import type { PyScope } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import { splitCallee, type FunctionRef } from '../../python/callgraph';
import { resetMatches, type ChainStep, type PoolRecord, type ResetEffect } from '../../python/summaries';
import { ruleFinding } from '../finding';
import type { PythonRuleContext } from '../types';
import { FG001_META } from './meta';
import { findGunicornPreloads } from './preload-gunicorn';
import { findUwsgiPreloads } from './preload-uwsgi';

/** An application a server loads in its master before forking workers, as its configuration says. */
export interface PreloadedApp {
  /** `gunicorn`, `uWSGI`. */
  server: string;
  /** The configuration file (absolute path). */
  file: string;
  /** Where the finding sits: the setting that makes the app load before the fork. */
  range: Range;
  /** `svc.wsgi` of `svc.wsgi:application`. */
  appModule: string;
  /** The setting naming the application. */
  appRange: Range;
  /** `create_app` of `svc.wsgi:create_app()`: an application factory the master calls too. */
  appFactory?: string;
  /** Functions the server runs around each fork (hooks): the pools they surely release are not inherited. */
  resetHooks: FunctionRef[];
  /** The advice closing the message, given the pools found. */
  advice(pools: PoolRecord[]): string;
  /** The quick fixes, preferred first. */
  fixes(pools: PoolRecord[]): Fix[];
}

export function checkPreloadedApps({ program, configFiles }: PythonRuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const app of [...findGunicornPreloads(program), ...findUwsgiPreloads(program, configFiles)]) {
    const finding = findingOf(program, app);
    if (finding) findings.push(finding);
  }
  return findings;
}

function findingOf(program: PyProgram, app: PreloadedApp): Finding | undefined {
  const appFile = program.modules.fileOf(app.appModule);
  if (appFile === undefined) return undefined; // the app lives outside the workspace: nothing to say about it
  const pools = poolsAliveAtFork(program, app, appFile);
  if (pools.length === 0) return undefined;
  return ruleFinding(FG001_META, {
    file: app.file,
    range: app.range,
    message: messageOf(program, app, pools),
    related: relatedOf(app, pools),
    fixes: app.fixes(pools),
  });
}

/** Pools the app's import (and factory call) leaves alive, minus those protected or released by hooks. */
function poolsAliveAtFork(program: PyProgram, app: PreloadedApp, appFile: string): PoolRecord[] {
  const moduleSummary = program.summaryOf({ file: appFile, scope: 0 });
  const pools: PoolRecord[] = [...moduleSummary.creates];
  const protectedKeys = new Set(moduleSummary.protects);
  const factory = app.appFactory === undefined ? undefined : program.resolver.moduleMember(appFile, app.appFactory);
  if (factory?.k === 'function') {
    const summary = program.summaryOf(factory);
    const step: ChainStep = { file: app.file, range: app.appRange, label: `${app.appFactory}()`, kind: 'call', byName: false };
    for (const created of summary.creates) pools.push({ ...created, via: [step, ...created.via] });
    for (const key of summary.protects) protectedKeys.add(key);
  }
  const hookResets = app.resetHooks.flatMap((hook) => resetsIn(program, hook));
  const seen = new Set<string>();
  return pools.filter((pool) => {
    const key = pool.identity.key;
    if (seen.has(key) || protectedKeys.has(key) || hookResets.some((reset) => resetMatches(reset, pool))) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Resets a hook surely does when it runs: `engine.dispose()` on a name it imports
 * (`from svc.db import engine`), on a module attribute (`db.engine.dispose()`), or through a
 * workspace helper it calls; plus the pools of the fork handlers it registers.
 */
function resetsIn(program: PyProgram, hook: FunctionRef): ResetEffect[] {
  const scope = program.facts(hook.file)?.scopes[hook.scope];
  if (!scope) return [];
  const summary = program.summaryOf(hook);
  const resets: ResetEffect[] = [...summary.resets, ...summary.protects.map((key) => ({ key, methods: null }))];
  scope.events.forEach((event, order) => {
    if (event.k !== 'call' || !isSureInScope(scope, event.block)) return;
    const { receiver, member } = splitCallee(event.callee);
    if (receiver === undefined || member === undefined || !RESET_METHOD_NAMES.has(member)) return;
    // The summary keeps a name imported inside the hook as a local; what it denotes is the module global.
    const value = program.callGraph.valueOf(hook.file, hook.scope, receiver, order);
    if (value.k === 'global') resets.push({ key: `global:${value.file}:${value.name}`, methods: [member] });
  });
  return resets;
}

/** A statement runs whenever its scope does: no branch or loop around it. */
function isSureInScope(scope: PyScope, block: number): boolean {
  for (let b = block, depth = 0; b >= 0 && depth < 200; b = scope.blocks[b]?.parent ?? -1, depth++) {
    const kind = scope.blocks[b]?.kind;
    if (kind !== 'with' && kind !== 'try' && kind !== 'finally' && kind !== 'try_else') return false;
  }
  return true;
}

function messageOf(program: PyProgram, app: PreloadedApp, pools: PoolRecord[]): string {
  const described = pools.map((pool) => {
    const where = `${program.relativePath(pool.site.file)}:${pool.site.range.start.line + 1}`;
    const chain = pool.via.map((step) => `\`${step.label}\``).join(' -> ');
    return `${pool.factory.label} \`${pool.identity.display}\` (created at import time in ${where}${chain ? ` via ${chain}` : ''})`;
  });
  const loaded = app.appFactory ? `\`${app.appModule}\` (and calls \`${app.appFactory}()\`)` : `\`${app.appModule}\``;
  const inherited =
    pools.length === 1
      ? `${described[0]} is inherited by every worker: each gets ${INHERITED_BY_CHILDREN[pools[0].factory.kind]}`
      : `${joinAnd(described)} are inherited by every worker`;
  return `${app.server} preloads ${loaded} in the master before forking workers, so ${inherited}. ${app.advice(pools)}`;
}

function relatedOf(app: PreloadedApp, pools: PoolRecord[]): RelatedLocation[] {
  const related: RelatedLocation[] = [{ file: app.file, range: app.appRange, message: `${app.server} loads \`${app.appModule}\` in the master` }];
  for (const pool of pools) {
    related.push({ file: pool.site.file, range: pool.site.range, message: `${pool.factory.label} \`${pool.identity.display}\` is created here` });
    for (const step of pool.via) related.push({ file: step.file, range: step.range, message: stepMessage(step, pool) });
  }
  return related;
}

function stepMessage(step: ChainStep, pool: PoolRecord): string {
  const entered = step.kind === 'import' ? `\`${step.label}\` runs the module's top-level code` : `calls \`${step.label}\``;
  return `${entered}, which leads to the creation of \`${pool.identity.display}\``;
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
