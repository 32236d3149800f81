/**
 * One function (or module top level) seen as scatter-gather: which calls fan work out per item
 * of a collection, which names hold the futures they return, which calls wait, and which waits a
 * deadline encloses. Calls are judged by resolved qualified name (program.callGraph); a method
 * named `submit`/`spawn`/`spawn_n` on a receiver that cannot be typed counts only inside a loop,
 * and the rule uses it only when the same function then waits.
 */
import {
  FALLBACK_FAN_OUT_METHODS,
  FALLBACK_POOL_WAIT,
  FALLBACK_POOL_WAIT_METHOD,
  FUTURE_RESULT,
  FUTURE_RESULT_METHOD,
  type FanOutConcurrency,
  type ScatterGatherCatalog,
  type TimeoutParameter,
  type WaitApi,
} from '../../catalog/python-waits';
import type { Range } from '../../model';
import { splitCallee, splitTargets, type ResolvedCall } from '../../python/callgraph';
import type { PyBlock, PyCallEvent, PyFacts, PyScope, PyValue } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import { isSimpleName } from '../../python/resolve';

export interface FanOut {
  event: number;
  call: PyCallEvent;
  label: string;
  concurrency: FanOutConcurrency;
  /** The loop (or comprehension) that runs it once per item. */
  loop: PyBlock;
  /** Found by method name on a receiver that could not be typed. */
  byName: boolean;
}

export interface Wait {
  event: number;
  call: PyCallEvent;
  api: WaitApi;
}

/** What a timeout argument says: no argument, `None`, or some value (a number, a variable, `**kwargs`). */
export type TimeoutState = 'absent' | 'none' | 'given';

export class ScatterScope {
  readonly facts: PyFacts;
  readonly scope: PyScope;
  private readonly resolved = new Map<number, ResolvedCall | undefined>();
  private fanOutList?: FanOut[];
  private holderNames?: Set<string>;

  constructor(
    readonly program: PyProgram,
    readonly catalog: ScatterGatherCatalog,
    readonly file: string,
    readonly scopeIndex: number,
    /** Calls worth resolving (see candidates.ts); every call when absent. */
    private readonly isCandidate: (call: PyCallEvent) => boolean = () => true,
  ) {
    this.facts = program.facts(file)!;
    this.scope = this.facts.scopes[scopeIndex];
  }

  call(event: number): PyCallEvent | undefined {
    const found = this.scope.events[event];
    return found?.k === 'call' ? found : undefined;
  }

  resolve(event: number): ResolvedCall | undefined {
    if (!this.resolved.has(event)) {
      const call = this.call(event);
      this.resolved.set(event, call && this.isCandidate(call) ? this.program.callGraph.resolveCall(this.file, this.scopeIndex, event) : undefined);
    }
    return this.resolved.get(event);
  }

  externals(event: number): string[] {
    return this.resolve(event)?.externals ?? [];
  }

  /** True when nothing in the workspace or the catalog's reach explains the call. */
  private untyped(event: number): boolean {
    const resolved = this.resolve(event);
    return !resolved || (resolved.externals.length === 0 && (resolved.functions.length === 0 || resolved.byName));
  }

  // ---- fan-outs ----

  fanOuts(): FanOut[] {
    this.fanOutList ??= this.findFanOuts();
    return this.fanOutList;
  }

  private findFanOuts(): FanOut[] {
    const found: FanOut[] = [];
    this.scope.events.forEach((event, index) => {
      if (event.k !== 'call') return;
      const loop = this.perItemLoop(event.block);
      if (!loop) return;
      const api = this.externals(index).map((q) => this.catalog.fanOutByName.get(q)).find((a) => a !== undefined);
      if (api) {
        found.push({ event: index, call: event, label: api.label, concurrency: api.concurrency, loop, byName: false });
        return;
      }
      const { receiver, member } = splitCallee(event.callee);
      if (receiver && member && FALLBACK_FAN_OUT_METHODS.includes(member) && !receiver.includes('#') && this.untyped(index)) {
        found.push({ event: index, call: event, label: `${receiver}.${member}()`, concurrency: 'pool', loop, byName: true });
      }
    });
    return found;
  }

  /** The innermost enclosing loop that runs once per item of a collection of unknown size. */
  perItemLoop(block: number): PyBlock | undefined {
    for (let index = block; index >= 0; index = this.scope.blocks[index]?.parent ?? -1) {
      const candidate = this.scope.blocks[index];
      if (!candidate) break;
      if (candidate.kind === 'while') return candidate;
      if ((candidate.kind === 'for' || candidate.kind === 'comprehension') && !isFixedCollection(candidate.test)) return candidate;
    }
    return undefined;
  }

