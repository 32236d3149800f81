/**
 * Writes PyFacts in the flat encoded form of facts-format.ts. Runs in scan workers (once per file
 * extracted) and on the main thread for facts extracted there.
 */
import type { Position, Range } from '../model';
import type { PyBlock, PyCallEvent, PyClass, PyEvent, PyFacts, PyImportEvent, PyKeywordArg, PyScope, PyStatementSpan, PySuppression, PyValue } from './facts';
import * as format from './facts-format';
import { intsToText } from './facts-format';
import { FactsCodecError } from './facts-format';

// Local constants, not imported bindings: under tsx (tests, benches) every use of an imported
// binding is a getter call, a quarter of decoding's time. (A bundle has no such cost.)
const {
  BLOCK_CHAIN,
  BLOCK_KINDS,
  BLOCK_TARGET,
  BLOCK_TEST,
  CALL_FLAG_PRESENT_SHIFT,
  CALL_FLAG_VALUE_SHIFT,
  CALL_FLAGS,
  CALL_TARGETS,
  EOLS,
  EVENT_KINDS,
  FACTS_ENCODING,
  IMPORT_HAS_STAR,
  IMPORT_NAMES,
  IMPORT_STAR_TRUE,
  LITERAL_FALSE,
  LITERAL_INT,
  LITERAL_OTHER_NUMBER,
  LITERAL_SHIFT,
  LITERAL_STRING,
  LITERAL_TRUE,
  RETURN_VALUE,
  SCOPE_ASYNC,
  SCOPE_CLASS_NAME,
  SCOPE_KINDS,
  VALUE_CALL,
  VALUE_DOTTED,
  VALUE_ELEMENTS,
  VALUE_ENTRIES,
  VALUE_HAS_SPREAD,
  VALUE_KINDS,
  VALUE_SPREAD_TRUE,
} = format;

/** The encoded form (facts-format.ts): JSON-able, strings and lists of strings. Opaque outside the codec. */
export type PackedFacts = readonly unknown[];

/** Positions within these are indexed by arrays (see FactsWriter.positionRows), others by a Map. */
const MAX_INDEXED_LINE = 1_000_000;
const MAX_INDEXED_CHARACTER = 4096;

function codeOf<T>(list: readonly T[], value: T, what: string): number {
  const code = list.indexOf(value);
  if (code < 0) throw new FactsCodecError(`cannot encode facts: unknown ${what} ${String(value)}`);
  return code;
}

function isInt32(value: number): boolean {
  return (value | 0) === value && !Object.is(value, -0);
}

class FactsWriter {
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly positions: number[] = [];
  /** Index of each position seen: [line][character] (array indexing beats a Map), else by text. */
  private readonly positionRows: number[][] = [];
  private readonly otherPositions = new Map<string, number>();
  private lastLine = 0;
  private readonly statements: number[] = [];
  private readonly statementByLine = new Map<number, number>();
  private readonly otherStatements = new Map<string, number>();
  private readonly body: number[] = [];

  facts(facts: PyFacts): PackedFacts {
    const body = this.body;
    body.push(codeOf(EOLS, facts.eol, 'line ending'), facts.lineCount, facts.importInsertLine);
    body.push(facts.syntaxErrors.length);
    for (const range of facts.syntaxErrors) this.range(range);
    body.push(facts.scopes.length);
    for (const scope of facts.scopes) this.scope(scope);
    body.push(facts.classes.length);
    for (const pyClass of facts.classes) this.pyClass(pyClass);
    body.push(facts.suppressions.length);
    for (const suppression of facts.suppressions) this.suppression(suppression);
    return [facts.version, FACTS_ENCODING, this.strings, intsToText(this.positions), intsToText(this.statements), intsToText(body)];
  }

