/**
 * Reads a rule's doc page (the README.md of its folder). From the sources (tests, tsx) the page sits
 * beside the rule's code; from a bundle the build copies it to `<bundle dir>/rules/<folder>/README.md`.
 * A missing page gives the rule's summary, never a crash.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export function readRuleDocs(folder: string, fallback: string): string {
  const candidates = [path.join(__dirname, folder, 'README.md'), path.join(__dirname, 'rules', folder, 'README.md')];
  for (const candidate of candidates) {
    try {
      return readFileSync(candidate, 'utf8');
    } catch {
      // not there: try the next place
    }
  }
  return fallback;
}
