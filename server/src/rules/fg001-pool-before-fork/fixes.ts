/**
 * Quick fixes for FG001, preferred first:
 *   1. call an existing workspace reset helper right before the fork statement (importing it);
 *   2. `<pool>.shutdown(wait=True)` / `.dispose()` / `.close()` before the fork, when the pool is
 *      reachable by name there;
 *   3. `os.register_at_fork(after_in_child=<pool>.<reset>)` right after the creation;
 * (the engine adds "Suppress FG001 on this line" to every finding). Inserted lines copy the statement's indentation and the
 * file's line ending; a fix that cannot be written correctly is not offered.
 */
import type { Fix, TextEdit } from '../../model';
import type { PyFacts, PyScope } from '../../python/facts';
import type { PyProgram } from '../../python/program';
import { insertAt } from '../edits';
import { preferFirst } from '../finding';
import type { PySymbol } from '../../python/resolve';
import { resetMatches, type ForkHazard, type PoolRecord } from '../../python/summaries';

/** One way to reset one pool: lines inserted before the fork (or elsewhere) plus an import. */
interface ResetPlan {
  title: string;
  /** Statement text inserted before the fork statement (without indentation or line end). */
  beforeFork?: string;
  /** Edits elsewhere (after the creation, imports). */
  edits: TextEdit[];
  safe: boolean;
}

export function buildFixes(program: PyProgram, hazard: ForkHazard): Fix[] {
  const plansPerPool = hazard.pools.map((pool) => plansFor(program, hazard, pool));
  const fixes: Fix[] = [];
  if (hazard.pools.length === 1) {
    for (const plan of plansPerPool[0]) fixes.push(toFix(program, hazard, [plan], plan.title));
  } else if (plansPerPool.every((plans) => plans.length > 0)) {
    const best = plansPerPool.map((plans) => plans[0]);
    fixes.push(toFix(program, hazard, best, `Reset ${hazard.pools.length} pools before forking`));
  }
  return preferFirst(fixes);
}

function plansFor(program: PyProgram, hazard: ForkHazard, pool: PoolRecord): ResetPlan[] {
  return [helperPlan(program, hazard, pool), directPlan(program, hazard, pool), registerPlan(program, pool)].filter((p): p is ResetPlan => p !== undefined);
}

function toFix(program: PyProgram, hazard: ForkHazard, plans: ResetPlan[], title: string): Fix {
  const facts = program.facts(hazard.site.file)!;
  const stmt = hazard.call.stmt;
  const lines = [...new Set(plans.map((p) => p.beforeFork).filter((t): t is string => t !== undefined))];
  const edits: TextEdit[] = [];
  if (lines.length > 0) {
    const text = lines.map((line) => `${stmt.indent}${line}${facts.eol}`).join('');
    edits.push(insertAt(hazard.site.file, { line: stmt.startLine, character: 0 }, text));
  }
  for (const plan of plans) for (const edit of plan.edits) if (!edits.some((e) => sameEdit(e, edit))) edits.push(edit);
  return { title, edits: mergeInsertions(edits), preferred: false, safe: plans.every((p) => p.safe) };
}

// ---- 1. an existing reset helper ----

function helperPlan(program: PyProgram, hazard: ForkHazard, pool: PoolRecord): ResetPlan | undefined {
  const helper = findResetHelper(program, hazard, pool);
  if (!helper) return undefined;
  const reference = referenceToFunction(program, hazard.site.file, helper.file, helper.name);
  if (!reference) return undefined;
  return { title: `Call \`${helper.name}()\` before forking`, beforeFork: `${reference.text}()`, edits: reference.edits, safe: true };
}

/** A module-level function without parameters that surely resets the pool and does not fork. Prefers the pool's own module. */
function findResetHelper(program: PyProgram, hazard: ForkHazard, pool: PoolRecord): { file: string; name: string } | undefined {
  const matches = (helper: ResetHelperCandidate): boolean =>
    !(helper.file === hazard.site.file && helper.scope === hazard.site.scope) &&
    !helper.summary.creates.some((c) => c.identity.key === pool.identity.key) &&
    helper.summary.resets.some((r) => r.methods !== null && resetMatches(r, pool));
  const helpers = resetHelperCandidates(program);
  const found = helpers.find((helper) => helper.file === pool.site.file && matches(helper)) ?? helpers.find(matches);
  return found && { file: found.file, name: found.name };
}

interface ResetHelperCandidate {
  file: string;
  scope: number;
  name: string;
  summary: ReturnType<PyProgram['summaryOf']>;
}

const helperCandidates = new WeakMap<PyProgram, { mark: number; byFile: Map<string, ResetHelperCandidate[]>; helpers: ResetHelperCandidate[] }>();

