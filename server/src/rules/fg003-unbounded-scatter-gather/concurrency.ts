/**
 * The second half of FG003: a fan-out that starts one thread or task per item of a collection of
 * unknown size, all at once (`threading.Thread` per item, `asyncio.create_task` per item,
 * `asyncio.gather(*[f(x) for x in items])`), with no semaphore in reach to bound it. Pools bound
 * their fan-outs by their size and are not reported here.
 */
import type { Finding, RelatedLocation } from '../../model';
import type { FunctionRef } from '../../python/callgraph';
import type { PyBlock, PyCallEvent } from '../../python/facts';
import { findingOn } from './finding';
import { ScatterScope, contains } from './scope';

export function concurrencyFindings(scope: ScatterScope): Finding[] {
  const findings: Finding[] = [];
  for (const fanOut of scope.fanOuts()) {
    if (fanOut.concurrency !== 'unbounded' || isWorkerCount(fanOut.loop)) continue;
    if (semaphoreInReach(scope, [fanOut.event, ...argumentCalls(fanOut.call)])) continue;
    findings.push(findingOn(scope, fanOut.call, message(`\`${fanOut.label}\``, fanOut.loop, remedyFor(fanOut.label)), [], []));
  }
  for (const wait of scope.waits()) {
    if (wait.api.kind !== 'gather' || !wait.call.hasStarArgs) continue;
    for (const { index, block } of scope.comprehensionsIn(wait.call.argsRange)) {
      const loop = scope.perItemLoop(index);
      if (!loop || isWorkerCount(loop)) continue;
      const inside = callsIn(scope, block);
      // A comprehension of `create_task(...)` is already reported as that fan-out.
      if (inside.length === 0 || inside.some((event) => scope.fanOuts().some((f) => f.event === event))) continue;
      if (semaphoreInReach(scope, inside)) continue;
      const related: RelatedLocation[] = [{ file: scope.file, range: wait.call.range, message: 'gathered here, all at once' }];
      const text = message('`asyncio.gather()`', loop, 'an `asyncio.Semaphore` that each task holds while it works (or a fixed number of worker tasks)');
      findings.push({ ...findingOn(scope, wait.call, text, related, []), range: block.range });
    }
  }
  return findings;
}

function message(what: string, loop: PyBlock, remedy: string): string {
  const items = loop.kind === 'while' ? 'iteration of a `while` loop' : `item of \`${loop.test ?? '?'}\``;
  return (
    `${what} starts one task per ${items} with no bound on how many run at once: a large collection starts them all together ` +
    `(threads, connections and memory grow with it, and the database or peer sees the whole burst). Bound the concurrency: ${remedy}.`
  );
}

function remedyFor(label: string): string {
  if (label.startsWith('asyncio')) return 'an `asyncio.Semaphore` that each task holds while it works (or a fixed number of worker tasks)';
  if (label.startsWith('eventlet')) return 'a `GreenPool(size)` (or, with native threads, an executor with `max_workers`)';
  return 'an executor with `max_workers` (`concurrent.futures.ThreadPoolExecutor` or futurist) instead of a thread per item';
}

/** `for _ in range(n)`: a fixed number of workers, not one per item. */
function isWorkerCount(loop: PyBlock): boolean {
  return /^range\(/.test(loop.test?.trim() ?? '');
}

/** Calls given as arguments: `create_task(fetch(x))` fans out `fetch`. */
function argumentCalls(call: PyCallEvent): number[] {
  return call.args.flatMap((a) => (a.kind === 'call' && a.call !== undefined ? [a.call] : []));
}

function callsIn(scope: ScatterScope, block: PyBlock): number[] {
  const found: number[] = [];
  scope.scope.events.forEach((event, index) => {
    if (event.k === 'call' && contains(block.range, event.range)) found.push(index);
  });
  return found;
}

/**
 * A semaphore created where the fanned-out code can use it: in this function or the functions and
 * module around it, in a method of the same class (`self._sem`), or around a workspace function the
 * fan-out runs.
 */
function semaphoreInReach(scope: ScatterScope, fannedEvents: number[]): boolean {
  const places: FunctionRef[] = [...enclosing(scope, { file: scope.file, scope: scope.scopeIndex }), ...sameClassMethods(scope)];
  for (const event of fannedEvents) {
    for (const fn of scope.program.callGraph.resolveCall(scope.file, scope.scopeIndex, event)?.functions ?? []) places.push(...enclosing(scope, fn));
  }
  return places.some((place) => createsSemaphore(scope, place));
}

function enclosing(scope: ScatterScope, fn: FunctionRef): FunctionRef[] {
  const chain: FunctionRef[] = [];
  const scopes = scope.program.facts(fn.file)?.scopes ?? [];
  for (let index = fn.scope; index >= 0; index = scopes[index]?.parent ?? -1) chain.push({ file: fn.file, scope: index });
  return chain;
}

function sameClassMethods(scope: ScatterScope): FunctionRef[] {
  const className = scope.scope.className;
  const cls = scope.facts.classes.find((c) => c.qualname === className);
  return cls ? Object.values(cls.methods).map((index) => ({ file: scope.file, scope: index })) : [];
}

function createsSemaphore(scope: ScatterScope, place: FunctionRef): boolean {
  const events = scope.program.facts(place.file)?.scopes[place.scope]?.events ?? [];
  return events.some((event, index) => {
    if (event.k !== 'call' || !event.callee.includes('Semaphore')) return false;
    const externals = scope.program.callGraph.resolveCall(place.file, place.scope, index)?.externals ?? [];
    return externals.some((q) => scope.catalog.semaphores.has(q));
  });
}
