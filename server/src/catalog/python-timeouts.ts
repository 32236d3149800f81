/**
 * What ForkGuard knows about timeouts in Python client libraries (rule FG002): for each engine
 * factory, driver and network call, matched by resolved qualified name, where its read/statement
 * timeout goes, in which unit, and how a fix writes it. Pure data.
 *
 * Value templates are Python source (or URL query text) with `{s}` for the configured timeout in
 * seconds and `{ms}` for the same in milliseconds.
 */

/** Where an argument is passed: a keyword and/or a positional index. */
export interface ArgumentSlot {
  name: string;
  position?: number;
}

/**
 * An argument that sets the timeout. Without `token`, any value but `None` sets it. With
 * `token`, a literal string (or dict display) sets it only when it mentions the token
 * (`options="-c statement_timeout=5000"`); a value that is not a literal may carry it.
 */
export interface TimeoutCarrier extends ArgumentSlot {
  token?: string;
  /**
   * Only a literal that mentions the token counts: a connection string (`dsn`) from elsewhere
   * is about where to connect, so it is not taken as carrying the timeout.
   */
  literalOnly?: boolean;
}

/** A driver or network call whose own arguments set the timeout. */
export interface TimeoutCall {
  qualnames: string[];
  /** Human name for messages: `pymysql.connect()`. */
  label: string;
  carriers: TimeoutCarrier[];
  /** The library has a finite default: only an explicit `None` disables it (httpx). */
  onlyExplicitNone?: boolean;
  /** The keyword a fix adds, and its value template. */
  fix: { keyword: string; value: string };
  /** What the timeout bounds, for messages: `a query's reply`, `the response`. */
  bounds: string;
}

/** An engine factory that takes a database URL (SQLAlchemy, oslo.db). */
export interface EngineFactory {
  qualnames: string[];
  label: string;
  url: ArgumentSlot;
  /** Keyword taking the DBAPI `connect()` arguments as a dict; absent when the factory has none. */
  connectArgs?: string;
  /** Keyword taking extra URL query text (oslo.db `connection_parameters`). */
  urlQuery?: string;
}

/** How one family of database dialects takes its timeout. */
export interface DialectTimeout {
  /** URL driver names (`scheme` of the URL, lower case) of this family. */
  drivernames: string[];
  label: string;
  /** Keys that set it, in the URL query or in `connect_args`. */
  keys: TimeoutCarrier[];
  /** What a fix writes as a `connect_args` entry (Python key and value). */
  connectArgsFix: { key: string; value: string };
  /** What a fix appends to a URL query (`read_timeout={s}`); absent when a URL cannot carry it well. */
  urlFix?: string;
  /** Unit of the written value, for messages. */
  unit: 'seconds' | 'milliseconds';
  /** The option named in messages: `read_timeout`, `statement_timeout`. */
  option: string;
}

const MYSQL_READ_TIMEOUT: TimeoutCarrier[] = [{ name: 'read_timeout' }];
const PG_OPTIONS_FIX = '"-c statement_timeout={ms}"';

export const DIALECT_TIMEOUTS: readonly DialectTimeout[] = [
  {
    drivernames: ['mysql', 'mysql+pymysql', 'mysql+mysqldb', 'mysql+mysqlconnector', 'mariadb', 'mariadb+pymysql', 'mariadb+mysqldb'],
    label: 'MySQL',
    keys: MYSQL_READ_TIMEOUT,
    connectArgsFix: { key: 'read_timeout', value: '{s}' },
    urlFix: 'read_timeout={s}',
    unit: 'seconds',
    option: 'read_timeout',
  },
  {
    drivernames: ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+psycopg', 'postgresql+psycopg2cffi', 'postgresql+pg8000'],
    label: 'PostgreSQL',
    keys: [{ name: 'options', token: 'statement_timeout' }],
    connectArgsFix: { key: 'options', value: PG_OPTIONS_FIX },
    urlFix: 'options=-c%20statement_timeout%3D{ms}',
    unit: 'milliseconds',
    option: 'statement_timeout',
  },
  {
    drivernames: ['postgresql+asyncpg'],
    label: 'PostgreSQL (asyncpg)',
    keys: [{ name: 'command_timeout' }, { name: 'server_settings', token: 'statement_timeout' }],
    // The asyncpg dialect passes URL query values as strings; connect_args keeps the number a number.
    connectArgsFix: { key: 'command_timeout', value: '{s}' },
    unit: 'seconds',
    option: 'command_timeout',
  },
];