/**
 * The workspace's module-level functions without parameters that reset something and never fork,
 * in file order. Kept per file between program states: after an edit only the files changed since
 * (`changedSince`) are looked at again, not every function's summary of the workspace. The rule
 * checks a file with findings again whenever this list changes (`readsWholeProgram`,
 * `wholeProgramInputs`), so these reads are not recorded as the checked file's dependencies
 * (`untracked`): that file would otherwise read every file of the workspace, and be re-analysed
 * whole after an edit of any of them.
 */
export function resetHelperCandidates(program: PyProgram): ResetHelperCandidate[] {
  const mark = program.changeMark();
  const cached = helperCandidates.get(program);
  if (cached?.mark === mark) return cached.helpers;
  const changed = cached ? program.changedSince(cached.mark) : 'all';
  const byFile = cached && changed !== 'all' ? cached.byFile : new Map<string, ResetHelperCandidate[]>();
  program.untracked(() => {
    for (const file of changed === 'all' ? program.files() : changed) {
      const helpers = helpersOfFile(program, file);
      if (helpers.length > 0) byFile.set(file, helpers);
      else byFile.delete(file);
    }
  });
  const found = [...byFile.keys()].sort().flatMap((file) => byFile.get(file)!);
  // The same list as before stays the same object: findings that read it are not recomputed.
  const helpers = cached && sameHelpers(cached.helpers, found) ? cached.helpers : found;
  helperCandidates.set(program, { mark, byFile, helpers });
  return helpers;
}

function sameHelpers(a: readonly ResetHelperCandidate[], b: readonly ResetHelperCandidate[]): boolean {
  const key = (helper: ResetHelperCandidate): string =>
    JSON.stringify([helper.file, helper.scope, helper.name, helper.summary.resets, helper.summary.creates.map((c) => c.identity.key)]);
  return a.length === b.length && a.every((helper, i) => helper === b[i] || key(helper) === key(b[i]));
}

function helpersOfFile(program: PyProgram, file: string): ResetHelperCandidate[] {
  const facts = program.facts(file);
  const helpers: ResetHelperCandidate[] = [];
  for (let index = 1; index < (facts?.scopes.length ?? 0); index++) {
    const scope = facts!.scopes[index];
    if (scope.kind !== 'function' || scope.parent !== 0 || scope.params.length > 0) continue;
    const summary = program.summaryOf({ file, scope: index });
    if (summary.fork || !summary.resets.some((r) => r.methods !== null)) continue;
    helpers.push({ file, scope: index, name: scope.qualname, summary });
  }
  return helpers;
}

/** How `file` can call a module-level function `name` of `targetFile`: same module, existing import, or a new import. */
function referenceToFunction(program: PyProgram, file: string, targetFile: string, name: string): { text: string; edits: TextEdit[] } | undefined {
  if (file === targetFile) return { text: name, edits: [] };
  const isTarget = (s: PySymbol): boolean => s.k === 'function' && s.file === targetFile && program.facts(targetFile)?.scopes[s.scope]?.qualname === name;
  const bound = moduleImportBinding(program, file, isTarget);
  if (bound) return { text: bound, edits: [] };
  const moduleBinding = moduleImportBinding(program, file, (s) => s.k === 'module' && s.file === targetFile);
  if (moduleBinding) return { text: `${moduleBinding}.${name}`, edits: [] };
  const moduleName = program.moduleName(targetFile);
  const facts = program.facts(file);
  if (!moduleName || !facts || moduleLevelNames(facts).has(name)) return undefined;
  return { text: name, edits: [insertAt(file, { line: facts.importInsertLine, character: 0 }, `from ${moduleName} import ${name}${facts.eol}`)] };
}

// ---- 2. reset the pool by name ----

function directPlan(program: PyProgram, hazard: ForkHazard, pool: PoolRecord): ResetPlan | undefined {
  const reference = referenceToPool(program, hazard, pool);
  if (!reference) return undefined;
  const call = `${reference}.${pool.factory.fixCall}`;
  // A lazily created pool may still be None at the fork.
  const statement = pool.conditional ? `if ${reference} is not None: ${call}` : call;
  return { title: `Add \`${call}\` before the fork`, beforeFork: statement, edits: [], safe: false };
}

