/**
 * What ForkGuard knows about Node libraries for FG001 (pool-before-fork, the Node meaning): which
 * calls create a pool or an open connection (and how each library closes it), which calls start a
 * worker process, and which conditions tell the primary from a worker. Pure data.
 *
 * Qualified names follow TsProgram.resolveCall: the module specifier without `node:`, then the
 * member path (`pg.Pool`, `mysql2/promise.createPool`, `cluster.fork`). A default import and
 * `require()` of an external module are the module object itself, so a module that IS the export
 * (`const knex = require('knex'); knex(cfg)`, `import Redis from 'ioredis'; new Redis()`) is the
 * bare module name. `X().m` is method `m` called on what `X(...)` returned: `pg.Client().connect`
 * is `client.connect()` on a `new pg.Client(...)`.
 */

/** What the primary holds and never uses: the noun of the message. */
export type NodePoolKind = 'db-pool' | 'db-connection' | 'redis-client' | 'thread-pool' | 'worker-thread';

export interface NodePoolFactory {
  qualnames: string[];
  kind: NodePoolKind;
  /** Short human name for messages: `pg Pool`, `knex instance`. */
  label: string;
  /** Methods that close it (awaited or not: both count as closed before the fork). */
  closeMethods: string[];
  /**
   * What a fix writes to close it, `$` standing for the pool's name (`$.end()`), one statement per
   * entry; `await ` is prefixed to each when `closeReturnsPromise` (so the fix needs an async context).
   */
  fixStatements: string[];
  closeReturnsPromise: boolean;
  /**
   * A library-wide connection not held in a variable (`mongoose.connect()` opens mongoose's default
   * connection): closed by these qualified calls; a fix writes `fixStatements` with `$` standing
   * for the module's local name (`await mongoose.disconnect()`).
   */
  singleton?: { module: string; closeQualnames: string[] };
  /**
   * Where the pool's size is configured, for the migration report's inventory: a property path in
   * an options argument (`argument` -1: the last argument, for APIs whose options come after a
   * variable number of positional ones, like Sequelize's).
   */
  size?: { argument: number; property: string[] };
}

export const NODE_POOL_FACTORIES: readonly NodePoolFactory[] = [
  {
    qualnames: ['pg.Pool', 'pg.default.Pool', 'pg-pool'],
    kind: 'db-pool',
    label: 'pg Pool',
    closeMethods: ['end'],
    fixStatements: ['$.end()'],
    closeReturnsPromise: true,
    size: { argument: 0, property: ['max'] },
  },
  {
    // A pg Client holds no socket until `connect()`: the connect call is what opens it.
    qualnames: ['pg.Client().connect', 'pg.default.Client().connect'],
    kind: 'db-connection',
    label: 'pg Client',
    closeMethods: ['end'],
    fixStatements: ['$.end()'],
    closeReturnsPromise: true,
  },
  {
    // The callback APIs: `end(callback)` returns nothing.
    qualnames: ['mysql.createPool', 'mysql2.createPool'],
    kind: 'db-pool',
    label: 'MySQL pool',
    closeMethods: ['end'],
    fixStatements: ['$.end()'],
    closeReturnsPromise: false,
    size: { argument: 0, property: ['connectionLimit'] },
  },
  {
    qualnames: ['mysql.createConnection', 'mysql2.createConnection'],
    kind: 'db-connection',
    label: 'MySQL connection',
    closeMethods: ['end', 'destroy'],
    fixStatements: ['$.end()'],
    closeReturnsPromise: false,
  },
  {
    qualnames: ['mysql2/promise.createPool'],
    kind: 'db-pool',
    label: 'MySQL pool',
    closeMethods: ['end'],
    fixStatements: ['$.end()'],
    closeReturnsPromise: true,
    size: { argument: 0, property: ['connectionLimit'] },
  },
  {
    qualnames: ['mysql2/promise.createConnection'],
    kind: 'db-connection',
    label: 'MySQL connection',
    closeMethods: ['end', 'destroy'],
    fixStatements: ['$.end()'],
    closeReturnsPromise: true,
  },
  {
    qualnames: ['knex', 'knex.knex', 'knex.default'],
    kind: 'db-pool',
    label: 'knex instance',
    closeMethods: ['destroy'],
    fixStatements: ['$.destroy()'],
    closeReturnsPromise: true,
    size: { argument: 0, property: ['pool', 'max'] },
  },
  {
    qualnames: ['sequelize', 'sequelize.Sequelize', 'sequelize.default', '@sequelize/core.Sequelize'],
    kind: 'db-pool',
    label: 'Sequelize instance',
    closeMethods: ['close'],
    fixStatements: ['$.close()'],
    closeReturnsPromise: true,
    size: { argument: -1, property: ['pool', 'max'] },
  },
  {
    qualnames: ['mongoose.connect', 'mongoose.default.connect'],
    kind: 'db-pool',
    label: 'mongoose default connection',
    closeMethods: ['disconnect', 'close'],
    fixStatements: ['$.disconnect()'],
    closeReturnsPromise: true,
    singleton: { module: 'mongoose', closeQualnames: ['mongoose.disconnect', 'mongoose.connection.close'] },
    size: { argument: 1, property: ['maxPoolSize'] },
  },
  {
    qualnames: ['mongoose.createConnection', 'mongoose.default.createConnection'],
    kind: 'db-pool',
    label: 'mongoose connection',
    closeMethods: ['close', 'destroy'],
    fixStatements: ['$.close()'],
    closeReturnsPromise: true,
    size: { argument: 1, property: ['maxPoolSize'] },
  },
  {
    qualnames: ['mongodb.MongoClient', 'mongodb.MongoClient.connect'],
    kind: 'db-pool',
    label: 'MongoClient',
    closeMethods: ['close'],
    fixStatements: ['$.close()'],
    closeReturnsPromise: true,
    size: { argument: 1, property: ['maxPoolSize'] },
  },
  {
    // ioredis connects as soon as the client is constructed.
    qualnames: ['ioredis', 'ioredis.Redis', 'ioredis.default', 'ioredis.Cluster', 'ioredis.default.Cluster'],
    kind: 'redis-client',
    label: 'ioredis client',
    closeMethods: ['quit', 'disconnect'],
    fixStatements: ['$.quit()'],
    closeReturnsPromise: true,
  },
  {
    qualnames: ['redis.createClient', 'redis.createCluster', '@redis/client.createClient'],
    kind: 'redis-client',
    label: 'redis client',
    closeMethods: ['quit', 'disconnect', 'close', 'destroy'],
    fixStatements: ['$.quit()'],
    closeReturnsPromise: true,
  },
  {
    // generic-pool's documented shutdown: stop lending, then destroy the idle resources.
    qualnames: ['generic-pool.createPool', 'generic-pool.default.createPool'],
    kind: 'db-pool',
    label: 'generic-pool pool',
    closeMethods: ['drain', 'clear'],
    fixStatements: ['$.drain()', '$.clear()'],
    closeReturnsPromise: true,
    size: { argument: 1, property: ['max'] },
  },
  {
    qualnames: ['piscina', 'piscina.Piscina', 'piscina.default'],
    kind: 'thread-pool',
    label: 'Piscina pool',
    closeMethods: ['destroy', 'close'],
    fixStatements: ['$.destroy()'],
    closeReturnsPromise: true,
    size: { argument: 0, property: ['maxThreads'] },
  },
  {
    qualnames: ['workerpool.pool', 'workerpool.default.pool'],
    kind: 'thread-pool',
    label: 'workerpool pool',
    closeMethods: ['terminate'],
    fixStatements: ['$.terminate()'],
    closeReturnsPromise: true,
    size: { argument: 1, property: ['maxWorkers'] },
  },
  {
    qualnames: ['worker_threads.Worker'],
    kind: 'worker-thread',
    label: 'worker thread',
    closeMethods: ['terminate'],
    fixStatements: ['$.terminate()'],
    closeReturnsPromise: true,
  },
];

