/**
 * Quick fixes for FG003:
 *   - add `timeout=N` to a wait: appended to a one-line argument list, or on its own line (with the
 *     indentation of the last argument and the call's trailing-comma style) in a multi-line one;
 *     an explicit `timeout=None` (or positional `None`) is replaced instead;
 *   - wrap `asyncio.gather(...)` as `asyncio.wait_for(asyncio.gather(...), timeout=N)`, keeping the
 *     `await` in front (importing asyncio when the file only imported `gather`);
 *   - "Suppress FG003 on this line".
 * N is the configured timeout. A fix that cannot be written correctly is not offered. Adding a
 * deadline is marked unsafe: the call now raises on timeout, which its caller must handle.
 */
import type { Fix, Position, TextEdit } from '../../model';
import type { TimeoutParameter } from '../../catalog/python-waits';
import type { PyCallEvent, PyValue } from '../../python/facts';
import { insertAt, splitLines } from '../edits';
import { timeoutArgument, type ScatterScope } from './scope';

export function addTimeoutFix(scope: ScatterScope, call: PyCallEvent, parameter: TimeoutParameter, seconds: number, label: string): Fix | undefined {
  const keyword = `${parameter.name}=${seconds}`;
  const existing = timeoutArgument(call, parameter);
  if (existing?.kind === 'none') return replaceNoneFix(scope.file, existing, seconds, label.replace(/\(\)$/, ''));
  const text = scope.program.text(scope.file);
  if (text === undefined || call.hasStarKwargs) return undefined;
  const lines = splitLines(text);
  const close: Position = { line: call.argsRange.end.line, character: call.argsRange.end.character - 1 };
  if (lines[close.line]?.[close.character] !== ')') return undefined;
  const last = lastArgument(call, lines, close);
  const title = `Add \`${keyword}\` to \`${label}\``;
  if (!last) return fix(title, [insertAt(scope.file, close, keyword)]);
  if (last.end.line === close.line) return fix(title, [insertAt(scope.file, last.end, `, ${keyword}`)]);
  const eol = scope.facts.eol;
  const startLine = lines[last.start.line];
  const leading = startLine.slice(0, last.start.character);
  const indent = /^\s*$/.test(leading) ? leading : ' '.repeat(last.start.character);
  const comma = trailingComma(lines, last.end, close);
  if (comma) return fix(title, [insertAt(scope.file, { line: comma.line, character: comma.character + 1 }, `${eol}${indent}${keyword},`)]);
  return fix(title, [insertAt(scope.file, last.end, `,${eol}${indent}${keyword}`)]);
}

/** `helper(..., timeout=None)` -> `timeout=30`: the value replaced in place. */
export function replaceNoneFix(file: string, none: PyValue, seconds: number, name: string): Fix {
  return fix(`Pass \`timeout=${seconds}\` to \`${name}()\``, [{ file, range: none.range, newText: String(seconds) }]);
}

export function wrapInWaitForFix(scope: ScatterScope, event: number, seconds: number): Fix | undefined {
  const call = scope.call(event);
  if (!call) return undefined;
  const asyncio = asyncioReference(scope, call);
  if (!asyncio) return undefined;
  const edits: TextEdit[] = [...asyncio.edits];
  edits.push(insertAt(scope.file, call.range.start, `${asyncio.name}.wait_for(`));
  edits.push(insertAt(scope.file, call.range.end, `, timeout=${seconds})`));
  return fix(`Wrap in \`${asyncio.name}.wait_for(..., timeout=${seconds})\``, edits);
}

/** How the file names the asyncio module: `asyncio.gather` -> `asyncio`; a bare `gather` needs a module-level `import asyncio`. */
function asyncioReference(scope: ScatterScope, call: PyCallEvent): { name: string; edits: TextEdit[] } | undefined {
  const dot = call.callee.lastIndexOf('.');
  if (dot > 0) {
    const receiver = call.callee.slice(0, dot);
    const value = scope.program.callGraph.valueOf(scope.file, scope.scopeIndex, receiver, Number.MAX_SAFE_INTEGER);
    return value.k === 'external' && value.qname === 'asyncio' ? { name: receiver, edits: [] } : undefined;
  }
  for (const event of scope.facts.scopes[0].events) {
    if (event.k !== 'import') continue;
    const binding = event.bindings.find((b) => b.target === 'asyncio' && !b.local.includes('.'));
    if (binding) return { name: binding.local, edits: [] };
  }
  if (definesModuleName(scope, 'asyncio')) return undefined;
  const line = scope.facts.importInsertLine;
  return { name: 'asyncio', edits: [insertAt(scope.file, { line, character: 0 }, `import asyncio${scope.facts.eol}`)] };
}

function definesModuleName(scope: ScatterScope, name: string): boolean {
  return scope.facts.scopes[0].events.some(
    (e) => (e.k === 'import' && e.bindings.some((b) => b.local === name)) || ((e.k === 'assign' || e.k === 'call') && (e.targets ?? []).includes(name)),
  );
}

/** Range of the last argument: from the recorded arguments, else (star arguments) from the text. */
function lastArgument(call: PyCallEvent, lines: string[], close: Position): { start: Position; end: Position } | undefined {
  const ranges = [...call.args.map((a) => a.range), ...call.kwargs.map((k) => k.range)];
  if (!call.hasStarArgs && ranges.length > 0) {
    return ranges.reduce((latest, r) => (before(latest.end, r.end) ? r : latest));
  }
  // `*args` is not recorded: the last argument ends at the last code character before `)`.
  const open = call.argsRange.start;
  for (let line = close.line; line >= open.line; line--) {
    const from = line === close.line ? close.character - 1 : lines[line].length - 1;
    const to = line === open.line ? open.character + 1 : 0;
    for (let character = from; character >= to; character--) {
      const char = lines[line][character];
      if (!/\s/.test(char) && char !== ',') {
        const end = { line, character: character + 1 };
        const indentEnd = lines[line].length - lines[line].trimStart().length;
        return { start: { line, character: line === open.line ? open.character + 1 : indentEnd }, end };
      }
    }
  }
  return undefined;
}

function trailingComma(lines: string[], from: Position, close: Position): Position | undefined {
  for (let line = from.line; line <= close.line; line++) {
    const start = line === from.line ? from.character : 0;
    const end = line === close.line ? close.character : lines[line].length;
    const segment = lines[line].slice(start, end);
    const code = segment.includes('#') ? segment.slice(0, segment.indexOf('#')) : segment;
    const comma = code.indexOf(',');
    if (comma >= 0) return { line, character: start + comma };
  }
  return undefined;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}


function fix(title: string, edits: TextEdit[], safe = false): Fix {
  return { title, edits, preferred: false, safe };
}
