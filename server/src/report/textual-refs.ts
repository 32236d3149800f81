/**
 * The textual count of eventlet references: lines containing `eventlet`, summed over files, the
 * way a team measures what is left (`git grep -c eventlet`). In a git repository it counts the
 * tracked files under each root (their working-tree text); elsewhere the files the engine scanned.
 */
import path from 'node:path';
import { countMatchingLines, gitTopLevel } from './git';

export const EVENTLET_PATTERN = 'eventlet';

export interface TextualRefs {
  count: number;
  source: 'git' | 'files';
}

/**
 * @param roots workspace roots
 * @param scannedFiles files of the scan (used for roots outside git)
 * @param textOf the text of a file as the engine sees it
 */
export async function countTextualRefs(
  roots: readonly string[],
  scannedFiles: readonly string[],
  textOf: (file: string) => string | undefined,
): Promise<TextualRefs> {
  let count = 0;
  let allGit = roots.length > 0;
  for (const root of roots) {
    if (await gitTopLevel(root)) {
      count += await countMatchingLines(root, EVENTLET_PATTERN, undefined);
      continue;
    }
    allGit = false;
    for (const file of scannedFiles) {
      if (isUnder(file, root)) count += countLinesContaining(textOf(file) ?? '', EVENTLET_PATTERN);
    }
  }
  return { count, source: allGit ? 'git' : 'files' };
}

export function countLinesContaining(text: string, needle: string): number {
  let count = 0;
  for (const line of text.split('\n')) if (line.includes(needle)) count++;
  return count;
}

function isUnder(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
