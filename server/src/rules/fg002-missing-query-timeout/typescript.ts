/**
 * FG002 checker for TypeScript/JavaScript: every call that resolves (by its import, across the
 * workspace's files) to a catalogued Node client (pg, knex, Sequelize, MongoClient, fetch, axios,
 * http(s)) is judged on its options: does a property, or a literal connection URL, set the
 * timeout? mysql2 has no connection-level query timeout, so its queries are judged one by one
 * (typescript-queries.ts). Options that cannot be seen (a spread, a parameter, a call's result)
 * are trusted. See README.md, "Node.js (TypeScript and JavaScript)".
 */
import { sameList, type Finding, type Fix, type RelatedLocation, type Range } from '../../model';
import { preferFirst, ruleFinding } from '../finding';
import {
  NODE_TIMEOUT_APIS,
  nodeDialectOf,
  nodeTimeoutValue,
  normalizeNodeQualname,
  type NodeDialectTimeout,
  type NodeTimeoutApi,
} from '../../catalog/node-timeouts';
import type { TsProperty } from '../../typescript/facts';
import { splitLines } from '../edits';
import type { IncrementalTypeScriptChecker, TypeScriptRuleContext } from '../types';
import { FG002_META } from './meta';
import { addArgument, addProperty, appendUrlParameter, replaceRange, textOf, type ObjectValue, type SourceText } from './typescript-fixes';
import { carrierVerdict, findOptions, namesUrl, propertyOf, urlCarries, urlScheme, type CarrierVerdict, type ObjectSite, type OptionsLookup } from './typescript-options';
import { checkQueries, judgeQueries, queryCalls, sessionBoundedOrigins, type QueryCall } from './typescript-queries';
import { resolvedCalls, resolvedCallsByFile, resolvedDefaultAssignments, type ResolvedAssignment, type ResolvedCall } from './typescript-resolve';

const API_BY_QNAME = new Map<string, NodeTimeoutApi>(NODE_TIMEOUT_APIS.flatMap((api) => api.qualnames.map((q) => [normalizeNodeQualname(q), api] as const)));

const DATABASE_CONSEQUENCE =
  'a query that hangs (a lock wait, a dead replica, a connection dropped without a reset) keeps its pool connection, and the request ' +
  'awaiting it, forever; once every connection is held, every later query queues behind them and the service stops answering, with no error logged';
const NETWORK_CONSEQUENCE =
  'a server that stops answering keeps the request, its socket and everything awaiting it pending forever; requests pile up until ' +
  'the service runs out of sockets or memory, with no error logged';

export function checkMissingTimeoutsTs(context: TypeScriptRuleContext): Finding[] {
  const checker = new TimeoutChecker(context);
  const calls = resolvedCalls(context.program);
  const findings: Finding[] = [];
  const resultMethods = resultMethodsByCall(calls);
  for (const resolved of calls) {
    const finding = judgeApiCall(checker, resolved, resultMethods);
    if (finding) findings.push(finding);
  }
  findings.push(...checkQueries(context, calls, checker.sources));
  return findings;
}

function judgeApiCall(checker: TimeoutChecker, resolved: ResolvedCall, resultMethods: ResultMethods): Finding | undefined {
  if (resolved.target?.kind !== 'external' && resolved.target?.kind !== 'global') return undefined;
  const api = API_BY_QNAME.get(normalizeNodeQualname(resolved.target.qualname));
  if (!api || checker.defaultIsSet(resolved, api)) return undefined;
  return checker.judge(resolved, api, resultMethods);
}

/**
 * What one analysis's per-file checks share, computed once (outside any file's tracking) from the
 * per-file resolved calls: the workspace-wide inputs a file's findings read besides its own
 * resolution, and their fingerprint (when it changes, every file is checked again).
 */
interface SharedRun {
  checker: TimeoutChecker;
  callsByFile: Map<string, ResolvedCall[]>;
  resultMethods: ResultMethods;
  onPoolsByFile: Map<string, QueryCall[]>;
  bounded: Set<string>;
  fingerprint: string;
}

const SHARED_RUNS = new WeakMap<TypeScriptRuleContext, SharedRun>();

/** Every method name a catalogued API's result may take its timeout from (`setTimeout`). */
const RESULT_METHOD_NAMES = new Set(NODE_TIMEOUT_APIS.flatMap((api) => api.resultMethods ?? []));

