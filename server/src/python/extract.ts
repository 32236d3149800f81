/**
 * Tree -> PyFacts (the contract in facts.ts).
 *
 * One search of the tree (queries.ts: descendantsOfType, or the compiled query for a range) yields
 * the statements, calls, assignments, imports, definitions, control blocks and lambdas of the file.
 * They are visited in source order with a stack of open containers (statements, blocks, scope
 * bodies, lambdas), which tells each event its scope, its innermost block and its statement without
 * walking up the tree. Events are then sorted into evaluation order per scope: by end offset, inner
 * before outer on ties, so a call's arguments and receiver come before it (`X = f(g())`: g, then f)
 * and a statement's calls before its assignment.
 *
 * Speed: each question to the tree is a call into WASM and often a new Node object, so the common
 * shapes are read from the source text instead when the tree has no errors (simple-call.ts: calls
 * with simple arguments, `name = value`, `def name(params)`), and a parent is found by descending
 * from the nearest captured ancestor rather than from the root. extractFactsByTree does without
 * these shortcuts; the tests hold the two to the same facts.
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
import type { Language, Node, Tree } from 'web-tree-sitter';
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
import { codeChildren, dottedOf, isSimpleDotted, nodeText, targetsOf, unwrapParentheses, valueOf, type ValueContext } from './extract-values';
import { initPython, newPythonParser, pythonFactsQuery, pythonLanguage } from './parser';
import { CAPTURE_OF_NODE_TYPE, type Capture } from './queries';
import { parameterSources, simpleArgumentAt, simpleCallShape, skipInlineBlanks, skipWordOrDot, type SimpleCallContext } from './simple-call';
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

interface CaptureTable {
  /** The node types to search for (descendantsOfType's argument). */
  types: string[];
  /** By type id: the capture of a named node of that type, undefined for any other. */
  captureOfTypeId: (Capture | undefined)[];
}

let captureTableCache: { language: Language; table: CaptureTable } | undefined;

