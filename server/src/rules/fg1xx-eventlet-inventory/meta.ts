/**
 * The FG1xx migration-inventory rules: one code per kind of eventlet usage. All are off in the
 * Problems panel by default (`severity FG101 = "info"` turns one on); the migration report reads
 * the inventory regardless (see inventory.ts). They share one doc page, one section per code.
 */
import type { RuleMeta } from '../../model';
import type { EventletKind } from '../../catalog/python-eventlet';

export const INVENTORY_FOLDER = 'fg1xx-eventlet-inventory';

interface InventoryRuleSpec {
  id: string;
  kind: EventletKind;
  /** What the message calls this usage: `Green pool \`eventlet.GreenPool()\`; ...`. */
  label: string;
  summary: string;
}

const SPECS: readonly InventoryRuleSpec[] = [
  { id: 'FG101', kind: 'import', label: 'Eventlet import', summary: 'An import of eventlet or one of its modules (migration inventory).' },
  { id: 'FG102', kind: 'monkey-patch', label: 'Monkey patching', summary: 'eventlet monkey patching of the standard library (migration inventory).' },
  { id: 'FG103', kind: 'green-pool', label: 'Green pool', summary: 'An eventlet GreenPool or GreenPile (migration inventory).' },
  { id: 'FG104', kind: 'spawn', label: 'Green thread spawn', summary: 'A green thread started with eventlet spawn, spawn_n or spawn_after (migration inventory).' },
  { id: 'FG105', kind: 'sleep', label: 'Green sleep', summary: 'eventlet.sleep (migration inventory).' },
  { id: 'FG106', kind: 'timeout', label: 'Eventlet timeout', summary: 'eventlet.Timeout or with_timeout (migration inventory).' },
  { id: 'FG107', kind: 'tpool', label: 'tpool call', summary: 'eventlet.tpool: a call sent to the native thread pool (migration inventory).' },
  { id: 'FG108', kind: 'green-primitive', label: 'Green primitive', summary: 'A green lock, semaphore, event, queue, socket or eventlet.green module (migration inventory).' },
  { id: 'FG109', kind: 'wsgi', label: 'Eventlet WSGI server', summary: 'eventlet.wsgi: a WSGI server on green threads (migration inventory).' },
];

export interface InventoryRuleMeta extends RuleMeta {
  kind: EventletKind;
  label: string;
}

function metaOf(spec: InventoryRuleSpec): InventoryRuleMeta {
  const name = `eventlet-${spec.kind}`;
  return {
    id: spec.id,
    name,
    defaultSeverity: 'off',
    summary: spec.summary,
    languages: ['python'],
    docsPage: `${INVENTORY_FOLDER}/README.md#${name}-${spec.id.toLowerCase()}`,
    kind: spec.kind,
    label: spec.label,
  };
}

/** In id order. */
export const INVENTORY_METAS: readonly InventoryRuleMeta[] = SPECS.map(metaOf);

export function inventoryMetaOf(kind: EventletKind): InventoryRuleMeta {
  const meta = INVENTORY_METAS.find((m) => m.kind === kind);
  if (!meta) throw new Error(`no FG1xx rule for eventlet usage kind "${kind}"`);
  return meta;
}
