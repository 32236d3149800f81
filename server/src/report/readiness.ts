/** The readiness checklist: what is left before the service can run on native threads. */
import type { EventletSection, HazardGroup, PoolEntry, ReadinessItem } from './model';

export function readinessChecklist(eventlet: EventletSection, pools: readonly PoolEntry[], hazards: readonly HazardGroup[]): ReadinessItem[] {
  const countOf = (rule: string): number => hazards.find((group) => group.rule === rule)?.count ?? 0;
  const items: Omit<ReadinessItem, 'done'>[] = [
    { id: 'eventlet-refs', label: 'eventlet references left in the repository', count: eventlet.textualRefs },
    { id: 'monkey-patch', label: 'eventlet monkey_patch sites left', count: eventlet.byKind['monkey-patch'] },
    { id: 'pools-at-fork', label: 'pools alive when the process forks (FG001)', count: pools.filter((pool) => pool.aliveAtFork).length },
    { id: 'query-timeouts', label: 'DB engines, connections and calls without a timeout (FG002)', count: countOf('FG002') },
    { id: 'gather-deadlines', label: 'scatter-gathers without a deadline or bound (FG003)', count: countOf('FG003') },
  ];
  return items.map((item) => ({ ...item, done: item.count === 0 }));
}
