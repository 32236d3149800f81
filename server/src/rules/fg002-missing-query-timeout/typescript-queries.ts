/**
 * FG002 for mysql2 (and mysql): the library has no connection- or pool-level query timeout, only
 * a per-query `timeout` option (`pool.query({ sql, timeout }, ...)`) and the server's
 * `max_execution_time`. So the findings are the queries run on a mysql2 pool or connection (found
 * through the program: `pool.query()` where `pool` came from `mysql.createPool()`, in this file or
 * imported) whose SQL has no `timeout`, unless the pool's sessions set `max_execution_time`
 * (`pool.on('connection', (c) => c.query('SET SESSION max_execution_time=...'))`, or such a query
 * on the pool itself).
 */
import type { Finding, Fix, TextEdit } from '../../model';
import { ruleFinding } from '../finding';
import { NODE_QUERY_TIMEOUTS, nodeTimeoutValue, normalizeNodeQualname, type NodeQueryTimeout } from '../../catalog/node-timeouts';
import type { TsFacts, TsValue } from '../../typescript/facts';
import type { TsProgram } from '../../typescript/program';
import { FG002_META } from './meta';
import type { TypeScriptRuleContext } from '../types';
import type { SourceCache } from './typescript';
import { addProperty, replaceRange } from './typescript-fixes';
import { carrierVerdict, isSqlText } from './typescript-options';
import type { ResolvedCall } from './typescript-resolve';

const QUERY_BY_FACTORY = new Map<string, NodeQueryTimeout>(NODE_QUERY_TIMEOUTS.flatMap((entry) => entry.factories.map((q) => [normalizeNodeQualname(q), entry] as const)));

export interface QueryCall {
  resolved: ResolvedCall;
  entry: NodeQueryTimeout;
  method: string;
  /** `file#call` of the call that made the pool/connection. */
  origin: string;
}

export function checkQueries(context: TypeScriptRuleContext, calls: readonly ResolvedCall[], sources: SourceCache): Finding[] {
  const onPools = queryCalls(calls);
  return judgeQueries(context, onPools, sessionBoundedOrigins(context.program, onPools, sources), sources);
}

/** The calls among `calls` run on a value a catalogued pool/connection factory made (`pool.query()`). */
export function queryCalls(calls: readonly ResolvedCall[]): QueryCall[] {
  const onPools: QueryCall[] = [];
  for (const resolved of calls) {
    const origin = resolved.origin;
    const entry = origin?.qualname === undefined ? undefined : QUERY_BY_FACTORY.get(normalizeNodeQualname(origin.qualname));
    if (!origin || !entry || resolved.target?.kind !== 'instance' || resolved.target.path.length !== 1) continue;
    onPools.push({ resolved, entry, method: resolved.target.path[0] ?? '', origin: `${origin.file}#${origin.call}` });
  }
  return onPools;
}

/** The findings among `onPools`: queries with no timeout on pools whose sessions are not bounded (`bounded`, from the whole workspace). */
export function judgeQueries(context: TypeScriptRuleContext, onPools: readonly QueryCall[], bounded: ReadonlySet<string>, sources: SourceCache): Finding[] {
  const findings: Finding[] = [];
  for (const query of onPools) {
    if (!query.entry.methods.includes(query.method) || bounded.has(query.origin)) continue;
    const finding = judgeQuery(context, query, sources);
    if (finding) findings.push(finding);
  }
  return findings;
}

/** Pools whose sessions run SQL mentioning the session token (`max_execution_time`). */
export function sessionBoundedOrigins(program: TsProgram, onPools: readonly QueryCall[], sources: SourceCache): Set<string> {
  const bounded = new Set<string>();
  for (const { resolved, entry, method, origin } of onPools) {
    const facts = program.facts(resolved.file);
    if (!facts) continue;
    const mentions = (value: TsValue): boolean => mentionsToken(value, entry.sessionToken, resolved.file, sources);
    // `pool.query('SET SESSION max_execution_time=...')` on the pool itself.
    if (entry.methods.includes(method) && resolved.call.args.some(mentions)) bounded.add(origin);
    // `pool.on('connection', (conn) => conn.query('SET SESSION ...'))`: SQL run in a callback given to the pool.
    const callbacks = resolved.call.args.flatMap((arg) => (arg.kind === 'function' ? [arg.function] : []));
    if (callbacks.length === 0) continue;
    const inside = facts.calls.filter((call) => callbacks.some((fn) => within(facts, call.function, fn)));
    if (inside.some((call) => call.args.some(mentions))) bounded.add(origin);
  }
  return bounded;
}

function judgeQuery(context: TypeScriptRuleContext, query: QueryCall, sources: SourceCache): Finding | undefined {
  const { program, config } = context;
  const { file, call } = query.resolved;
  const first = call.args[0];
  if (!first) return undefined;
  const { entry } = query;
  const property = `${entry.fix.property}: ${nodeTimeoutValue(entry.fix.value, config.timeoutSeconds)}`;
  const resolved = program.resolveValue(file, first, call.function);
  let fix: Fix | undefined;
  if (resolved.value.kind === 'object') {
    const object = resolved.value;
    const verdict = carrierVerdict(object, entry.carriers);
    if (verdict.kind !== 'missing') return undefined; // set, disabled on purpose, or spread: not judged further
    const source = sources.get(resolved.file);
    fix = fixOf(`Add \`${property}\` to the query options`, source && addProperty(source, object, property));
  } else if (isSqlText(program, file, call, first, sources.textOf)) {
    const source = sources.get(file);
    const sqlText = sources.textOf(file, first.range);
    const sqlEntry = sqlText === 'sql' ? 'sql' : `sql: ${sqlText}`;
    const wrapped = `{ ${sqlEntry}, ${property} }`;
    fix = fixOf(`Pass the query as \`{ sql, ${property} }\``, source && sqlText !== undefined ? replaceRange(source, first.range, wrapped) : undefined);
  } else {
    return undefined; // options built elsewhere: may carry the timeout
  }
  const receiver = call.callee.slice(0, -1).join('.') || 'the pool';
  return ruleFinding(FG002_META, {
    file,
    range: call.nameRange,
    message:
      `\`${receiver}.${query.method}()\` runs on a ${entry.label} pool or connection with no query \`timeout\`, and its sessions set no ` +
      `\`${entry.sessionToken}\`: a query that hangs keeps its connection, and the request awaiting it, forever; once every connection is ` +
      `held, every later query queues behind them and the service stops answering, with no error logged. ${entry.label} has no ` +
      `connection-level query timeout: pass \`{ sql, ${property} }\` (milliseconds), or set \`${entry.sessionToken}\` for the session.`,
    related: [],
    fixes: fix ? [fix] : [],
  });
}

function mentionsToken(value: TsValue, token: string, file: string, sources: SourceCache): boolean {
  if (value.kind === 'string') return value.value.includes(token);
  if (value.kind === 'other') return sources.textOf(file, value.range)?.includes(token) ?? false;
  return false;
}

/** Whether function `inner` is `outer` or nested in it. */
function within(facts: TsFacts, inner: number | undefined, outer: number): boolean {
  const seen = new Set<number>();
  for (let current = inner; current !== undefined && !seen.has(current); current = facts.functions[current]?.parent) {
    if (current === outer) return true;
    seen.add(current);
  }
  return false;
}

function fixOf(title: string, edit: TextEdit | undefined): Fix | undefined {
  return edit ? { title, edits: [edit], preferred: true, safe: true } : undefined;
}
