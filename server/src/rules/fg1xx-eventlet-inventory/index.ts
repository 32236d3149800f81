/**
 * FG101-FG109, the eventlet migration inventory: one rule per kind of eventlet usage, all off in
 * the Problems panel by default. See README.md. The migration report calls `eventletInventory`.
 */
import type { RuleMeta } from '../../model';
import { lazyRuleDocs } from '../rule-docs';
import type { Rule } from '../types';
import { INVENTORY_FOLDER, INVENTORY_METAS, type InventoryRuleMeta } from './meta';
import { eventletChecker } from './python';
import { wholeProgramChecker } from '../incremental';

export { eventletInventory, type EventletUsage } from './inventory';
export { INVENTORY_METAS };

/** The page the nine rules share. */
const inventoryDocs = lazyRuleDocs(INVENTORY_FOLDER, 'eventlet migration inventory (FG101-FG109)');

function ruleOf(inventoryMeta: InventoryRuleMeta): Rule {
  const { kind: _kind, label: _label, ...meta }: InventoryRuleMeta = inventoryMeta;
  const ruleMeta: RuleMeta = meta;
  const checker = eventletChecker(inventoryMeta);
  return {
    meta: ruleMeta,
    get docs(): string {
      return inventoryDocs();
    },
    checkPython: wholeProgramChecker(checker),
    incrementalPython: checker,
  };
}

/** FG101-FG109 in id order. */
export const EVENTLET_INVENTORY_RULES: Rule[] = INVENTORY_METAS.map(ruleOf);
