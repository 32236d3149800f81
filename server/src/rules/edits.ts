/** Small text-edit helpers shared by the rules' quick fixes. */
import type { Position, TextEdit } from '../model';

/** An edit that inserts `newText` at `at` (an empty range). */
export function insertAt(file: string, at: Position, newText: string): TextEdit {
  return { file, range: { start: at, end: at }, newText };
}

/** The lines of a text, whatever its line endings (`\n`, `\r\n`, `\r`), without them. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