/** Test-only databases: no server, nothing to hang on. */
export const UNTIMED_DRIVERNAMES: readonly string[] = ['sqlite', 'sqlite+pysqlite', 'sqlite+aiosqlite', 'sqlite+pysqlcipher'];

export const ENGINE_FACTORIES: readonly EngineFactory[] = [
  {
    qualnames: ['sqlalchemy.create_engine', 'sqlalchemy.engine.create_engine', 'sqlalchemy.engine.create.create_engine'],
    label: 'sqlalchemy.create_engine()',
    url: { name: 'url', position: 0 },
    connectArgs: 'connect_args',
  },
  {
    qualnames: ['sqlalchemy.ext.asyncio.create_async_engine', 'sqlalchemy.ext.asyncio.engine.create_async_engine'],
    label: 'create_async_engine()',
    url: { name: 'url', position: 0 },
    connectArgs: 'connect_args',
  },
  {
    qualnames: ['oslo_db.sqlalchemy.engines.create_engine', 'oslo_db.sqlalchemy.session.create_engine'],
    label: 'oslo.db create_engine()',
    url: { name: 'sql_connection', position: 0 },
    urlQuery: 'connection_parameters',
  },
];

const REQUESTS_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const SESSION_CLASSES = ['requests.Session', 'requests.session', 'requests.sessions.Session'];
const HTTPX_FUNCTIONS = [...REQUESTS_METHODS, 'stream'];
const HTTPX_CLIENTS = ['httpx.Client', 'httpx.AsyncClient'];

const SECONDS_TIMEOUT = { keyword: 'timeout', value: '{s}' };
const RESPONSE = 'the response';

