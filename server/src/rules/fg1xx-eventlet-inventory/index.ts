/**
 * FG101-FG109, the eventlet migration inventory: one rule per kind of eventlet usage, all off in
 * the Problems panel by default. See README.md. The migration report calls `eventletInventory`.
 */
import type { RuleMeta } from '../../model';
import { readRuleDocs } from '../rule-docs';
import type { Rule } from '../types';
import { INVENTORY_FOLDER, INVENTORY_METAS, type InventoryRuleMeta } from './meta';
import { checkEventletUsage } from './python';

export { eventletInventory, type EventletUsage } from './inventory';
export { INVENTORY_METAS };

let docs: string | undefined;

/** The shared page, read on first use, so loading the registry costs no file access. */
function inventoryDocs(): string {
  docs ??= readRuleDocs(INVENTORY_FOLDER, 'eventlet migration inventory (FG101-FG109)');
  return docs;
}

function ruleOf(inventoryMeta: InventoryRuleMeta): Rule {
  const { kind: _kind, label: _label, ...meta }: InventoryRuleMeta = inventoryMeta;
  const ruleMeta: RuleMeta = meta;
  return {
    meta: ruleMeta,
    get docs(): string {
      return inventoryDocs();
    },
    checkPython: (context) => checkEventletUsage(inventoryMeta, context),
  };
}

/** FG101-FG109 in id order. */
export const EVENTLET_INVENTORY_RULES: Rule[] = INVENTORY_METAS.map(ruleOf);
