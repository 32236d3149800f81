/**
 * What ForkGuard knows about timeouts in Node client libraries (rule FG002 for TS/JS): for each
 * database client, pool and network call, matched by resolved qualified name, where its
 * statement/query/response timeout goes and how a fix writes it. Pure data.
 *
 * Units: every option here takes MILLISECONDS (pg `statement_timeout`/`query_timeout`, mysql2's
 * query `timeout`, MongoDB `socketTimeoutMS`/`timeoutMS`, axios `timeout`, `AbortSignal.timeout()`,
 * http(s) `timeout`), while the configured `timeout-seconds` is in seconds: templates say `{ms}`.
 *
 * Qualified names are module specifier + export path as the TS program resolves them (`pg.Pool`,
 * `axios.get`, `http.request`); `node:` builtins are listed under both spellings. A default import
 * of a CommonJS module (`import pg from 'pg'`) is the module object, so `pg.default.Pool` is
 * looked up as `pg.Pool` (see `normalizeNodeQualname`).
 */

/**
 * Where a call takes its options object.
 * - `index`: always this argument (`new pg.Pool(config)` 0, `axios.get(url, config)` 1,
 *   `fetch(url, init)` 1, `axios.post(url, data, config)` 2). A fix adding one pads any missing
 *   argument before it with `undefined`.
 * - `after-strings`: after leading URL / positional string arguments, before a callback: the first
 *   argument that is not a string or URL (`http.get(url, options, cb)`, `http.get(options, cb)`,
 *   `axios(url, config)`, `new Sequelize(db, user, password, options)`). A fix adding one puts it
 *   right after the leading strings.
 */
export type NodeOptionsSlot = { kind: 'index'; index: number } | { kind: 'after-strings'; maxIndex: number };

/**
 * How a database family selected by a dialect name (knex `client`, Sequelize `dialect`, or a URL
 * scheme) takes its statement timeout, inside the options property the library passes to the
 * driver (`connection` for knex, `dialectOptions` for Sequelize).
 */
export interface NodeDialectTimeout {
  /** Dialect names as written in the selector property, and URL schemes, lower case. */
  names: string[];
  label: string;
  /** Properties of the driver options that set it. */
  carriers: string[];
  /**
   * Query parameters of a connection URL literal that set it (`?statement_timeout=5000`; also
   * found inside `options=-c statement_timeout=5000`, encoded or not).
   */
  urlParams: string[];
  /**
   * The driver option that takes a connection URL (pg `connectionString`): a URL that is not a
   * literal (`process.env.DATABASE_URL`) is rewritten as `{ connectionString: <url>, <timeout> }`.
   */
  connectionStringProperty?: string;
  /**
   * What a fix writes into the driver options (property and value template), or undefined when
   * the driver has no such option: mysql2 bounds queries only per query (`{ sql, timeout }`) or by
   * the server's `max_execution_time`, which the options cannot set. Those findings carry no fix.
   */
  fix?: { property: string; value: string };
  /** What a human should do when there is no fix. */
  advice: string;
}

/** A call whose options (or connection URL) set the timeout. */
export interface NodeTimeoutApi {
  qualnames: string[];
  /** Human name for docs, and for messages when the call's own spelling is unknown: `new pg.Pool()`, `fetch()`. */
  label: string;
  family: 'database' | 'network';
  options: NodeOptionsSlot;
  /** Options properties that set the timeout (a value of `0`, `null` or `undefined` disables it). */
  carriers: string[];
  /**
   * A connection URL that may carry the timeout as a query parameter: an argument (`new
   * MongoClient(uri)` 0, `new pg.Client('postgres://...')` 0) or an options property
   * (`connectionString`). Only a literal URL is read; a URL from elsewhere is not taken as carrying it.
   */
  url?: { index?: number; property?: string; params: string[] };
  /**
   * Libraries that pass a nested options object to a driver chosen by a dialect name: where the
   * dialect is named (`client`, `dialect`), the nested property (`connection`, `dialectOptions`),
   * and the families. A config whose dialect is not a literal, or not listed, is not judged.
   */
  dialects?: {
    selector: string;
    nested: string;
    families: readonly NodeDialectTimeout[];
    /**
     * Options paths whose presence is trusted to bound statements (knex `pool.afterCreate`, where
     * services run `SET SESSION max_execution_time=...` / `SET statement_timeout`).
     */
    trustedHooks?: string[][];
  };
  /** The property a fix adds, and its value template (`{ms}`). Ignored when `dialects` is set. */
  fix?: { property: string; value: string };
  /**
   * Calls on the result that set a timeout afterwards (`http.get(...).setTimeout(ms)`, or
   * `req.setTimeout(ms)` on the variable holding it in the same function).
   */
  resultMethods?: string[];
  /**
   * Assignments that set a default, as paths below the module object or the object the call made
   * (`axios.defaults.timeout = 5000`, `api.defaults.timeout = 5000` -> ['defaults', 'timeout']):
   * one on the module anywhere in the workspace satisfies every call of this entry; one on the
   * made object satisfies that call (`axios.create()`).
   */
  moduleDefaults?: string[][];
  /** What the timeout bounds, for messages: `each statement`, `the response`. */
  bounds: string;
}

