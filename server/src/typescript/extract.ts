/**
 * extractTsFacts: one TS/JS text -> its TsFacts (facts.ts is the contract). One walk over the raw
 * TypeScript nodes, carrying the context a call needs (enclosing function, guards, loop, the call
 * whose arguments it sits in, its statement). Never throws: a text the walk fails on gives facts
 * with one syntax error at the start and a log line.
 */
import { ts } from './ts';
import * as path from 'node:path';
import type { Range, SuppressionComment } from '../model';
import { LineIndex } from '../python/source-text';
import { TS_FACTS_VERSION, type TsBinding, type TsMemberAssignment, type TsCall, type TsExport, type TsFacts, type TsFunction, type TsGuard, type TsImport, type TsProperty, type TsValue } from './facts';
import { textChunkKey } from '../extraction/text-chunks';
import { parsedTs, parseTs, type TsTree } from './parser';
import { lineChunks, namesOnlyPlacedIds, placedFacts, type ChunkFacts, type ChunkPlacement, type StoredChunk, type TsChunkReuse } from './statement-chunks';

const MAX_SYNTAX_ERRORS = 20;
const MAX_GUARD_TEXT = 200;

export interface ExtractTsOptions {
  log?: (message: string) => void;
  /** An open document's chunks of its last extractions: statements whose text did not change are not walked again. */
  reuse?: TsChunkReuse;
}

/** Facts of one file. `fileName` chooses the dialect (`.tsx`, `.js`, `.mjs`...) and names the file in logs. */
export function extractTsFacts(text: string, fileName: string, options: ExtractTsOptions = {}): TsFacts {
  let tree: TsTree;
  try {
    tree = parseTs(text, fileName);
  } catch (error) {
    return factsOfFailedExtraction(text, fileName, error, options);
  }
  return extractTsFactsOfTree(tree, options);
}

/** Facts of the tree's text (its fileName chooses the dialect). Never throws, like extractTsFacts. */
export function extractTsFactsOfTree(tree: TsTree, options: ExtractTsOptions = {}): TsFacts {
  try {
    const { sourceFile, syntaxErrors } = parsedTs(tree);
    return new Extractor(tree.text, tree.fileName, sourceFile, syntaxErrors, options.reuse).run();
  } catch (error) {
    options.reuse?.clear();
    return factsOfFailedExtraction(tree.text, tree.fileName, error, options);
  }
}

function factsOfFailedExtraction(text: string, fileName: string, error: unknown, options: ExtractTsOptions): TsFacts {
  options.log?.(`cannot extract facts from ${fileName}: ${(error as Error).message}`);
  const facts = emptyTsFacts(text, fileName);
  facts.syntaxErrors = [{ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }];
  return facts;
}

/** Facts of a file with nothing in it that matters (too large to analyse, unreadable). */
export function emptyTsFacts(text: string, fileName: string): TsFacts {
  const lines = new LineIndex(text);
  return {
    version: TS_FACTS_VERSION,
    moduleSystem: isEsmExtension(fileName) ? 'esm' : 'commonjs',
    eol: detectTsEol(text),
    lineCount: lines.lineCount,
    syntaxErrors: [],
    imports: [],
    exports: [],
    functions: [],
    calls: [],
    bindings: [],
    memberAssignments: [],
    suppressions: [],
    importInsertLine: 0,
  };
}

function isEsmExtension(fileName: string): boolean {
  const ext = path.extname(fileName).toLowerCase();
  return ext === '.mjs' || ext === '.mts';
}

function detectTsEol(text: string): '\n' | '\r\n' | '\r' {
  const match = /\r\n|\r|\n/.exec(text);
  return match ? (match[0] as '\n' | '\r\n' | '\r') : '\n';
}

/** What a node's facts depend on from where it sits. Immutable: a child context is a copy. */
interface Context {
  function?: number;
  isAsync: boolean;
  /** In a generator (`yield` parses differently): part of a chunk's context key only. */
  isGenerator?: boolean;
  guards: TsGuard[];
  inLoop: boolean;
  parentCall?: number;
  statement?: ts.Node;
}

const K = ts.SyntaxKind;

/** The lengths of the facts lists: where a chunk's facts begin. */
type FactsCounts = Record<keyof ChunkFacts, number>;

class Extractor {
  private readonly lines: LineIndex;
  private readonly imports: TsImport[] = [];
  private readonly exports: TsExport[] = [];
  private readonly functions: TsFunction[] = [];
  private readonly calls: TsCall[] = [];
  private readonly bindings: TsBinding[] = [];
  private readonly memberAssignments: TsMemberAssignment[] = [];
  private readonly callIds = new Map<ts.Node, number>();
  private readonly functionIds = new Map<ts.Node, number>();
  /** `require()` / `import()` calls already recorded as imports by their declaration. */
  private readonly importCalls = new Set<ts.Node>();
  private esmSyntax: boolean;
  /** What every chunk's context key starts with: the file's module-ness, which the parse and canAwait depend on. */
  private fileKey = '';
  /** Parse errors by start, for chunks: one holding an error is walked every time. */
  private readonly errorsByStart: { start: number; end: number }[];
  /** The stored chunks found inside the chunk being walked (its children), when reusing. */
  private chunkChildren: StoredChunk[] = [];

  constructor(
    private readonly text: string,
    fileName: string,
    private readonly sf: ts.SourceFile,
    private readonly parseErrors: { start: number; end: number }[],
    private readonly reuse?: TsChunkReuse,
  ) {
    this.lines = new LineIndex(text);
    this.esmSyntax = isEsmExtension(fileName);
    this.errorsByStart = reuse ? [...parseErrors].sort((a, b) => a.start - b.start) : [];
  }

