/** Builds an FG003 finding on a call, with its fixes (first one preferred). */
import type { Finding, Fix, RelatedLocation } from '../../model';
import type { PyCallEvent } from '../../python/facts';
import { preferFirst, ruleFinding } from '../finding';
import { FG003_META } from './meta';
import type { ScatterScope } from './scope';

export function findingOn(scope: ScatterScope, call: PyCallEvent, message: string, related: RelatedLocation[], fixes: (Fix | undefined)[]): Finding {
  const range = call.range.start.line === call.range.end.line ? call.range : call.calleeRange;
  return ruleFinding(FG003_META, { file: scope.file, range, message, related, fixes: preferFirst(fixes) });
}