function sharedRun(context: TypeScriptRuleContext): SharedRun {
  let run = SHARED_RUNS.get(context);
  if (run) return run;
  const checker = new TimeoutChecker(context);
  const callsByFile = resolvedCallsByFile(context.program);
  const calls = [...callsByFile.values()].flat();
  const resultMethods = resultMethodsByCall(calls);
  const onPools = queryCalls(calls);
  const bounded = sessionBoundedOrigins(context.program, onPools, checker.sources);
  const defaults = checker
    .defaultAssignmentsOf()
    .map(({ target, members }) => `${JSON.stringify(target)}=${members.join('.')}`);
  const onResults = [...resultMethods]
    .filter(([, methods]) => [...methods].some((method) => RESULT_METHOD_NAMES.has(method)))
    .map(([key, methods]) => `${key}:${[...methods].filter((method) => RESULT_METHOD_NAMES.has(method)).sort().join(',')}`);
  const fingerprint = [defaults.sort().join('\n'), onResults.sort().join('\n'), [...bounded].sort().join('\n')].join('\n--\n');
  run = { checker, callsByFile, resultMethods, onPoolsByFile: groupByFile(onPools, (query) => query.resolved.file), bounded, fingerprint };
  SHARED_RUNS.set(context, run);
  return run;
}

/** FG002 file by file: the API calls, then the queries, of one file (what checkMissingTimeoutsTs finds there). */
export const FG002_TYPESCRIPT: IncrementalTypeScriptChecker = {
  sharedInputs: (context) => sharedRun(context).fingerprint,
  checkFile(context, file) {
    const run = sharedRun(context);
    const findings: Finding[] = [];
    for (const resolved of run.callsByFile.get(file) ?? []) {
      const finding = judgeApiCall(run.checker, resolved, run.resultMethods);
      if (finding) findings.push(finding);
    }
    findings.push(...judgeQueries(context, run.onPoolsByFile.get(file) ?? [], run.bounded, run.checker.sources));
    return findings;
  },
};

function groupByFile<T>(items: readonly T[], fileOf: (item: T) => string): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const file = fileOf(item);
    const list = grouped.get(file);
    if (list) list.push(item);
    else grouped.set(file, [item]);
  }
  return grouped;
}

/** Split texts of the last run, reused while a file's text is the same string. */
const SPLIT_TEXTS = new Map<string, { text: string; source: SourceText }>();

/** Per-run state: file texts split once (and not again next run while they are unchanged). */
export class SourceCache {
  private readonly cache = new Map<string, SourceText | null>();
  constructor(private readonly context: TypeScriptRuleContext) {}

  get(file: string): SourceText | undefined {
    if (!this.cache.has(file)) {
      const text = this.context.texts(file);
      this.cache.set(file, text === undefined ? null : splitText(file, text));
    }
    return this.cache.get(file) ?? undefined;
  }

  textOf = (file: string, range: Range): string | undefined => {
    const source = this.get(file);
    return source && textOf(source, range);
  };
}

class TimeoutChecker {
  readonly sources: SourceCache;
  private readonly seconds: number;

  constructor(private readonly context: TypeScriptRuleContext) {
    this.sources = new SourceCache(context);
    this.seconds = context.config.timeoutSeconds;
  }

  judge(resolved: ResolvedCall, api: NodeTimeoutApi, resultMethods: ResultMethods): Finding | undefined {
    const { file, call } = resolved;
    if (api.resultMethods && calledOnResult(resolved, api.resultMethods, resultMethods)) return undefined;
    const options = findOptions(this.context.program, file, call, api.options, this.sources.textOf);
    if (api.dialects) return this.judgeDialect(resolved, api, options);
    return this.judgeOptions(resolved, api, options);
  }

  // ---- APIs whose own options take the timeout ----

