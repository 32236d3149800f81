/**
 * Whether the collection a `Promise.all` waits on has one promise per item of something of unknown
 * size, and where the per-item work starts (where a bound or a deadline would have to be).
 *
 * Per item (reported when neither bounded nor given a deadline):
 *   - `xs.map(f)` / `xs.flatMap(f)` on anything but a fixed array literal (or a name bound to one
 *     and never filled), also behind `.filter()`/`.slice()`...; `Array.from(x, f)`;
 *   - an array literal spreading one of those (`[...xs.map(f), extra()]`);
 *   - a name bound to one of those, or to an array filled by `push`/`unshift` in a loop or in a
 *     per-item callback (`xs.forEach((x) => tasks.push(f(x)))`).
 * Fixed (never reported): an array literal without spread (`[a(), b()]`), `.map` over one.
 * Unknown provenance (never reported): a parameter, another call's result, anything else.
 */
import type { Range } from '../../model';
import type { TsCall, TsFunction, TsValue } from '../../typescript/facts';
import type { TsCallTarget } from '../../typescript/program';
import {
  ARRAY_FILL_METHODS,
  COLLECTION_PASS_THROUGH_METHODS,
  ITERATION_METHODS,
  PER_ITEM_FUNCTIONS,
  PER_ITEM_METHODS,
} from '../../catalog/node-fanout';
import { contains, type FanOutFile } from './typescript-names';

export interface PerItemCollection {
  /** For messages: `ids.map(...)`, `pending`. */
  label: string;
  /** Where the per-item collection is made (the `.map` call, the `push` calls): related locations. */
  sites: { range: Range; message: string }[];
  /** Ranges where each task's work starts: a limiter or a timeout signal there applies per task. */
  workRanges: Range[];
  /** The `.map`/`.flatMap` call building it, when there is one (the bound fix wraps its callback). */
  mapCall?: TsCall;
  /** That call's inline callback. */
  callback?: TsFunction;
}

/** The per-item collection `value` (an argument of a call in function `fn`) holds, if it is one. */
export function perItemCollection(view: FanOutFile, value: TsValue, fn: number | undefined): PerItemCollection | undefined {
  const collection = describe(view, value, fn, 0);
  return collection && { ...collection, workRanges: withLocalFunctions(view, collection) };
}

/**
 * The work ranges plus the bodies of the same file's functions the work calls or maps with
 * (`ids.map(fetchOne)`, `(id) => fetchOne(id)` with `async function fetchOne(id) { return limit(...) }`):
 * a limiter or a timeout signal there applies per task too. One level deep.
 */
function withLocalFunctions(view: FanOutFile, collection: PerItemCollection): Range[] {
  const ranges = [...collection.workRanges];
  const add = (target: TsCallTarget | undefined) => {
    if (target?.kind === 'local') ranges.push(view.facts.functions[target.function].bodyRange);
  };
  for (const range of collection.workRanges) for (const call of view.callsWithin(range)) add(view.program.resolveCall(view.file, call.id));
  const mapper = collection.mapCall?.args.find((a) => a.kind === 'path');
  if (mapper?.kind === 'path') add(view.program.resolveName(view.file, mapper.path, collection.mapCall?.function));
  return ranges;
}

const MAX_DEPTH = 8;

function describe(view: FanOutFile, value: TsValue, fn: number | undefined, depth: number): PerItemCollection | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (value.kind) {
    case 'array':
      return value.hasSpread ? spreadOfPerItem(view, value, depth) : undefined;
    case 'call':
      return perItemCall(view, view.facts.calls[value.call], depth);
    case 'await':
      return describe(view, value.value, fn, depth + 1);
    case 'path':
      return namedCollection(view, value, fn, depth);
    default:
      return undefined;
  }
}

/**
 * `[...xs.map(f), audit()]`: the facts keep the plain elements, not the spread ones; a per-item call
 * inside the literal but outside every plain element is (inside) a spread element. A spread of a
 * name (`[...promises]`) is of unknown provenance, like the name itself.
 */