  run(): TsFacts {
    const top: Context = { isAsync: false, guards: [], inLoop: false };
    // ESM-ness decides whether top level can await: find it before the walk.
    this.esmSyntax ||= this.sf.statements.some(isEsmStatement);
    this.fileKey = `${this.esmSyntax ? 'e' : 'c'}${ts.isExternalModule(this.sf) ? 'm' : 's'}`;
    this.reuse?.begin();
    this.visitStatements(this.sf.statements, top);
    this.reuse?.commit();
    return {
      version: TS_FACTS_VERSION,
      moduleSystem: this.esmSyntax ? 'esm' : 'commonjs',
      eol: detectTsEol(this.text),
      lineCount: this.lines.lineCount,
      syntaxErrors: this.parseErrors.slice(0, MAX_SYNTAX_ERRORS).map((error) => this.lines.range(error.start, Math.max(error.start, error.end))),
      imports: this.imports,
      exports: this.exports,
      functions: this.functions,
      calls: this.calls,
      bindings: this.bindings,
      memberAssignments: this.memberAssignments,
      suppressions: this.suppressions(),
      importInsertLine: this.importInsertLine(),
    };
  }

  // ---------------------------------------------------------------- positions

  private range(node: ts.Node): Range {
    return this.lines.range(node.getStart(this.sf), node.end);
  }

  private statementOf(node: ts.Node | undefined, fallback: ts.Node): { range: Range; indent: string } {
    const statement = node ?? fallback;
    const start = statement.getStart(this.sf);
    return { range: this.lines.range(start, statement.end), indent: this.lines.indentOf(this.lines.lineOf(start)) };
  }

  private sourceText(node: ts.Node): string {
    return this.text.slice(node.getStart(this.sf), node.end);
  }

  // ---------------------------------------------------------------- statements

  /**
   * A statement list. After `if (c) { ...; return }` the rest of the list runs only when `c` is
   * false: it gets the negated guard (and the positive one after an `else` that returns).
   */
  private visitStatements(statements: readonly ts.Statement[], context: Context): void {
    if (this.reuse) this.visitStatementChunks(statements, context, this.reuse);
    else this.visitStatementRun(statements, 0, statements.length, context, true);
  }

  /** statements[first, end): each visited (or not, when `visit` is false), the guards carried on. Returns the context after them. */
  private visitStatementRun(statements: readonly ts.Statement[], first: number, end: number, context: Context, visit: boolean): Context {
    let current = context;
    for (let i = first; i < end; i++) {
      const statement = statements[i];
      if (visit) this.visit(statement, { ...current, statement });
      if (ts.isIfStatement(statement)) {
        const thenExits = exits(statement.thenStatement);
        const elseExits = statement.elseStatement !== undefined && exits(statement.elseStatement);
        if (thenExits && !elseExits) current = { ...current, guards: [...current.guards, this.guard(statement.expression, true)] };
        else if (elseExits && !thenExits) current = { ...current, guards: [...current.guards, this.guard(statement.expression, false)] };
      }
    }
    return current;
  }

  /**
   * A statement list in chunks of whole lines (statement-chunks.ts): a chunk the last extractions
   * stored under the same text and context key gives its facts without a walk.
   */
  private visitStatementChunks(statements: readonly ts.Statement[], context: Context, reuse: TsChunkReuse): void {
    const starts = statements.map((statement) => statement.getStart(this.sf));
    const ends = statements.map((statement) => statement.end);
    let current = context;
    for (const chunk of lineChunks(starts, ends, this.lines)) {
      const reusable = chunk.onWholeLines && chunk.to - chunk.from >= reuse.minStoredChars && !this.hasParseErrorIn(chunk.from, chunk.to);
      const key = reusable ? textChunkKey(this.text, chunk.from, chunk.to, this.contextKey(current)) : undefined;
      const placement: ChunkPlacement = {
        line: chunk.startLine,
        firstCall: this.calls.length,
        firstFunction: this.functions.length,
        outerFunction: current.function,
        outerCall: current.parentCall,
      };
      const stored = key === undefined ? undefined : reuse.find(key, this.text, chunk.from);
      const facts = stored && placedFacts(stored, placement);
      if (stored && facts) {
        this.appendFacts(facts);
        this.chunkChildren.push(reuse.carry(stored, this.text, chunk.from));
        current = this.visitStatementRun(statements, chunk.first, chunk.end, current, false);
        continue;
      }
      const before = this.factsCounts();
      const outerChildren = this.chunkChildren;
      const children: StoredChunk[] = [];
      this.chunkChildren = children;
      current = this.visitStatementRun(statements, chunk.first, chunk.end, current, true);
      this.chunkChildren = outerChildren;
      const walked = key === undefined ? undefined : this.factsSince(before);
      if (key !== undefined && walked && namesOnlyPlacedIds(walked, placement)) {
        const entry: StoredChunk = { key, text: this.text.slice(chunk.from, chunk.to), from: chunk.from, placement, facts: walked, children };
        reuse.add(entry);
        outerChildren.push(entry);
      } else {
        for (const child of children) outerChildren.push(child);
      }
    }
  }

  /** What a chunk's facts depend on from where it sits, besides its text and placement (see statement-chunks.ts). */
  private contextKey(context: Context): string {
    const key = `${this.fileKey}${context.function === undefined ? 't' : 'f'}${context.isAsync ? 'a' : ''}${context.isGenerator ? 'g' : ''}${context.inLoop ? 'l' : ''}${context.parentCall === undefined ? '' : 'c'}`;
    if (context.guards.length === 0) return key;
    // textChunkKey separates the context key from the text with a NUL: JSON escapes any in the guards.
    return `${key}${JSON.stringify(context.guards.map((guard) => [guard.negated, guard.text, guard.path ?? null]))}`;
  }

