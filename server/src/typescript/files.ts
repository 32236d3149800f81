/**
 * Which files the TS/JS front end analyses. Pure string checks, no TypeScript import: the engine
 * asks these for every discovered file, including in Python-only workspaces that never load ts-morph.
 */
import * as path from 'node:path';

/** Extensions of the TS/JS sources ForkGuard analyses. */
export const TS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'] as const;

/** Declaration files describe types only: nothing in them runs. */
const DECLARATION_FILE = /\.d\.[cm]?ts$/i;

/** True for a `.ts`/`.js`/... source file, false for `.d.ts` files and everything else. */
export function isTsSourceFile(file: string): boolean {
  return (TS_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase()) && !DECLARATION_FILE.test(file);
}

/** True for a `.d.ts` / `.d.mts` / `.d.cts` file. */
export function isDeclarationFile(file: string): boolean {
  return DECLARATION_FILE.test(file);
}
