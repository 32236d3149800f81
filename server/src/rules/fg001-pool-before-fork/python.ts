/**
 * FG001 checker for Python: turns the program's fork hazards (computed with the function
 * summaries, see python/summaries.ts) into findings with an explanation chain and quick fixes.
 */
import type { Finding, RelatedLocation } from '../../model';
import type { PyFacts } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import type { ChainStep, ForkHazard, PoolRecord } from '../../python/summaries';
import type { IncrementalPythonChecker } from '../types';
import { wholeProgramChecker } from '../incremental';
import { ruleFinding } from '../finding';
import { INHERITED_BY_CHILDREN } from '../../catalog/python';
import { FG001_META } from './meta';
import { buildFixes, resetHelperCandidates } from './fixes';
import { checkPreloadedApps } from './preload';

export const FG001_PYTHON: IncrementalPythonChecker = {
  checkFile: ({ program }, file) => program.hazards(file).map((hazard) => findingOf(program, hazard)),
  // A finding's preferred fix may call a reset helper found anywhere in the workspace.
  readsWholeProgram: (findings) => findings.length > 0,
  wholeProgramInputs: ({ program }) => resetHelperCandidates(program),
  // Servers that import the app in their master before forking (gunicorn preload_app, uWSGI).
  checkProgram: checkPreloadedApps,
};

export const checkPoolBeforeFork = wholeProgramChecker(FG001_PYTHON);

function findingOf(program: PyProgram, hazard: ForkHazard): Finding {
  const facts = program.facts(hazard.site.file)!;
  const pools = distinctPools(hazard.pools);
  const call = hazard.call;
  const range = call.range.start.line === call.range.end.line ? call.range : call.calleeRange;
  return ruleFinding(FG001_META, {
    file: hazard.site.file,
    range,
    message: messageOf(program, facts, hazard, pools),
    related: relatedOf(hazard, pools),
    fixes: buildFixes(program, { ...hazard, pools }),
  });
}

/** One entry per pool identity (a pool created on two paths is still one pool). */
function distinctPools(pools: PoolRecord[]): PoolRecord[] {
  const seen = new Set<string>();
  return pools.filter((p) => !seen.has(p.identity.key) && seen.add(p.identity.key));
}

function messageOf(program: PyProgram, facts: PyFacts, hazard: ForkHazard, pools: PoolRecord[]): string {
  const described = pools.map((pool) => {
    const where = `${program.relativePath(pool.site.file)}:${pool.site.range.start.line + 1}`;
    const via = pool.via.length > 0 ? ` via ${chainText(pool.via)}` : '';
    return `${pool.factory.label} \`${pool.identity.display}\` (created in ${where}${via})`;
  });
  const forkText = `${calleeText(facts, hazard.site.scope, hazard.call.callee)}()`;
  const route = hazard.route.via.length > 0 ? ` (through ${chainText(hazard.route.via)} -> ${hazard.route.point.label})` : '';
  if (pools.length > 1) {
    return (
      `${joinAnd(described)} are alive when \`${forkText}\` forks workers${route}: ` +
      `children inherit broken copies (threads and connections that are not theirs). Release them before forking.`
    );
  }
  const [pool] = pools;
  // Name the call only where it reads the same at the fork: a module global (`self.x` belongs to
  // another scope), and not for threads, which must be told to stop before a join can return.
  const how = pool.identity.kind === 'global' && pool.factory.kind !== 'thread' ? ` (\`${pool.identity.display}.${pool.factory.fixCall}\`)` : '';
  return (
    `${described[0]} is alive when \`${forkText}\` forks workers${route}: ` +
    `children inherit ${INHERITED_BY_CHILDREN[pool.factory.kind]}. Release it before forking${how}.`
  );
}

function relatedOf(hazard: ForkHazard, pools: PoolRecord[]): RelatedLocation[] {
  const related: RelatedLocation[] = [];
  for (const pool of pools) {
    related.push({ file: pool.site.file, range: pool.site.range, message: `${pool.factory.label} \`${pool.identity.display}\` is created here` });
    for (const step of pool.via) related.push({ file: step.file, range: step.range, message: stepMessage(step, `leads to the creation of \`${pool.identity.display}\``) });
  }
  for (const step of hazard.route.via) related.push({ file: step.file, range: step.range, message: stepMessage(step, 'leads to the fork') });
  if (hazard.route.via.length > 0) {
    related.push({ file: hazard.route.site.file, range: hazard.route.site.range, message: `forks here: ${hazard.route.point.label}` });
  }
  return related;
}

function stepMessage(step: ChainStep, what: string): string {
  const entered = step.kind === 'import' ? `\`${step.label}\` runs the module's top-level code` : `calls \`${step.label}\``;
  return `${entered}${step.byName ? ' (resolved by method name)' : ''}, which ${what}`;
}

function chainText(steps: ChainStep[]): string {
  return steps.map((s) => `\`${s.label}\`${s.byName ? ' (resolved by method name)' : ''}`).join(' -> ');
}

/** Source-like text of a callee: `#3.start` becomes `threading.Thread(...).start`. */
function calleeText(facts: PyFacts, scope: number, callee: string, depth = 0): string {
  return callee.replace(/#(\d+)/g, (_, index: string) => {
    const inner = facts.scopes[scope]?.events[Number(index)];
    if (!inner || inner.k !== 'call' || depth > 4) return '(...)';
    return `${calleeText(facts, scope, inner.callee, depth + 1)}(...)`;
  });
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