  private hasParseErrorIn(from: number, to: number): boolean {
    for (const error of this.errorsByStart) {
      if (error.start > to) return false;
      if (error.end >= from) return true;
    }
    return false;
  }

  private factsCounts(): FactsCounts {
    return {
      imports: this.imports.length,
      exports: this.exports.length,
      functions: this.functions.length,
      calls: this.calls.length,
      bindings: this.bindings.length,
      memberAssignments: this.memberAssignments.length,
    };
  }

  private factsSince(before: FactsCounts): ChunkFacts {
    return {
      imports: this.imports.slice(before.imports),
      exports: this.exports.slice(before.exports),
      functions: this.functions.slice(before.functions),
      calls: this.calls.slice(before.calls),
      bindings: this.bindings.slice(before.bindings),
      memberAssignments: this.memberAssignments.slice(before.memberAssignments),
    };
  }

  private appendFacts(facts: ChunkFacts): void {
    for (const entry of facts.imports) this.imports.push(entry);
    for (const entry of facts.exports) this.exports.push(entry);
    for (const entry of facts.functions) this.functions.push(entry);
    for (const entry of facts.calls) this.calls.push(entry);
    for (const entry of facts.bindings) this.bindings.push(entry);
    for (const entry of facts.memberAssignments) this.memberAssignments.push(entry);
  }

  private guard(condition: ts.Expression, negatedBranch: boolean): TsGuard {
    let expression = skipOuter(condition);
    let negated = negatedBranch;
    while (ts.isPrefixUnaryExpression(expression) && expression.operator === K.ExclamationToken) {
      negated = !negated;
      expression = skipOuter(expression.operand);
    }
    const text = this.sourceText(condition).replace(/\s+/g, ' ').trim();
    const guardPath = dottedPath(expression);
    return { ...(guardPath ? { path: guardPath } : {}), negated, text: text.length > MAX_GUARD_TEXT ? `${text.slice(0, MAX_GUARD_TEXT - 1)}…` : text };
  }

  private withGuard(context: Context, condition: ts.Expression, negated: boolean, statement?: ts.Node): Context {
    return { ...context, guards: [...context.guards, this.guard(condition, negated)], ...(statement ? { statement } : {}) };
  }

  private visit(node: ts.Node, context: Context): void {
    switch (node.kind) {
      case K.Block:
      case K.ModuleBlock:
      case K.CaseClause:
      case K.DefaultClause: {
        const clause = node as ts.Block | ts.ModuleBlock | ts.CaseClause | ts.DefaultClause;
        if (ts.isCaseClause(clause)) this.visit(clause.expression, context);
        this.visitStatements(clause.statements, context);
        return;
      }
      case K.IfStatement: {
        const statement = node as ts.IfStatement;
        this.visit(statement.expression, context);
        this.visit(statement.thenStatement, this.withGuard(context, statement.expression, false, statement.thenStatement));
        if (statement.elseStatement) this.visit(statement.elseStatement, this.withGuard(context, statement.expression, true, statement.elseStatement));
        return;
      }
      case K.ForStatement: {
        const loop = node as ts.ForStatement;
        if (loop.initializer) this.visit(loop.initializer, context);
        const body = { ...context, inLoop: true };
        if (loop.condition) this.visit(loop.condition, body);
        if (loop.incrementor) this.visit(loop.incrementor, body);
        this.visit(loop.statement, { ...body, statement: loop.statement });
        return;
      }
      case K.ForOfStatement:
      case K.ForInStatement: {
        const loop = node as ts.ForOfStatement | ts.ForInStatement;
        this.visit(loop.initializer, context);
        this.visit(loop.expression, context);
        this.visit(loop.statement, { ...context, inLoop: true, statement: loop.statement });
        return;
      }
      case K.WhileStatement:
      case K.DoStatement: {
        const loop = node as ts.WhileStatement | ts.DoStatement;
        const body = { ...context, inLoop: true };
        this.visit(loop.expression, body);
        this.visit(loop.statement, { ...body, statement: loop.statement });
        return;
      }
      case K.ConditionalExpression: {
        const conditional = node as ts.ConditionalExpression;
        this.visit(conditional.condition, context);
        this.visit(conditional.whenTrue, this.withGuard(context, conditional.condition, false));
        this.visit(conditional.whenFalse, this.withGuard(context, conditional.condition, true));
        return;
      }
      case K.BinaryExpression:
        this.visitBinary(node as ts.BinaryExpression, context);
        return;
      case K.CallExpression:
      case K.NewExpression:
        this.visitCall(node as ts.CallExpression | ts.NewExpression, context);
        return;
      case K.FunctionDeclaration:
      case K.FunctionExpression:
      case K.ArrowFunction:
      case K.MethodDeclaration:
      case K.Constructor:
      case K.GetAccessor:
      case K.SetAccessor:
        this.visitFunction(node as ts.FunctionLikeDeclaration, context);
        return;
      case K.ClassDeclaration:
      case K.ClassExpression:
        this.visitClass(node as ts.ClassLikeDeclaration, context);
        return;
      case K.VariableStatement:
        this.visitVariableStatement(node as ts.VariableStatement, context);
        return;
      case K.ImportDeclaration:
        this.visitImport(node as ts.ImportDeclaration, context);
        return;
      case K.ImportEqualsDeclaration:
        this.visitImportEquals(node as ts.ImportEqualsDeclaration, context);
        return;
      case K.ExportDeclaration:
        this.visitExportDeclaration(node as ts.ExportDeclaration);
        return;
      case K.ExportAssignment:
        this.visitExportAssignment(node as ts.ExportAssignment, context);
        return;
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
        return; // types only: nothing runs
      default:
        ts.forEachChild(node, (child) => this.visit(child, context));
    }
  }

