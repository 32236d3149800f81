/**
 * FG002 checker for Python: every call that resolves (by qualified name, through the program's
 * call graph) to a catalogued engine factory, driver or network call is judged on its arguments:
 * does some argument set the read/statement timeout, or may it (`**kwargs`, a variable)? Database
 * URLs in service config files are judged too (config-files.ts).
 */
import type { Finding, RelatedLocation } from '../../model';
import {
  dialectOf,
  DIALECT_TIMEOUTS,
  timeoutValue,
  ENGINE_FACTORIES,
  TIMEOUT_CALLS,
  UNTIMED_DRIVERNAMES,
  type EngineFactory,
  type TimeoutCall,
} from '../../catalog/python-timeouts';
import type { PyCallEvent, PyValue } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import type { IncrementalPythonChecker, PythonRuleContext } from '../types';
import { wholeProgramChecker } from '../incremental';
import { ruleFinding } from '../finding';
import { checkConfigFiles, configConnections, lacksTimeout } from './config-files';
import { parseDatabaseUrl, urlCarriesTimeout } from './database-url';
import { argumentOf, carrierSatisfied, dictCarries, literalUrlOf, type CallSite } from './arguments';
import { callFixes, engineFixes } from './fixes';
import { FG002_META } from './meta';

const ENGINE_BY_QNAME = indexByQualname(ENGINE_FACTORIES);
const CALL_BY_QNAME = indexByQualname(TIMEOUT_CALLS);

export const FG002_PYTHON: IncrementalPythonChecker = {
  checkFile: checkFileTimeouts,
  checkProgram: ({ program, config, configFiles }) => checkConfigFiles(configFiles ?? new Map(), config.timeoutSeconds, (file) => program.relativePath(file)),
};

export const checkMissingTimeouts = wholeProgramChecker(FG002_PYTHON);