  /** Comprehension blocks written inside a call's argument list. */
  comprehensionsIn(range: Range): { index: number; block: PyBlock }[] {
    return this.scope.blocks.map((block, index) => ({ index, block })).filter(({ block }) => block.kind === 'comprehension' && contains(range, block.range));
  }

  // ---- fanned-out futures ----

  /**
   * Whether `name`, used in `block`, holds futures the fan-outs returned and that are not known to
   * be done. A loop variable follows its own loop (the innermost binding wins): it is pending when
   * the loop iterates pending futures, not when it iterates a wait that yields done ones
   * (`for f in as_completed(futures)`). Other names are pending when a fan-out's result was bound
   * to them or collected into them.
   */
  isPendingFuture(name: string, block: number): boolean {
    for (let index = block; index >= 0; index = this.scope.blocks[index]?.parent ?? -1) {
      const loop = this.scope.blocks[index];
      if (!loop) break;
      if ((loop.kind === 'for' || loop.kind === 'comprehension') && splitTargets(loop.target).includes(name)) {
        if (this.iteratesDoneFutures(index, loop)) return false;
        return namesIn(loop.test).some((used) => used !== name && this.isPendingFuture(used, loop.parent));
      }
    }
    return this.collectedFutureNames().has(name);
  }

  /** Names a fan-out's futures were bound to or collected into (`futures = [...]`, `futures.append(...)`). */
  private collectedFutureNames(): Set<string> {
    this.holderNames ??= this.findCollectedFutureNames();
    return this.holderNames;
  }

  private findCollectedFutureNames(): Set<string> {
    const names = new Set<string>();
    const add = (dotted: string | undefined): void => {
      const name = dotted?.replace(/\[\]$/, '');
      if (name && isSimpleName(name)) names.add(name);
    };
    const fanOutEvents = new Set(this.fanOuts().map((f) => f.event));
    const fanOutRanges = this.fanOuts().map((f) => f.call.range);
    this.scope.events.forEach((event, index) => {
      if (event.k === 'call' && fanOutEvents.has(index)) event.targets?.forEach(add);
      if (event.k === 'assign' && fanOutRanges.some((r) => contains(event.value.range, r))) event.targets.forEach(add);
      // `futures.append(executor.submit(...))`
      if (event.k === 'call' && event.args.some((a) => a.kind === 'call' && a.call !== undefined && fanOutEvents.has(a.call))) {
        const { receiver, member } = splitCallee(event.callee);
        if (receiver && (member === 'append' || member === 'add')) add(receiver);
      }
    });
    return names;
  }

  private iteratesDoneFutures(blockIndex: number, block: PyBlock): boolean {
    return this.scope.events.some((event, index) => {
      if (event.k !== 'call' || !event.isIterable) return false;
      const isThisIterable = block.kind === 'comprehension' ? contains(block.range, event.range) : event.block === block.parent && event.range.end.line <= block.range.start.line && isIterableOf(this.scope, index, blockIndex);
      return isThisIterable && this.waitApiOf(index)?.yieldsDone === true;
    });
  }

  // ---- waits ----

  /** The wait API of a call, judged by qualified name (futures' `result()` by data flow). */
  waitApiOf(event: number): WaitApi | undefined {
    const call = this.call(event);
    if (!call) return undefined;
    const api = this.externals(event).map((q) => this.catalog.waitByName.get(q)).find((a) => a !== undefined);
    if (api) return api;
    const { receiver, member } = splitCallee(call.callee);
    if (!receiver || !member) return undefined;
    if (member === FUTURE_RESULT_METHOD && isSimpleName(receiver) && this.isPendingFuture(receiver, call.block)) return FUTURE_RESULT;
    if (member === FALLBACK_POOL_WAIT_METHOD && this.untyped(event) && this.fanOuts().some((f) => f.byName && f.event < event && splitCallee(f.call.callee).receiver === receiver)) {
      return FALLBACK_POOL_WAIT;
    }
    return undefined;
  }

  waits(): Wait[] {
    const waits: Wait[] = [];
    this.scope.events.forEach((event, index) => {
      if (event.k !== 'call') return;
      const api = this.waitApiOf(index);
      if (api) waits.push({ event: index, call: event, api });
    });
    return waits;
  }

  // ---- deadlines ----