function captureTable(): CaptureTable {
  const language = pythonLanguage();
  if (captureTableCache?.language !== language) {
    const captureOfTypeId: (Capture | undefined)[] = [];
    for (let id = 0; id < language.nodeTypeCount; id++) {
      const type = language.nodeTypeForId(id);
      if (type !== null && language.nodeTypeIsNamed(id) && Object.hasOwn(CAPTURE_OF_NODE_TYPE, type)) captureOfTypeId[id] = CAPTURE_OF_NODE_TYPE[type];
    }
    captureTableCache = { language, table: { types: Object.keys(CAPTURE_OF_NODE_TYPE), captureOfTypeId } };
  }
  return captureTableCache.table;
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

class FactsBuilder implements ValueContext, SimpleCallContext {
  readonly lines: LineIndex;
  private readonly logicalLines: LogicalLines;
  private readonly builds: ScopeBuild[] = [];
  private readonly classes: PyClass[] = [];
  private readonly classOfScope = new Map<number, PyClass>();
  private readonly stack: Container[] = [];
  private readonly ifChains = new Map<number, IfChain>();
  /** The scope whose event is being built (for linkCall/linkDotted). */
  private current!: ScopeBuild;
  /**
   * The captured nodes that contain the one being visited, outermost first, when the captures
   * came in tree order (see visitCaptures): parentOf() descends from the innermost of them.
   */
  private readonly ancestors: CaptureItem[] = [];
  private ancestorsKnown = false;
  /** Ids of the nodes whose captures are visited (their parents are not among the captures). */
  private rootIds = new Set<number>();
  /** The captures being visited, and the index of the current one. */
  private items: CaptureItem[] = [];
  private itemIndex = 0;
  /** Calls (by start) that are the value of a simple assignment: their end and targets. */
  private readonly boundCalls = new Map<number, { end: number; targets: PyDotted[] }>();
  /** Ids of calls that simpleCallShape found as an argument: readBinding finds nothing for them. */
  private readonly argumentCalls = new Set<number>();
  /** Whether the shortcuts that read the text are on (see textShortcutsOn), once known. */
  private shortcutsOn: boolean | undefined;

  constructor(
    private readonly tree: Tree,
    readonly text: string,
    lines?: LineIndex,
    logicalLines?: LogicalLines,
    /** No shortcuts (see extractFactsByTree): the query, node.parent, and the tree for everything. */
    private readonly byTreeOnly = false,
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
  fileFields(topLevel: TopLevelView = treeTopLevel(this.tree)): FileFields {
    return {
      version: PY_FACTS_VERSION,
      eol: detectEol(this.text),
      lineCount: this.lines.lineCount,
      syntaxErrors: this.syntaxErrors(topLevel.errorRoots(), topLevel.statements()),
      suppressions: this.suppressions(topLevel),
      importInsertLine: this.importInsertLine(topLevel.statements()),
    };
  }

  // ---- the capture walk -------------------------------------------------------------------

  /** Visits the captures in `roots`; with `endIndex`, only those of nodes starting before it. */
  private visitCaptures(roots: readonly Node[], endIndex?: number): void {
    const items: CaptureItem[] = [];
    const inTreeOrder = endIndex === undefined && !this.byTreeOnly;
    if (inTreeOrder) {
      const { types, captureOfTypeId } = captureTable();
      for (const root of roots) {
        for (const node of root.descendantsOfType(types)) {
          // Named types only: `lambda` is also the name of the keyword token.
          const name = captureOfTypeId[node.typeId];
          if (name !== undefined) items.push({ name, node, start: node.startIndex, end: node.endIndex });
        }
      }
    } else {
      const query = pythonFactsQuery();
      for (const root of roots) {
        // The query's range is in bytes of the parser's UTF-16 text: two per code unit.
        const range = endIndex === undefined ? undefined : { startIndex: 2 * root.startIndex, endIndex: 2 * endIndex };
        for (const capture of query.captures(root, range)) {
          const node = capture.node;
          if (endIndex !== undefined && node.startIndex >= endIndex) continue;
          items.push({ name: capture.name as Capture, node, start: node.startIndex, end: node.endIndex });
        }
      }
    }
    // Outer before inner: containers must be open before what they contain is visited.
    items.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack = this.stack;
    const ancestors = this.ancestors;
    // descendantsOfType lists nodes in tree order, and the sort is stable: of two captures with the
    // same range, the first is the parent. (The query's order for those is not documented.)
    this.ancestorsKnown = inTreeOrder;
    this.rootIds = new Set(roots.map((root) => root.id));
    ancestors.length = 0;
    this.items = items;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      this.itemIndex = index;
      while (stack.length > 0 && stack[stack.length - 1].end <= item.start) stack.pop();
      while (ancestors.length > 0 && ancestors[ancestors.length - 1].end <= item.start) ancestors.pop();
      try {
        this.visit(item);
      } catch {
        // A node this extractor does not understand (error recovery shapes): skip just it.
      }
      ancestors.push(item);
    }
  }

  /**
   * node.parent, found by descending from ancestors[ancestor], a captured proper ancestor of
   * `node`, rather than from the root: node.parent walks down from the root, past every top-level
   * statement before the node, and extraction asks for many parents. Each step down goes to the
   * next visible node on the path, as node.parent's own steps do, so the result is the same.
   */
  private parentOf(node: Node, ancestor: number): Node | null {
    if (!this.ancestorsKnown || ancestor < 0) return node.parent;
    let current = this.ancestors[ancestor].node;
    for (;;) {
      const next = current.childWithDescendant(node);
      if (!next || next.id === node.id) return current;
      current = next;
    }
  }

  /** The index of the innermost captured proper ancestor of `node`, given that of one of its children. */
  private ancestorAbove(node: Node, ancestor: number): number {
    return ancestor >= 0 && this.ancestors[ancestor].node.id === node.id ? ancestor - 1 : ancestor;
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
      case 'decorated':
        return; // only an ancestor (see decoratedDefinitionOf)
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
      // finishScope has sorted `pending` into event order before running fixups: index is the call's.
      const event = build.pending[index]?.event as PyCallEvent | undefined;
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
    // Only names have a dotted, only lists elements and dicts entries (valueOf makes them so).
    const kind = value.kind;
    if (kind !== 'name' && kind !== 'list' && kind !== 'dict') return;
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
    // Most calls have no or only simple arguments: read those from the text, not the tree.
    const shape = this.textShortcutsOn() ? simpleCallShape(this, start, end) : undefined;
    let calleeNode: Node | null = null;
    let argumentsNode: Node | null = null;
    let callee: PyDotted;
    let calleeEnd: number;
    let argumentsStart: number;
    let argumentsEnd: number;
    if (shape) {
      calleeEnd = shape.calleeEnd;
      argumentsStart = shape.argumentsStart;
      argumentsEnd = end;
      callee = this.text.slice(start, calleeEnd);
      if (!isSimpleDotted(callee)) {
        calleeNode = node.childForFieldName('function');
        if (!calleeNode) return;
        callee = dottedOf(this, calleeNode);
      }
    } else {
      calleeNode = node.childForFieldName('function');
      argumentsNode = node.childForFieldName('arguments');
      if (!calleeNode || !argumentsNode) return;
      callee = dottedOf(this, calleeNode);
      calleeEnd = calleeNode.endIndex;
      argumentsStart = argumentsNode.startIndex;
      argumentsEnd = argumentsNode.endIndex;
    }
    this.current = where.scope;
    const lines = this.lines;
    const event: PyCallEvent = {
      k: 'call',
      block: where.block,
      range: lines.range(start, end),
      stmt: this.statementSpan(start, end),
      callee,
      calleeRange: lines.range(start, calleeEnd),
      argsRange: lines.range(argumentsStart, argumentsEnd),
      args: shape ? shape.args : [],
      kwargs: shape ? shape.kwargs : [],
      hasStarArgs: false,
      hasStarKwargs: false,
    };
    if (hasCallRef(event.callee)) {
      this.current.fixups.push((indexOfCall) => {
        event.callee = resolveDotted(event.callee, indexOfCall);
      });
    }
    if (argumentsNode) this.readArguments(event, argumentsNode);
    else if (shape) {
      for (const call of shape.calls) {
        this.linkCall(call.value, call.node as Node);
        this.argumentCalls.add((call.node as Node).id);
      }
    }
    const bound = this.boundCalls.get(start);
    if (bound !== undefined && bound.end === end) {
      event.targets = bound.targets;
      this.linkDottedList(bound.targets);
    } else if (!this.argumentCalls.has(node.id) && this.mayBeBound(start)) this.readBinding(event, node);
    this.addEvent(where, start, end, event, node.id);
  }

  /** For simpleCallShape: the captured call spanning exactly [start, end), if any. */
  callNodeAt(start: number, end: number): Node | undefined {
    if (!this.ancestorsKnown) return undefined;
    const items = this.items;
    // Captures are sorted by start (outermost first among equal starts): binary search.
    let low = this.itemIndex + 1;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (items[mid].start < start) low = mid + 1;
      else high = mid;
    }
    const item = items[low];
    return item !== undefined && item.start === start && item.end === end && item.name === 'call' ? item.node : undefined;
  }

  /**
   * Whether to read calls, assignments and definitions from the text where it is simple: only
   * when the tree has no ERROR or MISSING node (the reading trusts the grammar), and not byTreeOnly.
   */
  private textShortcutsOn(): boolean {
    this.shortcutsOn ??= !this.byTreeOnly && !this.tree.rootNode.hasError;
    return this.shortcutsOn;
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

  /**
   * Whether readBinding can find anything for the call starting at `start`: whether its parent can
   * be an await, parentheses, a return, a with item, or an assignment, walrus or for it is the
   * value of. Told from the token before the call, because asking the tree for a parent costs a
   * walk down from the root, for every call. Only for trees without errors (error recovery can put
   * a node anywhere); any character this does not know means yes.
   */
  private mayBeBound(start: number): boolean {
    if (!this.textShortcutsOn()) return true;
    const text = this.text;
    let at = skipBlanksBack(text, start - 1);
    if (at < 0) return false; // the file starts with the call's statement
    let code = text.charCodeAt(at);
    if (code === 10 || code === 13) {
      // First on its line: the start of a statement, unless the line continues a logical line or
      // the code before it reads on across the line break.
      const line = this.lines.lineOf(start);
      if (this.logicalLines.startOf(line) !== line) return true;
      const before = this.codeBeforeLineBreak(at);
      if (before === undefined) return true;
      if (before < 0) return false;
      at = before;
      code = text.charCodeAt(at);
    }
    switch (code) {
      case 61: // `=`: assignment, walrus (also keyword arguments and defaults)
        return true;
      case 40: // `(`: parentheses, unless it opens the arguments of a call (or parameters, bases)
        return this.mayOpenParentheses(at);
      case 44: // `,`: another with item
        return this.statementStartsWithWith(at);
    }
    if (isAsciiWordChar(code)) {
      const word = wordEndingAt(text, at);
      return word === undefined || word === 'await' || word === 'return' || word === 'with' || word === 'in';
    }
    return code < 33 || code > 126;
  }

  /** Whether the `(` at `at` can open a parenthesized expression (not a call's arguments). */
  private mayOpenParentheses(at: number): boolean {
    const text = this.text;
    const before = skipBlanksBack(text, at - 1);
    if (before < 0) return true;
    const code = text.charCodeAt(before);
    if (code === 41 || code === 93) return false; // `f(x)(`, `a[i](`: a call
    if (!isAsciiWordChar(code)) return true;
    const word = wordEndingAt(text, before);
    return word === undefined || PYTHON_KEYWORDS.has(word); // `name(` is a call; `return (`, `in (`... are not
  }

  /** Whether the logical line holding `at` starts with `with` or `async` (`async with`). */
  private statementStartsWithWith(at: number): boolean {
    const text = this.text;
    let offset = this.lines.lineStarts[this.logicalLines.startOf(this.lines.lineOf(at))];
    while (offset < text.length && isBlank(text.charCodeAt(offset))) offset++;
    return startsWithWord(text, offset, 'with') || startsWithWord(text, offset, 'async');
  }

  /** What happens to the call's result: bound to targets, awaited, returned, entered, iterated. */
  private readBinding(event: PyCallEvent, callNode: Node): void {
    const targets: PyDotted[] = [];
    let child = callNode;
    let ancestor = this.ancestors.length - 1;
    let parent = this.parentOf(callNode, ancestor);
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
        if (this.parentOf(parent, this.ancestorAbove(parent, ancestor))?.type !== 'with_item') break;
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
      ancestor = this.ancestorAbove(child, ancestor);
      parent = this.parentOf(child, ancestor);
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
      const parent = this.parentOf(node, this.ancestors.length - 1);
      if (parent?.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) return;
    } else if (this.visitSimpleAssignment(node, where, start, end)) return;
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

  /**
   * `name = value` (most assignments) with its target read from the text, and its value too when
   * that is simple or a call: what visitAssignment makes of them with fewer questions to the tree.
   * False when the assignment is not of this form (or the tree has errors, or the captures are
   * not in tree order).
   *
   * For `name = call(...)` the call event carries the binding, as readBinding would find it: the
   * call is the assignment's value, and the assignment (not chained: mayBeChainedRight said so)
   * is a statement, where readBinding's walk up stops.
   */
  private visitSimpleAssignment(node: Node, where: Where, start: number, end: number): boolean {
    if (!this.ancestorsKnown || !this.textShortcutsOn()) return false;
    const text = this.text;
    const targetEnd = skipWordOrDot(text, start);
    const target = text.slice(start, targetEnd);
    if (!isSimpleDotted(target)) return false;
    const equals = skipInlineBlanks(text, targetEnd);
    if (text.charCodeAt(equals) !== 61 || text.charCodeAt(equals + 1) === 61) return false; // not `x: T = v`, `x, y = v`
    const valueStart = skipInlineBlanks(text, equals + 1);
    // Captures in tree order: a call that is the whole value comes right after the assignment.
    const next = this.items[this.itemIndex + 1];
    if (next !== undefined && next.name === 'call' && next.start === valueStart && next.end === end) {
      this.boundCalls.set(valueStart, { end, targets: [target] });
      return true;
    }
    const simple = simpleArgumentAt(text, this.lines, valueStart, end);
    let value: PyValue;
    if (simple && simple.end === end) value = simple.value;
    else {
      // Any other value: only it is read from the tree (the target was read from the text).
      const right = node.childForFieldName('right');
      if (!right || right.type === 'assignment') return false; // a chain: visitAssignment's loop
      if (this.isCallValue(right)) return true;
      this.current = where.scope;
      const targets = [target];
      this.linkDottedList(targets);
      this.addEvent(where, start, end, { k: 'assign', ...this.eventBase(where, start, end), targets, value: this.value(right) });
      return true;
    }
    this.current = where.scope;
    const targets = [target];
    this.linkDottedList(targets);
    this.addEvent(where, start, end, { k: 'assign', ...this.eventBase(where, start, end), targets, value });
    return true;
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
   * tree-sitter-python reads a line break where its grammar wants more (after `=`, `await`...) as
   * a blank, with no error: `x =` then `y = f()` on the next line parse as one chained assignment.
   * For the line break at `at`, before a node first on its line: the offset of the last code
   * character before it, blank lines skipped (-1 when there is none); undefined when that line
   * holds a `#` (what the code ends with is not known then).
   */
  private codeBeforeLineBreak(at: number): number | undefined {
    const text = this.text;
    let last = at;
    while (last >= 0 && isBlankOrLineBreak(text.charCodeAt(last))) last--;
    for (let scan = last; scan >= 0; scan--) {
      const code = text.charCodeAt(scan);
      if (code === 35) return undefined;
      if (code === 10 || code === 13) break;
    }
    return last;
  }

  /**
   * Whether an assignment starting at `start` can be the value of another (`b = 1` in `a = b = 1`),
   * told from the text before it: only after `=`, at the start of a line that continues a logical
   * line, or after a line break following `=` (see codeBeforeLineBreak). Asking the tree for the
   * parent costs a walk down from the root, for every assignment.
   */
  private mayBeChainedRight(start: number): boolean {
    const text = this.text;
    let at = start - 1;
    while (at >= 0 && (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9 || text.charCodeAt(at) === 12)) at--;
    if (at < 0) return false;
    const code = text.charCodeAt(at);
    if (code === 10 || code === 13) {
      const line = this.lines.lineOf(start);
      if (this.logicalLines.startOf(line) !== line) return true;
      const before = this.codeBeforeLineBreak(at);
      return before === undefined || (before >= 0 && text.charCodeAt(before) === 61);
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
    let nameStart: number;
    let nameEnd: number;
    const nameInText = this.definitionNameStart(start, isClass);
    if (nameInText !== undefined) {
      nameStart = nameInText;
      nameEnd = skipAsciiWord(this.text, nameStart);
    } else {
      const nameNode = node.childForFieldName('name');
      if (!nameNode) return;
      nameStart = nameNode.startIndex;
      nameEnd = nameNode.endIndex;
    }
    const body = node.childForFieldName('body');
    if (!body) return;
    this.current = where.scope;
    const enclosing = where.scope.scope;
    const enclosingIndex = where.scope.index;
    const name = this.text.slice(nameStart, nameEnd);
    const qualname = enclosing.kind === 'module' ? name : enclosing.qualname + '.' + name;
    const scopeIndex = this.builds.length;
    const decorated = this.decoratedDefinitionOf(node);
    const scope: PyScope = {
      qualname,
      kind: isClass ? 'class' : 'function',
      parent: enclosingIndex,
      isAsync: !isClass && this.text.startsWith('async', start),
      params: isClass ? [] : this.parameterNames(node, nameInText === undefined ? undefined : nameEnd),
      decorators: decorated ? this.decorators(decorated) : [],
      globals: [],
      range: this.lines.range(start, end),
      nameRange: this.lines.range(nameStart, nameEnd),
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

  /**
   * Where the name of the definition starting at `start` starts, read from the text when it is
   * written simply: `def name`, `async def name`, `class name`, one space before an ASCII name.
   * Undefined otherwise (ask the tree). Only for trees without errors.
   */
  private definitionNameStart(start: number, isClass: boolean): number | undefined {
    if (!this.textShortcutsOn()) return undefined;
    const text = this.text;
    let at = start;
    if (!isClass && startsWithWord(text, at, 'async') && text.charCodeAt(at + 5) === 32) at += 6;
    const keyword = isClass ? 'class' : 'def';
    if (!startsWithWord(text, at, keyword) || text.charCodeAt(at + keyword.length) !== 32) return undefined;
    const nameStart = at + keyword.length + 1;
    const first = text.charCodeAt(nameStart);
    if (!isAsciiWordChar(first) || (first >= 48 && first <= 57)) return undefined;
    return text.charCodeAt(skipAsciiWord(text, nameStart)) > 127 ? undefined : nameStart;
  }

  /**
   * The decorated_definition holding the definition, if any. With captures in tree order and no
   * errors in the tree, that is the innermost capture around it when it is one: a decorator is an
   * expression, so no definition is inside one. (Unless the definition is a root of the search:
   * then its parent was not searched.)
   */
  private decoratedDefinitionOf(definition: Node): Node | null {
    const ancestors = this.ancestors;
    if (this.ancestorsKnown && this.textShortcutsOn() && !this.rootIds.has(definition.id)) {
      const innermost = ancestors[ancestors.length - 1];
      return innermost !== undefined && innermost.name === 'decorated' ? innermost.node : null;
    }
    const parent = this.parentOf(definition, ancestors.length - 1);
    return parent?.type === 'decorated_definition' ? parent : null;
  }

  /** `nameEnd`: where the definition's name ends, when definitionNameStart read it from the text. */
  private parameterNames(definition: Node, nameEnd: number | undefined): string[] {
    if (nameEnd !== undefined) {
      // `def name(` on one line: the parameters from the text, when it is plain (see parameterSources).
      const open = skipInlineBlanks(this.text, nameEnd);
      const sources = this.text.charCodeAt(open) === 40 ? parameterSources(this.text, open) : undefined;
      if (sources) return namesOfParameters(sources);
    }
    const parameters = definition.childForFieldName('parameters');
    if (!parameters) return [];
    return namesOfParameters(codeChildren(this, parameters).map((parameter) => nodeText(this, parameter)));
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
    const entry = definedFields(block) as PyBlock;
    entry.parent = where.block;
    entry.range = this.lines.range(rangeStart, rangeEnd);
    blocks.push(entry);
    this.stack.push({ kind: 'block', activeFrom: rangeStart, end: rangeEnd, block: index, ...container });
    return index;
  }

  private visitBlock(item: CaptureItem): void {
    const { node, start, end } = item;
    const where = this.where(start);
    if (where.inLambda) return;
    switch (item.name) {
      case 'if': {
        const consequence = node.childForFieldName('consequence');
        if (!consequence) return;
        const test = this.fieldText(node, 'condition') ?? '';
        const index = where.scope.scope.blocks.length;
        this.pushBlock(where, { kind: 'if', test, chain: index }, consequence.startIndex, consequence.endIndex);
        this.ifChains.set(node.id, { chain: index, lastTest: test });
        return;
      }
      case 'elif': {
        const parent = this.parentOf(node, this.ancestors.length - 1);
        const chain = parent ? this.ifChains.get(parent.id) : undefined;
        const test = this.fieldText(node, 'condition') ?? '';
        this.pushBlock(where, { kind: 'if', test, chain: chain?.chain }, start, end);
        if (chain) chain.lastTest = test;
        return;
      }
      case 'else': {
        const parent = this.parentOf(node, this.ancestors.length - 1);
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
        const loopBody = node.childForFieldName('body');
        if (!loopBody) return;
        this.pushBlock(where, { kind: 'for', test: this.fieldText(node, 'right'), target: this.fieldText(node, 'left') }, loopBody.startIndex, loopBody.endIndex);
        return;
      }
      case 'while': {
        const loopBody = node.childForFieldName('body');
        if (!loopBody) return;
        this.pushBlock(where, { kind: 'while', test: this.fieldText(node, 'condition') }, loopBody.startIndex, loopBody.endIndex);
        return;
      }
      case 'try': {
        const tryBody = node.childForFieldName('body');
        if (tryBody) this.pushBlock(where, { kind: 'try' }, tryBody.startIndex, tryBody.endIndex);
        return;
      }
      case 'except':
      case 'finally':
        this.pushBlock(where, { kind: item.name }, start, end);
        return;
      case 'with': {
        const withBody = node.childForFieldName('body');
        if (!withBody) return;
        this.pushBlock(where, { kind: 'with', target: this.withTargets(node) }, withBody.startIndex, withBody.endIndex);
        return;
      }
      case 'case': {
        const consequence = node.childForFieldName('consequence');
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

  /** The source of a field of `node`, cut to 200 characters; undefined when it has none. */
  private fieldText(node: Node, field: string): string | undefined {
    const child = node.childForFieldName(field);
    return child ? cut(nodeText(this, child)) : undefined;
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

  /**
   * ERROR and MISSING nodes, and top-level statements indented past column 0: Python's "unexpected
   * indent", which tree-sitter reads without an error (`x` typed at column 0 between two methods
   * ends their class there, and the next methods become indented top-level functions).
   */
  private syntaxErrors(roots: Node[], statements: Node[]): Range[] {
    const errors: Range[] = [];
    for (const statement of statements) {
      if (!isUnexpectedIndent(statement, this.text)) continue;
      errors.push(this.lines.range(statement.startIndex, statement.endIndex));
      if (errors.length === MAX_SYNTAX_ERRORS) return errors;
    }
    if (roots.length === 0) return errors;
    const indents = errors.length;
    const pending: Node[] = [...roots].reverse(); // popped from the end: in text order
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
    return indents === 0 ? errors : errors.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
  }

  private suppressions(topLevel: TopLevelView): PySuppression[] {
    const result: PySuppression[] = [];
    const pattern = /forkguard:\s*ignore(?![\w-])(?:\[([^\]\r\n]*)\])?/y;
    const text = this.text;
    for (let at = text.indexOf('forkguard:'); at !== -1; at = text.indexOf('forkguard:', at + 1)) {
      if (topLevel.nodeAt(at)?.type !== 'comment') continue;
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (!match) continue;
      const codes = match[1] === undefined ? null : match[1].split(',').map((code) => code.trim()).filter((code) => code !== '');
      result.push({ line: this.lines.lineOf(at), codes, range: this.lines.range(at, at + match[0].length) });
    }
    return result;
  }

  /** After the docstring, `__future__` imports and the leading imports; else after leading comments. */
  private importInsertLine(topLevel: Node[]): number {
    let line = 0;
    let sawCode = false;
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

const PARAMETER_NAME = /^\*{0,2}\s*([\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)/u;

/** The names of parameters given their sources: `a`, `b=1`, `c: int = 2`, `*args`, `**kw` all start with their name (after the stars). */
function namesOfParameters(sources: readonly string[]): string[] {
  const names: string[] = [];
  for (const source of sources) {
    const match = PARAMETER_NAME.exec(source);
    if (match) names.push(match[1]);
  }
  return names;
}

/** Python's keywords and soft keywords, and Python 2's statements tree-sitter-python still parses. */
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type', '_', 'print', 'exec',
]);

/** Space, tab, form feed: the blanks Python allows between tokens on a line. */
function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 12;
}

function isBlankOrLineBreak(code: number): boolean {
  return isBlank(code) || code === 10 || code === 13;
}

function isAsciiWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

/** The offset of the last non-blank character at or before `at` (-1 when there is none). */
function skipBlanksBack(text: string, at: number): number {
  while (at >= 0 && isBlank(text.charCodeAt(at))) at--;
  return at;
}

/** The end of the run of ASCII word characters starting at `at`. */
function skipAsciiWord(text: string, at: number): number {
  while (isAsciiWordChar(text.charCodeAt(at))) at++;
  return at;
}

/** The ASCII word ending at `end` (inclusive); undefined when a non-ASCII character continues it. */
function wordEndingAt(text: string, end: number): string | undefined {
  let start = end;
  while (start > 0 && isAsciiWordChar(text.charCodeAt(start - 1))) start--;
  if (start > 0 && text.charCodeAt(start - 1) > 127) return undefined;
  return text.slice(start, end + 1);
}

function startsWithWord(text: string, offset: number, word: string): boolean {
  if (!text.startsWith(word, offset)) return false;
  const next = text.charCodeAt(offset + word.length);
  return !isAsciiWordChar(next) && !(next > 127);
}

/** A copy of `value` without its undefined fields (built up, not deleted from: deleting is slow). */
function definedFields<T extends object>(value: T): T {
  const result = {} as T;
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] !== undefined) result[key] = value[key];
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

/**
 * The same facts as extractFacts, read from the tree alone: the compiled query rather than
 * descendantsOfType, node.parent rather than a descent from a captured ancestor, no reading of
 * calls, assignments and definitions from the text. Slower; the reference tests hold the fast path
 * to. Never throws.
 */
export function extractFactsByTree(tree: Tree, text: string): PyFacts {
  try {
    return new FactsBuilder(tree, text, undefined, undefined, true).build();
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

/** A stretch of the text [from, to), its tree, and its top-level statements and comments (document-trees.ts). */
export interface StatementsOfStretch {
  tree: Tree;
  from: number;
  to: number;
  statements: Node[];
}

/** extractFileFields of a text parsed in stretches (in order, covering it), each with its own tree. */
export function extractFileFieldsOfStretches(stretches: StatementsOfStretch[], text: string, lines: LineIndex, logicalLines: LogicalLines): FileFields {
  const statements = stretches.flatMap((stretch) => stretch.statements);
  const topLevel: TopLevelView = {
    statements: () => statements,
    nodeAt: (index) => (stretches.find((stretch) => index < stretch.to) ?? stretches[stretches.length - 1]).tree.rootNode.descendantForIndex(index),
    errorRoots: () => statements.filter((statement) => statement.hasError),
  };
  return new FactsBuilder(stretches[0].tree, text, lines, logicalLines).fileFields(topLevel);
}

/** What the whole-file fields are read from: the top level of one tree, or of several (extractFileFieldsOfStretches). */
interface TopLevelView {
  /** The top-level statements and comments, in order. */
  statements(): Node[];
  /** The smallest node at an offset. */
  nodeAt(index: number): Node | null;
  /** Where to look for ERROR and MISSING nodes: nothing when there are none. */
  errorRoots(): Node[];
}

function treeTopLevel(tree: Tree): TopLevelView {
  const root = tree.rootNode;
  return {
    statements: () => root.namedChildren as Node[],
    nodeAt: (index) => root.descendantForIndex(index),
    errorRoots: () => (root.hasError ? [root] : []),
  };
}

/**
 * Whether a top-level statement is indented past column 0, first on its line: Python's "unexpected
 * indent", a syntax error tree-sitter reads without an ERROR node. Comments may be indented anywhere.
 */
export function isUnexpectedIndent(statement: Node, text: string): boolean {
  // startPosition and startIndex are fields of a node; everything else is a call into WASM.
  const { column } = statement.startPosition;
  if (column === 0) return false;
  const start = statement.startIndex;
  // Only indentation before it on its line (not a statement after `;`).
  return /^[ \t\f]*$/.test(text.slice(start - column, start)) && statement.type !== 'comment' && !statement.isError;
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
