/** Builds an FG003 finding on a call, with its fixes (first one preferred). */
import type { Finding, Fix, RelatedLocation } from '../../model';
import type { PyCallEvent } from '../../python/facts';
import { FG003_META } from './meta';
import type { ScatterScope } from './scope';

export function findingOn(scope: ScatterScope, call: PyCallEvent, message: string, related: RelatedLocation[], fixes: (Fix | undefined)[]): Finding {
  const range = call.range.start.line === call.range.end.line ? call.range : call.calleeRange;
  const offered = fixes.filter((f): f is Fix => f !== undefined);
  offered.forEach((fix, index) => (fix.preferred = index === 0));
  return {
    rule: FG003_META.id,
    name: FG003_META.name,
    severity: FG003_META.defaultSeverity === 'off' ? 'warning' : FG003_META.defaultSeverity,
    file: scope.file,
    range,
    message,
    related,
    fixes: offered,
  };
}