function referenceToPool(program: PyProgram, hazard: ForkHazard, pool: PoolRecord): string | undefined {
  const identity = pool.identity;
  const file = hazard.site.file;
  const facts = program.facts(file);
  const scope = facts?.scopes[hazard.site.scope];
  if (!facts || !scope || identity.name === undefined) return undefined;
  switch (identity.kind) {
    case 'local':
      return identity.key === `local:${file}#${hazard.site.scope}:${identity.name}` ? identity.name : undefined;
    case 'global': {
      if (identity.file === file) return shadowedLocally(scope, identity.name) ? undefined : identity.name;
      const viaModule = moduleImportBinding(program, file, (s) => s.k === 'module' && s.file === identity.file);
      if (viaModule) return `${viaModule}.${identity.name}`;
      // `from m import NAME` holds the value at import time: right only for pools made at import time.
      if (!pool.atImportTime) return undefined;
      return moduleImportBinding(program, file, (s) => s.k === 'global' && s.file === identity.file && s.name === identity.name);
    }
    case 'attr': {
      const self = scope.params[0];
      const cls = program.callGraph.classOfMethod(file, hazard.site.scope);
      if (!self || cls === undefined || scope.decorators.includes('staticmethod')) return undefined;
      const inMro = program.callGraph.mro(file, cls).classes.some((c) => c.file === identity.file && c.cls === identity.cls);
      return inMro ? `${self}.${identity.name}` : undefined;
    }
    default:
      return undefined;
  }
}

// ---- 3. reset in the child, registered next to the creation ----

function registerPlan(program: PyProgram, pool: PoolRecord): ResetPlan | undefined {
  if (pool.factory.kind === 'thread') return undefined;
  const facts = program.facts(pool.site.file);
  const creation = facts?.scopes[pool.site.scope]?.events[pool.site.event];
  if (!facts || !creation || creation.k !== 'call' || creation.withItem || creation.returned) return undefined;
  // The line goes after the statement: when the statement ends the file (no line break after it,
  // or a syntax error made it run to the end) there is no such line to insert at.
  if (creation.stmt.endLine + 1 >= facts.lineCount) return undefined;
  const target = creation.targets?.[0];
  if (!target || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/.test(target)) return undefined;
  const osName = osModuleName(program, pool.site.file, facts);
  if (osName === undefined) return undefined;
  const edits: TextEdit[] = [];
  if (osName === null) edits.push(insertAt(pool.site.file, { line: facts.importInsertLine, character: 0 }, `import os${facts.eol}`));
  const reset = pool.factory.resetMethods[0];
  const line = `${creation.stmt.indent}${osName ?? 'os'}.register_at_fork(after_in_child=${target}.${reset})${facts.eol}`;
  edits.push(insertAt(pool.site.file, { line: creation.stmt.endLine + 1, character: 0 }, line));
  return { title: `Reset \`${target}\` in forked children (os.register_at_fork)`, edits, safe: false };
}

/** The module-level name bound to `os` in the file; null when none is (an import is needed); undefined when `os` means something else. */
function osModuleName(program: PyProgram, file: string, facts: PyFacts): string | null | undefined {
  const bound = moduleImportBinding(program, file, (s) => s.k === 'external' && s.qname === 'os');
  if (bound) return bound;
  return moduleLevelNames(facts).has('os') ? undefined : null;
}

// ---- helpers ----

/** The local name of a module-level import whose target satisfies `matches`. */
function moduleImportBinding(program: PyProgram, file: string, matches: (symbol: PySymbol) => boolean): string | undefined {
  const moduleScope = program.facts(file)?.scopes[0];
  for (const event of moduleScope?.events ?? []) {
    if (event.k !== 'import') continue;
    for (const binding of event.bindings) {
      if (binding.local.includes('.')) continue;
      if (matches(program.resolver.importTarget(file, binding.target))) return binding.local;
    }
  }
  return undefined;
}

function moduleLevelNames(facts: PyFacts): Set<string> {
  const names = new Set<string>();
  for (const event of facts.scopes[0]?.events ?? []) {
    if (event.k === 'import') for (const b of event.bindings) names.add(b.local);
    else if (event.k === 'assign' || event.k === 'call') for (const t of event.targets ?? []) names.add(t);
    else if (event.k === 'def') names.add(facts.scopes[event.scope]?.qualname ?? '');
  }
  return names;
}

function shadowedLocally(scope: PyScope, name: string): boolean {
  if (scope.kind === 'module' || scope.globals.includes(name)) return false;
  return scope.params.includes(name) || scope.events.some((e) => (e.k === 'assign' || e.k === 'call') && e.targets?.includes(name));
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.file === b.file && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character && a.newText === b.newText;
}

/** Insertions at the same point become one edit (edits of a fix never overlap). */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  for (const edit of edits) {
    const same = merged.find((m) => m.file === edit.file && m.range.start.line === edit.range.start.line && m.range.start.character === edit.range.start.character);
    if (same) same.newText += edit.newText;
    else merged.push({ ...edit });
  }
  return merged;
}