  private visitBinary(node: ts.BinaryExpression, context: Context): void {
    const operator = node.operatorToken.kind;
    this.visit(node.left, context);
    if (operator === K.AmpersandAmpersandToken) this.visit(node.right, this.withGuard(context, node.left, false));
    else if (operator === K.BarBarToken) this.visit(node.right, this.withGuard(context, node.left, true));
    else this.visit(node.right, context);
    if (operator === K.EqualsToken) this.recordAssignment(node, context);
  }

  /** `x = value`, `this.x = value` (bindings); `module.exports = ...`, `exports.a = ...` (exports). */
  private recordAssignment(node: ts.BinaryExpression, context: Context): void {
    const target = dottedPath(skipOuter(node.left));
    if (!target) return;
    const value = this.value(node.right);
    if (target.length === 1 || (target.length === 2 && target[0] === 'this')) {
      this.bindings.push({
        target,
        kind: 'assign',
        value,
        ...(context.function !== undefined ? { function: context.function } : {}),
        guards: context.guards,
        inLoop: context.inLoop,
        statement: this.statementOf(context.statement, node),
        single: true,
        exported: false,
      });
      return;
    }
    const range = this.range(context.statement ?? node);
    if (target.length === 2 && target[0] === 'module' && target[1] === 'exports') {
      this.recordModuleExports(node.right, range);
    } else if ((target.length === 3 && target[0] === 'module' && target[1] === 'exports') || (target.length === 2 && target[0] === 'exports')) {
      this.exports.push(this.exportOfValue(target[target.length - 1], node.right, range));
    }
    // FG002 (T3): other member assignments, for library-wide defaults (`axios.defaults.timeout = 5000`).
    else if (target[0] !== 'module' && target[0] !== 'exports' && target[0] !== 'this') {
      this.memberAssignments.push({ target, value, ...(context.function !== undefined ? { function: context.function } : {}), range });
    }
  }

  /** `module.exports = { a, b: c }` exports each property; `module.exports = x` exports x as 'default' and '*'. */
  private recordModuleExports(value: ts.Expression, range: Range): void {
    const expression = skipOuter(value);
    if (ts.isObjectLiteralExpression(expression)) {
      for (const property of expression.properties) {
        if (ts.isShorthandPropertyAssignment(property)) this.exports.push({ name: property.name.text, local: property.name.text, range });
        else if (ts.isPropertyAssignment(property) && propertyName(property.name) !== undefined) {
          this.exports.push(this.exportOfValue(propertyName(property.name)!, property.initializer, range));
        } else if (ts.isMethodDeclaration(property) && propertyName(property.name) !== undefined) {
          const id = this.functionIds.get(property);
          this.exports.push({ name: propertyName(property.name)!, ...(id !== undefined ? { function: id } : {}), range });
        }
      }
      return;
    }
    this.exports.push(this.exportOfValue('default', value, range));
    this.exports.push(this.exportOfValue('*', value, range));
  }

  private exportOfValue(name: string, value: ts.Expression, range: Range): TsExport {
    const expression = skipOuter(value);
    const exported: TsExport = { name, range, value: this.value(value) };
    if (ts.isIdentifier(expression)) exported.local = expression.text;
    const id = this.functionIds.get(expression);
    if (id !== undefined) exported.function = id;
    else if ((ts.isClassExpression(expression) || ts.isFunctionExpression(expression)) && expression.name) exported.local = expression.name.text;
    return exported;
  }

  // ---------------------------------------------------------------- calls

  private visitCall(node: ts.CallExpression | ts.NewExpression, context: Context): void {
    const id = this.calls.length;
    this.callIds.set(node, id);
    const call = { id } as TsCall;
    this.calls.push(call);
    this.recordImportCall(node, context);

    this.visit(node.expression, context);
    const args = node.arguments ?? [];
    args.forEach((argument) => this.visit(argument, { ...context, parentCall: id }));

    const callee = this.callee(node.expression);
    call.callee = callee.path;
    if (callee.call !== undefined) call.calleeCall = callee.call;
    call.isNew = ts.isNewExpression(node);
    call.range = this.range(node);
    call.nameRange = this.range(callee.nameNode);
    call.args = args.map((argument) => this.value(argument));
    if (node.arguments) {
      const open = this.text.indexOf('(', node.expression.end + (node.typeArguments ? node.typeArguments.end - node.expression.end : 0));
      if (open >= 0 && open < node.end) call.argsRange = this.lines.range(open, node.end);
    }
    if (context.function !== undefined) call.function = context.function;
    call.guards = context.guards;
    call.inLoop = context.inLoop;
    call.awaited = isAwaited(node);
    if (context.parentCall !== undefined) call.parentCall = context.parentCall;
    call.statement = this.statementOf(context.statement, node);
    call.canAwait = context.function !== undefined ? context.isAsync : this.esmSyntax;
    const assignedTo = this.assignmentTarget(node);
    if (assignedTo) call.assignedTo = assignedTo;
  }

