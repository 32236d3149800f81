/**
 * Which calls are worth resolving for FG003. Resolving every call of a large workspace through the
 * call graph costs time on a cold scan; a call can only be a fan-out, a wait, a deadline or a
 * semaphore when its last name is one the catalog lists (or an import alias of one), and it can
 * only be a helper call given `timeout=None` when it passes `None`.
 */
import { buildScatterGatherCatalog, FALLBACK_FAN_OUT_METHODS, FALLBACK_POOL_WAIT_METHOD, FUTURE_RESULT_METHOD, type ScatterGatherCatalog } from '../../catalog/python-waits';
import type { PyCallEvent, PyFacts, PyScope } from '../../python/facts';
import type { PyProgram } from '../../python/program';

const catalogs = new WeakMap<object, { catalog: ScatterGatherCatalog; memberNames: ReadonlySet<string> }>();

/** Built once per pool-factory list (the program's catalog, configuration included). */
export function scatterGatherCatalog(program: PyProgram): { catalog: ScatterGatherCatalog; memberNames: ReadonlySet<string> } {
  const key = program.catalog.poolFactories;
  let entry = catalogs.get(key);
  if (!entry) {
    const catalog = buildScatterGatherCatalog(key);
    const qualnames = [...catalog.fanOutByName.keys(), ...catalog.waitByName.keys(), ...catalog.deadlineByName.keys(), ...catalog.semaphores];
    const memberNames = new Set([...qualnames.map(lastName), ...FALLBACK_FAN_OUT_METHODS, FUTURE_RESULT_METHOD, FALLBACK_POOL_WAIT_METHOD]);
    entry = { catalog, memberNames };
    catalogs.set(key, entry);
  }
  return entry;
}

/**
 * Per scope object, what the filter found in it before. An open document's facts after an edit
 * share the scope objects of every statement the edit did not touch (extract-chunks.ts), so an
 * edit scans only the scopes it changed, not the whole file, for aliases and candidates.
 */
const aliasesByScope = new WeakMap<PyScope, { memberNames: ReadonlySet<string>; aliases: string[] }>();
const candidatesByScope = new WeakMap<PyScope, { memberNames: ReadonlySet<string>; namesKey: string; has: boolean }>();

export class CandidateFilter {
  private readonly names: Set<string>;
  /** Identifies the aliases in `names` for the per-scope cache (with memberNames, all of `names`). */
  private readonly namesKey: string;

  constructor(private readonly memberNames: ReadonlySet<string>, facts: PyFacts) {
    this.names = new Set(memberNames);
    const aliases: string[] = [];
    for (const scope of facts.scopes) for (const alias of this.aliasesIn(scope)) if (!this.names.has(alias)) aliases.push(alias);
    for (const alias of aliases) this.names.add(alias);
    this.namesKey = aliases.sort().join(' ');
  }

  isCandidate(call: PyCallEvent): boolean {
    return this.names.has(lastName(call.callee)) || passesNone(call);
  }

  /** Whether some call of the scope is a candidate. */
  hasCandidate(scope: PyScope): boolean {
    const known = candidatesByScope.get(scope);
    if (known?.memberNames === this.memberNames && known.namesKey === this.namesKey) return known.has;
    const has = scope.events.some((event) => event.k === 'call' && this.isCandidate(event));
    candidatesByScope.set(scope, { memberNames: this.memberNames, namesKey: this.namesKey, has });
    return has;
  }

  /** `from concurrent.futures import wait as cf_wait`: the alias is a candidate name too. */
  private aliasesIn(scope: PyScope): string[] {
    const known = aliasesByScope.get(scope);
    if (known?.memberNames === this.memberNames) return known.aliases;
    const aliases: string[] = [];
    for (const event of scope.events) {
      if (event.k !== 'import') continue;
      for (const binding of event.bindings) if (this.memberNames.has(lastName(binding.target))) aliases.push(binding.local);
    }
    aliasesByScope.set(scope, { memberNames: this.memberNames, aliases });
    return aliases;
  }
}

export function passesNone(call: PyCallEvent): boolean {
  return call.args.some((a) => a.kind === 'none') || call.kwargs.some((k) => k.value.kind === 'none');
}

/** `a.b.wait` -> `wait`; `a.Pool()` -> `Pool` (asked for every call of the workspace: no regular expression). */
function lastName(dotted: string): string {
  const last = dotted.slice(dotted.lastIndexOf('.') + 1);
  return last.endsWith('()') ? last.slice(0, -2) : last;
}
