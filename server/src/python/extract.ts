/**
 * Tree -> PyFacts (the contract in facts.ts).
 *
 * One compiled query (queries.ts) yields the statements, calls, assignments, imports, definitions,
 * control blocks and lambdas of the file. They are visited in source order with a stack of open
 * containers (statements, blocks, scope bodies, lambdas), which tells each event its scope, its
 * innermost block and its statement without walking up the tree. Events are then sorted into
 * evaluation order per scope: by end offset, inner before outer on ties, so a call's arguments and
 * receiver come before it (`X = f(g())`: g, then f) and a statement's calls before its assignment.
 *
 * Choices worth knowing:
 * - Calls inside a lambda body are not recorded: they do not run where the lambda is written.
 * - Comprehension bodies are a 'comprehension' block (they may run zero times); the first
 *   iterable is evaluated once, in the enclosing block, and is recorded there.
 * - An `elif` arm is one 'if' block covering its condition and body (both run only if the earlier
 *   arms failed); an `else` arm's test is the condition of the arm just before it.
 * - A tuple target is flattened: `a, (b, *c) = f()` binds targets a, b, c.
 *
 * Extraction never throws: a node that cannot be understood is skipped, and a failure of the
 * whole file yields the facts of an empty module.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { Range } from '../model';
import {
  PY_FACTS_VERSION,
  type PyBlock,
  type PyBlockKind,
  type PyCallEvent,
  type PyClass,
  type PyDefEvent,
  type PyDotted,
  type PyEvent,
  type PyFacts,
  type PyImportEvent,
  type PyScope,
  type PyStatementSpan,
  type PySuppression,
  type PyValue,
} from './facts';
import { codeChildren, dottedOf, nodeText, targetsOf, unwrapParentheses, valueOf, type ValueContext } from './extract-values';
import { initPython, newPythonParser, pythonFactsQuery } from './parser';
import type { Capture } from './queries';
import { cut, detectEol, LineIndex, LogicalLines, textForParser } from './source-text';

const MAX_SYNTAX_ERRORS = 20;
/** How far up from a call we look for what its result is bound to (`x = (await (f()))`). */
const MAX_BINDING_HOPS = 16;

interface Container {
  kind: 'block' | 'scope' | 'lambda';
  /** Positions before this belong to the outside (a def's parameters, an if's condition). */
  activeFrom: number;
  end: number;
  /** Positions in [holeStart, holeEnd) belong to the outside (a comprehension's first iterable). */
  holeStart?: number;
  holeEnd?: number;
  scope?: number;
  block?: number;
}

interface PendingEvent {
  start: number;
  end: number;
  event: PyEvent;
  /** Tree id of the call node, for `#k` references. */
  callId?: number;
}

interface ScopeBuild {
  index: number;
  scope: PyScope;
  pending: PendingEvent[];
  /** Run once events have their final indices: resolve `#k` references. */
  fixups: ((indexOfCall: (id: number) => number | undefined) => void)[];
}

interface Where {
  scope: ScopeBuild;
  block: number;
  inLambda: boolean;
}

interface IfChain {
  chain: number;
  lastTest: string;
}

interface CaptureItem {
  name: Capture;
  node: Node;
  start: number;
  end: number;
}

/** Replaces a leading CALL_REF (`\0<node id>`) by `#<event index>`; '' when the call is unknown. */
function resolveDotted(dotted: PyDotted, indexOfCall: (id: number) => number | undefined): PyDotted {
  if (dotted.charCodeAt(0) !== 0) return dotted;
  const match = /^\u0000(\d+)/.exec(dotted);
  const index = match ? indexOfCall(Number(match[1])) : undefined;
  return index === undefined ? '' : '#' + index + dotted.slice(match![0].length);
}

function hasCallRef(dotted: PyDotted): boolean {
  return dotted.charCodeAt(0) === 0;
}

class FactsBuilder implements ValueContext {
  readonly lines: LineIndex;
  private readonly logicalLines: LogicalLines;
  private readonly builds: ScopeBuild[] = [];
  private readonly classes: PyClass[] = [];
  private readonly classOfScope = new Map<number, PyClass>();
  private readonly stack: Container[] = [];
  private readonly ifChains = new Map<number, IfChain>();
  /** The scope whose event is being built (for linkCall/linkDotted). */
  private current!: ScopeBuild;

  constructor(
    private readonly tree: Tree,
    readonly text: string,
    lines?: LineIndex,
    logicalLines?: LogicalLines,
  ) {
    this.lines = lines ?? new LineIndex(text);
    this.logicalLines = logicalLines ?? new LogicalLines(this.lines);
  }