  private judgeOptions(resolved: ResolvedCall, api: NodeTimeoutApi, options: OptionsLookup): Finding | undefined {
    const fix = api.fix;
    if (!fix) return undefined;
    const property = `${fix.property}: ${this.value(fix.value)}`;
    const urlParameter = `${fix.property}=${this.value(fix.value)}`;
    const urlArgument = api.url?.index === undefined ? undefined : this.literalString(resolved, api.url.index);
    if (api.url && urlArgument && urlCarries(urlArgument.value, api.url.params)) return undefined;

    switch (options.kind) {
      case 'unknown':
        return undefined;
      case 'string': {
        // The slot holds a connection URL (`new pg.Client('postgres://...')`): the timeout goes in its query.
        if (!api.url || options.index !== api.url.index) return undefined;
        const edit = this.sourceEdit(options.file, (source) => appendUrlParameter(source, options.range, options.value, urlParameter));
        return this.report(resolved, api, `sets no ${carriersText(api.carriers)} (the URL \`${options.value}\` has none in its query)`, [], [
          fixOf(`Append \`${urlParameter}\` to the connection URL`, edit),
        ]);
      }
      case 'absent': {
        const args = resolved.call.args.map((arg) => arg.range);
        const argsRange = resolved.call.argsRange;
        const edit = argsRange && this.sourceEdit(resolved.file, (source) => addArgument(source, argsRange, args, options.insertIndex, `{ ${property} }`));
        return this.report(resolved, api, `has no options, so no ${carriersText(api.carriers)}`, [], [fixOf(`Pass \`{ ${property} }\``, edit)]);
      }
      case 'literal': {
        const verdict = carrierVerdict(options.site.object, api.carriers);
        if (verdict.kind === 'set' || verdict.kind === 'unknown') return undefined;
        const urlProperty = api.url?.property === undefined ? undefined : propertyOf(options.site.object, api.url.property);
        if (urlProperty?.value.kind === 'string' && urlCarries(urlProperty.value.value, api.url?.params ?? [])) return undefined;
        return this.reportOnObject(resolved, api, options.site, verdict, property);
      }
    }
  }

  private reportOnObject(resolved: ResolvedCall, api: NodeTimeoutApi, site: ObjectSite, verdict: CarrierVerdict, property: string): Finding {
    const related = site.viaBinding ? [{ file: site.file, range: site.object.range, message: 'the options are defined here' }] : [];
    if (verdict.kind === 'disabled') {
      const written = this.value(api.fix?.value ?? '');
      const edit = this.sourceEdit(site.file, (source) => replaceRange(source, verdict.property.value.range, written));
      return this.report(resolved, api, `sets \`${verdict.property.name}\` to a value that disables the timeout`, related, [
        fixOf(`Set \`${verdict.property.name}: ${written}\``, edit),
      ]);
    }
    const edit = this.sourceEdit(site.file, (source) => addProperty(source, site.object, property));
    return this.report(resolved, api, `sets no ${carriersText(api.carriers)}`, related, [fixOf(`Add \`${property}\` to the options`, edit)]);
  }

  // ---- knex / Sequelize: the driver options of the dialect take it ----

