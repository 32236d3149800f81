/**
 * How the CLI shows places: paths relative to the current directory with `/` separators, and
 * 1-based lines and columns (columns count UTF-16 code units, like the engine's positions).
 */
import path from 'node:path';
import type { Range } from '../model';

export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file) || path.basename(file);
  return relative.split(path.sep).join('/');
}

export interface OneBasedRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function oneBased(range: Range): OneBasedRange {
  return {
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/** Messages may span lines; compiler-style output keeps one finding per line. */
export function singleLine(message: string): string {
  return message.replace(/\s*\r?\n\s*/g, ' ');
}
