/**
 * How FG002 reads a Node call's options: which argument holds them (catalog `NodeOptionsSlot`),
 * the object literal they are spelled in (inline, or followed through a `const` and workspace
 * imports by the program), and whether some property, or a connection URL literal, sets the
 * timeout. What cannot be seen (a spread, a call's result, a parameter) is `unknown` and never a
 * finding: the timeout may be there.
 */
import type { Range } from '../../model';
import type { NodeOptionsSlot } from '../../catalog/node-timeouts';
import type { TsCall, TsProperty, TsValue } from '../../typescript/facts';
import type { TsProgram } from '../../typescript/program';
import type { ObjectValue } from './typescript-fixes';

/** An object literal the options were found in, and the file it is spelled in. */
export interface ObjectSite {
  file: string;
  object: ObjectValue;
  /** True when it came through a binding or an import rather than inline in the call. */
  viaBinding: boolean;
}

export type OptionsLookup =
  | { kind: 'literal'; site: ObjectSite; index: number }
  /** No options argument: a fix adds one as argument `insertIndex`. */
  | { kind: 'absent'; insertIndex: number }
  /** The argument at the slot is a string (a connection URL where the API takes one). */
  | { kind: 'string'; file: string; value: string; range: Range; index: number }
  | { kind: 'unknown' };

/** What the options say about the timeout. */
export type CarrierVerdict =
  | { kind: 'set' }
  | { kind: 'unknown' }
  | { kind: 'missing' }
  /** Present with `0`, `null` or `undefined`: every library here reads that as "no timeout". */
  | { kind: 'disabled'; property: TsProperty };

/** Source text of a file, for what the facts leave as `other` (template literals). */
export type TextOf = (file: string, range: Range) => string | undefined;

/** A name that, by convention, holds a URL (`url`, `baseUrl`, `process.env.SERVICE_URL`, `this.href`, `dsn`). */
const URL_NAME = /(url|uri|href|endpoint|dsn|connectionstring)$/i;
/** A name that, by convention, holds SQL text (`sql`, `query`, `statement`, `selectSql`). */
const SQL_NAME = /(sql|query|statement|stmt)$/i;

export function findOptions(program: TsProgram, file: string, call: TsCall, slot: NodeOptionsSlot, textOf: TextOf): OptionsLookup {
  if (slot.kind === 'index') return optionsAt(program, file, call, slot.index);
  for (let index = 0; index <= slot.maxIndex; index++) {
    const arg = call.args[index];
    if (!arg || arg.kind === 'function') return { kind: 'absent', insertIndex: index };
    // Leading strings (a URL; Sequelize's database, user, password, where `null` stands for no password).
    if (arg.kind === 'null' || isUrlLike(program, file, call, arg, textOf)) continue;
    return optionsAt(program, file, call, index);
  }
  return { kind: 'unknown' };
}

function optionsAt(program: TsProgram, file: string, call: TsCall, index: number): OptionsLookup {
  const arg = call.args[index];
  if (!arg) return { kind: 'absent', insertIndex: index };
  if (arg.kind === 'undefined') return { kind: 'unknown' }; // `f(url, undefined)`: written on purpose, left alone
  const resolved = program.resolveValue(file, arg, call.function);
  const value = resolved.value;
  if (value.kind === 'object') return { kind: 'literal', site: { file: resolved.file, object: value, viaBinding: resolved.file !== file || value !== arg }, index };
  if (value.kind === 'string') return { kind: 'string', file: resolved.file, value: value.value, range: value.range, index };
  return { kind: 'unknown' };
}

/** A string, template literal, `new URL(...)`, or a name holding one (by value, or by a URL-ish name). */
export function isUrlLike(program: TsProgram, file: string, call: TsCall, arg: TsValue, textOf: TextOf): boolean {
  const resolved = program.resolveValue(file, arg, call.function);
  const value = resolved.value;
  if (value.kind === 'string') return true;
  if (value.kind === 'other') return textOf(resolved.file, value.range)?.startsWith('`') ?? false;
  if (value.kind === 'call') return program.facts(resolved.file)?.calls[value.call]?.callee.join('.') === 'URL';
  if (value.kind === 'path') return namesUrl(value.path);
  return false;
}

/** A name that holds a string URL: an environment variable, or a name ending in `url`, `uri`, `dsn`... */
export function namesUrl(path: readonly string[]): boolean {
  if (path.length === 3 && path[0] === 'process' && path[1] === 'env') return true;
  return URL_NAME.test(path[path.length - 1] ?? '');
}

/** SQL text as a query's first argument: a string, a template literal, or a name that holds SQL. */
export function isSqlText(program: TsProgram, file: string, call: TsCall, arg: TsValue, textOf: TextOf): boolean {
  const value = program.resolveValue(file, arg, call.function).value;
  if (value.kind === 'string') return true;
  if (value.kind === 'other') return textOf(file, arg.range)?.startsWith('`') ?? false;
  if (value.kind === 'path') return SQL_NAME.test(value.path[value.path.length - 1] ?? '');
  return false;
}

/** Whether an object literal sets one of the carrier properties. */
export function carrierVerdict(object: ObjectValue, carriers: readonly string[]): CarrierVerdict {
  const property = object.properties.find((candidate) => carriers.includes(candidate.name));
  if (property) return disables(property.value) ? { kind: 'disabled', property } : { kind: 'set' };
  return object.hasSpread ? { kind: 'unknown' } : { kind: 'missing' };
}

function disables(value: TsValue): boolean {
  return (value.kind === 'number' && value.value === 0) || value.kind === 'null' || value.kind === 'undefined';
}

/** A property of an object literal, by name. */
export function propertyOf(object: ObjectValue, name: string): TsProperty | undefined {
  return object.properties.find((candidate) => candidate.name === name);
}

/**
 * Whether a connection URL sets one of `params` in its query (`?statement_timeout=5000`, or
 * pg's `options=-c statement_timeout=5000`, percent-encoded or not).
 */
export function urlCarries(url: string, params: readonly string[]): boolean {
  const query = url.split('#')[0]?.split('?')[1];
  if (query === undefined) return false;
  let decoded = query;
  try {
    decoded = decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    // a malformed escape: read the raw text
  }
  return params.some((param) => new RegExp(`(^|[&\\s?])${param}=`).test(decoded));
}

/** The scheme of a connection URL (`postgres://...` -> `postgres`, `sqlite::memory:` -> `sqlite`). */
export function urlScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}
