/**
 * The rule registry: every rule ForkGuard runs, in id order. The engine finds rules only here.
 */
import type { Rule } from './types';
import { FG001 } from './fg001-pool-before-fork';

export const RULES: Rule[] = [FG001];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.id === id);
}
