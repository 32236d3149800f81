/**
 * The eventlet migration inventory: every place the workspace imports eventlet or calls one of its
 * APIs, judged on resolved qualified names (`from eventlet import greenthread; greenthread.spawn(f)`
 * is `eventlet.greenthread.spawn`; a workspace module that re-exports `eventlet.spawn` is followed).
 *
 * `eventletInventory(program)` is what the migration report calls: it lists every usage whatever
 * the configured severities are. The FG1xx checkers (python.ts) turn the same list into findings.
 */
import type { Range } from '../../model';
import { eventletModuleReplacement, isEventletModule, matchEventletApi, type EventletKind } from '../../catalog/python-eventlet';
import type { PyCallEvent, PyFacts, PyImportEvent } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import { inventoryMetaOf } from './meta';

export interface EventletUsage {
  /** The FG1xx code of this kind of usage (`FG104` for a spawn). */
  rule: string;
  kind: EventletKind;
  file: string;
  /** The import statement, or the call (its callee only when the call spans several lines). */
  range: Range;
  /** The resolved eventlet name: the imported module (`eventlet.green.threading`) or the API called (`eventlet.spawn`). */
  qualifiedName: string;
  /** What native code replaces it (Markdown with backticks). */
  replacement: string;
}

interface CachedInventory {
  files: string[];
  facts: (PyFacts | undefined)[];
  usages: EventletUsage[];
}

/**
 * The inventory depends on every file's facts and nothing else, so it is reused while the program
 * holds the same facts objects: the nine FG1xx checkers of one analysis compute it once.
 */
const cache = new WeakMap<PyProgram, CachedInventory>();

/** Every eventlet usage of the workspace, ordered by file, then position. */
export function eventletInventory(program: PyProgram): EventletUsage[] {
  const files = [...program.files()].sort();
  const facts = files.map((file) => program.facts(file));
  const cached = cache.get(program);
  if (cached && sameSnapshot(cached, files, facts)) return cached.usages;
  const usages = collectUsages(program, files);
  cache.set(program, { files, facts, usages });
  return usages;
}

function sameSnapshot(cached: CachedInventory, files: string[], facts: (PyFacts | undefined)[]): boolean {
  return cached.files.length === files.length && cached.files.every((file, i) => file === files[i] && cached.facts[i] === facts[i]);
}

function collectUsages(program: PyProgram, files: string[]): EventletUsage[] {
  if (!workspaceImportsEventlet(program)) return [];
  return files.flatMap((file) => usagesIn(program, file));
}

/**
 * The eventlet usages of one file, by position. A call can only resolve to eventlet when some
 * file imports it: a workspace that never does (most, and the whole cost of these rules there)
 * resolves none of its calls.
 */
export function eventletUsagesIn(program: PyProgram, file: string): EventletUsage[] {
  return workspaceImportsEventlet(program) ? usagesIn(program, file) : [];
}

function usagesIn(program: PyProgram, file: string): EventletUsage[] {
  const facts = program.facts(file);
  if (!facts) return [];
  const inFile: EventletUsage[] = [];
  facts.scopes.forEach((scope, scopeIndex) => {
    scope.events.forEach((event, eventIndex) => {
      const usage =
        event.k === 'import' ? importUsage(program, file, event) : event.k === 'call' ? callUsage(program, file, scopeIndex, eventIndex, event) : undefined;
      if (usage) inFile.push(usage);
    });
  });
  return inFile.sort(byPosition);
}

/** Whether a file imports eventlet, per facts and module index (which decides what is the library). */
const importsByFacts = new WeakMap<PyFacts, { modules: object; imports: boolean }>();

export function workspaceImportsEventlet(program: PyProgram): boolean {
  return program.files().some((file) => importsEventlet(program, file));
}

function importsEventlet(program: PyProgram, file: string): boolean {
  const facts = program.facts(file);
  if (!facts) return false;
  const cached = importsByFacts.get(facts);
  if (cached && cached.modules === program.modules) return cached.imports;
  const imports = facts.scopes.some((scope) => scope.events.some((event) => event.k === 'import' && importedEventletModule(program, file, event) !== undefined));
  importsByFacts.set(facts, { modules: program.modules, imports });
  return imports;
}

/** The absolute eventlet module an import statement imports from, or undefined. */
function importedEventletModule(program: PyProgram, file: string, event: PyImportEvent): string | undefined {
  const module = program.modules.absoluteModule(file, event.module);
  if (module === undefined || !isEventletModule(module)) return undefined;
  // A workspace module that happens to be called `eventlet` is not the library.
  return program.resolver.resolveQualified(module).k === 'external' ? module : undefined;
}

function importUsage(program: PyProgram, file: string, event: PyImportEvent): EventletUsage | undefined {
  const module = importedEventletModule(program, file, event);
  if (module === undefined) return undefined;
  return usage('import', file, event.range, module, eventletModuleReplacement(module));
}

function callUsage(program: PyProgram, file: string, scope: number, eventIndex: number, event: PyCallEvent): EventletUsage | undefined {
  const resolved = program.callGraph.resolveCall(file, scope, eventIndex);
  for (const qualname of resolved?.externals ?? []) {
    const match = matchEventletApi(qualname);
    if (!match) continue;
    const range = event.range.start.line === event.range.end.line ? event.range : event.calleeRange;
    return usage(match.kind, file, range, qualname, match.replacement);
  }
  return undefined;
}

function usage(kind: EventletKind, file: string, range: Range, qualifiedName: string, replacement: string): EventletUsage {
  return { rule: inventoryMetaOf(kind).id, kind, file, range, qualifiedName, replacement };
}

function byPosition(a: EventletUsage, b: EventletUsage): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
