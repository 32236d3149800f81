/**
 * What ForkGuard knows about scatter-gather in Node (rule FG003 on TypeScript/JavaScript): the
 * combinators that wait for a whole collection of promises, the array methods that build or fill a
 * collection one element per item, the libraries and calls that bound a fan-out's concurrency, the
 * calls that give it a deadline, and what the quick fixes write. Pure data.
 *
 * Globals (`Promise`, `Array`, `AbortSignal`) are matched by their dotted path when the file does
 * not bind the root name itself; library entries by module specifier and exported name, where
 * `default` also matches a CommonJS `require()` of a module that exports one function
 * (`const pLimit = require('p-limit')`). `node:` prefixes are optional (`timers/promises` and
 * `node:timers/promises` are one module).
 */

/** A combinator that waits for every promise of a collection: the fan-out waits FG003 judges. */
export interface FanOutWaitApi {
  path: readonly string[];
  /** For messages and the deadline error: `Promise.all`. */
  label: string;
}

export const FAN_OUT_WAITS: readonly FanOutWaitApi[] = [
  { path: ['Promise', 'all'], label: 'Promise.all' },
  { path: ['Promise', 'allSettled'], label: 'Promise.allSettled' },
];

/**
 * `Promise.race` settles with the first promise to settle: a `Promise.all` raced against another
 * promise (a timer) has a deadline. `Promise.any`/`race` themselves are not fan-out waits.
 */
export const RACE_PATH: readonly string[] = ['Promise', 'race'];

/** Array methods whose result has one element per item of the receiver: `ids.map(load)`. */
export const PER_ITEM_METHODS: readonly string[] = ['map', 'flatMap'];
/** Functions building an array of unknown length: `Array.from(ids, load)`. */
export const PER_ITEM_FUNCTIONS: readonly (readonly string[])[] = [['Array', 'from']];
/**
 * Methods that keep a per-item collection per-item when chained after one
 * (`ids.map(load).filter(Boolean)`, `.slice()`, `.concat()`).
 */
export const COLLECTION_PASS_THROUGH_METHODS: readonly string[] = ['filter', 'slice', 'concat', 'flat', 'reverse', 'sort'];
/** Methods that add elements to an array: called in a loop, they fill it per item. */
export const ARRAY_FILL_METHODS: readonly string[] = ['push', 'unshift'];
/** Methods whose callback runs once per item: a `push` inside one is a push in a loop. */
export const ITERATION_METHODS: readonly string[] = ['forEach', 'map', 'flatMap', 'filter', 'reduce', 'some', 'every'];

/**
 * A library that bounds how many tasks run at once.
 * - `limiter`: the factory returns a function that runs work under the bound (`limit(() => f(x))`);
 * - `queue`: the factory (often `new`) returns an object whose `methods` run or admit work
 *   (`sema.acquire()`, `queue.add(() => f(x))`).
 */
export interface ConcurrencyLimiterApi {
  module: string;
  /** Exported name of the factory: `default` for the module's own export. */
  imported: string;
  form: 'limiter' | 'queue';
  methods?: readonly string[];
  label: string;
}

export const CONCURRENCY_LIMITERS: readonly ConcurrencyLimiterApi[] = [
  { module: 'p-limit', imported: 'default', form: 'limiter', label: 'p-limit' },
  { module: 'p-limit', imported: 'limitFunction', form: 'limiter', label: 'p-limit limitFunction' },
  { module: 'p-queue', imported: 'default', form: 'queue', methods: ['add', 'addAll'], label: 'p-queue' },
  { module: 'async-sema', imported: 'Sema', form: 'queue', methods: ['acquire'], label: 'async-sema' },
  { module: 'async-sema', imported: 'RateLimit', form: 'limiter', label: 'async-sema RateLimit' },
  { module: 'async-mutex', imported: 'Semaphore', form: 'queue', methods: ['acquire', 'runExclusive', 'waitForUnlock'], label: 'async-mutex Semaphore' },
  { module: 'async-mutex', imported: 'Mutex', form: 'queue', methods: ['acquire', 'runExclusive'], label: 'async-mutex Mutex' },
  { module: 'bottleneck', imported: 'default', form: 'queue', methods: ['schedule', 'submit', 'wrap'], label: 'bottleneck' },
];

/**
 * Calls that make an AbortSignal which aborts on its own after a delay: passed to the work
 * (`fetch(url, { signal })`), they give every task a deadline.
 */
export const TIMEOUT_SIGNAL_PATHS: readonly (readonly string[])[] = [['AbortSignal', 'timeout']];
/** Calls combining signals: one made of a timeout signal times out too (`AbortSignal.any([signal, AbortSignal.timeout(ms)])`). */
export const TIMEOUT_SIGNAL_COMBINERS: readonly (readonly string[])[] = [['AbortSignal', 'any']];

/** Library calls that wrap a promise in a deadline: `pTimeout(Promise.all(...), { milliseconds })`. */
export const DEADLINE_WRAPPERS: readonly { module: string; imported: string; label: string }[] = [
  { module: 'p-timeout', imported: 'default', label: 'p-timeout' },
  { module: 'promise-timeout', imported: 'timeout', label: 'promise-timeout' },
];

/**
 * The deadline the quick fix writes: a race with `setTimeout` from `node:timers/promises`, created
 * with `{ ref: false }` so that the timer never keeps the process alive once the work is done.
 * `local` is the name the import binds (another is picked when the file uses it).
 */
export const DEADLINE_FIX = {
  module: 'node:timers/promises',
  imported: 'setTimeout',
  local: 'delay',
  fallbackLocals: ['deadlineDelay', 'timersDelay'],
} as const;

/**
 * The concurrency bound the quick fix writes when the file's package depends on p-limit:
 * `const limit = pLimit(10);` before the statement, each task run as `limit(() => ...)`.
 * p-limit 4 and later are ES modules only: a CommonJS file gets the bound only when it already
 * requires p-limit.
 */
export const BOUND_FIX = {
  package: 'p-limit',
  importLocal: 'pLimit',
  instanceLocal: 'limit',
  fallbackInstanceLocals: ['fanOutLimit', 'concurrencyLimit'],
  concurrency: 10,
} as const;
