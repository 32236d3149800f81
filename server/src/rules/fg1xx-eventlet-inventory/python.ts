/**
 * FG1xx checkers for Python: each code reports its kind of eventlet usage from the shared
 * inventory, with a message naming the native replacement. Inventory findings carry no fix: the
 * replacement changes how the code runs and needs a human.
 */
import type { Finding } from '../../model';
import type { IncrementalPythonChecker } from '../types';
import { eventletUsagesIn, workspaceImportsEventlet, type EventletUsage } from './inventory';
import type { InventoryRuleMeta } from './meta';

/** One FG1xx code's checker, file by file (the inventory is computed per file too). */
export function eventletChecker(meta: InventoryRuleMeta): IncrementalPythonChecker {
  return {
    checkFile: ({ program }, file) =>
      eventletUsagesIn(program, file)
        .filter((usage) => usage.kind === meta.kind)
        .map((usage) => findingOf(meta, usage)),
    // Whether any file imports eventlet decides whether calls are resolved at all.
    sharedInputs: ({ program }) => String(workspaceImportsEventlet(program)),
  };
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