  build(): PyFacts {
    const { scopes, classes } = this.buildPart([this.tree.rootNode]);
    return assembleFacts(this.fileFields(), scopes, classes);
  }

  /**
   * Scopes and classes of the given disjoint nodes (in source order) as if they were the whole
   * file: scopes[0] is the module scope holding only their module-level events, blocks and globals.
   */
  buildPart(roots: readonly Node[], endIndex?: number): FactsPart {
    const moduleScope = emptyModuleScope(this.lines, this.text.length);
    this.builds.push({ index: 0, scope: moduleScope, pending: [], fixups: [] });
    this.visitCaptures(roots, endIndex);
    const scopes = this.builds.map((build) => this.finishScope(build));
    return { scopes, classes: this.classes };
  }

  /**
   * Facts of statements of the body of the top-level class `classQualname`, as if that class were
   * scopes[1] (scopes[0]: an empty module) and classes[0] (only its `methods` are filled in).
   */
  buildClassMembers(roots: readonly Node[], classQualname: string): FactsPart {
    const moduleScope = emptyModuleScope(this.lines, this.text.length);
    const classScope: PyScope = { ...emptyModuleScope(this.lines, 0), qualname: classQualname, kind: 'class', parent: 0 };
    const pyClass: PyClass = { qualname: classQualname, bases: [], scope: 1, methods: {}, range: classScope.range, nameRange: classScope.nameRange };
    this.builds.push({ index: 0, scope: moduleScope, pending: [], fixups: [] }, { index: 1, scope: classScope, pending: [], fixups: [] });
    this.classes.push(pyClass);
    this.classOfScope.set(1, pyClass);
    this.stack.push({ kind: 'scope', activeFrom: 0, end: Number.MAX_SAFE_INTEGER, scope: 1 });
    this.visitCaptures(roots);
    const scopes = this.builds.map((build) => this.finishScope(build));
    return { scopes, classes: this.classes };
  }

  /** The fields of the facts that belong to the whole file rather than to its statements. */
  fileFields(): FileFields {
    return {
      version: PY_FACTS_VERSION,
      eol: detectEol(this.text),
      lineCount: this.lines.lineCount,
      syntaxErrors: this.syntaxErrors(),
      suppressions: this.suppressions(),
      importInsertLine: this.importInsertLine(),
    };
  }

  // ---- the capture walk -------------------------------------------------------------------

  /** Visits the captures in `roots`; with `endIndex`, only those of nodes starting before it. */
  private visitCaptures(roots: readonly Node[], endIndex?: number): void {
    const query = pythonFactsQuery();
    const items: CaptureItem[] = [];
    for (const root of roots) {
      // The query's range is in bytes of the parser's UTF-16 text: two per code unit.
      const range = endIndex === undefined ? undefined : { startIndex: 2 * root.startIndex, endIndex: 2 * endIndex };
      for (const capture of query.captures(root, range)) {
        if (endIndex !== undefined && capture.node.startIndex >= endIndex) continue;
        const node = capture.node;
        items.push({ name: capture.name as Capture, node, start: node.startIndex, end: node.endIndex });
      }
    }
    // Outer before inner: containers must be open before what they contain is visited.
    items.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack = this.stack;
    for (const item of items) {
      while (stack.length > 0 && stack[stack.length - 1].end <= item.start) stack.pop();
      try {
        this.visit(item);
      } catch {
        // A node this extractor does not understand (error recovery shapes): skip just it.
      }
    }
  }

