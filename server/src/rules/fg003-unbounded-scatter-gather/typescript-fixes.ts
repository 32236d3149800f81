/**
 * Quick fixes for FG003 on Node fan-outs (the README's "Fix" section shows the exact text):
 *
 *   1. (preferred, when the file's package depends on p-limit and the collection is `xs.map(<arrow>)`)
 *      `const limit = pLimit(10);` on its own line before the statement, the arrow's work run as
 *      `limit(() => ...)` (an `async` arrow becomes `(x) => limit(async () => ...)`), and the
 *      deadline of fix 2;
 *   2. the deadline: `Promise.all(...)` becomes
 *      `Promise.race([Promise.all(...), delay(ms, undefined, { ref: false }).then(() => { throw new Error('Promise.all timed out after N s'); })])`
 *      with `setTimeout as delay` imported from `node:timers/promises` (ESM `import` or CommonJS
 *      `require`, as the module is written). The timer is unref'd, so it never keeps the process
 *      alive after the work is done; the race rejects with an Error naming the timeout. A file that
 *      already imports that `setTimeout` has it reused.
 *
 * Both are marked unsafe: the wait now rejects after N seconds, which its caller must handle. A fix
 * that cannot be written correctly is not offered. Imports go on the facts' import insertion line,
 * in the quotes and semicolon style of the file's first import.
 */
import type { Fix, Position, TextEdit } from '../../model';
import type { TsCall, TsFunction } from '../../typescript/facts';
import { BOUND_FIX, DEADLINE_FIX } from '../../catalog/node-fanout';
import { stripNodePrefix } from '../../typescript/program';
import { insertAt } from '../edits';
import type { PerItemCollection } from './typescript-collections';
import type { FanOutFile } from './typescript-names';

export interface FanOutFixRequest {
  view: FanOutFile;
  text: string;
  wait: TsCall;
  /** `Promise.all` or `Promise.allSettled`. */
  waitLabel: string;
  collection: PerItemCollection;
  /** The configured timeout, in seconds. */
  seconds: number;
  /** The file's nearest package.json depends on p-limit. */
  dependsOnPLimit: boolean;
}

/** The fixes for one finding, preferred first. */
export function fanOutFixes(request: FanOutFixRequest): Fix[] {
  const writer = new FixWriter(request);
  const deadline = writer.deadline();
  if (!deadline) return [];
  const bound = writer.bound();
  const ms = writer.milliseconds;
  const raceTitle = `race \`${request.waitLabel}\` against a ${request.seconds} s timer`;
  const fixes: Fix[] = [];
  if (bound) {
    fixes.push(fix(`Run at most ${BOUND_FIX.concurrency} at a time with p-limit and ${raceTitle}`, writer.edits([...bound.imports, ...deadline.imports], [...bound.edits, ...deadline.edits])));
  }
  fixes.push(fix(`${capitalize(raceTitle)} (${ms} ms)`, writer.edits(deadline.imports, deadline.edits)));
  return fixes;
}

interface EditSet {
  /** Import/require lines to add, without line ends. */
  imports: string[];
  edits: TextEdit[];
}

class FixWriter {
  private readonly lines: string[];
  private readonly declared: ReadonlySet<string>;
  private readonly quote: string;
  private readonly semi: string;
  readonly milliseconds: number;

  constructor(private readonly request: FanOutFixRequest) {
    this.lines = request.view.linesOf(request.text);
    this.declared = request.view.declaredNames(request.text);
    const style = importStyle(request.view, request.text);
    this.quote = style.quote;
    this.semi = style.semi;
    this.milliseconds = Math.round(request.seconds * 1000);
  }

  private get facts() {
    return this.request.view.facts;
  }

  private get file(): string {
    return this.request.view.file;
  }

