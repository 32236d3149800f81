/**
 * Database URLs as SQLAlchemy and oslo.db take them: `driver://user:pass@host/db?key=value&...`.
 * Only what FG002 needs: the driver name, the query keys and values, and the text a fix appends.
 */
import type { DialectTimeout, TimeoutCarrier } from '../../catalog/python-timeouts';

export interface DatabaseUrl {
  /** `mysql+pymysql`, lower case; empty when the text is not a URL. */
  drivername: string;
  /** Query parameters, decoded (`options=-c%20statement_timeout%3D5` -> `-c statement_timeout=5`). */
  query: Map<string, string>;
  /** The URL already has a `?` (a fix appends with `&`, or nothing after a bare `?`). */
  hasQueryMark: boolean;
  endsWithSeparator: boolean;
}

export function parseDatabaseUrl(text: string): DatabaseUrl {
  const scheme = /^([A-Za-z][A-Za-z0-9+._-]*):\/\//.exec(text.trim());
  const mark = text.indexOf('?');
  const query = new Map<string, string>();
  if (mark >= 0) {
    for (const pair of text.slice(mark + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      query.set(decode(eq < 0 ? pair : pair.slice(0, eq)), decode(eq < 0 ? '' : pair.slice(eq + 1)));
    }
  }
  return { drivername: scheme ? scheme[1].toLowerCase() : '', query, hasQueryMark: mark >= 0, endsWithSeparator: /[?&]$/.test(text) };
}

/** The text to append to the URL to add `parameter` (`?read_timeout=30`, `&read_timeout=30`). */
export function queryAddition(url: DatabaseUrl, parameter: string): string {
  if (url.endsWithSeparator) return parameter;
  return `${url.hasQueryMark ? '&' : '?'}${parameter}`;
}

/** True when one of the dialect's keys in these settings sets the timeout. */
export function settingsCarryTimeout(settings: ReadonlyMap<string, string>, keys: readonly TimeoutCarrier[]): boolean {
  return keys.some((key) => {
    const value = settings.get(key.name);
    return value !== undefined && (key.token === undefined ? value !== '' : value.includes(key.token));
  });
}

export function urlCarriesTimeout(url: DatabaseUrl, dialect: DialectTimeout): boolean {
  return settingsCarryTimeout(url.query, dialect.keys);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
