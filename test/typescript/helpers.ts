/** Small helpers for the TS front-end tests: positions as strings, facts without ranges. */
import type { Range } from '../../server/src/model';

/** `line:char-line:char`, 0-based, for compact exact assertions on ranges. */
export function at(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** A deep copy without range fields (`range`, `nameRange`, `bodyRange`, `argsRange`), for assertions on structure. */
export function withoutRanges<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, inner) => (/^(range|nameRange|bodyRange|argsRange)$/.test(key) ? undefined : inner))) as T;
}
