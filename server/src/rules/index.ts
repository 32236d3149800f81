/**
 * The rule registry: every rule ForkGuard runs, in id order. The engine finds rules only here.
 */
import type { Rule } from './types';
import { FG001 } from './fg001-pool-before-fork';
import { FG002 } from './fg002-missing-query-timeout';
import { FG003 } from './fg003-unbounded-scatter-gather';
import { EVENTLET_INVENTORY_RULES } from './fg1xx-eventlet-inventory';

export const RULES: Rule[] = [FG001, FG002, FG003, ...EVENTLET_INVENTORY_RULES];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}