function checkFileTimeouts({ program, config, configFiles }: PythonRuleContext, file: string): Finding[] {
  const configs = configFiles ?? new Map<string, string>();
  const findings: Finding[] = [];
  const scopes = program.facts(file)?.scopes ?? [];
  // Runs after every edit over each call of the edited file (thousands in a large module): plain
  // loops, and a site object only for the rare call that resolves to a catalogued API.
  for (let scope = 0; scope < scopes.length; scope++) {
    const events = scopes[scope].events;
    for (let event = 0; event < events.length; event++) {
      const call = events[event];
      if (call.k !== 'call' || call.hasStarKwargs) continue; // `**kwargs` may carry the timeout
      const externals = program.callGraph.resolveCall(file, scope, event)?.externals;
      if (externals === undefined || externals.length === 0) continue;
      const engine = firstMatch(externals, ENGINE_BY_QNAME);
      const entry = engine ? undefined : firstMatch(externals, CALL_BY_QNAME);
      if (!engine && !entry) continue;
      const site: CallSite = { file, scope, event, call };
      const finding = engine ? checkEngine(program, site, engine, configs, config.timeoutSeconds) : checkCall(program, site, entry, config.timeoutSeconds);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

// ---- engine factories: the timeout depends on the URL's dialect ----

function checkEngine(program: PyProgram, site: CallSite, factory: EngineFactory, configs: ReadonlyMap<string, string>, seconds: number): Finding | undefined {
  const url = argumentOf(site.call, factory.url);
  if (url === undefined || url === 'unknown') return undefined;
  const connectArgs = factory.connectArgs === undefined ? undefined : argumentOf(site.call, { name: factory.connectArgs });
  // `connect_args` built elsewhere (a variable, a call, a `**spread`) may carry it: not judged.
  if (connectArgs === 'unknown' || (connectArgs !== undefined && (connectArgs.kind !== 'dict' || connectArgs.hasSpread))) return undefined;
  const extraQuery = factory.urlQuery === undefined ? undefined : argumentOf(site.call, { name: factory.urlQuery });
  if (extraQuery === 'unknown' || (extraQuery !== undefined && extraQuery.kind !== 'str')) return undefined;

  const literal = literalUrlOf(program, site, url);
  if (!literal) return checkConfiguredUrl(program, site, factory, url, connectArgs, configs);
  const parsed = parseDatabaseUrl(extraQuery?.kind === 'str' ? joinQuery(literal.text, String(extraQuery.literal ?? '')) : literal.text);
  if (UNTIMED_DRIVERNAMES.includes(parsed.drivername)) return undefined; // test-only engine
  const dialect = dialectOf(parsed.drivername);
  if (!dialect || urlCarriesTimeout(parsed, dialect) || dictCarries(connectArgs, dialect.keys)) return undefined;

  const fixes = engineFixes(program, site, factory, dialect, literal, connectArgs, seconds);
  const unit = dialect.unit;
  const where = factory.connectArgs ? `neither in the URL query nor in \`${factory.connectArgs}\`` : 'not in the URL query';
  return finding(
    site,
    `${factory.label} connects to ${dialect.label} (\`${parsed.drivername}://\`) with no \`${dialect.option}\` (${where}): ` +
      `a hung query holds its thread forever (native threads cannot be cancelled), and the pool drains. ` +
      `Set \`${dialect.option}\` (in ${unit}) to bound each query.`,
    literal.assigned ? [{ file: site.file, range: literal.range, message: 'the URL is defined here' }] : [],
    fixes,
  );
}

/** The URL is not a literal: the timeout must come from wherever the URL is configured. */
function checkConfiguredUrl(
  program: PyProgram,
  site: CallSite,
  factory: EngineFactory,
  url: PyValue,
  connectArgs: PyValue | undefined,
  configs: ReadonlyMap<string, string>,
): Finding | undefined {
  if (url.kind === 'fstring' || url.kind === 'str') return undefined; // a literal we could not read: nothing sure to say
  if (DIALECT_TIMEOUTS.some((dialect) => dictCarries(connectArgs, dialect.keys))) return undefined;
  const configured = configConnections(configs);
  const lacking = configured.filter(lacksTimeout);
  if (configured.length > 0 && lacking.length === 0) return undefined; // every configured URL carries it
  const related: RelatedLocation[] = lacking.map((c) => ({ file: c.file, range: c.range, message: `database URL without a timeout ([${c.section}] connection)` }));
  const seen = lacking.length > 0 ? ` (${lacking.map((c) => `${program.relativePath(c.file)}:${c.range.start.line + 1}`).join(', ')} lacks it)` : '';
  return finding(
    site,
    `${factory.label} takes its URL from \`${url.text}\`, not a literal, and sets no read timeout: the timeout must then come from ` +
      `the URL's configuration${seen}: \`read_timeout=N\` (seconds) for MySQL, \`options=-c statement_timeout=N\` (milliseconds) for ` +
      `PostgreSQL. Without it a hung query holds its thread forever (native threads cannot be cancelled), and the pool drains.`,
    related,
    [],
  );
}

// ---- drivers and network calls: the timeout is an argument of the call ----

function checkCall(program: PyProgram, site: CallSite, entry: TimeoutCall | undefined, seconds: number): Finding | undefined {
  if (!entry) return undefined;
  const values = entry.carriers.map((carrier) => ({ carrier, value: argumentOf(site.call, carrier) }));
  const explicitNone = values.find(({ value }) => value !== undefined && value !== 'unknown' && value.kind === 'none');
  if (entry.onlyExplicitNone && !explicitNone) return undefined;
  if (!explicitNone && values.some(({ carrier, value }) => value !== undefined && carrierSatisfied(carrier, value))) return undefined;
  const callText = `${site.call.callee.replace(/#\d+/g, '(...)')}()`;
  const problem = explicitNone ? `passes \`${explicitNone.carrier.name}=None\`, which disables the timeout` : `has no \`${entry.fix.keyword}\``;
  const consequence =
    entry.bounds === 'the response'
      ? 'a server that stops answering holds the calling thread forever (native threads cannot be cancelled), and the pool drains'
      : 'a hung query holds its thread forever (native threads cannot be cancelled), and the pool drains';
  return finding(
    site,
    `\`${callText}\` ${problem}: ${consequence}. Pass \`${entry.fix.keyword}=${timeoutValue(entry.fix.value, seconds)}\` to bound ${entry.bounds}.`,
    [],
    callFixes(program, site, entry, seconds),
  );
}

// ---- helpers ----

function finding(site: CallSite, message: string, related: RelatedLocation[], fixes: Finding['fixes']): Finding {
  const call: PyCallEvent = site.call;
  return ruleFinding(FG002_META, {
    file: site.file,
    range: call.range.start.line === call.range.end.line ? call.range : call.calleeRange,
    message,
    related,
    fixes,
  });
}

function joinQuery(url: string, extra: string): string {
  if (extra === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${extra}`;
}

function indexByQualname<T extends { qualnames: string[] }>(entries: readonly T[]): Map<string, T> {
  const index = new Map<string, T>();
  for (const entry of entries) for (const qname of entry.qualnames) index.set(qname, entry);
  return index;
}

function firstMatch<T>(externals: string[], index: Map<string, T>): T | undefined {
  for (let i = 0; i < externals.length; i++) {
    const entry = index.get(externals[i]);
    if (entry) return entry;
  }
  return undefined;
}