/** Queries run on a pool or connection whose library has no connection-level query timeout (mysql2). */
export interface NodeQueryTimeout {
  /** Qualified names of the calls that make the pool or connection. */
  factories: string[];
  /** Label of the library for messages. */
  label: string;
  /** Methods of the pool/connection that run a query; their first argument is SQL or query options. */
  methods: string[];
  /** Query option properties that set the timeout. */
  carriers: string[];
  /**
   * Session SQL that bounds every SELECT on the connection: a string literal mentioning it in any
   * query of the same file (`SET SESSION max_execution_time=...`, often in `pool.on('connection')`)
   * is taken as bounding them all.
   */
  sessionToken: string;
  /** The query option a fix adds (`{ sql, timeout }`), value template. */
  fix: { property: string; value: string };
}

const MS = '{ms}';
const builtin = (name: string): string[] => [name, `node:${name}`];

const PG_CARRIERS = ['statement_timeout', 'query_timeout'];
/** pg-connection-string passes query parameters to the client; `options=-c statement_timeout=N` counts too. */
const PG_URL_PARAMS = ['statement_timeout', 'query_timeout'];
const PG_FIX = { property: 'statement_timeout', value: MS };

const MYSQL_ADVICE =
  'pass `{ sql, timeout }` per query (milliseconds), or set `max_execution_time` for each session ' +
  '(`SET SESSION max_execution_time=N` when a connection opens: knex `pool.afterCreate`, Sequelize `hooks.afterConnect`) or on the server';

/** Database families by dialect name, shared by knex (`client`) and Sequelize (`dialect`). */
export const NODE_DIALECTS: readonly NodeDialectTimeout[] = [
  {
    names: ['pg', 'postgres', 'postgresql', 'pgnative', 'cockroachdb'],
    label: 'PostgreSQL (pg)',
    carriers: PG_CARRIERS,
    urlParams: PG_URL_PARAMS,
    fix: PG_FIX,
    connectionStringProperty: 'connectionString',
    advice: 'set `statement_timeout` (milliseconds)',
  },
  {
    // The mariadb connector (Sequelize `mariadb`) has `queryTimeout` (ms, sent as `SET STATEMENT max_statement_time`).
    names: ['mariadb'],
    label: 'MariaDB (mariadb)',
    carriers: ['queryTimeout'],
    urlParams: ['queryTimeout'],
    fix: { property: 'queryTimeout', value: MS },
    advice: 'set `queryTimeout` (milliseconds)',
  },
  {
    names: ['mysql', 'mysql2'],
    label: 'MySQL (mysql2)',
    carriers: [],
    urlParams: [],
    advice: MYSQL_ADVICE,
  },
];

const AXIOS_URL_CONFIG = ['get', 'delete', 'head', 'options'];
const AXIOS_URL_DATA_CONFIG = ['post', 'put', 'patch', 'postForm', 'putForm', 'patchForm'];
const AXIOS_CARRIERS = ['timeout', 'signal'];
const AXIOS_FIX = { property: 'timeout', value: MS };
const AXIOS_DEFAULTS = [['defaults', 'timeout']];
const SIGNAL_FIX = { property: 'signal', value: `AbortSignal.timeout(${MS})` };
const RESPONSE = 'the response';