  private judgeDialect(resolved: ResolvedCall, api: NodeTimeoutApi, options: OptionsLookup): Finding | undefined {
    const dialects = api.dialects;
    if (!dialects) return undefined;
    const leadingUrl = this.literalString(resolved, 0);
    let dialect: NodeDialectTimeout | undefined;
    let object: ObjectSite | undefined;
    if (options.kind === 'literal') {
      object = options.site;
      if (object.object.hasSpread) return undefined;
      if (dialects.trustedHooks?.some((path) => hasPath(object!.object, path))) return undefined;
      const selector = propertyOf(object.object, dialects.selector);
      if (selector && selector.value.kind !== 'string') return undefined; // a dialect we cannot know
      if (selector?.value.kind === 'string') dialect = nodeDialectOf(selector.value.value, dialects.families);
    } else if (options.kind !== 'absent') {
      return undefined;
    }
    const scheme = leadingUrl?.value.includes(':') ? urlScheme(leadingUrl.value) : undefined;
    dialect ??= scheme === undefined ? undefined : nodeDialectOf(scheme, dialects.families);
    if (!dialect) return undefined;
    if (leadingUrl && urlCarries(leadingUrl.value, dialect.urlParams)) return undefined;

    const nested = object ? propertyOf(object.object, dialects.nested) : undefined;
    const advice = dialect.fix
      ? `Set \`${dialect.fix.property}: ${this.value(dialect.fix.value)}\` (milliseconds) in \`${dialects.nested}\` to bound ${api.bounds}.`
      : `${capitalize(dialect.advice)}.`;
    const problem = (what: string): string => (dialect.carriers.length === 0 ? `uses ${dialect.label}, which has no connection-level query timeout` : `uses ${dialect.label}, and ${what}`);
    const related: RelatedLocation[] = object?.viaBinding ? [{ file: object.file, range: object.object.range, message: 'the options are defined here' }] : [];
    const entry = dialect.fix ? `${dialect.fix.property}: ${this.value(dialect.fix.value)}` : undefined;

    if (!nested) {
      // No driver options at all: add them (inside the options, or as a new options argument).
      const newNested = entry && `${dialects.nested}: { ${entry} }`;
      let fix: Fix | undefined;
      if (newNested && object) fix = fixOf(`Add \`${newNested}\``, this.sourceEdit(object.file, (source) => addProperty(source, object!.object, newNested)));
      else if (newNested && options.kind === 'absent') {
        const argsRange = resolved.call.argsRange;
        const args = resolved.call.args.map((arg) => arg.range);
        fix = fixOf(`Pass \`{ ${newNested} }\``, argsRange && this.sourceEdit(resolved.file, (source) => addArgument(source, argsRange, args, options.insertIndex, `{ ${newNested} }`)));
      }
      return this.dialectFinding(resolved, api, problem(`sets no \`${dialects.nested}\` with a statement timeout`), advice, related, fix);
    }
    const value = this.context.program.resolveValue(object!.file, nested.value, undefined);
    if (value.value.kind === 'object') {
      const verdict = carrierVerdict(value.value, dialect.carriers);
      if (verdict.kind === 'set' || verdict.kind === 'unknown') return undefined;
      const inner: ObjectValue = value.value;
      const fix = entry === undefined ? undefined : fixOf(`Add \`${entry}\` to \`${dialects.nested}\``, this.sourceEdit(value.file, (source) => addProperty(source, inner, entry)));
      const what = verdict.kind === 'disabled' ? `\`${verdict.property.name}\` disables the timeout` : `\`${dialects.nested}\` sets no ${carriersText(dialect.carriers)}`;
      return this.dialectFinding(resolved, api, problem(what), advice, related, verdict.kind === 'disabled' ? undefined : fix);
    }
    if (value.value.kind === 'string') {
      const url = value.value;
      if (urlCarries(url.value, dialect.urlParams)) return undefined;
      const parameter = dialect.fix && `${dialect.fix.property}=${this.value(dialect.fix.value)}`;
      const fix = parameter === undefined ? undefined : fixOf(`Append \`${parameter}\` to the connection URL`, this.sourceEdit(value.file, (source) => appendUrlParameter(source, url.range, url.value, parameter)));
      return this.dialectFinding(resolved, api, problem(`its connection URL sets no ${carriersText(dialect.urlParams)}`), advice, related, fix);
    }
    // Built elsewhere (a call, a function knex calls per connection): may carry it.
    if (value.value.kind !== 'path' || !namesUrl(value.value.path)) return undefined;
    // A URL from elsewhere (`process.env.DATABASE_URL`): it rarely carries the timeout; the options can.
    if (!dialect.connectionStringProperty || !entry) return undefined;
    const urlText = this.sources.textOf(object!.file, nested.value.range);
    const wrapped = urlText && `{ ${dialect.connectionStringProperty}: ${urlText}, ${entry} }`;
    const fix = wrapped === undefined ? undefined : fixOf(`Pass \`${dialects.nested}\` as \`{ ${dialect.connectionStringProperty}, ${entry} }\``, this.sourceEdit(object!.file, (source) => replaceRange(source, nested.value.range, wrapped)));
    return this.dialectFinding(resolved, api, problem(`its connection URL \`${urlText ?? dialects.nested}\` is not a literal carrying a timeout`), advice, related, fix);
  }

  private dialectFinding(resolved: ResolvedCall, api: NodeTimeoutApi, problem: string, advice: string, related: RelatedLocation[], fix: Fix | undefined): Finding {
    return this.finding(resolved, `\`${labelOf(resolved, api)}\` ${problem}: ${DATABASE_CONSEQUENCE}. ${advice}`, related, fix ? [fix] : []);
  }

  // ---- helpers ----

  /**
   * A default set by assignment anywhere in the workspace: on the module object
   * (`axios.defaults.timeout = 5000` for every `axios.get()`), or on the object this call made
   * (`api.defaults.timeout = 5000` after `const api = axios.create()`).
   */
  defaultIsSet(resolved: ResolvedCall, api: NodeTimeoutApi): boolean {
    const paths = api.moduleDefaults ?? [];
    if (paths.length === 0) return false;
    const module = resolved.target?.kind === 'external' ? resolved.target.module : undefined;
    return this.defaultAssignmentsOf().some(({ target, members }) => {
      if (!paths.some((path) => sameList(path, members))) return false;
      if (target.kind === 'external') return target.path.length === 0 && target.module === module;
      return target.kind === 'instance' && target.path.length === 0 && target.file === resolved.file && target.call === resolved.call.id;
    });
  }

  private assignments: ResolvedAssignment[] | undefined;

  /** The workspace's default-setting member assignments (few), with what their root name resolves to; computed once. */
  defaultAssignmentsOf(): ResolvedAssignment[] {
    this.assignments ??= resolvedDefaultAssignments(this.context.program);
    return this.assignments;
  }

