/**
 * What ForkGuard knows about Python libraries: which calls create pools (and how to reset them),
 * which calls fork (and when they do not), which calls choose the multiprocessing start method,
 * and which calls register fork handlers. Pure data; the configuration adds entries at run time
 * (see `buildPythonCatalog`).
 */
import type { ForkHandlerRegistrar, ForkPoint, PoolFactory, PoolKind, StartMethodSelector } from './types';

const START_METHOD = { kind: 'start-method' } as const;

export const POOL_FACTORIES: readonly PoolFactory[] = [
  {
    qualnames: ['concurrent.futures.ThreadPoolExecutor', 'concurrent.futures.thread.ThreadPoolExecutor'],
    kind: 'thread-pool',
    label: 'ThreadPoolExecutor',
    resetMethods: ['shutdown'],
    fixCall: 'shutdown(wait=True)',
    size: { name: 'max_workers', position: 0 },
  },
  {
    qualnames: ['concurrent.futures.ProcessPoolExecutor', 'concurrent.futures.process.ProcessPoolExecutor'],
    kind: 'process-pool',
    label: 'ProcessPoolExecutor',
    resetMethods: ['shutdown'],
    fixCall: 'shutdown(wait=True)',
    size: { name: 'max_workers', position: 0 },
  },
  {
    qualnames: ['futurist.ThreadPoolExecutor', 'futurist._futures.ThreadPoolExecutor'],
    kind: 'thread-pool',
    label: 'futurist ThreadPoolExecutor',
    resetMethods: ['shutdown'],
    fixCall: 'shutdown(wait=True)',
    size: { name: 'max_workers', position: 0 },
  },
  {
    qualnames: ['futurist.GreenThreadPoolExecutor', 'futurist._futures.GreenThreadPoolExecutor'],
    kind: 'green-pool',
    label: 'futurist GreenThreadPoolExecutor',
    resetMethods: ['shutdown'],
    fixCall: 'shutdown(wait=True)',
    size: { name: 'max_workers', position: 0 },
  },
  {
    qualnames: ['futurist.ProcessPoolExecutor', 'futurist._futures.ProcessPoolExecutor'],
    kind: 'process-pool',
    label: 'futurist ProcessPoolExecutor',
    resetMethods: ['shutdown'],
    fixCall: 'shutdown(wait=True)',
    size: { name: 'max_workers', position: 0 },
  },
  {
    qualnames: ['multiprocessing.pool.ThreadPool', 'multiprocessing.dummy.Pool'],
    kind: 'thread-pool',
    label: 'ThreadPool',
    resetMethods: ['terminate', 'close', 'join'],
    fixCall: 'terminate()',
    size: { name: 'processes', position: 0 },
  },
  {
    qualnames: ['multiprocessing.Pool', 'multiprocessing.pool.Pool', 'multiprocessing.get_context().Pool'],
    kind: 'process-pool',
    label: 'multiprocessing Pool',
    resetMethods: ['terminate', 'close', 'join'],
    fixCall: 'terminate()',
    size: { name: 'processes', position: 0 },
  },
  {
    qualnames: ['eventlet.GreenPool', 'eventlet.greenpool.GreenPool'],
    kind: 'green-pool',
    label: 'GreenPool',
    resetMethods: ['waitall'],
    fixCall: 'waitall()',
    size: { name: 'size', position: 0 },
  },
  {
    // A thread counts once it is started: the factory is the `start()` call on a Thread.
    qualnames: ['threading.Thread().start', 'threading.Timer().start'],
    kind: 'thread',
    label: 'thread',
    resetMethods: ['join'],
    fixCall: 'join()',
  },
  {
    qualnames: ['sqlalchemy.create_engine', 'sqlalchemy.engine.create_engine', 'sqlalchemy.ext.asyncio.create_async_engine'],
    kind: 'db-engine',
    label: 'SQLAlchemy engine',
    resetMethods: ['dispose'],
    fixCall: 'dispose()',
    size: { name: 'pool_size' },
  },
  {
    qualnames: [
      'oslo_db.sqlalchemy.engines.create_engine',
      'oslo_db.sqlalchemy.enginefacade.writer.get_engine',
      'oslo_db.sqlalchemy.enginefacade.reader.get_engine',
      'oslo_db.sqlalchemy.session.EngineFacade',
      'oslo_db.sqlalchemy.session.EngineFacade().get_engine',
    ],
    kind: 'db-engine',
    label: 'oslo.db engine',
    resetMethods: ['dispose'],
    fixCall: 'dispose()',
    size: { name: 'max_pool_size' },
  },
  {
    qualnames: ['redis.Redis', 'redis.StrictRedis', 'redis.client.Redis', 'redis.ConnectionPool', 'redis.connection.ConnectionPool'],
    kind: 'redis-pool',
    label: 'Redis connection pool',
    resetMethods: ['close', 'disconnect'],
    fixCall: 'close()',
    size: { name: 'max_connections' },
  },
  {
    qualnames: ['urllib3.PoolManager', 'urllib3.poolmanager.PoolManager'],
    kind: 'http-pool',
    label: 'urllib3 PoolManager',
    resetMethods: ['clear'],
    fixCall: 'clear()',
    size: { name: 'maxsize' },
  },
  {
    qualnames: ['requests.Session', 'requests.sessions.Session', 'requests.session'],
    kind: 'http-pool',
    label: 'requests Session',
    resetMethods: ['close'],
    fixCall: 'close()',
  },
  {
    qualnames: ['grpc.insecure_channel', 'grpc.secure_channel'],
    kind: 'grpc-channel',
    label: 'gRPC channel',
    resetMethods: ['close'],
    fixCall: 'close()',
  },
  {
    qualnames: ['psycopg2.connect'],
    kind: 'db-connection',
    label: 'psycopg2 connection',
    resetMethods: ['close'],
    fixCall: 'close()',
  },
  {
    qualnames: ['psycopg2.pool.SimpleConnectionPool', 'psycopg2.pool.ThreadedConnectionPool', 'psycopg2.pool.AbstractConnectionPool'],
    kind: 'db-connection',
    label: 'psycopg2 connection pool',
    resetMethods: ['closeall'],
    fixCall: 'closeall()',
    size: { name: 'maxconn', position: 1 },
  },
  {
    qualnames: ['pymysql.connect', 'pymysql.Connect', 'pymysql.connections.Connection'],
    kind: 'db-connection',
    label: 'PyMySQL connection',
    resetMethods: ['close'],
    fixCall: 'close()',
  },
];

