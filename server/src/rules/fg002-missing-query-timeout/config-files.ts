/**
 * FG002 in service config files: oslo.config style INI files (`nova.conf`) whose `[database]` /
 * `[api_database]` `connection = mysql+pymysql://...` has no read timeout in its query. The fix
 * appends the parameter to the URL.
 */
import type { Finding, Fix, Range } from '../../model';
import { ruleFinding } from '../finding';
import { CONFIG_CONNECTION_OPTION, CONFIG_DATABASE_SECTIONS, dialectOf, timeoutValue } from '../../catalog/python-timeouts';
import { parseDatabaseUrl, queryAddition, urlCarriesTimeout, type DatabaseUrl } from './database-url';
import { FG002_META } from './meta';

export interface ConfigConnection {
  file: string;
  section: string;
  /** Range of the URL value on its line. */
  range: Range;
  text: string;
  url: DatabaseUrl;
}

/** Every database `connection` option of the config files, in file and line order. */
export function configConnections(configFiles: ReadonlyMap<string, string>): ConfigConnection[] {
  const found: ConfigConnection[] = [];
  for (const file of [...configFiles.keys()].sort()) {
    let section = '';
    configFiles.get(file)!.split(/\r\n|\r|\n/).forEach((line, index) => {
      const header = /^\s*\[([^\]]+)\]/.exec(line);
      if (header) {
        section = header[1].trim();
        return;
      }
      if (!CONFIG_DATABASE_SECTIONS.includes(section)) return;
      const option = /^(\s*([A-Za-z_][\w-]*)\s*[=:]\s*)(\S(?:.*?\S)?)?(?=\s+[#;]|\s*$)/.exec(line);
      if (!option || option[2] !== CONFIG_CONNECTION_OPTION || option[3] === undefined) return;
      const start = option[1].length;
      const text = option[3];
      const range = { start: { line: index, character: start }, end: { line: index, character: start + text.length } };
      found.push({ file, section, range, text, url: parseDatabaseUrl(text) });
    });
  }
  return found;
}

/** True when the connection's dialect is known and its URL has no timeout. */
export function lacksTimeout(connection: ConfigConnection): boolean {
  const dialect = dialectOf(connection.url.drivername);
  return dialect !== undefined && !urlCarriesTimeout(connection.url, dialect);
}

export function checkConfigFiles(configFiles: ReadonlyMap<string, string>, timeoutSeconds: number, relative: (file: string) => string): Finding[] {
  const findings: Finding[] = [];
  for (const connection of configConnections(configFiles)) {
    const dialect = dialectOf(connection.url.drivername);
    if (!dialect || urlCarriesTimeout(connection.url, dialect)) continue;
    const parameter = dialect.urlFix === undefined ? undefined : timeoutValue(dialect.urlFix, timeoutSeconds);
    const where = `[${connection.section}] ${CONFIG_CONNECTION_OPTION} in ${relative(connection.file)}`;
    const todo = parameter === undefined ? `Set \`${dialect.option}\` in the engine's \`connect_args\`` : `Append \`${parameter}\` to the URL`;
    const fixes: Fix[] =
      parameter === undefined
        ? []
        : [
            {
              title: `Append \`${parameter}\` to the database URL`,
              edits: [{ file: connection.file, range: { start: connection.range.end, end: connection.range.end }, newText: queryAddition(connection.url, parameter) }],
              preferred: true,
              safe: true,
            },
          ];
    const message =
      `${dialect.label} URL of ${where} has no \`${dialect.option}\`: a hung query holds its thread forever ` +
      `(native threads cannot be cancelled), and the pool drains. ${todo} (${dialect.unit}).`;
    findings.push(ruleFinding(FG002_META, { file: connection.file, range: connection.range, message, related: [], fixes }));
  }
  return findings;
}