  private stringRef(text: string): number {
    let index = this.stringIndex.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.stringIndex.set(text, index);
    }
    return index;
  }

  private string(text: string): void {
    this.body.push(this.stringRef(text));
  }

  private stringList(texts: readonly string[]): void {
    this.body.push(texts.length);
    for (const text of texts) this.body.push(this.stringRef(text));
  }

  private position(position: Position): number {
    const { line, character } = position;
    let row: number[] | undefined;
    let key: string | undefined;
    let index: number | undefined;
    if (line >= 0 && line < MAX_INDEXED_LINE && character >= 0 && character < MAX_INDEXED_CHARACTER) {
      row = this.positionRows[line] ??= [];
      index = row[character];
    } else {
      key = `${line}:${character}`;
      index = this.otherPositions.get(key);
    }
    if (index === undefined) {
      index = this.positions.length / 2;
      this.positions.push(line - this.lastLine, character);
      this.lastLine = line;
      if (row !== undefined) row[character] = index;
      else this.otherPositions.set(key!, index);
    }
    return index;
  }

  private range(range: Range): void {
    const start = this.position(range.start);
    this.body.push(start, this.position(range.end) - start);
  }

  private statement(stmt: PyStatementSpan): void {
    // Statements are keyed by their first line; the rare second one starting there goes by text.
    let index = this.statementByLine.get(stmt.startLine);
    if (index === undefined || !this.isStatement(index, stmt)) {
      const key = `${stmt.startLine} ${stmt.endLine} ${stmt.indent}`;
      index = index === undefined ? undefined : this.otherStatements.get(key);
      if (index === undefined) {
        index = this.statements.length / 3;
        this.statements.push(stmt.startLine, stmt.endLine - stmt.startLine, this.stringRef(stmt.indent));
        if (!this.statementByLine.has(stmt.startLine)) this.statementByLine.set(stmt.startLine, index);
        else this.otherStatements.set(key, index);
      }
    }
    this.body.push(index);
  }

  private isStatement(index: number, stmt: PyStatementSpan): boolean {
    const at = index * 3;
    return this.statements[at + 1] === stmt.endLine - stmt.startLine && this.strings[this.statements[at + 2]] === stmt.indent;
  }

  private scope(scope: PyScope): void {
    const body = this.body;
    let head = codeOf(SCOPE_KINDS, scope.kind, 'scope kind');
    if (scope.isAsync) head |= SCOPE_ASYNC;
    if (scope.className !== undefined) head |= SCOPE_CLASS_NAME;
    body.push(head);
    this.string(scope.qualname);
    if (scope.className !== undefined) this.string(scope.className);
    body.push(scope.parent);
    this.stringList(scope.params);
    this.stringList(scope.decorators);
    this.stringList(scope.globals);
    this.range(scope.range);
    this.range(scope.nameRange);
    body.push(scope.blocks.length);
    for (const block of scope.blocks) this.block(block);
    body.push(scope.events.length);
    for (const event of scope.events) this.event(event);
  }

  private block(block: PyBlock): void {
    let head = codeOf(BLOCK_KINDS, block.kind, 'block kind');
    if (block.test !== undefined) head |= BLOCK_TEST;
    if (block.target !== undefined) head |= BLOCK_TARGET;
    if (block.chain !== undefined) head |= BLOCK_CHAIN;
    this.body.push(head, block.parent);
    this.range(block.range);
    if (block.test !== undefined) this.string(block.test);
    if (block.target !== undefined) this.string(block.target);
    if (block.chain !== undefined) this.body.push(block.chain);
  }

  private event(event: PyEvent): void {
    const body = this.body;
    const kind = codeOf(EVENT_KINDS, event.k, 'event kind');
    const headAt = body.length;
    body.push(kind, event.block);
    this.range(event.range);
    this.statement(event.stmt);
    switch (event.k) {
      case 'call':
        body[headAt] = kind | this.call(event);
        return;
      case 'assign':
        this.stringList(event.targets);
        this.value(event.value);
        return;
      case 'import':
        body[headAt] = kind | this.importFields(event);
        return;
      case 'return':
        if (event.value !== undefined) {
          body[headAt] = kind | RETURN_VALUE;
          this.value(event.value);
        }
        return;
      case 'def':
        body.push(event.scope);
        return;
    }
  }

  /** Writes the call's own fields; returns its head bits. */
  private call(event: PyCallEvent): number {
    let bits = 0;
    for (let bit = 0; bit < CALL_FLAGS.length; bit++) {
      const flag = event[CALL_FLAGS[bit]];
      if (flag !== undefined) bits |= 1 << (CALL_FLAG_PRESENT_SHIFT + bit);
      if (flag) bits |= 1 << (CALL_FLAG_VALUE_SHIFT + bit);
    }
    this.string(event.callee);
    this.range(event.calleeRange);
    this.range(event.argsRange);
    this.body.push(event.args.length);
    for (const arg of event.args) this.value(arg);
    this.body.push(event.kwargs.length);
    for (const kwarg of event.kwargs) this.keyword(kwarg);
    if (event.targets !== undefined) {
      bits |= CALL_TARGETS;
      this.stringList(event.targets);
    }
    return bits;
  }

  /** Writes the import's own fields; returns its head bits. */
  private importFields(event: PyImportEvent): number {
    let bits = 0;
    this.string(event.module);
    this.body.push(event.bindings.length);
    for (const binding of event.bindings) {
      this.string(binding.local);
      this.string(binding.target);
      this.range(binding.range);
    }
    if (event.names !== undefined) {
      bits |= IMPORT_NAMES;
      this.stringList(event.names);
    }
    if (event.star !== undefined) bits |= event.star ? IMPORT_HAS_STAR | IMPORT_STAR_TRUE : IMPORT_HAS_STAR;
    return bits;
  }

  private keyword(kwarg: PyKeywordArg): void {
    this.string(kwarg.name);
    this.value(kwarg.value);
    this.range(kwarg.range);
  }

  private value(value: PyValue): void {
    const body = this.body;
    const headAt = body.length;
    let head = codeOf(VALUE_KINDS, value.kind, 'value kind');
    body.push(head);
    this.string(value.text);
    this.range(value.range);
    const literal = value.literal;
    if (typeof literal === 'string') {
      head |= LITERAL_STRING << LITERAL_SHIFT;
      this.string(literal);
    } else if (typeof literal === 'number') {
      if (isInt32(literal)) {
        head |= LITERAL_INT << LITERAL_SHIFT;
        body.push(literal);
      } else {
        head |= LITERAL_OTHER_NUMBER << LITERAL_SHIFT;
        this.string(Object.is(literal, -0) ? '-0' : String(literal));
      }
    } else if (typeof literal === 'boolean') {
      head |= (literal ? LITERAL_TRUE : LITERAL_FALSE) << LITERAL_SHIFT;
    }
    if (value.dotted !== undefined) {
      head |= VALUE_DOTTED;
      this.string(value.dotted);
    }
    if (value.call !== undefined) {
      head |= VALUE_CALL;
      body.push(value.call);
    }
    if (value.entries !== undefined) {
      head |= VALUE_ENTRIES;
      body.push(value.entries.length);
      for (const entry of value.entries) {
        this.string(entry.key);
        this.value(entry.value);
        this.range(entry.range);
      }
    }
    if (value.hasSpread !== undefined) head |= value.hasSpread ? VALUE_HAS_SPREAD | VALUE_SPREAD_TRUE : VALUE_HAS_SPREAD;
    if (value.elements !== undefined) {
      head |= VALUE_ELEMENTS;
      body.push(value.elements.length);
      for (const element of value.elements) this.value(element);
    }
    body[headAt] = head;
  }

  private pyClass(pyClass: PyClass): void {
    this.string(pyClass.qualname);
    this.stringList(pyClass.bases);
    this.body.push(pyClass.scope);
    const methods = Object.entries(pyClass.methods);
    this.body.push(methods.length);
    for (const [name, scope] of methods) {
      this.string(name);
      this.body.push(scope);
    }
    this.range(pyClass.range);
    this.range(pyClass.nameRange);
  }

  /** Codes are their count + 1, so 0 can stand for null (no list: every rule). */
  private suppression(suppression: PySuppression): void {
    this.body.push(suppression.line);
    if (suppression.codes === null) this.body.push(0);
    else {
      this.body.push(suppression.codes.length + 1);
      for (const code of suppression.codes) this.string(code);
    }
    this.range(suppression.range);
  }
}

/** The encoded form of `facts` (facts-format.ts), ready for JSON.stringify. */
export function packFacts(facts: PyFacts): PackedFacts {
  return new FactsWriter().facts(facts);
}
