/**
 * The shape of the API knowledge ForkGuard works from. Entries are data, matched by resolved
 * qualified name (never by spelling). A qualified name may describe a call on the result of another
 * call with `()`: `threading.Thread().start` is `start` called on what `threading.Thread(...)`
 * returned, `multiprocessing.get_context().Process().start` the same two levels deep.
 */

export type PoolKind =
  | 'thread-pool'
  | 'process-pool'
  | 'green-pool'
  | 'thread'
  | 'db-engine'
  | 'db-connection'
  | 'http-pool'
  | 'redis-pool'
  | 'grpc-channel';

/** Where the size of a pool is passed: a keyword name and/or a positional index. */
export interface SizeArgument {
  name: string;
  position?: number;
}

export interface PoolFactory {
  /** Qualified names that create this pool (aliases of one API share an entry). */
  qualnames: string[];
  kind: PoolKind;
  /** Short human name used in messages: `ThreadPoolExecutor`, `SQLAlchemy engine`. */
  label: string;
  /** Methods that release the pool's threads/connections (the first one is what fixes write). */
  resetMethods: string[];
  /** The call text a fix appends to the pool's name: `shutdown(wait=True)`, `dispose()`. */
  fixCall: string;
  size?: SizeArgument;
}

/**
 * A condition under which a fork point does NOT fork.
 * - `start-method`: multiprocessing APIs fork only with the fork start method (the Linux default
 *   before Python 3.14); `contextArgument` names the keyword taking a context (`mp_context`).
 * - `argument-values`: the call does not fork when the argument has one of these literal values
 *   (`workers=1`, `workers=None`); an absent argument takes `defaultForks`.
 * - `constructor-flag`: the method does not fork when the object was constructed with this
 *   keyword set to a true literal (`ProcessLauncher(conf, no_fork=True)`).
 */
export type ForkCondition =
  | { kind: 'start-method'; contextArgument?: string }
  | { kind: 'argument-values'; name: string; position?: number; nonForkingValues: (string | number | boolean | null)[]; defaultForks: boolean }
  | { kind: 'constructor-flag'; name: string };

export interface ForkPoint {
  qualnames: string[];
  /** Human name for messages: `os.fork()`, `ProcessLauncher.launch_service()`. */
  label: string;
  /** `call`: calling it forks; `enter`: entering it as a `with` item forks (also `.open()`). */
  when: 'call' | 'enter';
  conditions?: ForkCondition[];
}

/** Calls that select the multiprocessing start method (for the `start-method` condition). */
export interface StartMethodSelector {
  qualnames: string[];
  /** Keyword/position of the method name argument. */
  argument: { name: string; position: number };
}

/** Calls that register fork handlers: `os.register_at_fork(before=..., after_in_child=...)`. */
export interface ForkHandlerRegistrar {
  qualnames: string[];
  /** Keywords whose callable resets (or re-creates) pools around the fork. */
  resettingKeywords: string[];
}