  private where(position: number): Where {
    let block = -1;
    let blockFound = false;
    let inLambda = false;
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0; i--) {
      const container = stack[i];
      if (position < container.activeFrom) continue;
      if (container.holeStart !== undefined && position >= container.holeStart && position < container.holeEnd!) continue;
      switch (container.kind) {
        case 'lambda':
          inLambda = true;
          break;
        case 'block':
          if (!blockFound) {
            block = container.block!;
            blockFound = true;
          }
          break;
        case 'scope':
          return { scope: this.builds[container.scope!], block, inLambda };
      }
    }
    return { scope: this.builds[0], block, inLambda };
  }

  private visit(item: CaptureItem): void {
    const { node, start, end } = item;
    switch (item.name) {
      case 'lambda':
        this.stack.push({ kind: 'lambda', activeFrom: start, end });
        return;
      case 'call':
        return this.visitCall(node, start, end);
      case 'assign':
        return this.visitAssignment(node, start, end);
      case 'walrus':
        return this.visitWalrus(node, start, end);
      case 'import':
        return this.visitImport(node, start, end);
      case 'import_from':
      case 'import_future':
        return this.visitImportFrom(node, start, end, item.name === 'import_future');
      case 'return':
        return this.visitReturn(node, start, end);
      case 'global':
        return this.visitGlobal(node, start);
      case 'def':
      case 'class':
        return this.visitDefinition(node, start, end, item.name === 'class');
      case 'if':
      case 'elif':
      case 'else':
      case 'for':
      case 'while':
      case 'try':
      case 'except':
      case 'finally':
      case 'with':
      case 'case':
      case 'comprehension':
        return this.visitBlock(item);
    }
  }

  // ---- shared pieces ------------------------------------------------------------------------

  linkCall(value: PyValue, callNode: Node): void {
    const id = callNode.id;
    const build = this.current;
    build.fixups.push((indexOfCall) => {
      const index = indexOfCall(id);
      if (index === undefined) return;
      value.call = index;
      const event = build.pending.find((pending) => pending.callId === id)?.event as PyCallEvent | undefined;
      // `dict(k=v)` is a dict display as far as settings go (`connect_args=dict(read_timeout=5)`).
      if (event && event.callee === 'dict') {
        value.entries = event.kwargs.map((kwarg) => ({ key: kwarg.name, value: kwarg.value, range: kwarg.range }));
        if (event.hasStarKwargs) value.hasSpread = true;
      }
    });
  }

  private value(node: Node): PyValue {
    const value = valueOf(this, node);
    this.linkDottedValues(value);
    return value;
  }

  /** Values may hold `\0<id>` dotted names (`f().x` as an argument): resolve them later. */
  private linkDottedValues(value: PyValue): void {
    if (value.dotted !== undefined && hasCallRef(value.dotted)) {
      this.current.fixups.push((indexOfCall) => {
        value.dotted = resolveDotted(value.dotted!, indexOfCall);
        if (!value.dotted) {
          value.kind = 'other';
          delete value.dotted;
        }
      });
    }
    // Values nest at most MAX_VALUE_DEPTH deep: recursion is bounded.
    if (value.elements) for (let i = value.elements.length - 1; i >= 0; i--) this.linkDottedValues(value.elements[i]);
    if (value.entries) for (let i = value.entries.length - 1; i >= 0; i--) this.linkDottedValues(value.entries[i].value);
  }

  private linkDottedList(list: PyDotted[]): void {
    if (!list.some(hasCallRef)) return;
    this.current.fixups.push((indexOfCall) => {
      const resolved = list.map((dotted) => resolveDotted(dotted, indexOfCall)).filter((dotted) => dotted !== '');
      list.splice(0, list.length, ...resolved);
    });
  }

  /** The logical lines holding [start, end): where a fix inserts before or after the statement. */
  private statementSpan(start: number, end: number): PyStatementSpan {
    const startLine = this.logicalLines.startOf(this.lines.lineOf(start));
    return { startLine, endLine: this.logicalLines.endOf(this.lines.lineOf(end)), indent: this.lines.indentOf(startLine) };
  }

  private addEvent(where: Where, start: number, end: number, event: PyEvent, callId?: number): void {
    where.scope.pending.push(callId === undefined ? { start, end, event } : { start, end, event, callId });
  }

  private eventBase(where: Where, start: number, end: number): { block: number; range: Range; stmt: PyStatementSpan } {
    return { block: where.block, range: this.lines.range(start, end), stmt: this.statementSpan(start, end) };
  }

  // ---- events -------------------------------------------------------------------------------

  private visitCall(node: Node, start: number, end: number): void {
    const where = this.where(start);
    if (where.inLambda) return;
    const callee = node.childForFieldName('function');
    const argumentsNode = node.childForFieldName('arguments');
    if (!callee || !argumentsNode) return;
    this.current = where.scope;
    const lines = this.lines;
    const event: PyCallEvent = {
      k: 'call',
      ...this.eventBase(where, start, end),
      callee: dottedOf(this, callee),
      calleeRange: lines.range(start, callee.endIndex),
      argsRange: lines.range(argumentsNode.startIndex, argumentsNode.endIndex),
      args: [],
      kwargs: [],
      hasStarArgs: false,
      hasStarKwargs: false,
    };
    if (hasCallRef(event.callee)) {
      this.current.fixups.push((indexOfCall) => {
        event.callee = resolveDotted(event.callee, indexOfCall);
      });
    }
    this.readArguments(event, argumentsNode);
    this.readBinding(event, node);
    this.addEvent(where, start, end, event, node.id);
  }

  private readArguments(event: PyCallEvent, argumentsNode: Node): void {
    if (argumentsNode.type !== 'argument_list') {
      event.args.push(this.value(argumentsNode)); // f(x for x in y)
      return;
    }
    for (const argument of codeChildren(this, argumentsNode)) {
      switch (argument.type) {
        case 'keyword_argument': {
          const parts = codeChildren(this, argument);
          if (parts.length < 2) break;
          event.kwargs.push({
            name: nodeText(this, parts[0]),
            value: this.value(parts[parts.length - 1]),
            range: this.lines.range(argument.startIndex, argument.endIndex),
          });
          break;
        }
        case 'list_splat':
        case 'parenthesized_list_splat':
          event.hasStarArgs = true;
          break;
        case 'dictionary_splat':
          event.hasStarKwargs = true;
          break;
        default:
          event.args.push(this.value(argument));
      }
    }
  }

  /** What happens to the call's result: bound to targets, awaited, returned, entered, iterated. */
  private readBinding(event: PyCallEvent, callNode: Node): void {
    const targets: PyDotted[] = [];
    let child = callNode;
    let parent = callNode.parent;
    for (let hop = 0; parent && hop < MAX_BINDING_HOPS; hop++) {
      const type = parent.type;
      if (type === 'await') event.awaited = true;
      else if (type === 'assignment' || type === 'named_expression') {
        const valueField = type === 'assignment' ? 'right' : 'value';
        const targetField = type === 'assignment' ? 'left' : 'name';
        if (parent.childForFieldName(valueField)?.id !== child.id) break;
        const target = parent.childForFieldName(targetField);
        if (target) targets.unshift(...targetsOf(this, target));
      } else if (type === 'return_statement') {
        event.returned = true;
        break;
      } else if (type === 'as_pattern') {
        if (parent.parent?.type !== 'with_item') break;
        event.withItem = true;
        const alias = parent.childForFieldName('alias');
        if (alias) targets.push(...targetsOf(this, alias));
        break;
      } else if (type === 'with_item') {
        event.withItem = true;
        break;
      } else if (type === 'for_statement' || type === 'for_in_clause') {
        if (parent.childForFieldName('right')?.id === child.id) event.isIterable = true;
        break;
      } else if (type !== 'parenthesized_expression') break;
      child = parent;
      parent = parent.parent;
    }
    if (targets.length > 0) {
      event.targets = targets;
      this.linkDottedList(targets);
    }
  }

  /** `a = b = value`: one event for the chain, from its outermost assignment; calls bind their own. */
  private visitAssignment(node: Node, start: number, end: number): void {
    const where = this.where(start);
    if (where.inLambda) return;
    if (this.mayBeChainedRight(start)) {
      const parent = node.parent;
      if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) return;
    }
    this.current = where.scope;
    const targets: PyDotted[] = [];
    let assignment = node;
    let value: Node | null = null;
    for (let hop = 0; hop < MAX_BINDING_HOPS; hop++) {
      const left = assignment.childForFieldName('left');
      value = assignment.childForFieldName('right');
      if (!left || !value) return; // `x: int` declares, binds nothing
      targets.push(...targetsOf(this, left));
      if (value.type !== 'assignment') break;
      assignment = value;
    }
    if (!value || value.type === 'assignment' || this.isCallValue(value)) return;
    this.linkDottedList(targets);
    this.addEvent(where, start, end, { k: 'assign', ...this.eventBase(where, start, end), targets, value: this.value(value) });
  }

  private visitWalrus(node: Node, start: number, end: number): void {
    const where = this.where(start);
    if (where.inLambda) return;
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (!name || !value || this.isCallValue(value)) return;
    this.current = where.scope;
    this.addEvent(where, start, end, { k: 'assign', ...this.eventBase(where, start, end), targets: [nodeText(this, name)], value: this.value(value) });
  }

  /**
   * Whether an assignment starting at `start` can be the value of another (`b = 1` in `a = b = 1`),
   * told from the text before it: only after `=`, or at the start of a line that continues a logical
   * line. Asking the tree for the parent costs a walk down from the root, for every assignment.
   */
  private mayBeChainedRight(start: number): boolean {
    const text = this.text;
    let at = start - 1;
    while (at >= 0 && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9 || text.charCodeAt(at) === 12)) at--;
    if (at < 0) return false;
    const code = text.charCodeAt(at);
    if (code === 10 || code === 13) {
      const line = this.lines.lineOf(start);
      return this.logicalLines.startOf(line) !== line;
    }
    return code === 61; // '='
  }

  /** `f()`, `(f())`, `await f()`: the call event carries the binding itself. */
  private isCallValue(node: Node): boolean {
    let current = unwrapParentheses(this, node);
    if (current.type === 'await') {
      const inner = codeChildren(this, current)[0];
      if (!inner) return false;
      current = unwrapParentheses(this, inner);
    }
    return current.type === 'call';
  }

  private visitReturn(node: Node, start: number, end: number): void {
    const where = this.where(start);
    if (where.inLambda) return;
    this.current = where.scope;
    const valueNode = codeChildren(this, node)[0];
    const base = this.eventBase(where, start, end);
    this.addEvent(where, start, end, valueNode ? { k: 'return', ...base, value: this.value(valueNode) } : { k: 'return', ...base });
  }

  private visitGlobal(node: Node, start: number): void {
    const where = this.where(start);
    for (const name of codeChildren(this, node)) {
      if (name.type === 'identifier') where.scope.scope.globals.push(nodeText(this, name));
    }
  }

  /** Source text of a dotted name or relative module without spaces: `a . b` -> `a.b`. */
  private compactText(node: Node): string {
    return nodeText(this, node).replace(/[\s\\]+/g, '');
  }

  private visitImport(node: Node, start: number, end: number): void {
    const where = this.where(start);
    this.current = where.scope;
    for (const name of codeChildren(this, node)) {
      const base = this.eventBase(where, start, end);
      const range = this.lines.range(name.startIndex, name.endIndex);
      let event: PyImportEvent;
      if (name.type === 'aliased_import') {
        const moduleNode = name.childForFieldName('name');
        const alias = name.childForFieldName('alias');
        if (!moduleNode || !alias) continue;
        const module = this.compactText(moduleNode);
        event = { k: 'import', ...base, module, bindings: [{ local: nodeText(this, alias), target: module, range }] };
      } else if (name.type === 'dotted_name') {
        const module = this.compactText(name);
        const top = module.split('.')[0];
        event = { k: 'import', ...base, module, bindings: [{ local: top, target: top, range }] };
      } else continue;
      this.addEvent(where, start, end, event);
    }
  }

  private visitImportFrom(node: Node, start: number, end: number, isFuture: boolean): void {
    const where = this.where(start);
    this.current = where.scope;
    const moduleNode = isFuture ? null : node.childForFieldName('module_name');
    if (!isFuture && !moduleNode) return;
    const module = moduleNode ? this.compactText(moduleNode) : '__future__';
    const base = this.eventBase(where, start, end);
    const event: PyImportEvent = { k: 'import', ...base, module, names: [], bindings: [] };
    for (const child of codeChildren(this, node)) {
      if (moduleNode && child.id === moduleNode.id) continue;
      if (child.type === 'wildcard_import') {
        event.star = true;
        delete event.names;
        continue;
      }
      let nameNode: Node | null = child;
      let localNode: Node | null = child;
      if (child.type === 'aliased_import') {
        nameNode = child.childForFieldName('name');
        localNode = child.childForFieldName('alias');
      } else if (child.type !== 'dotted_name') continue;
      if (!nameNode || !localNode) continue;
      const name = this.compactText(nameNode);
      event.names?.push(name);
      // `from . import x` -> `.x`; `from .a import x` -> `.a.x`.
      const target = module.endsWith('.') ? module + name : module + '.' + name;
      event.bindings.push({ local: this.compactText(localNode), target, range: this.lines.range(child.startIndex, child.endIndex) });
    }
    this.addEvent(where, start, end, event);
  }

  // ---- scopes -------------------------------------------------------------------------------

  private visitDefinition(node: Node, start: number, end: number, isClass: boolean): void {
    const where = this.where(start);
    if (where.inLambda) return;
    const nameNode = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    if (!nameNode || !body) return;
    this.current = where.scope;
    const enclosing = where.scope.scope;
    const enclosingIndex = where.scope.index;
    const name = nodeText(this, nameNode);
    const qualname = enclosing.kind === 'module' ? name : enclosing.qualname + '.' + name;
    const scopeIndex = this.builds.length;
    const decorated = node.parent?.type === 'decorated_definition' ? node.parent : null;
    const scope: PyScope = {
      qualname,
      kind: isClass ? 'class' : 'function',
      parent: enclosingIndex,
      isAsync: !isClass && this.text.startsWith('async', start),
      params: isClass ? [] : this.parameterNames(node),
      decorators: decorated ? this.decorators(decorated) : [],
      globals: [],
      range: this.lines.range(start, end),
      nameRange: this.lines.range(nameNode.startIndex, nameNode.endIndex),
      blocks: [],
      events: [],
    };
    if (enclosing.kind === 'class' && !isClass) scope.className = enclosing.qualname;
    this.builds.push({ index: scopeIndex, scope, pending: [], fixups: [] });
    const defEvent: PyDefEvent = { k: 'def', ...this.eventBase(where, start, end), scope: scopeIndex };
    if (decorated) defEvent.stmt = this.statementSpan(decorated.startIndex, end); // decorators are part of the statement
    this.addEvent(where, start, end, defEvent);
    const enclosingClass = this.classOfScope.get(enclosingIndex);
    if (enclosingClass && !isClass) enclosingClass.methods[name] = scopeIndex;
    if (isClass) {
      const pyClass: PyClass = { qualname, bases: this.baseClasses(node), scope: scopeIndex, methods: {}, range: scope.range, nameRange: scope.nameRange };
      this.classes.push(pyClass);
      this.classOfScope.set(scopeIndex, pyClass);
    }
    this.stack.push({ kind: 'scope', activeFrom: body.startIndex, end: Math.max(body.endIndex, end), scope: scopeIndex });
  }

  private parameterNames(definition: Node): string[] {
    const parameters = definition.childForFieldName('parameters');
    if (!parameters) return [];
    const names: string[] = [];
    for (const parameter of codeChildren(this, parameters)) {
      // `a`, `b=1`, `c: int = 2`, `*args`, `**kw` all start with their name (after the stars).
      const match = /^\*{0,2}\s*([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)/u.exec(nodeText(this, parameter));
      if (match) names.push(match[1]);
    }
    return names;
  }

  private decorators(decorated: Node): string[] {
    const result: string[] = [];
    for (const decorator of codeChildren(this, decorated)) {
      if (decorator.type !== 'decorator') continue;
      let expression = codeChildren(this, decorator)[0];
      if (!expression) continue;
      if (expression.type === 'call') expression = expression.childForFieldName('function') ?? expression;
      const dotted = dottedOf(this, expression);
      result.push(hasCallRef(dotted) ? '' : dotted);
    }
    return result;
  }

  private baseClasses(definition: Node): PyDotted[] {
    const superclasses = definition.childForFieldName('superclasses');
    if (!superclasses) return [];
    const bases: PyDotted[] = [];
    for (const base of codeChildren(this, superclasses)) {
      if (base.type === 'keyword_argument' || base.type === 'dictionary_splat' || base.type === 'list_splat') continue;
      const dotted = dottedOf(this, base);
      bases.push(hasCallRef(dotted) ? '' : dotted);
    }
    return bases;
  }

  // ---- blocks -------------------------------------------------------------------------------

  private pushBlock(where: Where, block: Omit<PyBlock, 'parent' | 'range'>, rangeStart: number, rangeEnd: number, container: Partial<Container> = {}): number {
    const blocks = where.scope.scope.blocks;
    const index = blocks.length;
    blocks.push({ ...stripUndefined(block), parent: where.block, range: this.lines.range(rangeStart, rangeEnd) });
    this.stack.push({ kind: 'block', activeFrom: rangeStart, end: rangeEnd, block: index, ...container });
    return index;
  }

  private visitBlock(item: CaptureItem): void {
    const { node, start, end } = item;
    const where = this.where(start);
    if (where.inLambda) return;
    const testOf = (field: string): string | undefined => {
      const child = node.childForFieldName(field);
      return child ? cut(nodeText(this, child)) : undefined;
    };
    const body = (field = 'body'): Node | null => node.childForFieldName(field);
    switch (item.name) {
      case 'if': {
        const consequence = body('consequence');
        if (!consequence) return;
        const test = testOf('condition') ?? '';
        const index = where.scope.scope.blocks.length;
        this.pushBlock(where, { kind: 'if', test, chain: index }, consequence.startIndex, consequence.endIndex);
        this.ifChains.set(node.id, { chain: index, lastTest: test });
        return;
      }
      case 'elif': {
        const chain = node.parent ? this.ifChains.get(node.parent.id) : undefined;
        const test = testOf('condition') ?? '';
        this.pushBlock(where, { kind: 'if', test, chain: chain?.chain }, start, end);
        if (chain) chain.lastTest = test;
        return;
      }
      case 'else': {
        const parent = node.parent;
        const parentType = parent?.type;
        if (parentType === 'if_statement') {
          const chain = this.ifChains.get(parent!.id);
          this.pushBlock(where, { kind: 'else', test: chain?.lastTest, chain: chain?.chain }, start, end);
        } else {
          this.pushBlock(where, { kind: parentType === 'try_statement' ? 'try_else' : 'loop_else' }, start, end);
        }
        return;
      }
      case 'for': {
        const loopBody = body();
        if (!loopBody) return;
        this.pushBlock(where, { kind: 'for', test: testOf('right'), target: testOf('left') }, loopBody.startIndex, loopBody.endIndex);
        return;
      }
      case 'while': {
        const loopBody = body();
        if (!loopBody) return;
        this.pushBlock(where, { kind: 'while', test: testOf('condition') }, loopBody.startIndex, loopBody.endIndex);
        return;
      }
      case 'try': {
        const tryBody = body();
        if (tryBody) this.pushBlock(where, { kind: 'try' }, tryBody.startIndex, tryBody.endIndex);
        return;
      }
      case 'except':
      case 'finally':
        this.pushBlock(where, { kind: item.name }, start, end);
        return;
      case 'with': {
        const withBody = body();
        if (!withBody) return;
        this.pushBlock(where, { kind: 'with', target: this.withTargets(node) }, withBody.startIndex, withBody.endIndex);
        return;
      }
      case 'case': {
        const consequence = body('consequence');
        const patternEnd = consequence ? consequence.startIndex : end;
        const test = cut(this.text.slice(start, patternEnd).replace(/^case\b/, '').replace(/:\s*$/, '').trim());
        this.pushBlock(where, { kind: 'case', test }, start, end);
        return;
      }
      case 'comprehension': {
        const clause = codeChildren(this, node).find((child) => child.type === 'for_in_clause');
        const iterable = clause?.childForFieldName('right');
        const target = clause?.childForFieldName('left');
        const block: Omit<PyBlock, 'parent' | 'range'> = { kind: 'comprehension' as PyBlockKind };
        if (iterable) block.test = cut(nodeText(this, iterable));
        if (target) block.target = cut(nodeText(this, target));
        // The first iterable runs once, outside: its calls belong to the enclosing block.
        this.pushBlock(where, block, start, end, iterable ? { holeStart: iterable.startIndex, holeEnd: iterable.endIndex } : {});
        return;
      }
    }
  }

  private withTargets(withStatement: Node): string | undefined {
    const clause = codeChildren(this, withStatement).find((child) => child.type === 'with_clause');
    if (!clause) return undefined;
    const names: string[] = [];
    for (const item of codeChildren(this, clause)) {
      const value = item.childForFieldName('value');
      const alias = value?.type === 'as_pattern' ? value.childForFieldName('alias') : null;
      if (alias) names.push(...targetsOf(this, alias).filter((name) => !hasCallRef(name)));
    }
    return names.length > 0 ? names.join(',') : undefined;
  }

  // ---- finishing ----------------------------------------------------------------------------

  private finishScope(build: ScopeBuild): PyScope {
    const pending = build.pending;
    pending.sort((a, b) => a.end - b.end || b.start - a.start);
    const indexById = new Map<number, number>();
    for (let i = 0; i < pending.length; i++) {
      const callId = pending[i].callId;
      if (callId !== undefined) indexById.set(callId, i);
    }
    const indexOfCall = (id: number): number | undefined => indexById.get(id);
    for (const fixup of build.fixups) fixup(indexOfCall);
    build.scope.events = pending.map((item) => item.event);
    return build.scope;
  }

  private syntaxErrors(): Range[] {
    const root = this.tree.rootNode;
    if (!root.hasError) return [];
    const errors: Range[] = [];
    const pending: Node[] = [root];
    while (pending.length > 0 && errors.length < MAX_SYNTAX_ERRORS) {
      const node = pending.pop()!;
      if (node.isError || node.isMissing) {
        errors.push(this.lines.range(node.startIndex, node.endIndex));
        continue;
      }
      const children = node.children;
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i];
        if (child && (child.hasError || child.isMissing)) pending.push(child);
      }
    }
    return errors;
  }

  private suppressions(): PySuppression[] {
    const result: PySuppression[] = [];
    const pattern = /forkguard:\s*ignore(?![\w-])(?:\[([^\]\r\n]*)\])?/y;
    const text = this.text;
    for (let at = text.indexOf('forkguard:'); at !== -1; at = text.indexOf('forkguard:', at + 1)) {
      if (this.tree.rootNode.descendantForIndex(at)?.type !== 'comment') continue;
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (!match) continue;
      const codes = match[1] === undefined ? null : match[1].split(',').map((code) => code.trim()).filter((code) => code !== '');
      result.push({ line: this.lines.lineOf(at), codes, range: this.lines.range(at, at + match[0].length) });
    }
    return result;
  }

  /** After the docstring, `__future__` imports and the leading imports; else after leading comments. */
  private importInsertLine(): number {
    let line = 0;
    let sawCode = false;
    const topLevel = this.tree.rootNode.namedChildren as Node[];
    for (const statement of topLevel) {
      const type = statement.type;
      const endLine = this.lines.lineOf(statement.endIndex);
      if (type === 'comment') {
        if (!sawCode) line = endLine + 1;
        continue;
      }
      const isDocstring = !sawCode && type === 'expression_statement' && codeChildren(this, statement)[0]?.type === 'string';
      sawCode = true;
      if (isDocstring || type === 'import_statement' || type === 'import_from_statement' || type === 'future_import_statement') line = endLine + 1;
      else break;
    }
    return Math.min(line, this.lines.lineCount);
  }
}

