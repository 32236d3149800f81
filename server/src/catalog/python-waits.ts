/**
 * What ForkGuard knows about scatter-gather in Python (rule FG003): the calls that fan work out
 * (one task per item), the calls that wait for that work (and where their deadline is passed),
 * the scopes that put a deadline around a wait, and the semaphores that bound a fan-out. Pure
 * data, matched by resolved qualified name (see catalog/types.ts for the `()` notation).
 *
 * Pool methods are derived from the pool factories (POOL_FACTORIES plus configured ones), so a
 * pool the catalog knows is also a pool whose `submit`/`spawn` fans out.
 */
import type { PoolFactory } from './types';

/** Where a call takes its timeout: a keyword and, when it may also be positional, its index. */
export interface TimeoutParameter {
  name: string;
  position?: number;
}

/**
 * How a fan-out limits how many tasks run at once:
 * - `pool`: a pool of fixed size runs them (an executor, a GreenPool, the loop's default executor);
 * - `unbounded`: one thread, green thread or asyncio task per item, all at once.
 */
export type FanOutConcurrency = 'pool' | 'unbounded';

export interface FanOutApi {
  qualnames: string[];
  /** For messages: `executor.submit()`, `asyncio.create_task()`. */
  label: string;
  concurrency: FanOutConcurrency;
}

/**
 * What a wait waits on, which decides when it is a scatter-gather:
 * - `futures`: a collection of futures (`concurrent.futures.wait`, `as_completed`, futurist
 *   waiters, `asyncio.wait`): a finding after a fan-out in the same function;
 * - `future`: one future's `result()`: a finding only on futures that were fanned out;
 * - `gather`: `asyncio.gather`, which takes no timeout: a deadline must enclose it;
 * - `pool`: `GreenPool.waitall`, which takes no timeout either;
 * - `map`: `Executor.map`, which fans out and waits (while iterating) in one call.
 */
export type WaitKind = 'futures' | 'future' | 'gather' | 'pool' | 'map';

export interface WaitApi {
  qualnames: string[];
  label: string;
  kind: WaitKind;
  /** Absent when the API takes no timeout at all. */
  timeout?: TimeoutParameter;
  /** The futures it yields or returns are done (iterating `as_completed` gives finished ones). */
  yieldsDone?: boolean;
}

/**
 * A deadline around other waits: entered as a `with` item (`async with asyncio.timeout(10):`), or
 * a call wrapping an awaitable (`asyncio.wait_for(gather(...), timeout=10)`).
 */
export interface DeadlineApi {
  qualnames: string[];
  label: string;
  form: 'with' | 'wrapper';
  timeout: TimeoutParameter;
}

/** Method names of concurrent.futures-style executors (futurist keeps the same API). */
const EXECUTOR_SUBMIT = 'submit';
const EXECUTOR_MAP = 'map';
/** eventlet GreenPool methods. */
const GREEN_POOL_SPAWNS = ['spawn', 'spawn_n'];
const GREEN_POOL_WAITALL = 'waitall';

/**
 * Method names that fan out when called in a loop on a receiver that cannot be typed: judged only
 * when the same function then waits (the caller checks), since the names are common.
 */
export const FALLBACK_FAN_OUT_METHODS: readonly string[] = [EXECUTOR_SUBMIT, ...GREEN_POOL_SPAWNS];
/** `Future.result(timeout=None)`: matched on fanned-out futures by method name (loop targets are untyped). */
export const FUTURE_RESULT: WaitApi = {
  qualnames: ['concurrent.futures.Future.result', 'asyncio.Future.result'],
  label: 'Future.result()',
  kind: 'future',
  timeout: { name: 'timeout', position: 0 },
};
export const FUTURE_RESULT_METHOD = 'result';

const LOOP_FACTORIES = ['asyncio.get_event_loop()', 'asyncio.get_running_loop()', 'asyncio.new_event_loop()', 'asyncio.events.get_event_loop()'];

const FIXED_FAN_OUTS: readonly FanOutApi[] = [
  {
    qualnames: ['asyncio.create_task', 'asyncio.ensure_future', 'asyncio.tasks.create_task', 'asyncio.tasks.ensure_future', ...LOOP_FACTORIES.map((l) => `${l}.create_task`)],
    label: 'asyncio.create_task()',
    concurrency: 'unbounded',
  },
  { qualnames: LOOP_FACTORIES.map((l) => `${l}.run_in_executor`), label: 'loop.run_in_executor()', concurrency: 'pool' },
  { qualnames: ['asyncio.to_thread', 'asyncio.threads.to_thread'], label: 'asyncio.to_thread()', concurrency: 'pool' },
  { qualnames: ['eventlet.spawn', 'eventlet.greenthread.spawn'], label: 'eventlet.spawn()', concurrency: 'unbounded' },
  { qualnames: ['eventlet.spawn_n', 'eventlet.greenthread.spawn_n'], label: 'eventlet.spawn_n()', concurrency: 'unbounded' },
  { qualnames: ['threading.Thread', 'threading.Timer'], label: 'threading.Thread()', concurrency: 'unbounded' },
];

