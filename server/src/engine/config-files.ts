/**
 * Service configuration files (`*.conf`, `*.ini`): rules read some of their settings (FG002: a
 * database URL without a read timeout). They are small, so the workspace keeps their text as is;
 * this module holds what is specific to them: which files they are, the size limit, and their
 * suppression comments (`# forkguard: ignore[FG002]`, also after `;`).
 */
import * as path from 'node:path';
import type { SuppressionComment } from '../model';

export const CONFIG_FILE_EXTENSIONS: readonly string[] = ['.conf', '.ini'];
/** A service config above this size is data, not configuration: not read. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export function isServiceConfigFile(file: string): boolean {
  return CONFIG_FILE_EXTENSIONS.includes(path.extname(file));
}

/** `forkguard: ignore[...]` directives written in a `#` or `;` comment of a config file. */
export function configFileSuppressions(text: string): SuppressionComment[] {
  const result: SuppressionComment[] = [];
  const directive = /forkguard:\s*ignore(?![\w-])(?:\[([^\]\r\n]*)\])?/;
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const marker = line.search(/(^|\s)[#;]/);
    if (marker < 0) return;
    const comment = line.slice(marker);
    const match = directive.exec(comment);
    if (!match) return;
    const start = marker + match.index;
    const codes = match[1] === undefined ? null : match[1].split(',').map((code) => code.trim()).filter((code) => code !== '');
    result.push({ line: index, codes, range: { start: { line: index, character: start }, end: { line: index, character: start + match[0].length } } });
  });
  return result;
}
