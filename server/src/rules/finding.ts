/**
 * Building findings, shared by the rules of every language: a checker says where and what, the
 * rule's meta says who (id, name, default severity).
 */
import type { Finding, Fix, RuleMeta } from '../model';

/** What a checker knows of one finding; the rest comes from its rule's meta. */
export type FindingContent = Omit<Finding, 'rule' | 'name' | 'severity'>;

/**
 * A finding of `meta`'s rule at the rule's default severity (the engine applies the configured one
 * later); a rule off by default reports as a warning, which is what a user turning it on gets.
 */
export function ruleFinding(meta: RuleMeta, content: FindingContent): Finding {
  return {
    rule: meta.id,
    name: meta.name,
    severity: meta.defaultSeverity === 'off' ? 'warning' : meta.defaultSeverity,
    ...content,
  };
}

/** The fixes that could be built (undefined: not for this case), the first one marked preferred and only it. */
export function preferFirst(fixes: readonly (Fix | undefined)[]): Fix[] {
  const offered = fixes.filter((fix): fix is Fix => fix !== undefined);
  offered.forEach((fix, index) => (fix.preferred = index === 0));
  return offered;
}
