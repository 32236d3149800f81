/**
 * Reading a call's arguments for FG002: where an argument is, whether a value sets the timeout
 * (or may: a variable, a call, an attribute), and the literal text of a URL, followed through a
 * name assigned a string literal in the same function or at module level.
 */
import type { Range } from '../../model';
import type { ArgumentSlot, TimeoutCarrier } from '../../catalog/python-timeouts';
import type { PyCallEvent, PyValue } from '../../python/facts';
import type { PyCallSite, PyProgram } from '../../python/program';

/** A call with where it is (the program's own call-site shape). */
export type CallSite = PyCallSite;

/**
 * The value passed in a slot; `unknown` when `*args` may hold it; undefined when it is absent.
 * (Calls with `**kwargs` are not judged at all.)
 */
export function argumentOf(call: PyCallEvent, slot: ArgumentSlot): PyValue | 'unknown' | undefined {
  const keyword = call.kwargs.find((kwarg) => kwarg.name === slot.name);
  if (keyword) return keyword.value;
  if (slot.position === undefined) return undefined;
  if (slot.position < call.args.length) return call.args[slot.position];
  return call.hasStarArgs ? 'unknown' : undefined;
}

/** True when the value sets the timeout, or may (it is not a literal we can read). */
export function carrierSatisfied(carrier: TimeoutCarrier, value: PyValue | 'unknown'): boolean {
  if (value === 'unknown') return carrier.literalOnly !== true;
  if (value.kind === 'none') return false;
  if (carrier.token === undefined) return true;
  if (value.kind === 'str') return String(value.literal ?? value.text).includes(carrier.token);
  if (carrier.literalOnly) return false;
  if (value.kind === 'dict') return value.hasSpread === true || (value.entries ?? []).some((entry) => entry.key === carrier.token);
  return value.kind !== 'num' && value.kind !== 'bool';
}

/** True when a dict display (`connect_args={...}`) has an entry that sets the timeout. */
export function dictCarries(dict: PyValue | undefined, keys: readonly TimeoutCarrier[]): boolean {
  if (!dict || dict.kind !== 'dict') return false;
  return (dict.entries ?? []).some((entry) => keys.some((key) => key.name === entry.key && carrierSatisfied(key, entry.value)));
}

export interface LiteralUrl {
  text: string;
  /** The string literal's range (where a fix appends to it). */
  range: Range;
  /** The literal's source text, quotes included. */
  source: string;
  /** The URL was read from an assignment (`URL = "mysql://..."`), not from the call itself. */
  assigned: boolean;
}

/** The URL's literal text: the argument itself, or the string a simple name was last assigned. */
export function literalUrlOf(program: PyProgram, site: CallSite, url: PyValue): LiteralUrl | undefined {
  if (url.kind === 'str' && typeof url.literal === 'string') return { text: url.literal, range: url.range, source: url.text, assigned: false };
  if (url.kind !== 'name' || !url.dotted || !/^[A-Za-z_]\w*$/.test(url.dotted)) return undefined;
  const facts = program.facts(site.file);
  if (!facts) return undefined;
  const scopes = site.scope === 0 ? [0] : [site.scope, 0];
  for (const scopeIndex of scopes) {
    const events = facts.scopes[scopeIndex]?.events ?? [];
    const limit = scopeIndex === site.scope ? site.event : events.length;
    let found: LiteralUrl | undefined;
    let rebound = false;
    for (let i = 0; i < limit; i++) {
      const event = events[i];
      const binds = (event.k === 'assign' || event.k === 'call') && (event.targets ?? []).includes(url.dotted);
      if (!binds) continue;
      if (event.k === 'assign' && event.value.kind === 'str' && typeof event.value.literal === 'string') {
        found = { text: event.value.literal, range: event.value.range, source: event.value.text, assigned: true };
        rebound = false;
      } else rebound = true;
    }
    if (found && !rebound) return found;
    if (found || rebound) return undefined;
  }
  return undefined;
}