export const TIMEOUT_CALLS: readonly TimeoutCall[] = [
  // ---- database drivers ----
  {
    qualnames: ['pymysql.connect', 'pymysql.Connect', 'pymysql.connections.Connection', 'pymysql.Connection'],
    label: 'pymysql.connect()',
    carriers: MYSQL_READ_TIMEOUT,
    fix: { keyword: 'read_timeout', value: '{s}' },
    bounds: "a query's reply",
  },
  {
    qualnames: ['MySQLdb.connect', 'MySQLdb.Connect', 'MySQLdb.connections.Connection'],
    label: 'MySQLdb.connect()',
    carriers: MYSQL_READ_TIMEOUT,
    fix: { keyword: 'read_timeout', value: '{s}' },
    bounds: "a query's reply",
  },
  {
    qualnames: ['mysql.connector.connect', 'mysql.connector.MySQLConnection', 'mysql.connector.connection.MySQLConnection'],
    label: 'mysql.connector.connect()',
    carriers: MYSQL_READ_TIMEOUT,
    fix: { keyword: 'read_timeout', value: '{s}' },
    bounds: "a query's reply",
  },
  {
    qualnames: ['psycopg2.connect'],
    label: 'psycopg2.connect()',
    carriers: [{ name: 'options', token: 'statement_timeout' }, { name: 'dsn', position: 0, token: 'statement_timeout', literalOnly: true }],
    fix: { keyword: 'options', value: PG_OPTIONS_FIX },
    bounds: 'a statement',
  },
  {
    qualnames: ['psycopg.connect', 'psycopg.Connection.connect', 'psycopg.AsyncConnection.connect'],
    label: 'psycopg.connect()',
    carriers: [{ name: 'options', token: 'statement_timeout' }, { name: 'conninfo', position: 0, token: 'statement_timeout', literalOnly: true }],
    fix: { keyword: 'options', value: PG_OPTIONS_FIX },
    bounds: 'a statement',
  },
  {
    qualnames: ['asyncpg.connect', 'asyncpg.create_pool', 'asyncpg.pool.create_pool', 'asyncpg.connection.connect'],
    label: 'asyncpg',
    carriers: [{ name: 'command_timeout' }, { name: 'server_settings', token: 'statement_timeout' }],
    fix: { keyword: 'command_timeout', value: '{s}' },
    bounds: 'a command',
  },
  {
    // aiomysql has no client-side read timeout: bound statements on the server instead.
    qualnames: ['aiomysql.connect', 'aiomysql.create_pool', 'aiomysql.connection.connect', 'aiomysql.pool.create_pool'],
    label: 'aiomysql',
    carriers: [{ name: 'init_command', token: 'max_execution_time' }],
    fix: { keyword: 'init_command', value: '"SET SESSION max_execution_time={ms}"' },
    bounds: 'a query',
  },
  // ---- network calls ----
  {
    qualnames: [
      ...REQUESTS_METHODS.flatMap((m) => [`requests.${m}`, `requests.api.${m}`]),
      ...SESSION_CLASSES.flatMap((cls) => REQUESTS_METHODS.map((m) => `${cls}().${m}`)),
    ],
    label: 'requests',
    carriers: [{ name: 'timeout' }],
    fix: SECONDS_TIMEOUT,
    bounds: RESPONSE,
  },
  {
    qualnames: ['urllib.request.urlopen'],
    label: 'urllib.request.urlopen()',
    carriers: [{ name: 'timeout', position: 2 }],
    fix: SECONDS_TIMEOUT,
    bounds: RESPONSE,
  },
  {
    qualnames: ['http.client.HTTPConnection'],
    label: 'http.client.HTTPConnection()',
    carriers: [{ name: 'timeout', position: 2 }],
    fix: SECONDS_TIMEOUT,
    bounds: RESPONSE,
  },
  {
    qualnames: ['http.client.HTTPSConnection'],
    label: 'http.client.HTTPSConnection()',
    carriers: [{ name: 'timeout' }],
    fix: SECONDS_TIMEOUT,
    bounds: RESPONSE,
  },
  {
    qualnames: ['socket.create_connection'],
    label: 'socket.create_connection()',
    carriers: [{ name: 'timeout', position: 1 }],
    fix: SECONDS_TIMEOUT,
    bounds: 'each read',
  },
  {
    qualnames: [
      ...HTTPX_FUNCTIONS.map((m) => `httpx.${m}`),
      ...HTTPX_CLIENTS,
      ...HTTPX_CLIENTS.flatMap((cls) => HTTPX_FUNCTIONS.map((m) => `${cls}().${m}`)),
    ],
    label: 'httpx',
    carriers: [{ name: 'timeout' }],
    onlyExplicitNone: true,
    fix: SECONDS_TIMEOUT,
    bounds: RESPONSE,
  },
];

/** Config-file sections whose `connection` option is a database URL (oslo.db). */
export const CONFIG_DATABASE_SECTIONS: readonly string[] = ['database', 'api_database'];
export const CONFIG_CONNECTION_OPTION = 'connection';

/** Fills a value template with the configured timeout. */
export function timeoutValue(template: string, seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return template.replace(/\{s\}/g, String(seconds)).replace(/\{ms\}/g, String(ms));
}

/** The dialect family of a database URL's driver name, undefined when unknown. */
export function dialectOf(drivername: string): DialectTimeout | undefined {
  const name = drivername.toLowerCase();
  return DIALECT_TIMEOUTS.find((dialect) => dialect.drivernames.includes(name));
}