function stripUndefined<T extends object>(value: T): T {
  const result = { ...value };
  for (const key of Object.keys(result) as (keyof T)[]) if (result[key] === undefined) delete result[key];
  return result;
}

/** The module scope (scopes[0]) before any event is added: the whole file, named `<module>`. */
export function emptyModuleScope(lines: LineIndex, textLength: number): PyScope {
  return {
    qualname: '<module>',
    kind: 'module',
    parent: -1,
    isAsync: false,
    params: [],
    decorators: [],
    globals: [],
    range: lines.range(0, textLength),
    nameRange: lines.range(0, 0),
    blocks: [],
    events: [],
  };
}

/** Facts of an empty module: what a file that cannot be read at all looks like. */
export function emptyFacts(text: string): PyFacts {
  const lines = new LineIndex(text);
  return {
    version: PY_FACTS_VERSION,
    eol: detectEol(text),
    lineCount: lines.lineCount,
    syntaxErrors: [],
    scopes: [emptyModuleScope(lines, text.length)],
    classes: [],
    suppressions: [],
    importInsertLine: 0,
  };
}

/** Facts of a parsed file. Never throws. */
export function extractFacts(tree: Tree, text: string): PyFacts {
  try {
    return new FactsBuilder(tree, text).build();
  } catch {
    return emptyFacts(text);
  }
}