  /** The race against an unref'd timer, and the import it needs. */
  deadline(): EditSet | undefined {
    const { wait, waitLabel, seconds } = this.request;
    const timer = this.timerReference();
    if (!timer) return undefined;
    const message = `${this.quote}${waitLabel} timed out after ${seconds} s${this.quote}`;
    const rejectLater = `${timer.name}(${this.milliseconds}, undefined, { ref: false }).then(() => { throw new Error(${message})${this.semi} })`;
    return {
      imports: timer.importLine ? [timer.importLine] : [],
      edits: [insertAt(this.file, wait.range.start, 'Promise.race(['), insertAt(this.file, wait.range.end, `, ${rejectLater}])`)],
    };
  }

  /** p-limit around each task of `xs.map(<arrow>)`, when the package depends on p-limit and the text allows it. */
  bound(): EditSet | undefined {
    const { collection, wait, dependsOnPLimit } = this.request;
    const { mapCall, callback } = collection;
    if (!dependsOnPLimit || !mapCall || !callback || callback.argumentOf?.call !== mapCall.id) return undefined;
    const factory = this.pLimitFactory();
    const instance = [BOUND_FIX.instanceLocal, ...BOUND_FIX.fallbackInstanceLocals].find((name) => !this.declared.has(name));
    const wrap = this.wrapCallback(callback, instance ?? '');
    const statement = this.statementInsertion(wait);
    if (!factory || !instance || !wrap || !statement) return undefined;
    const declaration = `const ${instance} = ${factory.name}(${BOUND_FIX.concurrency})${this.semi}${this.facts.eol}${wait.statement.indent}`;
    return {
      imports: factory.importLine ? [factory.importLine] : [],
      edits: [insertAt(this.file, statement, declaration), ...wrap],
    };
  }

  /**
   * The edits, with the import lines added as one insertion on the facts' import line, and
   * insertions at one position merged into one edit in order (the import line may be where the
   * statement starts, and the statement may start with the `Promise.all` itself): appliers differ
   * on the order of separate insertions at one place.
   */
  edits(imports: string[], edits: TextEdit[]): TextEdit[] {
    return mergeInsertions(imports.length === 0 ? edits : [this.importEdit(imports), ...edits]);
  }

  private importEdit(imports: string[]): TextEdit {
    const eol = this.facts.eol;
    const line = this.facts.importInsertLine;
    const block = imports.join(eol);
    return line < this.lines.length
      ? insertAt(this.file, { line, character: 0 }, `${block}${eol}`)
      : insertAt(this.file, { line: this.lines.length - 1, character: this.lines[this.lines.length - 1].length }, `${eol}${block}`);
  }

  /** How the fix calls `setTimeout` of `timers/promises`: an existing module-level import, or a new one. */
  private timerReference(): { name: string; importLine?: string } | undefined {
    for (const i of this.facts.imports) {
      if (i.function !== undefined || i.typeOnly || i.local === '' || stripNodePrefix(i.module) !== stripNodePrefix(DEADLINE_FIX.module)) continue;
      if (i.imported === DEADLINE_FIX.imported) return { name: i.local };
      if (i.imported === '*') return { name: `${i.local}.${DEADLINE_FIX.imported}` };
    }
    const name = [DEADLINE_FIX.local, ...DEADLINE_FIX.fallbackLocals].find((candidate) => !this.declared.has(candidate));
    if (!name) return undefined;
    const from = `${this.quote}${DEADLINE_FIX.module}${this.quote}`;
    return {
      name,
      importLine:
        this.facts.moduleSystem === 'esm'
          ? `import { ${DEADLINE_FIX.imported} as ${name} } from ${from}${this.semi}`
          : `const { ${DEADLINE_FIX.imported}: ${name} } = require(${from})${this.semi}`,
    };
  }

  /**
   * How the fix calls p-limit's factory: an existing module-level import of it, or (ESM only) a new
   * `import pLimit from 'p-limit'`. p-limit 4 and later are ES modules only, and the facts do not
   * say which version the package has: a CommonJS file gets the bound only when it already
   * requires p-limit (so the version it has loads with `require`).
   */
  private pLimitFactory(): { name: string; importLine?: string } | undefined {
    const existing = this.facts.imports.find(
      (i) => i.function === undefined && !i.typeOnly && i.local !== '' && i.module === BOUND_FIX.package && (i.imported === 'default' || i.imported === '*'),
    );
    if (existing) return { name: existing.local };
    const name = BOUND_FIX.importLocal;
    if (this.facts.moduleSystem !== 'esm' || this.declared.has(name)) return undefined;
    return { name, importLine: `import ${name} from ${this.quote}${BOUND_FIX.package}${this.quote}${this.semi}` };
  }

