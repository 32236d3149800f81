/**
 * The few syntax facts that quick fixes need beyond TsFacts, read from one file on demand (only for
 * files with a finding to fix): loops (a close goes before the loop that forks, not inside it),
 * `if` statements with their branches (a pool moves into the worker branch), and where given
 * names are used (a declaration moves only when every use is in that branch). Part of the front
 * end (it needs TypeScript): reach it through loadTsFrontend().outlineForFixes.
 */
import { ts } from './ts';
import type { Range } from '../model';
import { LineIndex } from '../python/source-text';
import { withParsedTs } from './parser';

export interface OutlineBlock {
  /** The branch statement (`{ ... }` or a single statement). */
  range: Range;
  isBlock: boolean;
  /** Indentation of the branch's first statement (else the `if`'s own plus two spaces); '' when empty. */
  innerIndent: string;
}

export interface OutlineIf {
  range: Range;
  /** The condition as a dotted path after any `!`s (`cluster.isPrimary`), when it is one. */
  path?: string[];
  /** An odd number of `!`s before the path. */
  negated: boolean;
  then: OutlineBlock;
  /** The `then` branch always leaves (ends with `return` or `throw`): the code after the `if` runs only when the condition is false. */
  thenExits: boolean;
  else?: OutlineBlock;
  /** The innermost function holding the `if` (its range), undefined at top level. */
  functionRange?: Range;
}

export interface OutlineLoop {
  range: Range;
  indent: string;
  functionRange?: Range;
}

export interface FixOutline {
  /** Ranges of every function-like node (declarations, expressions, arrows, methods, accessors). */
  functions: Range[];
  loops: OutlineLoop[];
  ifs: OutlineIf[];
  /** Per asked name: ranges of the identifiers that read or write it (not `x.name` members, not property keys). */
  uses: Record<string, Range[]>;
}

export function outlineForFixes(text: string, fileName: string, names: string[]): FixOutline {
  return withParsedTs(text, fileName, ({ sourceFile }) => {
    const lines = new LineIndex(text);
    const range = (node: ts.Node): Range => lines.range(node.getStart(sourceFile), node.end);
    const indentAt = (node: ts.Node): string => lines.indentOf(lines.lineOf(node.getStart(sourceFile)));
    const outline: FixOutline = { functions: [], loops: [], ifs: [], uses: Object.fromEntries(names.map((name) => [name, []])) };
    const wanted = new Set(names);

    const block = (statement: ts.Statement, ifIndent: string): OutlineBlock => {
      const first = ts.isBlock(statement) ? statement.statements[0] : statement;
      return { range: range(statement), isBlock: ts.isBlock(statement), innerIndent: first ? indentAt(first) : `${ifIndent}  ` };
    };

    const visit = (node: ts.Node, fn: ts.Node | undefined): void => {
      if (isFunctionWithBody(node)) {
        fn = node;
        outline.functions.push(range(node));
      }
      if (ts.isIfStatement(node)) {
        let condition: ts.Expression = node.expression;
        let negated = false;
        while (ts.isParenthesizedExpression(condition)) condition = condition.expression;
        while (ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken) {
          negated = !negated;
          condition = condition.operand;
          while (ts.isParenthesizedExpression(condition)) condition = condition.expression;
        }
        const path = dottedPath(condition);
        const indent = indentAt(node);
        outline.ifs.push({
          range: range(node),
          ...(path ? { path } : {}),
          negated,
          then: block(node.thenStatement, indent),
          thenExits: leaves(node.thenStatement),
          ...(node.elseStatement ? { else: block(node.elseStatement, indent) } : {}),
          ...(fn ? { functionRange: range(fn) } : {}),
        });
      } else if (ts.isIterationStatement(node, false)) {
        outline.loops.push({ range: range(node), indent: indentAt(node), ...(fn ? { functionRange: range(fn) } : {}) });
      } else if (ts.isIdentifier(node) && wanted.has(node.text) && isUse(node)) {
        outline.uses[node.text].push(range(node));
      }
      ts.forEachChild(node, (child) => visit(child, fn));
    };
    visit(sourceFile, undefined);
    return outline;
  });
}

/** A statement that always leaves its function: `return`/`throw`, or a block ending with one. */
function leaves(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return last !== undefined && leaves(last);
  }
  return false;
}

function isFunctionWithBody(node: ts.Node): boolean {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** An identifier that names a binding: not the member of `a.x`, not a property key `{ x: 1 }`. */
function isUse(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) return false;
  if (ts.isPropertySignature(parent) || ts.isQualifiedName(parent)) return false;
  return true;
}

function dottedPath(node: ts.Expression): string[] | undefined {
  if (ts.isIdentifier(node)) return [node.text];
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
    const left = dottedPath(node.expression);
    return left ? [...left, node.name.text] : undefined;
  }
  return undefined;
}