/** What the primary keeps open, per kind, for the message. */
export const HELD_BY_PRIMARY: Readonly<Record<NodePoolKind, string>> = {
  'db-pool': 'database connections',
  'db-connection': 'a database connection',
  'redis-client': 'a Redis connection',
  'thread-pool': 'threads',
  'worker-thread': 'a thread',
};

export interface NodeForkPoint {
  qualnames: string[];
  /** Human name for messages. */
  label: string;
}

/** Calls that start a fresh Node process running an entry script (nothing is inherited). */
export const NODE_FORK_POINTS: readonly NodeForkPoint[] = [
  { qualnames: ['cluster.fork', 'cluster.default.fork'], label: 'cluster.fork()' },
  { qualnames: ['child_process.fork', 'child_process.default.fork'], label: 'child_process.fork()' },
];

/**
 * Conditions that hold only in the primary (`if (cluster.isPrimary)`) or only in a worker
 * (`if (cluster.isWorker)`). Code under a worker condition, or under the negation of a primary
 * one (`else`, `!`, after the primary's early return), never runs in the primary.
 */
export const PRIMARY_CONDITIONS: readonly string[] = ['cluster.isPrimary', 'cluster.isMaster', 'cluster.default.isPrimary', 'cluster.default.isMaster'];
export const WORKER_CONDITIONS: readonly string[] = ['cluster.isWorker', 'cluster.default.isWorker'];

const FACTORY_BY_QUALNAME = new Map(NODE_POOL_FACTORIES.flatMap((factory) => factory.qualnames.map((name) => [name, factory] as const)));
const FORK_POINT_BY_QUALNAME = new Map(NODE_FORK_POINTS.flatMap((point) => point.qualnames.map((name) => [name, point] as const)));

export function nodePoolFactory(qualname: string): NodePoolFactory | undefined {
  return FACTORY_BY_QUALNAME.get(qualname);
}

export function nodeForkPoint(qualname: string): NodeForkPoint | undefined {
  return FORK_POINT_BY_QUALNAME.get(qualname);
}

/** Factories whose pools are methods on another call's result (`pg.Client().connect`): the inner qualified names. */
export const METHOD_FACTORY_RECEIVERS: ReadonlySet<string> = new Set(
  NODE_POOL_FACTORIES.flatMap((factory) => factory.qualnames.filter((name) => name.includes('().')).map((name) => name.slice(0, name.indexOf('().')))),
);