  /**
   * `(x) => work` -> `(x) => limit(() => work)`; `async (x) => work` -> `(x) => limit(async () => work)`.
   * Only arrows whose body follows `=>` directly (a function expression or a body the facts give
   * without its parentheses is left alone).
   */
  private wrapCallback(callback: TsFunction, instance: string): TextEdit[] | undefined {
    const head = this.slice(callback.range.start, callback.bodyRange.start);
    if (head === undefined || !head.trimEnd().endsWith('=>')) return undefined;
    const edits: TextEdit[] = [];
    let inner = '() => ';
    if (callback.isAsync) {
      const asyncKeyword = /^async\s+/.exec(head);
      if (!asyncKeyword || asyncKeyword[0].includes('\n')) return undefined;
      const start = callback.range.start;
      edits.push({ file: this.file, range: { start, end: { line: start.line, character: start.character + asyncKeyword[0].length } }, newText: '' });
      inner = 'async () => ';
    }
    edits.push(insertAt(this.file, callback.bodyRange.start, `${instance}(${inner}`));
    edits.push(insertAt(this.file, callback.bodyRange.end, ')'));
    return edits;
  }

  /**
   * Where `const limit = ...` goes: the start of the wait's statement, when the statement starts
   * its line and follows a complete statement or a block opening (so a declaration is legal there,
   * not the body of a brace-less `if`).
   */
  private statementInsertion(wait: TsCall): { line: number; character: number } | undefined {
    const start = wait.statement.range.start;
    const line = this.lines[start.line];
    if (line === undefined || line.slice(0, start.character).trim() !== '' || line.slice(0, start.character) !== wait.statement.indent) return undefined;
    for (let previous = start.line - 1; previous >= 0; previous--) {
      const code = this.lines[previous].trim();
      if (code === '' || code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) continue;
      return /[;{}]$/.test(code) ? start : undefined;
    }
    return start;
  }

  private slice(from: { line: number; character: number }, to: { line: number; character: number }): string | undefined {
    if (from.line === to.line) return this.lines[from.line]?.slice(from.character, to.character);
    const parts = [this.lines[from.line]?.slice(from.character)];
    for (let line = from.line + 1; line < to.line; line++) parts.push(this.lines[line]);
    parts.push(this.lines[to.line]?.slice(0, to.character));
    return parts.some((p) => p === undefined) ? undefined : parts.join('\n');
  }
}

/** Empty-range insertions at the same position become one edit, their texts in list order. */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  for (const edit of edits) {
    const isInsertion = samePosition(edit.range.start, edit.range.end);
    const same = isInsertion ? merged.find((m) => samePosition(m.range.start, m.range.end) && samePosition(m.range.start, edit.range.start)) : undefined;
    if (same) same.newText += edit.newText;
    else merged.push({ ...edit });
  }
  return merged;
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

/** Quote and semicolon style of the file's first module-level import (single quotes and `;` when it has none). */
function importStyle(view: FanOutFile, text: string): { quote: string; semi: string } {
  const first = view.facts.imports.find((i) => i.function === undefined && i.local !== '');
  if (!first) return { quote: "'", semi: ';' };
  const lines = view.linesOf(text);
  const statement = first.range.start.line === first.range.end.line ? lines[first.range.start.line]?.slice(first.range.start.character, first.range.end.character) : undefined;
  if (statement === undefined) return { quote: "'", semi: ';' };
  const quote = /["'`]/.exec(statement)?.[0];
  return { quote: quote === '"' ? '"' : "'", semi: statement.trimEnd().endsWith(';') ? ';' : '' };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fix(title: string, edits: TextEdit[]): Fix {
  return { title, edits, preferred: false, safe: false };
}