  /** The callee as a dotted path, or the call it hangs off (`knex(cfg).select`), and where its name is. */
  private callee(expression: ts.Expression): { path: string[]; call?: number; nameNode: ts.Node } {
    const names: string[] = [];
    let node = skipOuter(expression);
    const nameNode = ts.isPropertyAccessExpression(node) ? node.name : node;
    for (;;) {
      if (ts.isPropertyAccessExpression(node)) {
        names.unshift(node.name.text);
        node = skipOuter(node.expression);
      } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
        names.unshift(node.argumentExpression.text);
        node = skipOuter(node.expression);
      } else break;
    }
    if (ts.isIdentifier(node)) return { path: [node.text, ...names], nameNode };
    if (node.kind === K.ThisKeyword) return { path: ['this', ...names], nameNode };
    if (node.kind === K.SuperKeyword) return { path: ['super', ...names], nameNode };
    if (node.kind === K.ImportKeyword) return { path: ['import'], nameNode };
    const call = this.callIds.get(node);
    if (call !== undefined) return { path: names, call, nameNode };
    return { path: [], nameNode };
  }

  /** `const pool = new Pool()` -> ['pool']; `this.pool = ...` -> ['this', 'pool']; class field `pool = ...` -> ['this', 'pool']. */
  private assignmentTarget(node: ts.Node): string[] | undefined {
    let child: ts.Node = node;
    let parent = node.parent;
    while (parent && (isOuterExpression(parent) || ts.isAwaitExpression(parent))) {
      child = parent;
      parent = parent.parent;
    }
    if (!parent) return undefined;
    if (ts.isVariableDeclaration(parent) && parent.initializer === child && ts.isIdentifier(parent.name)) return [parent.name.text];
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === K.EqualsToken && parent.right === child) return dottedPath(skipOuter(parent.left));
    if (ts.isPropertyDeclaration(parent) && parent.initializer === child && ts.isIdentifier(parent.name)) {
      const isStatic = parent.modifiers?.some((modifier) => modifier.kind === K.StaticKeyword);
      return isStatic ? undefined : ['this', parent.name.text];
    }
    return undefined;
  }

  /** A `require('m')` or `import('m')` not taken by a declaration: an import with no local name. */
  private recordImportCall(node: ts.CallExpression | ts.NewExpression, context: Context): void {
    if (this.importCalls.has(node) || !ts.isCallExpression(node)) return;
    const specifier = importCallSpecifier(node);
    if (!specifier) return;
    this.pushImport('', specifier.module, '*', specifier.kind, context.statement ?? node, context, false);
  }

  // ---------------------------------------------------------------- functions and classes

  private visitFunction(node: ts.FunctionLikeDeclaration, context: Context): void {
    if (!node.body) return; // an overload or a declaration: nothing runs
    const id = this.functions.length;
    this.functionIds.set(node, id);
    const argumentOf = this.argumentOf(node);
    const name = this.functionName(node);
    this.functions.push({
      id,
      ...(name !== undefined ? { name } : {}),
      ...(context.function !== undefined ? { parent: context.function } : {}),
      isAsync: hasModifier(node, K.AsyncKeyword),
      ...(argumentOf ? { argumentOf } : {}),
      params: node.parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? parameter.name.text : this.sourceText(parameter.name))),
      range: this.range(node),
      bodyRange: this.range(node.body),
    });
    if (ts.isFunctionDeclaration(node) && node.name && hasModifier(node, K.ExportKeyword)) {
      const isDefault = hasModifier(node, K.DefaultKeyword);
      this.exports.push({ name: isDefault ? 'default' : node.name.text, local: node.name.text, function: id, range: this.range(node) });
    } else if (ts.isFunctionDeclaration(node) && hasModifier(node, K.ExportKeyword) && hasModifier(node, K.DefaultKeyword)) {
      this.exports.push({ name: 'default', function: id, range: this.range(node) });
    }
    const inner: Context = { function: id, isAsync: this.functions[id].isAsync, isGenerator: node.asteriskToken !== undefined, guards: [], inLoop: false, statement: context.statement };
    for (const parameter of node.parameters) this.visit(parameter, inner);
    if (ts.isBlock(node.body)) this.visitStatements(node.body.statements, inner);
    else this.visit(node.body, inner);
  }

  private argumentOf(node: ts.Node): TsFunction['argumentOf'] {
    let child: ts.Node = node;
    let parent = node.parent;
    while (parent && isOuterExpression(parent)) {
      child = parent;
      parent = parent.parent;
    }
    if (!parent || !(ts.isCallExpression(parent) || ts.isNewExpression(parent)) || !parent.arguments) return undefined;
    const index = parent.arguments.indexOf(child as ts.Expression);
    const call = this.callIds.get(parent);
    return index >= 0 && call !== undefined ? { call, index } : undefined;
  }

  private functionName(node: ts.FunctionLikeDeclaration): string | undefined {
    if (ts.isFunctionDeclaration(node)) return node.name?.text;
    if (ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
      const member = ts.isConstructorDeclaration(node) ? 'constructor' : propertyName(node.name);
      const owner = ts.isClassLike(node.parent) ? className(node.parent) : undefined;
      return member === undefined ? undefined : owner !== undefined ? `${owner}.${member}` : ts.isObjectLiteralExpression(node.parent) ? undefined : member;
    }
    let parent = node.parent;
    while (parent && isOuterExpression(parent)) parent = parent.parent;
    if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
    if (parent && ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent)) {
      const owner = className(parent.parent);
      const member = propertyName(parent.name);
      if (owner !== undefined && member !== undefined) return `${owner}.${member}`;
    }
    if (parent && ts.isBinaryExpression(parent) && parent.operatorToken.kind === K.EqualsToken && ts.isIdentifier(parent.left)) return parent.left.text;
    return ts.isFunctionExpression(node) ? node.name?.text : undefined;
  }

  /**
   * A class: its members are visited in order. Instance field initializers run when the class is
   * instantiated, not where the class is declared: they belong to the constructor (an implicit one
   * when the class has none, registered as a function `C.constructor` spanning the class).
   */
  private visitClass(node: ts.ClassLikeDeclaration, context: Context): void {
    const name = className(node);
    if (ts.isClassDeclaration(node) && hasModifier(node, K.ExportKeyword)) {
      const isDefault = hasModifier(node, K.DefaultKeyword);
      if (node.name || isDefault) this.exports.push({ name: isDefault ? 'default' : node.name!.text, ...(node.name ? { local: node.name.text } : {}), range: this.range(node) });
    }
    for (const heritage of node.heritageClauses ?? []) this.visit(heritage, context);
    const explicitConstructor = node.members.find((member): member is ts.ConstructorDeclaration => ts.isConstructorDeclaration(member) && member.body !== undefined);
    let fieldsFunction: number | undefined;
    /** Instance fields met before an explicit constructor: visited right after it, in its context. */
    const waiting: ts.PropertyDeclaration[] = [];
    for (const member of node.members) {
      const isStatic = hasModifier(member, K.StaticKeyword);
      if (ts.isPropertyDeclaration(member) && member.initializer && !isStatic) {
        if (explicitConstructor) {
          const constructorId = this.functionIds.get(explicitConstructor);
          if (constructorId === undefined) waiting.push(member);
          else this.visitField(member, constructorId);
          continue;
        }
        fieldsFunction ??= this.implicitConstructor(node, name, context);
        this.visitField(member, fieldsFunction);
        continue;
      }
      if (ts.isClassStaticBlockDeclaration(member)) {
        this.visitStatements(member.body.statements, context);
        continue;
      }
      this.visit(member, context);
      if (member === explicitConstructor) {
        const constructorId = this.functionIds.get(member)!;
        for (const field of waiting.splice(0)) this.visitField(field, constructorId);
      }
    }
  }

  /** An instance field's initializer, run by the constructor `constructorId`. */
  private visitField(member: ts.PropertyDeclaration, constructorId: number): void {
    const constructor = this.functions[constructorId];
    const context: Context = { function: constructorId, isAsync: constructor.isAsync, guards: [], inLoop: false, statement: member };
    this.visit(member.initializer!, context);
    const name = propertyName(member.name);
    if (name === undefined) return;
    // `pool = new Pool()` in a class body is `this.pool = new Pool()` run by the constructor.
    this.bindings.push({
      target: ['this', name],
      kind: 'assign',
      value: this.value(member.initializer!),
      function: constructorId,
      guards: [],
      inLoop: false,
      statement: this.statementOf(member, member),
      single: true,
      exported: false,
    });
  }

  private implicitConstructor(node: ts.ClassLikeDeclaration, name: string | undefined, context: Context): number {
    const id = this.functions.length;
    const range = this.range(node);
    this.functions.push({
      id,
      ...(name !== undefined ? { name: `${name}.constructor` } : {}),
      ...(context.function !== undefined ? { parent: context.function } : {}),
      isAsync: false,
      params: [],
      range,
      bodyRange: range,
    });
    return id;
  }

  // ---------------------------------------------------------------- declarations, imports, exports

  private visitVariableStatement(node: ts.VariableStatement, context: Context): void {
    const exported = hasModifier(node, K.ExportKeyword);
    const list = node.declarationList;
    const kind: TsBinding['kind'] = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
    if (hasModifier(node, K.DeclareKeyword)) return;
    for (const declaration of list.declarations) {
      if (declaration.initializer) this.recordDeclarationImport(declaration, node, context);
      if (declaration.initializer) this.visit(declaration.initializer, context);
      if (!ts.isIdentifier(declaration.name)) {
        this.visit(declaration.name, context); // default values in patterns may call things
        continue;
      }
      if (exported) {
        const exportRecord: TsExport = { name: declaration.name.text, local: declaration.name.text, range: this.range(node) };
        const id = declaration.initializer ? this.functionIds.get(skipOuter(declaration.initializer)) : undefined;
        if (id !== undefined) exportRecord.function = id;
        if (declaration.initializer) exportRecord.value = this.value(declaration.initializer);
        this.exports.push(exportRecord);
      }
      if (!declaration.initializer) continue;
      this.bindings.push({
        target: [declaration.name.text],
        kind,
        value: this.value(declaration.initializer),
        ...(context.function !== undefined ? { function: context.function } : {}),
        guards: context.guards,
        inLoop: context.inLoop,
        statement: this.statementOf(node, node),
        single: list.declarations.length === 1,
        exported,
      });
    }
  }

  /** `const x = require('m')`, `const { A, B: C } = require('m')`, `const Y = require('m').Y`, `await import('m')`. */
  private recordDeclarationImport(declaration: ts.VariableDeclaration, statement: ts.VariableStatement, context: Context): void {
    let initializer = skipOuter(declaration.initializer!);
    if (ts.isAwaitExpression(initializer)) initializer = skipOuter(initializer.expression);
    let member: string | undefined;
    if (ts.isPropertyAccessExpression(initializer) && ts.isCallExpression(skipOuter(initializer.expression))) {
      member = initializer.name.text;
      initializer = skipOuter(initializer.expression);
    }
    if (!ts.isCallExpression(initializer)) return;
    const specifier = importCallSpecifier(initializer);
    if (!specifier) return;
    this.importCalls.add(initializer);
    const push = (local: string, imported: string): void => this.pushImport(local, specifier.module, imported, specifier.kind, statement, context, false);
    if (ts.isIdentifier(declaration.name)) push(declaration.name.text, member ?? '*');
    else if (ts.isObjectBindingPattern(declaration.name) && member === undefined) {
      for (const element of declaration.name.elements) {
        if (element.dotDotDotToken || !ts.isIdentifier(element.name)) continue;
        const imported = element.propertyName ? propertyName(element.propertyName) : element.name.text;
        if (imported !== undefined) push(element.name.text, imported);
      }
    } else push('', '*');
  }

  private pushImport(local: string, module: string, imported: string, kind: TsImport['kind'], statement: ts.Node, context: Context, typeOnly: boolean): void {
    this.imports.push({
      local,
      module,
      imported,
      kind,
      range: this.range(statement),
      ...(context.function !== undefined ? { function: context.function } : {}),
      guards: context.guards,
      typeOnly,
    });
  }

  private visitImport(node: ts.ImportDeclaration, context: Context): void {
    if (!ts.isStringLiteralLike(node.moduleSpecifier)) return;
    const module = node.moduleSpecifier.text;
    const clause = node.importClause;
    if (!clause) {
      this.pushImport('', module, '*', 'import', node, context, false);
      return;
    }
    const clauseTypeOnly = clause.isTypeOnly;
    if (clause.name) this.pushImport(clause.name.text, module, 'default', 'import', node, context, clauseTypeOnly);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) this.pushImport(bindings.name.text, module, '*', 'import', node, context, clauseTypeOnly);
    else if (bindings) {
      for (const element of bindings.elements) {
        const imported = element.propertyName ? moduleExportName(element.propertyName) : element.name.text;
        this.pushImport(element.name.text, module, imported, 'import', node, context, clauseTypeOnly || element.isTypeOnly);
      }
    }
  }

  private visitImportEquals(node: ts.ImportEqualsDeclaration, context: Context): void {
    const reference = node.moduleReference;
    if (!ts.isExternalModuleReference(reference) || !ts.isStringLiteralLike(reference.expression)) return;
    this.pushImport(node.name.text, reference.expression.text, '*', 'require', node, context, node.isTypeOnly);
    if (hasModifier(node, K.ExportKeyword)) this.exports.push({ name: node.name.text, local: node.name.text, range: this.range(node) });
  }

  private visitExportDeclaration(node: ts.ExportDeclaration): void {
    const range = this.range(node);
    const from = node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
    const clause = node.exportClause;
    if (!clause) {
      if (from !== undefined) this.exports.push({ name: '*', from: { module: from, imported: '*' }, range });
      return;
    }
    if (ts.isNamespaceExport(clause)) {
      if (from !== undefined) this.exports.push({ name: moduleExportName(clause.name), from: { module: from, imported: '*' }, range });
      return;
    }
    for (const element of clause.elements) {
      const name = moduleExportName(element.name);
      const source = element.propertyName ? moduleExportName(element.propertyName) : name;
      if (from !== undefined) this.exports.push({ name, from: { module: from, imported: source }, range });
      else this.exports.push({ name, local: source, range });
    }
  }

  private visitExportAssignment(node: ts.ExportAssignment, context: Context): void {
    this.visit(node.expression, { ...context, statement: node });
    const range = this.range(node);
    if (node.isExportEquals) this.recordModuleExports(node.expression, range);
    else this.exports.push(this.exportOfValue('default', node.expression, range));
  }

  // ---------------------------------------------------------------- values

  private value(expression: ts.Expression): TsValue {
    const node = skipOuter(expression);
    const range = this.range(node);
    switch (node.kind) {
      case K.ObjectLiteralExpression: {
        const properties: TsProperty[] = [];
        let hasSpread = false;
        for (const property of (node as ts.ObjectLiteralExpression).properties) {
          const name = property.name ? propertyName(property.name) : undefined;
          if (ts.isSpreadAssignment(property) || name === undefined) {
            hasSpread = true;
            continue;
          }
          let value: TsValue;
          if (ts.isPropertyAssignment(property)) value = this.value(property.initializer);
          else if (ts.isShorthandPropertyAssignment(property)) value = { kind: 'path', range: this.range(property.name), path: [property.name.text] };
          else if (ts.isMethodDeclaration(property) && this.functionIds.has(property)) value = { kind: 'function', range: this.range(property), function: this.functionIds.get(property)! };
          else value = { kind: 'other', range: this.range(property) };
          properties.push({ name, range: this.range(property), value });
        }
        return { kind: 'object', range, properties, hasSpread };
      }
      case K.ArrayLiteralExpression: {
        const elements: TsValue[] = [];
        let hasSpread = false;
        for (const element of (node as ts.ArrayLiteralExpression).elements) {
          if (ts.isSpreadElement(element)) hasSpread = true;
          else if (!ts.isOmittedExpression(element)) elements.push(this.value(element));
        }
        return { kind: 'array', range, elements, hasSpread };
      }
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
        return { kind: 'string', range, value: (node as ts.StringLiteralLike).text };
      case K.NumericLiteral:
        return { kind: 'number', range, value: Number((node as ts.NumericLiteral).text.replace(/_/g, '')) };
      case K.PrefixUnaryExpression: {
        const unary = node as ts.PrefixUnaryExpression;
        const operand = skipOuter(unary.operand);
        if ((unary.operator === K.MinusToken || unary.operator === K.PlusToken) && ts.isNumericLiteral(operand)) {
          const magnitude = Number(operand.text.replace(/_/g, ''));
          return { kind: 'number', range, value: unary.operator === K.MinusToken ? -magnitude : magnitude };
        }
        return { kind: 'other', range };
      }
      case K.TrueKeyword:
      case K.FalseKeyword:
        return { kind: 'boolean', range, value: node.kind === K.TrueKeyword };
      case K.NullKeyword:
        return { kind: 'null', range };
      case K.VoidExpression:
        return { kind: 'undefined', range };
      case K.AwaitExpression:
        return { kind: 'await', range, value: this.value((node as ts.AwaitExpression).expression) };
      case K.CallExpression:
      case K.NewExpression: {
        const call = this.callIds.get(node);
        return call !== undefined ? { kind: 'call', range, call } : { kind: 'other', range };
      }
      case K.FunctionExpression:
      case K.ArrowFunction: {
        const id = this.functionIds.get(node);
        return id !== undefined ? { kind: 'function', range, function: id } : { kind: 'other', range };
      }
      default: {
        if (ts.isIdentifier(node) && node.text === 'undefined') return { kind: 'undefined', range };
        const valuePath = dottedPath(node);
        return valuePath ? { kind: 'path', range, path: valuePath } : { kind: 'other', range };
      }
    }
  }

  // ---------------------------------------------------------------- comments and layout

  /** `forkguard: ignore[...]` in comments (not in strings), as the Python extractor reads them. */
  private suppressions(): SuppressionComment[] {
    const result: SuppressionComment[] = [];
    const pattern = /forkguard:\s*ignore(?![\w-])(?:\[([^\]\r\n]*)\])?/y;
    const text = this.text;
    for (let at = text.indexOf('forkguard:'); at !== -1; at = text.indexOf('forkguard:', at + 1)) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (!match || !this.isInComment(at)) continue;
      const codes = match[1] === undefined ? null : match[1].split(',').map((code) => code.trim()).filter((code) => code !== '');
      result.push({ line: this.lines.lineOf(at), codes, range: this.lines.range(at, at + match[0].length) });
    }
    return result;
  }

  /**
   * Whether an offset lies in a comment: descend to the innermost node holding it. In a node's
   * leading trivia, or among a node's own tokens (not a string, template, regex or JSX text), the
   * only text that can spell `forkguard:` is a comment.
   */
  private isInComment(offset: number): boolean {
    let node: ts.Node = this.sf;
    for (;;) {
      const child: ts.Node | undefined = ts.forEachChild(node, (candidate) => (candidate.pos <= offset && offset < candidate.end ? candidate : undefined));
      if (!child) break;
      node = child;
    }
    if (node !== this.sf && offset < node.getStart(this.sf)) return true;
    return !LITERAL_KINDS.has(node.kind);
  }

  /** The line after the leading imports/requires (after a shebang and a `'use strict'` prologue). */
  private importInsertLine(): number {
    let line = this.text.startsWith('#!') ? 1 : 0;
    for (const statement of this.sf.statements) {
      if (!isImportLike(statement)) break;
      line = this.lines.lineOf(statement.end) + 1;
    }
    return Math.min(line, this.lines.lineCount);
  }
}