function spreadOfPerItem(view: FanOutFile, array: Extract<TsValue, { kind: 'array' }>, depth: number): PerItemCollection | undefined {
  const inSpread = view.callsWithin(array.range).filter((c) => !array.elements.some((e) => contains(e.range, c.range)));
  for (const call of inSpread) {
    const collection = perItemCall(view, call, depth + 1);
    if (collection) return { ...collection, label: `an array spreading ${collection.label}` };
  }
  return undefined;
}

function perItemCall(view: FanOutFile, call: TsCall | undefined, depth: number): PerItemCollection | undefined {
  if (!call || call.isNew) return undefined;
  const method = call.callee[call.callee.length - 1];
  if (PER_ITEM_FUNCTIONS.some((path) => view.callsGlobal(call, path))) return mapLike(view, call, `${call.callee.join('.')}(...)`);
  if (method !== undefined && PER_ITEM_METHODS.includes(method)) {
    if (call.calleeCall !== undefined) return mapLike(view, call, `${method}(...)`);
    const receiver = call.callee.slice(0, -1);
    if (receiver.length === 0 || isFixedArray(view, receiver, call)) return undefined;
    return mapLike(view, call, `${call.callee.join('.')}(...)`);
  }
  if (method !== undefined && COLLECTION_PASS_THROUGH_METHODS.includes(method) && call.calleeCall !== undefined && call.callee.length === 1) {
    return perItemCall(view, view.facts.calls[call.calleeCall], depth + 1);
  }
  return undefined;
}

function mapLike(view: FanOutFile, call: TsCall, label: string): PerItemCollection {
  const mapper = call.args.find((a) => a.kind === 'function');
  const callback = mapper?.kind === 'function' ? view.inlineFunction(mapper.function) : undefined;
  return {
    label,
    sites: [{ range: call.range, message: `one promise per item: \`${label}\`` }],
    workRanges: [call.range],
    mapCall: call,
    ...(callback ? { callback } : {}),
  };
}

/** `REGIONS` bound to an array literal without spread that nothing fills: a fixed collection. */
function isFixedArray(view: FanOutFile, receiver: readonly string[], use: TsCall): boolean {
  const binding = view.bindingOf(receiver, use.function, use.range.start);
  if (!binding || binding.value.kind !== 'array' || binding.value.hasSpread) return false;
  return fillCalls(view, receiver, binding.function).length === 0;
}

function namedCollection(view: FanOutFile, value: Extract<TsValue, { kind: 'path' }>, fn: number | undefined, depth: number): PerItemCollection | undefined {
  const binding = view.bindingOf(value.path, fn, value.range.start);
  if (!binding) return undefined;
  if (binding.value.kind === 'array' && !binding.value.hasSpread) {
    const fills = fillCalls(view, value.path, binding.function).filter((c) => isPerItem(view, c, binding.function));
    if (fills.length === 0) return undefined;
    const name = value.path.join('.');
    return {
      label: `\`${name}\` (filled once per item)`,
      sites: fills.map((c) => ({ range: c.range, message: `\`${name}\` filled here, once per item` })),
      workRanges: fills.map((c) => c.argsRange ?? c.range),
    };
  }
  return describe(view, binding.value, binding.function, depth + 1);
}

/** `name.push(...)`/`name.unshift(...)` calls in the binding's function (or functions nested in it). */
function fillCalls(view: FanOutFile, name: readonly string[], owner: number | undefined): TsCall[] {
  return view.facts.calls.filter(
    (c) =>
      c.calleeCall === undefined &&
      c.callee.length === name.length + 1 &&
      name.every((part, i) => c.callee[i] === part) &&
      ARRAY_FILL_METHODS.includes(c.callee[name.length]) &&
      view.isWithin(c.function, owner),
  );
}

/** A fill call runs once per item: in a loop, or in a callback of a per-item method, up to the array's own function. */
function isPerItem(view: FanOutFile, call: TsCall, owner: number | undefined): boolean {
  if (call.inLoop) return true;
  for (const scope of view.scopeChain(call.function)) {
    if (scope === owner || scope === undefined) return false;
    const fn = view.facts.functions[scope];
    const host = fn.argumentOf ? view.facts.calls[fn.argumentOf.call] : undefined;
    const method = host?.callee[host.callee.length - 1];
    if (method !== undefined && ITERATION_METHODS.includes(method)) return true;
  }
  return false;
}