  /** The call sits in the body of `with asyncio.timeout(N):` (or eventlet.Timeout) with a real deadline. */
  underDeadlineScope(call: PyCallEvent): boolean {
    return this.scope.events.some((event, index) => {
      if (event.k !== 'call' || !event.withItem) return false;
      const api = this.externals(index).map((q) => this.catalog.deadlineByName.get(q)).find((a) => a?.form === 'with');
      if (!api || timeoutState(event, api.timeout) !== 'given') return false;
      const body = this.withBody(event);
      return body !== undefined && this.insideBlock(call.block, body);
    });
  }

  /** The call is an argument of a deadline wrapper (`asyncio.wait_for(gather(...), 10)`) or a timed wait. */
  wrappedWithDeadline(event: number): boolean {
    return this.wrappersOf(event).some((index) => {
      const wrapper = this.call(index)!;
      const deadline = this.externals(index).map((q) => this.catalog.deadlineByName.get(q)).find((a) => a?.form === 'wrapper');
      const parameter = deadline?.timeout ?? this.waitApiOf(index)?.timeout;
      return parameter !== undefined && timeoutState(wrapper, parameter) === 'given';
    });
  }

  /** Calls taking this call's result as an argument (directly or in a list display). */
  wrappersOf(event: number): number[] {
    const uses = (value: PyValue): boolean => (value.kind === 'call' && value.call === event) || (value.elements ?? []).some(uses);
    const found: number[] = [];
    this.scope.events.forEach((other, index) => {
      if (other.k === 'call' && (other.args.some(uses) || other.kwargs.some((k) => uses(k.value)))) found.push(index);
    });
    return found;
  }

  /** The body block of a `with` statement, given one of its items: the first `with` block after it. */
  private withBody(item: PyCallEvent): number | undefined {
    let best: number | undefined;
    this.scope.blocks.forEach((block, index) => {
      if (block.kind !== 'with' || block.parent !== item.block || compare(block.range.start, item.range.end) < 0) return;
      if (best === undefined || compare(block.range.start, this.scope.blocks[best].range.start) < 0) best = index;
    });
    return best;
  }

  private insideBlock(block: number, ancestor: number): boolean {
    for (let index = block; index >= 0; index = this.scope.blocks[index]?.parent ?? -1) if (index === ancestor) return true;
    return false;
  }
}

/** Whether (and how) a call passes the timeout parameter. `**kwargs` (or `*args` reaching the position) may carry one. */
export function timeoutState(call: PyCallEvent, parameter: TimeoutParameter): TimeoutState {
  const keyword = call.kwargs.find((k) => k.name === parameter.name);
  const value = keyword?.value ?? (parameter.position === undefined ? undefined : call.args[parameter.position]);
  if (value) return value.kind === 'none' ? 'none' : 'given';
  if (call.hasStarKwargs || (call.hasStarArgs && parameter.position !== undefined)) return 'given';
  return 'absent';
}

/** The argument value a call passes for a parameter (keyword first, then position). */
export function timeoutArgument(call: PyCallEvent, parameter: TimeoutParameter): PyValue | undefined {
  const keyword = call.kwargs.find((k) => k.name === parameter.name);
  return keyword?.value ?? (parameter.position === undefined ? undefined : call.args[parameter.position]);
}

/**
 * A collection whose size the code fixes: a list/tuple/set display (`(a, b)`), or `range(<int>)`.
 * Anything else (a name, a call, a comprehension) may hold any number of items.
 */
export function isFixedCollection(test: string | undefined): boolean {
  if (test === undefined) return false;
  const text = test.trim();
  if (/^range\(\s*\d+\s*\)$/.test(text)) return true;
  return /^[([{]/.test(text) && !/\bfor\b/.test(text);
}

/** Plain names used in an expression's text (not attributes: `x` and `y` in `zip(x, self.y)` gives `zip`, `x`, `self`). */
function namesIn(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/(?<![\w.])[A-Za-z_]\w*/g)].map((m) => m[0]);
}

/** For a `for` block: is this iterable call the one of its header (the last one before the body)? */
function isIterableOf(scope: PyScope, event: number, blockIndex: number): boolean {
  const block = scope.blocks[blockIndex];
  const later = scope.events.some((other, index) => index > event && other.k === 'call' && other.isIterable && other.block === block.parent && compare(other.range.end, block.range.start) <= 0);
  return !later;
}

export function contains(outer: Range, inner: Range): boolean {
  return compare(outer.start, inner.start) <= 0 && compare(inner.end, outer.end) <= 0;
}

function compare(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
}
