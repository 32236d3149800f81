/**
 * Builds a PyProgram over an in-memory workspace (`{ 'pkg/mod.py': text }` under a fake root),
 * and applies fixes to in-memory texts. Shared by the program, summaries and FG001 tests.
 */
import * as path from 'node:path';
import type { Finding, Fix, TextEdit } from '../../server/src/model';
import { defaultConfig } from '../../server/src/model/config';
import { extractFactsFromText } from '../../server/src/python/extract';
import { PyProgram } from '../../server/src/python/program';
import { checkPoolBeforeFork } from '../../server/src/rules/fg001-pool-before-fork/python';

export const ROOT = path.resolve('/ws');

export function abs(relative: string): string {
  return path.join(ROOT, relative);
}

export interface TestWorkspace {
  program: PyProgram;
  texts: Map<string, string>;
  set(relative: string, text: string): Promise<void>;
}

export async function workspace(files: Record<string, string>, extra = { poolFactories: [] as string[], forkPoints: [] as string[], resetCalls: [] as string[] }): Promise<TestWorkspace> {
  const program = new PyProgram([ROOT], extra);
  const texts = new Map<string, string>();
  program.setTextSource((file) => texts.get(file));
  const ws: TestWorkspace = {
    program,
    texts,
    async set(relative, text) {
      texts.set(abs(relative), text);
      program.setFile(abs(relative), await extractFactsFromText(text));
    },
  };
  for (const [relative, text] of Object.entries(files)) await ws.set(relative, text);
  return ws;
}

export function check(ws: TestWorkspace): Finding[] {
  return checkPoolBeforeFork({ program: ws.program, config: defaultConfig() });
}

/** `file:line` (1-based) of each finding, relative to the root. */
export function where(findings: Finding[]): string[] {
  return findings.map((f) => `${path.relative(ROOT, f.file)}:${f.range.start.line + 1}`);
}

/** Applies a fix's edits to the texts (last edit first); returns the changed files' new texts. */
export function applyFix(texts: Map<string, string>, fix: Fix): Map<string, string> {
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of fix.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  const changed = new Map<string, string>();
  for (const [file, edits] of byFile) {
    let text = texts.get(file)!;
    edits.sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    for (const edit of edits) text = text.slice(0, offsetOf(text, edit.range.start)) + edit.newText + text.slice(offsetOf(text, edit.range.end));
    changed.set(path.relative(ROOT, file), text);
  }
  return changed;
}

function offsetOf(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + position.character;
}
