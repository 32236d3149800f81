/**
 * Workspace scatter-gather helpers (`scatter_gather_cells(ctx, cells, timeout, fn)`): a function
 * whose parameter `timeout` is passed on as the timeout of a wait it makes. Calling one with
 * `timeout=None` (by keyword or position) takes the deadline away: a finding on the call.
 */
import type { Finding } from '../../model';
import type { FunctionRef } from '../../python/callgraph';
import type { PyCallEvent, PyValue } from '../../python/facts';
import { passesNone } from './candidates';
import { replaceNoneFix } from './fixes';
import { findingOn } from './finding';
import { ScatterScope, timeoutArgument } from './scope';

const TIMEOUT_PARAMETER = 'timeout';

interface HelperWait {
  label: string;
  call: PyCallEvent;
}

export function helperCallFindings(scope: ScatterScope, seconds: number): Finding[] {
  const findings: Finding[] = [];
  scope.scope.events.forEach((event, index) => {
    if (event.k !== 'call' || !passesNone(event)) return;
    const resolved = scope.resolve(index);
    if (!resolved || resolved.byName) return;
    for (const fn of resolved.functions) {
      const none = noneGivenForTimeout(scope, event, fn);
      const wait = none && waitTakingTimeoutParameter(scope, fn);
      if (!none || !wait) continue;
      const name = scope.program.facts(fn.file)!.scopes[fn.scope].qualname;
      const where = `${scope.program.relativePath(fn.file)}:${wait.call.range.start.line + 1}`;
      const message =
        `\`${name}()\` is called with \`timeout=None\`, which becomes the timeout of its \`${wait.label}\` (${where}): the scatter-gather then has no deadline, ` +
        `so one hung task blocks it forever. Pass a timeout (\`${seconds}\`); timed-out native threads keep running, so the helper should cancel the futures that are not done.`;
      const related = [{ file: fn.file, range: wait.call.range, message: `\`${TIMEOUT_PARAMETER}\` is the deadline of this wait` }];
      findings.push(findingOn(scope, event, message, related, [replaceNoneFix(scope.file, none, seconds, name)]));
      break;
    }
  });
  return findings;
}

/** The `None` the call passes for the helper's `timeout` parameter, by keyword or by position. */
function noneGivenForTimeout(scope: ScatterScope, call: PyCallEvent, fn: FunctionRef): PyValue | undefined {
  // Read as one value of the callee's file, not its facts: every call passing a `None` asks.
  const target = scope.program.derived(fn.file, `timeout parameter ${fn.scope}`, () => {
    const found = scope.program.facts(fn.file)?.scopes[fn.scope];
    return found && { index: found.params.indexOf(TIMEOUT_PARAMETER), method: found.className !== undefined && !found.decorators.includes('staticmethod') };
  });
  if (!target) return undefined;
  const parameterIndex = target.index;
  if (parameterIndex < 0) return undefined;
  // A method called on an instance or class receives `self`/`cls` implicitly.
  const implicitFirst = target.method && call.callee.includes('.') ? 1 : 0;
  const value = timeoutArgument(call, { name: TIMEOUT_PARAMETER, position: parameterIndex - implicitFirst });
  return value?.kind === 'none' ? value : undefined;
}

/** A wait (or deadline) in the helper whose timeout argument is the helper's `timeout` parameter. */
function waitTakingTimeoutParameter(caller: ScatterScope, fn: FunctionRef): HelperWait | undefined {
  const helper = new ScatterScope(caller.program, caller.catalog, fn.file, fn.scope);
  for (let index = 0; index < helper.scope.events.length; index++) {
    const call = helper.call(index);
    if (!call) continue;
    const deadline = helper.externals(index).map((q) => helper.catalog.deadlineByName.get(q)).find((d) => d !== undefined);
    const api = deadline ?? helper.waitApiOf(index);
    if (!api?.timeout) continue;
    const value = timeoutArgument(call, api.timeout);
    if (value?.kind === 'name' && value.dotted === TIMEOUT_PARAMETER) return { label: api.label, call };
  }
  return undefined;
}
