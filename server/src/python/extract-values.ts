/**
 * Expressions to facts: dotted names (PyDotted), argument and assigned values (PyValue),
 * assignment targets. Tree access is kept to what each node kind needs, and simple dotted names
 * are read from the source text without touching the tree at all.
 */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../model';
import type { PyDotted, PyValue } from './facts';
import { cut, LineIndex, parseStringLiteral } from './source-text';

/**
 * While a scope is being built, a dotted name whose receiver is a call starts with this marker
 * and the call node's id (`\0<id>` + rest); the scope's finalisation replaces it with `#<event index>`.
 */
export const CALL_REF = '\u0000';

/** Values nest (dict of lists of dicts...); deeper than this only kind, text and range are kept. */
const MAX_VALUE_DEPTH = 3;
const MAX_ELEMENTS = 50;
/** Chains longer than this (`a.b.c....` hundreds deep) are not names anyone wrote by hand. */
const MAX_DOTTED_STEPS = 64;

/** A Map, not an object literal: `constructor` or `toString` must not find Object.prototype's. */
const KEYWORD_VALUES = new Map<string, Pick<PyValue, 'kind' | 'literal'>>([
  ['True', { kind: 'bool', literal: true }],
  ['False', { kind: 'bool', literal: false }],
  ['None', { kind: 'none' }],
]);

const SIMPLE_DOTTED = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*(?:\.[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)*$/u;
const NON_ASCII = /[^\x00-\x7f]/;

/** Whether the text is a plain dotted name (`a`, `a.b.c`), identifiers as Python defines them. */
export function isSimpleDotted(text: string): boolean {
  return isSimpleDottedAscii(text) || (NON_ASCII.test(text) && SIMPLE_DOTTED.test(text));
}

/**
 * /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/ (SIMPLE_DOTTED for ASCII text, the same set there) by hand:
 * this runs for most arguments and callees.
 */
function isSimpleDottedAscii(text: string): boolean {
  let atNameStart = true;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (atNameStart) return false;
      atNameStart = true;
      continue;
    }
    const isLetter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
    if (!isLetter && (atNameStart || code < 48 || code > 57)) return false;
    atNameStart = false;
  }
  return !atNameStart;
}

const SMALL_INTEGER = /^[1-9]\d{0,14}$|^0$/;

export interface ValueContext {
  readonly text: string;
  readonly lines: LineIndex;
  /** Records that `value.call` must point at the event of `callNode` once indices are known. */
  linkCall(value: PyValue, callNode: Node): void;
}

export function nodeText(context: { text: string }, node: Node): string {
  return context.text.slice(node.startIndex, node.endIndex);
}

/**
 * Named children that are not comments (comments are extras and show up anywhere). A comment is
 * told by its first character, which saves a call into the tree per child.
 */
export function codeChildren(context: { text: string }, node: Node): Node[] {
  const children = node.namedChildren as Node[];
  const text = context.text;
  for (let i = 0; i < children.length; i++) {
    if (text.charCodeAt(children[i].startIndex) === 35) return children.filter((child) => text.charCodeAt(child.startIndex) !== 35);
  }
  return children;
}

/** Strips any number of parentheses: `((x))` -> `x`. */
export function unwrapParentheses(context: { text: string }, node: Node): Node {
  let current = node;
  for (let guard = 0; current.type === 'parenthesized_expression' && guard < MAX_DOTTED_STEPS; guard++) {
    const inner = codeChildren(context, current);
    if (inner.length !== 1) break;
    current = inner[0];
  }
  return current;
}

/**
 * The PyDotted text of an expression: `a.b.c`, `self._pools[].shutdown`, `\0<id>.start` for a
 * call receiver (see CALL_REF), or '' when the expression is not of these forms.
 */
export function dottedOf(context: { text: string }, node: Node): PyDotted {
  const source = nodeText(context, node);
  if (isSimpleDotted(source)) return source;
  let suffix = '';
  let current: Node | null = node;
  for (let step = 0; current && step < MAX_DOTTED_STEPS; step++) {
    switch (current.type) {
      case 'identifier':
        return nodeText(context, current) + suffix;
      case 'attribute': {
        const attribute = current.childForFieldName('attribute');
        if (!attribute) return '';
        suffix = '.' + nodeText(context, attribute) + suffix;
        current = current.childForFieldName('object');
        break;
      }
      case 'subscript':
        suffix = '[]' + suffix;
        current = current.childForFieldName('value');
        break;
      case 'call':
        return CALL_REF + current.id + suffix;
      case 'parenthesized_expression':
        current = unwrapParentheses(context, current);
        if (current.type === 'parenthesized_expression') return '';
        break;
      default:
        return '';
    }
  }
  return '';
}

/** Assignment targets as dotted names; tuple/list targets are flattened (`a, (b, *c)` -> a, b, c). */
export function targetsOf(context: { text: string }, node: Node): PyDotted[] {
  const targets: PyDotted[] = [];
  const pending: Node[] = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    switch (current.type) {
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list':
      case 'list_splat_pattern':
      case 'as_pattern_target':
      case 'parenthesized_expression': {
        const children = codeChildren(context, current);
        for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
        break;
      }
      default: {
        const dotted = dottedOf(context, current);
        if (dotted) targets.push(dotted);
      }
    }
  }
  return targets;
}

function numberLiteral(source: string): number | undefined {
  const normalized = source.replace(/_/g, '');
  const value = /^0[0-7]+$/.test(normalized) ? Number.NaN : Number(normalized);
  return Number.isFinite(value) ? value : undefined;
}