const LITERAL_KINDS = new Set<ts.SyntaxKind>([
  K.StringLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateHead,
  K.TemplateMiddle,
  K.TemplateTail,
  K.RegularExpressionLiteral,
  K.JsxText,
]);

function isEsmStatement(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) return true;
  if (ts.isImportEqualsDeclaration(statement)) return hasModifier(statement, K.ExportKeyword);
  return hasModifier(statement, K.ExportKeyword);
}

function isImportLike(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement)) return true;
  if (ts.isExpressionStatement(statement)) {
    const expression = skipOuter(statement.expression);
    return ts.isStringLiteral(expression) || (ts.isCallExpression(expression) && importCallSpecifier(expression)?.kind === 'require');
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.every((declaration) => {
      let initializer = declaration.initializer && skipOuter(declaration.initializer);
      if (initializer && ts.isPropertyAccessExpression(initializer)) initializer = skipOuter(initializer.expression);
      return initializer !== undefined && ts.isCallExpression(initializer) && importCallSpecifier(initializer)?.kind === 'require';
    });
  }
  return false;
}

/** `require('m')` / `import('m')` with a literal specifier. */
function importCallSpecifier(node: ts.CallExpression): { module: string; kind: 'require' | 'dynamic-import' } | undefined {
  const [first] = node.arguments;
  if (!first || !ts.isStringLiteralLike(first)) return undefined;
  if (node.expression.kind === K.ImportKeyword) return { module: first.text, kind: 'dynamic-import' };
  if (ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1) return { module: first.text, kind: 'require' };
  return undefined;
}