/** What a forked child inherits from a live pool of each kind: the "why" of an FG001 message. */
export const INHERITED_BY_CHILDREN: Readonly<Record<PoolKind, string>> = {
  'thread-pool': 'its bookkeeping without its threads (submitted work can wait forever, locks held by those threads stay locked)',
  'process-pool': 'its bookkeeping, queues and pipes without the threads that feed them (tasks hang, pipes are shared)',
  'green-pool': 'the hub and its green threads in mid-flight (the copies resume in every child)',
  thread: 'a copy without the thread (its work is never done, locks it held stay locked)',
  'db-engine': 'its pooled connections, so parent and children talk over the same database sockets',
  'db-connection': 'its socket, so parent and children talk over the same database connection',
  'http-pool': 'its pooled sockets, so parent and children share connections',
  'redis-pool': 'its pooled sockets, so parent and children share connections',
  'grpc-channel': 'a channel whose core threads did not survive the fork (calls hang)',
};

export const FORK_POINTS: readonly ForkPoint[] = [
  { qualnames: ['os.fork'], label: 'os.fork()', when: 'call' },
  { qualnames: ['os.forkpty'], label: 'os.forkpty()', when: 'call' },
  { qualnames: ['pty.fork'], label: 'pty.fork()', when: 'call' },
  {
    qualnames: ['multiprocessing.Process().start', 'multiprocessing.context.Process().start', 'multiprocessing.process.BaseProcess().start'],
    label: 'Process.start()',
    when: 'call',
    conditions: [START_METHOD],
  },
  {
    qualnames: ['multiprocessing.get_context().Process().start'],
    label: 'Process.start()',
    when: 'call',
    conditions: [START_METHOD],
  },
  {
    qualnames: ['multiprocessing.Pool', 'multiprocessing.pool.Pool', 'multiprocessing.get_context().Pool'],
    label: 'multiprocessing.Pool()',
    when: 'call',
    conditions: [{ kind: 'start-method', contextArgument: 'context' }],
  },
  {
    qualnames: ['concurrent.futures.ProcessPoolExecutor', 'concurrent.futures.process.ProcessPoolExecutor', 'futurist.ProcessPoolExecutor'],
    label: 'ProcessPoolExecutor()',
    when: 'call',
    conditions: [{ kind: 'start-method', contextArgument: 'mp_context' }],
  },
  {
    // launch() picks ServiceLauncher (no fork) for workers=1/None, ProcessLauncher otherwise.
    qualnames: ['oslo_service.service.launch'],
    label: 'oslo_service launch()',
    when: 'call',
    conditions: [
      { kind: 'argument-values', name: 'workers', position: 2, nonForkingValues: [1, null], defaultForks: false },
      { kind: 'argument-values', name: 'no_fork', nonForkingValues: [true], defaultForks: true },
    ],
  },
  {
    qualnames: ['oslo_service.service.ProcessLauncher().launch_service'],
    label: 'ProcessLauncher.launch_service()',
    when: 'call',
    conditions: [{ kind: 'constructor-flag', name: 'no_fork' }],
  },
  {
    qualnames: ['cotyledon.ServiceManager().run', 'cotyledon._service_manager.ServiceManager().run'],
    label: 'cotyledon ServiceManager.run()',
    when: 'call',
  },
  {
    qualnames: [
      'socketserver.ForkingMixIn().serve_forever',
      'socketserver.ForkingMixIn().handle_request',
      'socketserver.ForkingTCPServer().serve_forever',
      'socketserver.ForkingTCPServer().handle_request',
      'socketserver.ForkingUDPServer().serve_forever',
      'socketserver.ForkingUDPServer().handle_request',
      'socketserver.ForkingUnixStreamServer().serve_forever',
      'socketserver.ForkingUnixDatagramServer().serve_forever',
    ],
    label: 'forking server serve_forever()',
    when: 'call',
  },
  { qualnames: ['daemon.DaemonContext'], label: 'daemon.DaemonContext()', when: 'enter' },
  { qualnames: ['daemon.DaemonContext().open'], label: 'DaemonContext.open()', when: 'call' },
];