/** The facts fields that describe the whole file (everything but scopes and classes). */
export type FileFields = Omit<PyFacts, 'scopes' | 'classes'>;

/** PyFacts with its fields in the one order every producer uses (so JSON of equal facts is equal). */
export function assembleFacts(file: FileFields, scopes: PyScope[], classes: PyClass[]): PyFacts {
  return {
    version: file.version,
    eol: file.eol,
    lineCount: file.lineCount,
    syntaxErrors: file.syntaxErrors,
    scopes,
    classes,
    suppressions: file.suppressions,
    importInsertLine: file.importInsertLine,
  };
}

/** Scopes and classes of some top-level statements; scopes[0] holds their module-level part. */
export interface FactsPart {
  scopes: PyScope[];
  classes: PyClass[];
}

/**
 * For extract-chunks.ts: the facts of some top-level statements of a file, and the whole-file
 * fields, with the line tables of the whole text computed once by the caller. These may throw.
 */
export function extractPart(tree: Tree, text: string, lines: LineIndex, logicalLines: LogicalLines, roots: readonly Node[], endIndex?: number): FactsPart {
  return new FactsBuilder(tree, text, lines, logicalLines).buildPart(roots, endIndex);
}

/** See FactsBuilder.buildClassMembers. */
export function extractClassMembers(tree: Tree, text: string, lines: LineIndex, logicalLines: LogicalLines, roots: readonly Node[], classQualname: string): FactsPart {
  return new FactsBuilder(tree, text, lines, logicalLines).buildClassMembers(roots, classQualname);
}

export function extractFileFields(tree: Tree, text: string, lines: LineIndex, logicalLines: LogicalLines): FileFields {
  return new FactsBuilder(tree, text, lines, logicalLines).fileFields();
}

let sharedParser: ReturnType<typeof newPythonParser> | undefined;

/** Parses and extracts on this thread (the parser is reused; the tree is freed). Never throws. */
export async function extractFactsFromText(text: string): Promise<PyFacts> {
  await initPython();
  return extractFactsSync(text);
}

/** As extractFactsFromText, once initPython() has completed. */
export function extractFactsSync(text: string): PyFacts {
  sharedParser ??= newPythonParser();
  let tree: Tree | null = null;
  try {
    tree = sharedParser.parse(textForParser(text));
    return tree ? extractFacts(tree, text) : emptyFacts(text);
  } catch {
    return emptyFacts(text);
  } finally {
    tree?.delete();
  }
}