export const NODE_TIMEOUT_APIS: readonly NodeTimeoutApi[] = [
  // ---- databases ----
  {
    qualnames: ['pg.Pool', 'pg.native.Pool', 'pg-pool'],
    label: 'new pg.Pool()',
    family: 'database',
    options: { kind: 'index', index: 0 },
    carriers: PG_CARRIERS,
    url: { property: 'connectionString', params: PG_URL_PARAMS },
    fix: PG_FIX,
    bounds: 'each statement',
  },
  {
    qualnames: ['pg.Client', 'pg.native.Client'],
    label: 'new pg.Client()',
    family: 'database',
    options: { kind: 'index', index: 0 },
    carriers: PG_CARRIERS,
    url: { index: 0, property: 'connectionString', params: PG_URL_PARAMS },
    fix: PG_FIX,
    bounds: 'each statement',
  },
  {
    qualnames: ['knex', 'knex.knex'],
    label: 'knex()',
    family: 'database',
    options: { kind: 'index', index: 0 },
    carriers: [],
    dialects: { selector: 'client', nested: 'connection', families: NODE_DIALECTS, trustedHooks: [['pool', 'afterCreate']] },
    bounds: 'each statement',
  },
  {
    qualnames: ['sequelize.Sequelize', 'sequelize', '@sequelize/core.Sequelize'],
    label: 'new Sequelize()',
    family: 'database',
    options: { kind: 'after-strings', maxIndex: 3 },
    carriers: [],
    dialects: { selector: 'dialect', nested: 'dialectOptions', families: NODE_DIALECTS, trustedHooks: [['hooks', 'afterConnect']] },
    bounds: 'each statement',
  },
  {
    // socketTimeoutMS: a socket idle that long (a hung query, a dead primary) errors the operation; the
    // driver default is 0 (never). timeoutMS (driver 6, client-side operation timeout) bounds it too.
    qualnames: ['mongodb.MongoClient', 'mongodb.MongoClient.connect', 'mongoose.connect', 'mongoose.createConnection'],
    label: 'MongoClient',
    family: 'database',
    options: { kind: 'index', index: 1 },
    carriers: ['socketTimeoutMS', 'timeoutMS'],
    url: { index: 0, params: ['socketTimeoutMS', 'timeoutMS'] },
    fix: { property: 'socketTimeoutMS', value: MS },
    bounds: 'each operation',
  },
  // ---- network calls ----
  {
    // Node's fetch (undici) waits up to 300 s for headers and 300 s between body chunks; only a signal
    // gives the request a deadline of the service's choosing.
    // A `timeout` in the init is ignored by the standard fetch: only a signal counts.
    qualnames: ['fetch', 'globalThis.fetch', 'undici.fetch'],
    label: 'fetch()',
    family: 'network',
    options: { kind: 'index', index: 1 },
    carriers: ['signal'],
    fix: SIGNAL_FIX,
    bounds: RESPONSE,
  },
  {
    // node-fetch v2 has its own `timeout` option (ms) besides `signal`.
    qualnames: ['node-fetch'],
    label: 'fetch()',
    family: 'network',
    options: { kind: 'index', index: 1 },
    carriers: ['signal', 'timeout'],
    fix: SIGNAL_FIX,
    bounds: RESPONSE,
  },
  {
    qualnames: ['axios', 'axios.request'],
    label: 'axios()',
    family: 'network',
    options: { kind: 'after-strings', maxIndex: 1 },
    carriers: AXIOS_CARRIERS,
    fix: AXIOS_FIX,
    moduleDefaults: AXIOS_DEFAULTS,
    bounds: RESPONSE,
  },
  {
    qualnames: AXIOS_URL_CONFIG.map((m) => `axios.${m}`),
    label: 'axios',
    family: 'network',
    options: { kind: 'index', index: 1 },
    carriers: AXIOS_CARRIERS,
    fix: AXIOS_FIX,
    moduleDefaults: AXIOS_DEFAULTS,
    bounds: RESPONSE,
  },
  {
    qualnames: AXIOS_URL_DATA_CONFIG.map((m) => `axios.${m}`),
    label: 'axios',
    family: 'network',
    options: { kind: 'index', index: 2 },
    carriers: AXIOS_CARRIERS,
    fix: AXIOS_FIX,
    moduleDefaults: AXIOS_DEFAULTS,
    bounds: RESPONSE,
  },
  {
    // An instance's calls inherit its config: the instance is judged where it is created.
    qualnames: ['axios.create'],
    label: 'axios.create()',
    family: 'network',
    options: { kind: 'index', index: 0 },
    carriers: AXIOS_CARRIERS,
    fix: AXIOS_FIX,
    moduleDefaults: AXIOS_DEFAULTS,
    bounds: 'the responses of every request made with the instance',
  },
  {
    // `timeout` only emits 'timeout' (the request must be destroyed by a listener); a signal aborts it.
    // An explicit `timeout` (or a later `req.setTimeout`) is trusted to come with its listener.
    qualnames: ['http', 'https'].flatMap((mod) => builtin(mod).flatMap((m) => [`${m}.request`, `${m}.get`])),
    label: 'http.request()',
    family: 'network',
    options: { kind: 'after-strings', maxIndex: 1 },
    carriers: ['timeout', 'signal'],
    fix: SIGNAL_FIX,
    resultMethods: ['setTimeout'],
    bounds: RESPONSE,
  },
];

export const NODE_QUERY_TIMEOUTS: readonly NodeQueryTimeout[] = [
  {
    factories: ['mysql2', 'mysql2/promise', 'mysql'].flatMap((m) => [`${m}.createPool`, `${m}.createConnection`]),
    label: 'mysql2',
    methods: ['query', 'execute'],
    carriers: ['timeout'],
    sessionToken: 'max_execution_time',
    fix: { property: 'timeout', value: MS },
  },
];

/** The template with the configured timeout (in seconds) written in milliseconds. */
export function nodeTimeoutValue(template: string, seconds: number): string {
  return template.replace(/\{ms\}/g, String(Math.round(seconds * 1000)));
}

/**
 * One spelling per API: `node:` prefixes kept as listed, a CommonJS default import's `.default`
 * dropped after the module name (`pg.default.Pool` -> `pg.Pool`, `axios.default` -> `axios`).
 */
export function normalizeNodeQualname(qname: string): string {
  return qname.replace(/^((?:@[^./]+\/)?[^.]+)\.default(?=\.|$)/, '$1');
}

/** The dialect family a knex `client` / Sequelize `dialect` name or URL scheme stands for. */
export function nodeDialectOf(name: string, families: readonly NodeDialectTimeout[] = NODE_DIALECTS): NodeDialectTimeout | undefined {
  const lower = name.toLowerCase();
  return families.find((family) => family.names.includes(lower));
}