export const START_METHOD_SELECTORS: readonly StartMethodSelector[] = [
  {
    qualnames: ['multiprocessing.set_start_method', 'multiprocessing.context.set_start_method'],
    argument: { name: 'method', position: 0 },
  },
];

/** `multiprocessing.get_context(method)`: a context whose Process/Pool use that start method. */
export const CONTEXT_FACTORIES: readonly StartMethodSelector[] = [
  { qualnames: ['multiprocessing.get_context', 'multiprocessing.context.get_context'], argument: { name: 'method', position: 0 } },
];

/** Start methods that do not copy the parent's memory. */
export const NON_FORK_START_METHODS: readonly string[] = ['spawn', 'forkserver'];

export const FORK_HANDLER_REGISTRARS: readonly ForkHandlerRegistrar[] = [
  { qualnames: ['os.register_at_fork'], resettingKeywords: ['before', 'after_in_child'] },
];

/** The catalog with the configuration's qualified names added. */
export interface PythonCatalog {
  poolFactories: readonly PoolFactory[];
  forkPoints: readonly ForkPoint[];
  /** Calls that reset every pool alive (configuration `resetCalls`). */
  resetCalls: ReadonlySet<string>;
  poolFactoryByName: ReadonlyMap<string, PoolFactory>;
  forkPointByName: ReadonlyMap<string, ForkPoint>;
}