/** Does this statement always leave the enclosing block (`return`, `throw`, `continue`, `break`)? */
function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || ts.isContinueStatement(statement) || ts.isBreakStatement(statement)) return true;
  if (ts.isBlock(statement)) return statement.statements.length > 0 && exits(statement.statements[statement.statements.length - 1]);
  if (ts.isIfStatement(statement)) return statement.elseStatement !== undefined && exits(statement.thenStatement) && exits(statement.elseStatement);
  return false;
}

function isOuterExpression(node: ts.Node): boolean {
  return (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isTypeAssertionExpression(node) ||
    ts.isSatisfiesExpression(node)
  );
}

/** The expression without parentheses, `as`, `!`, `<T>` and `satisfies` around it. */
function skipOuter(expression: ts.Expression): ts.Expression {
  let node = expression;
  while (isOuterExpression(node)) node = (node as ts.ParenthesizedExpression).expression;
  return node;
}

function isAwaited(node: ts.Node): boolean {
  let parent = node.parent;
  while (parent && isOuterExpression(parent)) parent = parent.parent;
  return parent !== undefined && ts.isAwaitExpression(parent);
}

/** `a`, `a.b.c`, `this.x`, `a['b']` as names; undefined for anything else. */
function dottedPath(expression: ts.Expression): string[] | undefined {
  const node = skipOuter(expression);
  if (ts.isIdentifier(node)) return [node.text];
  if (node.kind === K.ThisKeyword) return ['this'];
  if (ts.isPropertyAccessExpression(node)) {
    const base = dottedPath(node.expression);
    return base && ts.isIdentifier(node.name) ? [...base, node.name.text] : undefined;
  }
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    const base = dottedPath(node.expression);
    return base ? [...base, node.argumentExpression.text] : undefined;
  }
  return undefined;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function moduleExportName(name: ts.ModuleExportName): string {
  return name.text;
}

function className(node: ts.ClassLikeDeclaration): string | undefined {
  if (node.name) return node.name.text;
  let parent = node.parent;
  while (parent && isOuterExpression(parent)) parent = parent.parent;
  return parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) ? (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false) : false;
}