  private literalString(resolved: ResolvedCall, index: number): { value: string; range: Range; file: string } | undefined {
    const arg = resolved.call.args[index];
    if (!arg) return undefined;
    const value = this.context.program.resolveValue(resolved.file, arg, resolved.call.function);
    return value.value.kind === 'string' ? { value: value.value.value, range: value.value.range, file: value.file } : undefined;
  }

  private report(resolved: ResolvedCall, api: NodeTimeoutApi, problem: string, related: RelatedLocation[], fixes: (Fix | undefined)[]): Finding {
    const fix = api.fix;
    const consequence = api.family === 'database' ? DATABASE_CONSEQUENCE : NETWORK_CONSEQUENCE;
    const advice = fix ? ` Set \`${fix.property}: ${this.value(fix.value)}\` (milliseconds) to bound ${api.bounds}.` : '';
    return this.finding(resolved, `\`${labelOf(resolved, api)}\` ${problem}: ${consequence}.${advice}`, related, fixes);
  }

  private finding(resolved: ResolvedCall, message: string, related: RelatedLocation[], fixes: (Fix | undefined)[]): Finding {
    return ruleFinding(FG002_META, { file: resolved.file, range: resolved.call.nameRange, message, related, fixes: preferFirst(fixes) });
  }

  private value(template: string): string {
    return nodeTimeoutValue(template, this.seconds);
  }

  private sourceEdit<T>(file: string, make: (source: SourceText) => T | undefined): T | undefined {
    const source = this.sources.get(file);
    return source && make(source);
  }
}

/** `file\0call id` -> the methods called directly on that call's result. */
type ResultMethods = ReadonlyMap<string, ReadonlySet<string>>;

/** Indexes the calls made on another call's result (`req.setTimeout()` after `const req = http.get()`), by that call. */
function resultMethodsByCall(calls: readonly ResolvedCall[]): ResultMethods {
  const index = new Map<string, Set<string>>();
  for (const other of calls) {
    if (other.target?.kind !== 'instance' || other.target.path.length !== 1) continue;
    const key = `${other.target.file}\0${other.target.call}`;
    let methods = index.get(key);
    if (!methods) index.set(key, (methods = new Set()));
    methods.add(other.target.path[0] ?? '');
  }
  return index;
}

/** Whether the call's result has one of `methods` called on it (`http.get(...).setTimeout()`, `req.setTimeout()`). */
function calledOnResult(resolved: ResolvedCall, methods: readonly string[], resultMethods: ResultMethods): boolean {
  const called = resultMethods.get(`${resolved.file}\0${resolved.call.id}`);
  return called !== undefined && methods.some((method) => called.has(method));
}

/** A file's text split into lines, reused while the text is unchanged. */
function splitText(file: string, text: string): SourceText {
  const kept = SPLIT_TEXTS.get(file);
  if (kept && kept.text === text) return kept.source;
  const source: SourceText = { file, lines: splitLines(text), eol: firstLineBreak(text) };
  SPLIT_TEXTS.set(file, { text, source });
  return source;
}

function hasPath(object: ObjectValue, path: readonly string[]): boolean {
  let current: ObjectValue | undefined = object;
  for (const [index, name] of path.entries()) {
    const property: TsProperty | undefined = current && propertyOf(current, name);
    if (!property) return false;
    if (index === path.length - 1) return true;
    current = property.value.kind === 'object' ? property.value : undefined;
  }
  return false;
}

/** How the call is written, by what it resolves to: `new pg.Pool()`, `axios.get()`, `mongoose.connect()`, `fetch()`. */
function labelOf(resolved: ResolvedCall, api: NodeTimeoutApi): string {
  const target = resolved.target;
  const name = target?.kind === 'external' ? [target.module, ...target.path].join('.') : target?.kind === 'global' ? target.qualname : undefined;
  if (name === undefined) return api.label;
  return `${resolved.call.isNew ? 'new ' : ''}${name}()`;
}

function carriersText(carriers: readonly string[]): string {
  const quoted = carriers.map((c) => `\`${c}\``);
  return quoted.length <= 1 ? (quoted[0] ?? 'timeout') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The file's first line break, so inserted lines match it (`\r` alone included, which facts' `eol` does not tell). */
function firstLineBreak(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}

function fixOf(title: string, edit: { file: string; range: Range; newText: string } | undefined): Fix | undefined {
  return edit ? { title, edits: [edit], preferred: false, safe: true } : undefined;
}