export function buildPythonCatalog(extra: { poolFactories: string[]; forkPoints: string[]; resetCalls: string[] }): PythonCatalog {
  const poolFactories: PoolFactory[] = [...POOL_FACTORIES];
  if (extra.poolFactories.length > 0) {
    poolFactories.push({
      qualnames: [...extra.poolFactories],
      kind: 'thread-pool',
      label: 'pool',
      resetMethods: ['shutdown', 'close', 'dispose'],
      fixCall: 'shutdown(wait=True)',
    });
  }
  const forkPoints: ForkPoint[] = [...FORK_POINTS];
  for (const name of extra.forkPoints) forkPoints.push({ qualnames: [name], label: `${name}()`, when: 'call' });
  return {
    poolFactories,
    forkPoints,
    resetCalls: new Set(extra.resetCalls),
    poolFactoryByName: indexByName(poolFactories),
    forkPointByName: indexByName(forkPoints),
  };
}

function indexByName<T extends { qualnames: string[] }>(entries: readonly T[]): Map<string, T> {
  const byName = new Map<string, T>();
  for (const entry of entries) for (const name of entry.qualnames) if (!byName.has(name)) byName.set(name, entry);
  return byName;
}

/** Every method name that releases some pool: a call `<pool>.<name>()` resets that pool. */
export const RESET_METHOD_NAMES: ReadonlySet<string> = new Set(POOL_FACTORIES.flatMap((f) => f.resetMethods));

/**
 * A pre-forking WSGI server configured by a Python file: with preloading on, its master imports
 * the application module before forking the workers, so every pool made at import time of that
 * module (and of what it imports) is inherited by each worker.
 */
export interface PreloadingServer {
  /** Server name for messages: `gunicorn`. */
  name: string;
  /** Base names of the Python configuration files it reads (`-c` default and common conventions). */
  configFileNames: readonly string[];
  /** Setting that makes the master load the application before forking (`preload_app = True`). */
  preloadSetting: string;
  /** Setting naming the application as `module:variable` (or `module:factory()`). */
  appSetting: string;
  /**
   * Server hooks (functions of the configuration file) that run in the master before each fork or
   * in the worker right after it: a pool released there is not shared with the worker.
   */
  resetHooks: readonly string[];
  /** The hook a quick fix adds, and its parameters. */
  fixHook: { name: string; params: string };
}

/** gunicorn settings: https://docs.gunicorn.org/en/stable/settings.html (`preload_app`, `wsgi_app`, server hooks). */
export const GUNICORN: PreloadingServer = {
  name: 'gunicorn',
  configFileNames: ['gunicorn.conf.py', 'gunicorn_conf.py', 'gunicorn_config.py'],
  preloadSetting: 'preload_app',
  appSetting: 'wsgi_app',
  // on_starting/when_ready/pre_fork run in the master after the preload and before the forks;
  // post_fork/post_worker_init run in each worker after the fork.
  resetHooks: ['on_starting', 'when_ready', 'pre_fork', 'post_fork', 'post_worker_init'],
  fixHook: { name: 'post_fork', params: 'server, worker' },
};

/**
 * uWSGI ini options (https://uwsgi-docs.readthedocs.io/en/latest/Options.html): without
 * `lazy-apps` (or the older `lazy`) uWSGI loads the application once and forks the workers from
 * that process, so the app's import-time pools are inherited.
 */
export const UWSGI_INI = {
  /** Options naming the application: a module (`module`, `wsgi`) or a file (`wsgi-file`). */
  moduleOptions: ['module', 'wsgi'],
  fileOptions: ['wsgi-file'],
  /** Options that load the application in each worker instead (after the fork). */
  lazyOptions: ['lazy-apps', 'lazy'],
  /** `master = true`: a master process forks the workers (and re-forks them when they die). */
  masterOption: 'master',
  /** Worker counts: more than one means forked workers even without a master. */
  workerOptions: ['processes', 'workers'],
  /** Relative `wsgi-file` paths are taken from this folder (default: the ini file's own). */
  chdirOption: 'chdir',
  /** Values uWSGI reads as true (an empty value too). */
  trueValues: ['true', '1', 'yes', 'on', 'y', 't', ''],
  /** Decorators whose function uWSGI runs in each worker right after the fork. */
  postForkDecorators: ['uwsgidecorators.postfork'],
} as const;
