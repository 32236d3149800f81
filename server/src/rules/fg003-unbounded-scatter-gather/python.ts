/**
 * FG003 checker for Python. Per function (and module top level):
 *   - a wait with no deadline after a fan-out in the same function (finding on the wait);
 *   - a fan-out of one thread/task per item with no bound on concurrency (finding on the fan-out);
 *   - a workspace scatter-gather helper called with `timeout=None`, when its `timeout` parameter
 *     reaches a wait's timeout (finding on the call).
 */
import type { Finding, RelatedLocation } from '../../model';
import type { IncrementalPythonChecker, PythonRuleContext } from '../types';
import { wholeProgramChecker } from '../incremental';
import { CandidateFilter, scatterGatherCatalog } from './candidates';
import { addTimeoutFix, wrapInWaitForFix } from './fixes';
import { findingOn } from './finding';
import { ScatterScope, timeoutState, type FanOut, type Wait } from './scope';
import { concurrencyFindings } from './concurrency';
import { helperCallFindings } from './helpers';

export const FG003_PYTHON: IncrementalPythonChecker = { checkFile: checkFileScatterGather };

export const checkScatterGather = wholeProgramChecker(FG003_PYTHON);

function checkFileScatterGather({ program, config }: PythonRuleContext, file: string): Finding[] {
  const { catalog, memberNames } = scatterGatherCatalog(program);
  const findings: Finding[] = [];
  const facts = program.facts(file);
  if (!facts) return findings;
  const filter = new CandidateFilter(memberNames, facts);
  for (let index = 0; index < facts.scopes.length; index++) {
    if (!filter.hasCandidate(facts.scopes[index])) continue;
    const scope = new ScatterScope(program, catalog, file, index, (call) => filter.isCandidate(call));
    for (const wait of scope.waits()) {
      const finding = waitFinding(scope, wait, config.timeoutSeconds);
      if (finding) findings.push(finding);
    }
    findings.push(...concurrencyFindings(scope), ...helperCallFindings(scope, config.timeoutSeconds));
  }
  return findings;
}

/** A wait with no deadline over fanned-out work, or undefined. */
function waitFinding(scope: ScatterScope, wait: Wait, seconds: number): Finding | undefined {
  const { api, call, event } = wait;
  if (scope.wrappedWithDeadline(event) || scope.underDeadlineScope(call)) return undefined;
  const earlier = scope.fanOuts().filter((f) => f.event < event);
  const state = api.timeout ? timeoutState(call, api.timeout) : 'absent';
  if (state === 'given') return undefined;
  const said = state === 'none' ? 'with `timeout=None` (no deadline)' : 'with no deadline';
  const cancelRest =
    'A native thread that timed out keeps running (threads cannot be cancelled from outside), so cancel the futures that are not done ' +
    `(\`done, not_done = wait(futures, timeout=${seconds})\`, then \`f.cancel()\` for each of \`not_done\`) and give the work its own timeout.`;
  switch (api.kind) {
    case 'futures':
    case 'future': {
      if (earlier.length === 0) return undefined;
      const message =
        `\`${api.label}\` waits ${said} for the tasks fanned out by ${describeFanOuts(earlier)}: one hung task (a slow query, a dead peer) ` +
        `blocks it forever. Pass \`timeout=${seconds}\`. ${cancelRest}`;
      return findingOn(scope, call, message, relatedOf(scope, earlier), [addTimeoutFix(scope, call, api.timeout!, seconds, api.label)]);
    }
    case 'map': {
      if (call.args.length > 1 && call.args.slice(1).every((a) => a.kind === 'list') && !call.hasStarArgs) return undefined;
      const message =
        `\`${api.label}\` fans out one task per item and its results iterator waits ${said} for each: one hung task blocks the loop reading them forever. ` +
        `Pass \`timeout=${seconds}\`. ${cancelRest}`;
      return findingOn(scope, call, message, [], [addTimeoutFix(scope, call, api.timeout!, seconds, api.label)]);
    }
    case 'gather': {
      if (!call.hasStarArgs) return undefined; // a fixed set of awaitables
      const comprehensions = scope.comprehensionsIn(call.argsRange);
      if (comprehensions.length > 0 && comprehensions.every((c) => scope.perItemLoop(c.index) === undefined)) return undefined;
      const perItem = comprehensions.map((c) => scope.perItemLoop(c.index)).find((loop) => loop !== undefined);
      const what =
        earlier.length > 0
          ? `the tasks fanned out by ${describeFanOuts(earlier)}`
          : perItem?.test !== undefined
            ? `one awaitable per item of \`${perItem.test}\``
            : 'every awaitable of a collection of unknown size';
      const message =
        `\`${api.label}\` waits with no deadline for ${what}: the slowest task decides when it returns, and it never returns if one hangs. ` +
        `Wrap it in \`asyncio.wait_for(..., timeout=${seconds})\` (or run it under \`async with asyncio.timeout(${seconds}):\`). ` +
        'On timeout the pending tasks are cancelled, but work handed to threads (`run_in_executor`, `to_thread`) keeps running until it ends by itself.';
      return findingOn(scope, call, message, relatedOf(scope, earlier), [wrapInWaitForFix(scope, event, seconds)]);
    }
    case 'pool': {
      if (earlier.length === 0) return undefined;
      const message =
        `\`${api.label}\` takes no timeout and waits for every green thread spawned by ${describeFanOuts(earlier)}: one hung task blocks it forever. ` +
        `Wait under \`with eventlet.Timeout(${seconds}):\` and kill the green threads still running; with native threads, use an executor and ` +
        `\`concurrent.futures.wait(futures, timeout=${seconds})\`, then cancel the futures that are not done (timed-out threads keep running).`;
      return findingOn(scope, call, message, relatedOf(scope, earlier), []);
    }
  }
}

/** `` `executor.submit()` per item of `cells` (line 12) ``, joined for several. */
export function describeFanOuts(fanOuts: FanOut[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const fanOut of fanOuts) {
    const text = `\`${fanOut.label}\`${fanOut.byName ? ' (judged by method name)' : ''} ${perItemText(fanOut)} (line ${fanOut.call.range.start.line + 1})`;
    if (!seen.has(text)) parts.push(text);
    seen.add(text);
  }
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function perItemText(fanOut: FanOut): string {
  return fanOut.loop.kind === 'while' ? 'in a `while` loop' : `per item of \`${fanOut.loop.test ?? '?'}\``;
}

function relatedOf(scope: ScatterScope, fanOuts: FanOut[]): RelatedLocation[] {
  return fanOuts.map((f) => ({ file: scope.file, range: f.call.range, message: `fans out here, ${perItemText(f)}` }));
}
