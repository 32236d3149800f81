/**
 * Whether a Node fan-out is bounded (at most N tasks run at once) or has a deadline (it cannot
 * wait forever). Either one makes it no finding; the README states the exact forms.
 *
 * Bounded:
 *   - chunked: the `Promise.all` is awaited inside a loop, so one chunk runs at a time;
 *   - each task starts under a limiter from the catalog: a call of a p-limit instance
 *     (`limit(() => f(x))`), or a queue/semaphore method (`sema.acquire()`, `queue.add(...)`,
 *     `slots.runExclusive(...)`) inside the per-item work.
 * Deadline:
 *   - the `Promise.all` is an element of `Promise.race([...])` next to another promise (a timer);
 *   - it is the argument of a deadline wrapper from the catalog (`pTimeout(Promise.all(...), ...)`);
 *   - the per-item work is passed an `AbortSignal.timeout(ms)` (inline, inside `AbortSignal.any`,
 *     or through a name bound to one).
 */
import type { Range } from '../../model';
import type { TsCall, TsValue } from '../../typescript/facts';
import { CONCURRENCY_LIMITERS, DEADLINE_WRAPPERS, RACE_PATH, TIMEOUT_SIGNAL_COMBINERS, TIMEOUT_SIGNAL_PATHS } from '../../catalog/node-fanout';
import { contains, type FanOutFile } from './typescript-names';

/** How a fan-out is bounded, for tests and messages; undefined when it is not. */
export function boundOf(view: FanOutFile, wait: TsCall, workRanges: readonly Range[]): string | undefined {
  if (wait.inLoop && wait.awaited) return 'awaited one chunk at a time in a loop';
  for (const range of workRanges) {
    for (const call of view.callsWithin(range)) {
      const limiter = limiterCalled(view, call);
      if (limiter) return `each task runs under ${limiter}`;
    }
  }
  return undefined;
}

/** The limiter a call runs work under: `limit(...)` of a p-limit instance, `sema.acquire()`. */
function limiterCalled(view: FanOutFile, call: TsCall): string | undefined {
  const instance = view.instanceCalled(call);
  if (!instance) return undefined;
  const { made, member } = instance;
  const api = CONCURRENCY_LIMITERS.find((l) => l.module === made.module && l.imported === made.imported);
  if (!api) return undefined;
  if (api.form === 'limiter' && member.length === 0) return api.label;
  if (api.form === 'queue' && member.length === 1 && api.methods?.includes(member[0])) return api.label;
  return undefined;
}

/** How a fan-out gets a deadline, for tests and messages; undefined when it has none. */
export function deadlineOf(view: FanOutFile, wait: TsCall, workRanges: readonly Range[]): string | undefined {
  const parent = wait.parentCall !== undefined ? view.facts.calls[wait.parentCall] : undefined;
  if (parent && view.callsGlobal(parent, RACE_PATH) && racedAgainstAnother(parent)) return 'raced against another promise';
  if (parent && parent.args[0]?.range && contains(parent.args[0].range, wait.range)) {
    const library = view.libraryCalled(parent);
    const wrapper = library && DEADLINE_WRAPPERS.find((w) => w.module === library.module && w.imported === library.imported);
    if (wrapper) return `wrapped in ${wrapper.label}`;
  }
  for (const range of workRanges) {
    for (const call of view.callsWithin(range)) {
      if (call.args.some((arg) => carriesTimeoutSignal(view, arg, call))) return 'each task is passed AbortSignal.timeout()';
    }
  }
  return undefined;
}

/** `Promise.race([Promise.all(...), timer])`: an array of at least two promises (or a spread). */
function racedAgainstAnother(race: TsCall): boolean {
  const list = race.args[0];
  return list?.kind === 'array' && (list.elements.length >= 2 || (list.hasSpread && list.elements.length >= 1));
}

const MAX_DEPTH = 6;

/** Whether a value is, holds or names an `AbortSignal.timeout(...)` (looking through objects, arrays, `AbortSignal.any`). */
function carriesTimeoutSignal(view: FanOutFile, value: TsValue, at: TsCall, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  switch (value.kind) {
    case 'object':
      return value.properties.some((p) => carriesTimeoutSignal(view, p.value, at, depth + 1));
    case 'array':
      return value.elements.some((e) => carriesTimeoutSignal(view, e, at, depth + 1));
    case 'await':
      return carriesTimeoutSignal(view, value.value, at, depth + 1);
    case 'call': {
      const call = view.facts.calls[value.call];
      if (!call) return false;
      if (TIMEOUT_SIGNAL_PATHS.some((path) => view.callsGlobal(call, path))) return true;
      return TIMEOUT_SIGNAL_COMBINERS.some((path) => view.callsGlobal(call, path)) && call.args.some((a) => carriesTimeoutSignal(view, a, call, depth + 1));
    }
    case 'path': {
      const binding = view.bindingOf(value.path, at.function, value.range.start);
      return binding !== undefined && carriesTimeoutSignal(view, binding.value, at, depth + 1);
    }
    default:
      return false;
  }
}