/** A concatenated string (`'a' 'b'`): the joined literal, or an f-string. */
function concatenatedStringValue(context: ValueContext, node: Node, base: PyValue): PyValue {
  let literal = '';
  for (const part of codeChildren(context, node)) {
    const parsed = parseStringLiteral(nodeText(context, part));
    if (!parsed) return base;
    if (parsed.interpolated) return { ...base, kind: 'fstring' };
    if (parsed.value === undefined) return base;
    literal += parsed.value;
  }
  return { ...base, literal };
}

function dictValue(context: ValueContext, node: Node, base: PyValue, depth: number): PyValue {
  const entries: NonNullable<PyValue['entries']> = [];
  let hasSpread = false;
  for (const child of codeChildren(context, node)) {
    if (child.type === 'dictionary_splat') {
      hasSpread = true;
      continue;
    }
    if (child.type !== 'pair') continue;
    const key = child.childForFieldName('key');
    const value = child.childForFieldName('value');
    if (!key || !value || key.type !== 'string') continue;
    const parsed = parseStringLiteral(nodeText(context, key));
    if (!parsed || parsed.value === undefined) continue;
    entries.push({ key: parsed.value, value: valueOf(context, value, depth + 1), range: context.lines.range(child.startIndex, child.endIndex) });
  }
  const result: PyValue = { ...base, entries };
  if (hasSpread) result.hasSpread = true;
  return result;
}

/**
 * The PyValue of an expression whose whole source is `text` (under 200 characters) when the text
 * alone tells it: True/False/None, a plain dotted name, a small integer. Else undefined.
 */
export function simpleValueOf(text: string, range: Range): PyValue | undefined {
  // Object literals rather than spreads of a base value here: this runs for most arguments.
  const keyword = KEYWORD_VALUES.get(text);
  if (keyword) return keyword.literal === undefined ? { kind: keyword.kind, text, range } : { kind: keyword.kind, text, range, literal: keyword.literal };
  if (isSimpleDotted(text)) return { kind: 'name', text, range, dotted: text };
  if (SMALL_INTEGER.test(text)) return { kind: 'num', text, range, literal: Number(text) };
  return undefined;
}

/** The PyValue of an expression (an argument, an assigned or returned value). */
export function valueOf(context: ValueContext, node: Node, depth = 0): PyValue {
  const start = node.startIndex;
  const end = node.endIndex;
  const text = cut(context.text.slice(start, Math.min(end, start + 200)));
  const range = context.lines.range(start, end);
  // Most values are plain names or small integers: tell them from the text, without asking the tree.
  if (end - start < 200) {
    const simple = simpleValueOf(text, range);
    if (simple) return simple;
  }
  const base: PyValue = { kind: 'other', text, range };
  const type = node.type;
  switch (type) {
    case 'string':
      return plainStringValue(context.text.slice(start, end), text, range);
    case 'concatenated_string':
      return concatenatedStringValue(context, node, { ...base, kind: 'str' });
    case 'integer':
    case 'float': {
      const literal = numberLiteral(base.text);
      return literal === undefined ? { ...base, kind: 'num' } : { ...base, kind: 'num', literal };
    }
    case 'unary_operator': {
      // `-1` is a negative number literal as far as any setting is concerned.
      const match = /^([-+])\s*([\d.][\w.]*)$/.exec(base.text);
      const magnitude = match ? numberLiteral(match[2]) : undefined;
      if (match && magnitude !== undefined) return { ...base, kind: 'num', literal: match[1] === '-' ? -magnitude : magnitude };
      return base;
    }
    case 'true':
    case 'false':
      return { ...base, kind: 'bool', literal: type === 'true' };
    case 'none':
      return { ...base, kind: 'none' };
    case 'identifier':
    case 'attribute':
    case 'subscript': {
      const dotted = dottedOf(context, node);
      return dotted ? { ...base, kind: 'name', dotted } : base;
    }
    case 'call': {
      const value: PyValue = { ...base, kind: 'call' };
      context.linkCall(value, node);
      return value;
    }
    case 'dictionary':
      return depth >= MAX_VALUE_DEPTH ? { ...base, kind: 'dict' } : dictValue(context, node, { ...base, kind: 'dict' }, depth);
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list': {
      if (depth >= MAX_VALUE_DEPTH) return { ...base, kind: 'list' };
      const children = codeChildren(context, node);
      const elements: PyValue[] = [];
      for (let i = 0; i < children.length && i < MAX_ELEMENTS; i++) elements.push(valueOf(context, children[i], depth + 1));
      return { ...base, kind: 'list', elements };
    }
    case 'list_comprehension':
    case 'set_comprehension':
    case 'dictionary_comprehension':
    case 'generator_expression':
      return { ...base, kind: 'comprehension' };
    case 'lambda':
      return { ...base, kind: 'lambda' };
    case 'parenthesized_expression': {
      const inner = unwrapParentheses(context, node);
      return inner === node || depth >= MAX_VALUE_DEPTH ? base : valueOf(context, inner, depth + 1);
    }
    default:
      return base;
  }
}

/** The value of a `string` node whose source is `token`; `text` is that cut to 200 characters. */
export function plainStringValue(token: string, text: string, range: Range): PyValue {
  const parsed = parseStringLiteral(token);
  // (Object literals rather than spreads of a base value: this runs for every string argument.)
  if (!parsed || parsed.value === undefined) return { kind: parsed?.interpolated ? 'fstring' : 'str', text, range };
  return { kind: 'str', text, range, literal: parsed.value };
}

/** The value of a call node (valueOf's), before linkCall. */
export function callValue(context: { text: string; lines: LineIndex }, start: number, end: number): PyValue {
  return { kind: 'call', text: cut(context.text.slice(start, Math.min(end, start + 200))), range: context.lines.range(start, end) };
}
