/**
 * The pool inventory: every pool creation the program knows, wherever it lives (escaping or not:
 * function summaries keep only the pools that outlive their function, so the creations are found
 * here from the call sites themselves, resolved the way the summaries resolve them).
 */
import type { Finding } from '../model';
import type { PoolFactory } from '../catalog/types';
import type { PyCallEvent } from '../python/facts';
import type { PyProgram } from '../python/program';
import { splitCallee, type FunctionRef, type ResolvedCall } from '../python/callgraph';
import { argumentValue, identityOfDotted } from '../python/summaries';
import type { InventoryPoolKind, PoolEntry, PoolSize } from './model';

/** Names that hold configuration in the services ForkGuard targets (`CONF.x.y`, `cfg.CONF.x`, `settings.X`). */
export const CONFIG_ROOT = /^(?:\w*conf\w*|cfg|settings|config|options|opts)\./i;

export function poolInventory(program: PyProgram, findings: ReadonlyMap<string, Finding[]>): PoolEntry[] {
  const aliveSites = creationSitesAliveAtFork(findings);
  const pools: PoolEntry[] = [];
  for (const { file, scope, event: eventIndex, call: event } of program.callSites()) {
    const resolved = program.callGraph.resolveCall(file, scope, eventIndex);
    const factory = resolved && factoryOf(program, resolved);
    if (!factory) continue;
    const fn: FunctionRef = { file, scope };
    const identity = identityOf(program, fn, eventIndex, event, factory);
    const start = event.range.start;
    pools.push({
      file,
      path: program.relativePath(file),
      line: start.line,
      character: start.character,
      kind: factory.kind,
      label: factory.label,
      identity: identity.display,
      identityKind: identity.kind,
      size: sizeOf(event, factory),
      aliveAtFork: aliveSites.has(siteKey(file, start.line, start.character)),
    });
  }
  return pools.sort(byLocation);
}

/** Inventory order: path, then position. */
export function byLocation(a: PoolEntry, b: PoolEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.character - b.character;
}

export function poolTotals(pools: readonly PoolEntry[]): { kind: InventoryPoolKind; count: number; aliveAtFork: number }[] {
  const totals = new Map<InventoryPoolKind, { kind: InventoryPoolKind; count: number; aliveAtFork: number }>();
  for (const pool of pools) {
    const total = totals.get(pool.kind) ?? { kind: pool.kind, count: 0, aliveAtFork: 0 };
    total.count++;
    if (pool.aliveAtFork) total.aliveAtFork++;
    totals.set(pool.kind, total);
  }
  return [...totals.values()].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
}

/** Same lookup as the summaries: an external API, else a workspace function configured as a factory. */
function factoryOf(program: PyProgram, resolved: ResolvedCall): PoolFactory | undefined {
  for (const qualname of resolved.externals) {
    const factory = program.catalog.poolFactoryByName.get(qualname);
    if (factory) return factory;
  }
  for (const callee of resolved.functions) {
    const qualified = program.qualifiedName(callee);
    const factory = qualified === undefined ? undefined : program.catalog.poolFactoryByName.get(qualified);
    if (factory) return factory;
  }
  return undefined;
}

/** The name the pool is bound to (a started thread: the receiver of `.start()`), else unnamed. */
function identityOf(program: PyProgram, fn: FunctionRef, order: number, call: PyCallEvent, factory: PoolFactory): { display: string; kind: string } {
  const named = factory.kind === 'thread' ? splitCallee(call.callee).receiver : call.targets?.[0];
  const identity = named === undefined ? undefined : identityOfDotted(program, fn, named, order);
  return identity ? { display: identity.display, kind: identity.kind } : { display: factory.label, kind: 'anon' };
}

function sizeOf(call: PyCallEvent, factory: PoolFactory): PoolSize | null {
  if (!factory.size) return null;
  const value = argumentValue(call, factory.size.name, factory.size.position);
  if (!value) return { source: 'default', text: '' };
  if (value.kind === 'num') return { source: 'literal', text: value.text };
  if (value.kind === 'name' && CONFIG_ROOT.test(value.dotted ?? value.text)) return { source: 'config', text: value.text };
  return { source: 'expression', text: value.text };
}

/** Creation sites FG001 findings name (each pool's creation is a related location of its finding). */
export function creationSitesAliveAtFork(findings: ReadonlyMap<string, Finding[]>): Set<string> {
  const sites = new Set<string>();
  for (const list of findings.values()) {
    for (const finding of list) {
      if (finding.rule !== 'FG001') continue;
      for (const related of finding.related) sites.add(siteKey(related.file, related.range.start.line, related.range.start.character));
    }
  }
  return sites;
}

export function siteKey(file: string, line: number, character: number): string {
  return `${file}:${line}:${character}`;
}
