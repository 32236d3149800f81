/**
 * FG003 for TypeScript/JavaScript: `Promise.all`/`Promise.allSettled` over one promise per item of
 * a collection of unknown size, with no bound on how many run at once AND no deadline. All three
 * must hold; the README's Node section says exactly what counts for each. The finding is on the
 * combinator's name (`all`); the related locations show where the per-item promises are made.
 */
import type { Finding } from '../../model';
import { preferFirst, ruleFinding } from '../finding';
import { FAN_OUT_WAITS, BOUND_FIX, type FanOutWaitApi } from '../../catalog/node-fanout';
import type { TsCall } from '../../typescript/facts';
import type { IncrementalTypeScriptChecker, TypeScriptRuleContext } from '../types';
import { FG003_META } from './meta';
import { perItemCollection, type PerItemCollection } from './typescript-collections';
import { fanOutFixes } from './typescript-fixes';
import { boundOf, deadlineOf } from './typescript-limits';
import { FanOutFile } from './typescript-names';

/** One unbounded fan-out wait found in a file (before it becomes a Finding): what tests inspect. */
export interface UnboundedFanOut {
  wait: TsCall;
  api: FanOutWaitApi;
  collection: PerItemCollection;
}

export function checkScatterGatherTs(context: TypeScriptRuleContext): Finding[] {
  return context.program.files().flatMap((file) => checkScatterGatherTsFile(context, file));
}

/** The findings of one file: they read other files only through the program (imports followed). */
export function checkScatterGatherTsFile(context: TypeScriptRuleContext, file: string): Finding[] {
  const facts = context.program.facts(file);
  if (!facts || facts.syntaxErrors.length > 0) return [];
  const view = new FanOutFile(file, facts, context.program);
  const fanOuts = unboundedFanOuts(view);
  if (fanOuts.length === 0) return [];
  const text = context.texts(file);
  const dependsOnPLimit = context.program.packageDependencies(file).has(BOUND_FIX.package);
  return fanOuts.map((fanOut) => toFinding(view, fanOut, text, context.config.timeoutSeconds, dependsOnPLimit));
}

export const FG003_TYPESCRIPT: IncrementalTypeScriptChecker = { checkFile: checkScatterGatherTsFile };

/** Last names of the fan-out waits (`all`, `allSettled`): a call named otherwise is not one, without resolving it. */
const WAIT_NAMES = new Set(FAN_OUT_WAITS.map((api) => api.path[api.path.length - 1]));

/** The fan-out waits of one file that wait on a per-item collection with no bound and no deadline. */
export function unboundedFanOuts(view: FanOutFile): UnboundedFanOut[] {
  const found: UnboundedFanOut[] = [];
  for (const wait of view.facts.calls) {
    if (wait.isNew || !WAIT_NAMES.has(wait.callee[wait.callee.length - 1])) continue;
    const api = FAN_OUT_WAITS.find((candidate) => view.callsGlobal(wait, candidate.path));
    const list = wait.args[0];
    if (!api || !list) continue;
    const collection = perItemCollection(view, list, wait.function);
    if (!collection) continue;
    if (boundOf(view, wait, collection.workRanges) || deadlineOf(view, wait, collection.workRanges)) continue;
    found.push({ wait, api, collection });
  }
  return found;
}

function toFinding(view: FanOutFile, fanOut: UnboundedFanOut, text: string | undefined, seconds: number, dependsOnPLimit: boolean): Finding {
  const { wait, api, collection } = fanOut;
  const fixes = text === undefined ? [] : fanOutFixes({ view, text, wait, waitLabel: api.label, collection, seconds, dependsOnPLimit });
  return ruleFinding(FG003_META, {
    file: view.file,
    range: wait.nameRange,
    message:
      `\`${api.label}\` waits for one promise per item of ${collection.label}, with no bound on how many run at once ` +
      `and no deadline: a large collection starts every task in one burst (sockets, pool connections, memory), and one ` +
      `task that never settles keeps this await pending forever. Run the tasks through a limiter (p-limit) and race ` +
      `the wait against a timer, or pass \`AbortSignal.timeout(ms)\` to each task.`,
    related: collection.sites.map((site) => ({ file: view.file, range: site.range, message: site.message })),
    fixes: preferFirst(fixes),
  });
}
