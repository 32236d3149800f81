/**
 * FG1xx checkers for Python: each code reports its kind of eventlet usage from the shared
 * inventory, with a message naming the native replacement. Inventory findings carry no fix: the
 * replacement changes how the code runs and needs a human.
 */
import type { Finding } from '../../model';
import type { PythonRuleContext } from '../types';
import { eventletInventory, type EventletUsage } from './inventory';
import type { InventoryRuleMeta } from './meta';

export function checkEventletUsage(meta: InventoryRuleMeta, { program }: PythonRuleContext): Finding[] {
  return eventletInventory(program)
    .filter((usage) => usage.kind === meta.kind)
    .map((usage) => findingOf(meta, usage));
}

function findingOf(meta: InventoryRuleMeta, usage: EventletUsage): Finding {
  return {
    rule: meta.id,
    name: meta.name,
    // The engine applies the configured severity; `info` is what a user turning the rule on gets.
    severity: 'info',
    file: usage.file,
    range: usage.range,
    message: inventoryMessage(meta, usage),
    related: [],
    fixes: [],
  };
}

/** `Green pool \`eventlet.GreenPool()\`; native replacement: ...` (an import shows its module). */
export function inventoryMessage(meta: InventoryRuleMeta, usage: EventletUsage): string {
  const shown = usage.kind === 'import' ? usage.qualifiedName : `${usage.qualifiedName}()`;
  return `${meta.label} \`${shown}\`; native replacement: ${usage.replacement}.`;
}
