/**
 * Quick fixes for FG002: add the timeout in the form the library takes, with the configured value
 * in the library's unit. For an engine, preferred first: an entry merged into an existing
 * `connect_args` dict display; a query parameter on a literal URL (`?read_timeout=30` or
 * `&read_timeout=30`); a new `connect_args={...}` keyword. For a driver or network call: the
 * keyword (`timeout=30`), or the value of an explicit `timeout=None` replaced. A fix that cannot be
 * written correctly (the text does not match the facts) is not offered.
 */
import type { Fix, TextEdit } from '../../model';
import { timeoutValue, type DialectTimeout, type EngineFactory, type TimeoutCall } from '../../catalog/python-timeouts';
import type { PyCallEvent, PyValue } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import type { CallSite, LiteralUrl } from './arguments';
import { parseDatabaseUrl, queryAddition } from './database-url';
import { insertAt, splitLines } from '../edits';
import { appendItem, type ItemList } from './insertions';

export function engineFixes(
  program: PyProgram,
  site: CallSite,
  factory: EngineFactory,
  dialect: DialectTimeout,
  url: LiteralUrl,
  connectArgs: PyValue | undefined,
  seconds: number,
): Fix[] {
  const source = sourceOf(program, site.file);
  if (!source) return [];
  const entryValue = timeoutValue(dialect.connectArgsFix.value, seconds);
  const entry = `"${dialect.connectArgsFix.key}": ${entryValue}`;
  const shown = `${dialect.connectArgsFix.key}=${entryValue}`;
  const candidates: (Fix | undefined)[] = [];
  if (connectArgs?.kind === 'dict') {
    const list: ItemList = { range: connectArgs.range, items: (connectArgs.entries ?? []).map((e) => e.range) };
    candidates.push(fixOf(`Add \`${shown}\` to \`${factory.connectArgs}\``, appendItem(site.file, source.lines, list, entry, source.eol)));
  }
  if (dialect.urlFix !== undefined) candidates.push(urlFix(site.file, url, timeoutValue(dialect.urlFix, seconds)));
  if (factory.connectArgs !== undefined && connectArgs === undefined) {
    const keyword = `${factory.connectArgs}={${entry}}`;
    candidates.push(fixOf(`Pass \`${keyword}\``, appendItem(site.file, source.lines, argumentList(site.call), keyword, source.eol)));
  }
  return preferFirst(candidates);
}

export function callFixes(program: PyProgram, site: CallSite, entry: TimeoutCall, seconds: number): Fix[] {
  const source = sourceOf(program, site.file);
  if (!source) return [];
  const value = timeoutValue(entry.fix.value, seconds);
  const keyword = `${entry.fix.keyword}=${value}`;
  const existing = site.call.kwargs.find((kwarg) => kwarg.name === entry.fix.keyword);
  if (existing) {
    if (existing.value.kind !== 'none') return []; // a literal that lacks the option: a human edits it
    return preferFirst([fixOf(`Replace \`${entry.fix.keyword}=None\` with \`${keyword}\``, { file: site.file, range: existing.value.range, newText: value })]);
  }
  return preferFirst([fixOf(`Pass \`${keyword}\``, appendItem(site.file, source.lines, argumentList(site.call), keyword, source.eol))]);
}

/** Appends the parameter inside a one-line string literal whose text is exactly the URL. */
function urlFix(file: string, url: LiteralUrl, parameter: string): Fix | undefined {
  const simple = /^[rRuU]?(['"])([^'"\\\r\n]*)\1$/.exec(url.source);
  if (!simple || simple[2] !== url.text || url.range.start.line !== url.range.end.line) return undefined;
  const closingQuote = { line: url.range.end.line, character: url.range.end.character - 1 };
  const addition = queryAddition(parseDatabaseUrl(url.text), parameter);
  return fixOf(`Append \`${addition}\` to the database URL`, insertAt(file, closingQuote, addition));
}

function argumentList(call: PyCallEvent): ItemList {
  return { range: call.argsRange, items: [...call.args.map((a) => a.range), ...call.kwargs.map((k) => k.range)] };
}

function fixOf(title: string, edit: TextEdit | undefined): Fix | undefined {
  return edit ? { title, edits: [edit], preferred: false, safe: true } : undefined;
}

function preferFirst(candidates: (Fix | undefined)[]): Fix[] {
  const fixes = candidates.filter((fix): fix is Fix => fix !== undefined);
  fixes.forEach((fix, index) => (fix.preferred = index === 0));
  return fixes;
}

function sourceOf(program: PyProgram, file: string): { lines: string[]; eol: string } | undefined {
  const text = program.text(file);
  const facts = program.facts(file);
  if (text === undefined || !facts) return undefined;
  return { lines: splitLines(text), eol: facts.eol };
}
