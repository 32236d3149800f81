/**
 * The calls of the workspace's TS/JS files that FG002 may care about, with what each callee
 * resolves to, computed once per run: the API checks, the "called on the result" checks
 * (`req.setTimeout()`) and the mysql2 query checks all read the same list.
 *
 * Resolving a call costs scans of its file's scopes, so only calls whose callee's last name is one
 * the catalog knows (`Pool`, `get`, `query`, `setTimeout`...) or a name imported in the file
 * (`import fetchIt from 'node-fetch'; fetchIt()`) are resolved; the others cannot be any of them.
 */
import { NODE_QUERY_TIMEOUTS, NODE_TIMEOUT_APIS } from '../../catalog/node-timeouts';
import type { TsCall } from '../../typescript/facts';
import type { TsCallTarget, TsProgram } from '../../typescript/program';

export interface ResolvedCall {
  file: string;
  call: TsCall;
  target: TsCallTarget | undefined;
}

/** Every last name a catalogued call, query method or result method can be written with. */
const RELEVANT_NAMES: ReadonlySet<string> = new Set([
  ...NODE_TIMEOUT_APIS.flatMap((api) => [...api.qualnames.map(lastName), ...(api.resultMethods ?? [])]),
  ...NODE_QUERY_TIMEOUTS.flatMap((entry) => [...entry.methods, 'on']),
]);

export function resolvedCalls(program: TsProgram): ResolvedCall[] {
  const calls: ResolvedCall[] = [];
  for (const file of program.files()) {
    const facts = program.facts(file);
    if (!facts) continue;
    const imported = new Set(facts.imports.map((entry) => entry.local).filter((local) => local !== ''));
    for (const call of facts.calls) {
      const last = call.callee[call.callee.length - 1];
      if (last === undefined || !(RELEVANT_NAMES.has(last) || (call.callee.length === 1 && imported.has(last)))) continue;
      calls.push({ file, call, target: program.resolveCall(file, call.id) });
    }
  }
  return calls;
}

/** What made the value a call runs on: for `pool.query()`, the call that created `pool` (followed across files). */
export function originOf(program: TsProgram, target: TsCallTarget | undefined): { file: string; call: number; qualname?: string } | undefined {
  if (target?.kind !== 'instance') return undefined;
  const maker = program.resolveCall(target.file, target.call);
  return { file: target.file, call: target.call, qualname: maker?.kind === 'external' ? maker.qualname : undefined };
}

function lastName(qualname: string): string {
  return qualname.slice(qualname.lastIndexOf('.') + 1);
}
