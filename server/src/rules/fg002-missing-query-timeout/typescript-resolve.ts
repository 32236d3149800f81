/**
 * The calls of the workspace's TS/JS files that FG002 may care about, with what each callee
 * resolves to, kept per file between analyses (TsFileCache): the API checks, the "called on the result" checks
 * (`req.setTimeout()`) and the mysql2 query checks all read the same list.
 *
 * Resolving a call costs scans of its file's scopes, so only calls whose callee's last name is one
 * the catalog knows (`Pool`, `get`, `query`, `setTimeout`...) or a name imported in the file
 * (`import fetchIt from 'node-fetch'; fetchIt()`) are resolved; the others cannot be any of them.
 */
import { NODE_QUERY_TIMEOUTS, NODE_TIMEOUT_APIS } from '../../catalog/node-timeouts';
import type { TsCall } from '../../typescript/facts';
import { TsFileCache } from '../../typescript/file-cache';
import type { TsCallTarget, TsProgram } from '../../typescript/program';

export interface ResolvedCall {
  file: string;
  call: TsCall;
  target: TsCallTarget | undefined;
  /** For a call on a value a call made (`pool.query()`), what made it: see originOf. */
  origin?: CallOrigin;
}

/** The call that made the value a call runs on, and that maker's qualified name when it is an external API. */
export interface CallOrigin {
  file: string;
  call: number;
  qualname?: string;
}

/** Every last name a catalogued call, query method or result method can be written with. */
const RELEVANT_NAMES: ReadonlySet<string> = new Set([
  ...NODE_TIMEOUT_APIS.flatMap((api) => [...api.qualnames.map(lastName), ...(api.resultMethods ?? [])]),
  ...NODE_QUERY_TIMEOUTS.flatMap((entry) => [...entry.methods, 'on']),
]);

/**
 * The candidate calls of every file, by file. Each file's list is kept between analyses of one
 * program and resolved again only when the file, or a file its resolution read, changed.
 */
export function resolvedCallsByFile(program: TsProgram): Map<string, ResolvedCall[]> {
  return RESOLVED.all(program, (file) => resolveFileCalls(program, file));
}

/** The candidate calls of every file, one list. */
export function resolvedCalls(program: TsProgram): ResolvedCall[] {
  return [...resolvedCallsByFile(program).values()].flat();
}

const RESOLVED = new TsFileCache<ResolvedCall[]>();

function resolveFileCalls(program: TsProgram, file: string): ResolvedCall[] {
  const facts = program.facts(file);
  if (!facts) return [];
  const calls: ResolvedCall[] = [];
  const imported = new Set(facts.imports.map((entry) => entry.local).filter((local) => local !== ''));
  for (const call of facts.calls) {
    const last = call.callee[call.callee.length - 1];
    if (last === undefined || !(RELEVANT_NAMES.has(last) || (call.callee.length === 1 && imported.has(last)))) continue;
    const target = program.resolveCall(file, call.id);
    const origin = originOf(program, target);
    calls.push(origin ? { file, call, target, origin } : { file, call, target });
  }
  return calls;
}

/**
 * A member assignment that may set a module-wide default timeout (`axios.defaults.timeout = 5000`:
 * its member path is one the catalog lists), with what its root name resolves to.
 */
export interface ResolvedAssignment {
  target: TsCallTarget;
  members: string[];
}

/** Member paths a module-wide default timeout is assigned at (`defaults.timeout`). */
const DEFAULT_PATHS: ReadonlySet<string> = new Set(NODE_TIMEOUT_APIS.flatMap((api) => (api.moduleDefaults ?? []).map((path) => path.join('.'))));

const ASSIGNMENTS = new TsFileCache<ResolvedAssignment[]>();

/**
 * The default-setting member assignments of every file, resolved; each file's kept like its calls.
 * Only those whose member path sets a default are resolved (few: JS libraries assign members by
 * the thousand, `Foo.prototype.bar = ...`).
 */
export function resolvedDefaultAssignments(program: TsProgram): ResolvedAssignment[] {
  const byFile = ASSIGNMENTS.all(program, (file) => {
    const resolved: ResolvedAssignment[] = [];
    for (const assignment of program.facts(file)?.memberAssignments ?? []) {
      const [root, ...members] = assignment.target;
      if (root === undefined || !DEFAULT_PATHS.has(members.join('.'))) continue;
      const target = program.resolveName(file, [root], assignment.function);
      if (target) resolved.push({ target, members });
    }
    return resolved;
  });
  return [...byFile.values()].flat();
}

/** What made the value a call runs on: for `pool.query()`, the call that created `pool` (followed across files). */
export function originOf(program: TsProgram, target: TsCallTarget | undefined): CallOrigin | undefined {
  if (target?.kind !== 'instance') return undefined;
  const maker = program.resolveCall(target.file, target.call);
  return { file: target.file, call: target.call, qualname: maker?.kind === 'external' ? maker.qualname : undefined };
}

function lastName(qualname: string): string {
  return qualname.slice(qualname.lastIndexOf('.') + 1);
}
