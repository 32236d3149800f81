/**
 * FG001 checker for TypeScript/JavaScript (the Node meaning): a pool or connection open in the
 * primary when `cluster.fork()` / `child_process.fork()` starts a worker. Nothing is inherited by
 * the worker, which re-runs its script and makes its own: the primary holds connections or threads
 * it never uses (workers + 1 pools). The analysis is typescript/pools.ts; this file words it.
 */
import * as path from 'node:path';
import type { Finding, RelatedLocation } from '../../model';
import { HELD_BY_PRIMARY, type NodePoolKind } from '../../catalog/node-pools';
import { NodePoolAnalysis, type NodeForkHazard, type NodePoolRecord, type PoolStep } from '../../typescript/pools';
import { ruleFinding } from '../finding';
import type { TypeScriptRuleContext } from '../types';
import { FG001_META } from './meta';
import { buildTsFixes, closeStatements } from './typescript-fixes';

export function checkPoolBeforeForkTs(context: TypeScriptRuleContext): Finding[] {
  const analysis = NodePoolAnalysis.of(context.program);
  return analysis.hazards().map((hazard) => findingOf(context, analysis, hazard));
}

function findingOf(context: TypeScriptRuleContext, analysis: NodePoolAnalysis, hazard: NodeForkHazard): Finding {
  const call = context.program.facts(hazard.file)!.calls[hazard.call];
  const range = call.range.start.line === call.range.end.line ? call.range : call.nameRange;
  return ruleFinding(FG001_META, {
    file: hazard.file,
    range,
    message: messageOf(hazard),
    related: relatedOf(hazard),
    fixes: buildTsFixes(context, analysis, hazard),
  });
}

/** Who is who for each kind of fork: cluster has a primary and workers; child_process a parent and children. */
function rolesOf(hazard: NodeForkHazard): { parent: string; child: string; children: string; script: string; instead: string } {
  return hazard.point.label.startsWith('cluster')
    ? { parent: 'primary', child: 'worker', children: 'workers', script: 're-runs the entry script', instead: 'create it only in the worker branch' }
    : { parent: 'parent', child: 'child', children: 'children', script: 'runs its script from the start', instead: 'open it only after the fork' };
}

function messageOf(hazard: NodeForkHazard): string {
  const roles = rolesOf(hazard);
  const described = hazard.pools.map((pool) => describePool(hazard, pool));
  const held = joinAnd([...new Set(hazard.pools.map((pool) => HELD_BY_PRIMARY[pool.factory.kind as NodePoolKind]))]);
  const route = hazard.route.length > 0 ? ` (through ${hazard.route.map((step) => `\`${step.label}\``).join(' -> ')})` : '';
  const story =
    `\`${hazard.point.label}\`${route} starts a fresh ${roles.child} process that ${roles.script}; nothing is inherited, ` +
    `so the ${roles.parent} keeps ${held} it never uses while every ${roles.child} creates its own (${roles.children} + 1 pools).`;
  if (hazard.pools.length > 1) {
    return `${joinAnd(described)} are open in the ${roles.parent} when ${story} Close them before forking or ${roles.instead.replace(' it ', ' them ')}.`;
  }
  const pool = hazard.pools[0];
  const how = pool.name !== undefined || pool.factory.singleton ? ` (\`${closeStatements(pool, pool.factory.singleton?.module ?? pool.name ?? '').join('; ')}\`)` : '';
  return `${described[0]} is open in the ${roles.parent} when ${story} Close it before forking${how} or ${roles.instead}.`;
}

function describePool(hazard: NodeForkHazard, pool: NodePoolRecord): string {
  const name = pool.name !== undefined ? ` \`${pool.name}\`` : '';
  const via = pool.via.length > 0 ? ` via ${pool.via.map((step) => `\`${step.label}\``).join(' -> ')}` : '';
  return `${pool.factory.label}${name} (created in ${where(hazard.file, pool.file)}:${pool.range.start.line + 1}${via})`;
}

/** A pool's file as seen from the fork's file: `db.ts`, `lib/cache.js`, `../db.ts`. */
function where(forkFile: string, file: string): string {
  return path.relative(path.dirname(forkFile), file).split(path.sep).join('/');
}

function relatedOf(hazard: NodeForkHazard): RelatedLocation[] {
  const related: RelatedLocation[] = [];
  for (const pool of hazard.pools) {
    const name = pool.name !== undefined ? ` \`${pool.name}\`` : '';
    related.push({ file: pool.file, range: pool.range, message: `${pool.factory.label}${name} is created here, in the ${rolesOf(hazard).parent}` });
    for (const step of pool.via) related.push({ file: step.file, range: step.range, message: stepMessage(step, `leads to the creation of the ${pool.factory.label}${name}`) });
  }
  for (const step of hazard.route) related.push({ file: step.file, range: step.range, message: stepMessage(step, 'leads to the fork') });
  return related;
}

function stepMessage(step: PoolStep, what: string): string {
  return step.kind === 'import' ? `importing \`${step.label}\` runs the module's top level, which ${what}` : `\`${step.label}\` ${what}`;
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