const FIXED_WAITS: readonly WaitApi[] = [
  { qualnames: ['concurrent.futures.wait', 'concurrent.futures._base.wait'], label: 'concurrent.futures.wait()', kind: 'futures', timeout: { name: 'timeout', position: 1 }, yieldsDone: true },
  { qualnames: ['concurrent.futures.as_completed', 'concurrent.futures._base.as_completed'], label: 'concurrent.futures.as_completed()', kind: 'futures', timeout: { name: 'timeout', position: 1 }, yieldsDone: true },
  { qualnames: ['futurist.waiters.wait_for_all'], label: 'futurist.waiters.wait_for_all()', kind: 'futures', timeout: { name: 'timeout', position: 1 }, yieldsDone: true },
  { qualnames: ['futurist.waiters.wait_for_any'], label: 'futurist.waiters.wait_for_any()', kind: 'futures', timeout: { name: 'timeout', position: 1 }, yieldsDone: true },
  { qualnames: ['asyncio.wait', 'asyncio.tasks.wait'], label: 'asyncio.wait()', kind: 'futures', timeout: { name: 'timeout' }, yieldsDone: true },
  { qualnames: ['asyncio.as_completed', 'asyncio.tasks.as_completed'], label: 'asyncio.as_completed()', kind: 'futures', timeout: { name: 'timeout' } },
  { qualnames: ['asyncio.gather', 'asyncio.tasks.gather'], label: 'asyncio.gather()', kind: 'gather' },
];

export const DEADLINE_APIS: readonly DeadlineApi[] = [
  { qualnames: ['asyncio.timeout', 'asyncio.timeouts.timeout'], label: 'asyncio.timeout()', form: 'with', timeout: { name: 'delay', position: 0 } },
  { qualnames: ['asyncio.timeout_at', 'asyncio.timeouts.timeout_at'], label: 'asyncio.timeout_at()', form: 'with', timeout: { name: 'when', position: 0 } },
  { qualnames: ['eventlet.Timeout', 'eventlet.timeout.Timeout'], label: 'eventlet.Timeout()', form: 'with', timeout: { name: 'seconds', position: 0 } },
  { qualnames: ['asyncio.wait_for', 'asyncio.tasks.wait_for'], label: 'asyncio.wait_for()', form: 'wrapper', timeout: { name: 'timeout', position: 1 } },
];

/** Creating one of these in reach of a fan-out counts as bounding its concurrency. */
export const SEMAPHORES: readonly string[] = [
  'asyncio.Semaphore',
  'asyncio.BoundedSemaphore',
  'asyncio.locks.Semaphore',
  'asyncio.locks.BoundedSemaphore',
  'threading.Semaphore',
  'threading.BoundedSemaphore',
  'eventlet.semaphore.Semaphore',
  'eventlet.semaphore.BoundedSemaphore',
];

export interface ScatterGatherCatalog {
  fanOutByName: ReadonlyMap<string, FanOutApi>;
  waitByName: ReadonlyMap<string, WaitApi>;
  deadlineByName: ReadonlyMap<string, DeadlineApi>;
  semaphores: ReadonlySet<string>;
}

/**
 * The catalog for a set of pool factories: executor factories (reset by `shutdown`, the
 * concurrent.futures API) get `submit` and `map`; GreenPools (reset by `waitall`) `spawn`,
 * `spawn_n` and `waitall`. Configured pool factories are executors (their reset includes `shutdown`).
 */
export function buildScatterGatherCatalog(poolFactories: readonly PoolFactory[]): ScatterGatherCatalog {
  const executors = poolFactories.filter((f) => f.resetMethods.includes('shutdown')).flatMap((f) => f.qualnames);
  const greenPools = poolFactories.filter((f) => f.resetMethods.includes(GREEN_POOL_WAITALL)).flatMap((f) => f.qualnames);
  const fanOuts: FanOutApi[] = [
    { qualnames: executors.map((q) => `${q}().${EXECUTOR_SUBMIT}`), label: 'executor.submit()', concurrency: 'pool' },
    { qualnames: greenPools.flatMap((q) => GREEN_POOL_SPAWNS.map((m) => `${q}().${m}`)), label: 'GreenPool.spawn()', concurrency: 'pool' },
    ...FIXED_FAN_OUTS,
  ];
  const waits: WaitApi[] = [
    { qualnames: executors.map((q) => `${q}().${EXECUTOR_MAP}`), label: 'executor.map()', kind: 'map', timeout: { name: 'timeout' } },
    { qualnames: greenPools.map((q) => `${q}().${GREEN_POOL_WAITALL}`), label: 'GreenPool.waitall()', kind: 'pool' },
    ...FIXED_WAITS,
  ];
  return {
    fanOutByName: indexByName(fanOuts),
    waitByName: indexByName(waits),
    deadlineByName: indexByName(DEADLINE_APIS),
    semaphores: new Set(SEMAPHORES),
  };
}

/** The GreenPool wait, for `waitall()` on a receiver that cannot be typed (see FALLBACK_FAN_OUT_METHODS). */
export const FALLBACK_POOL_WAIT: WaitApi = { qualnames: [], label: 'GreenPool.waitall()', kind: 'pool' };
export const FALLBACK_POOL_WAIT_METHOD = GREEN_POOL_WAITALL;

function indexByName<T extends { qualnames: string[] }>(entries: readonly T[]): Map<string, T> {
  const byName = new Map<string, T>();
  for (const entry of entries) for (const name of entry.qualnames) if (!byName.has(name)) byName.set(name, entry);
  return byName;
}
