/**
 * Reads a rule's doc page (the README.md of its folder). From the sources (tests, tsx) the page sits
 * beside the rule's code; from a bundle the build copies it to `<bundle dir>/rules/<folder>/README.md`.
 * A missing page gives the rule's summary, never a crash.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RuleMeta } from '../model';
import type { Rule, RuleCheckers } from './types';

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

/** A doc page read on first use (so loading the registry costs no file access), then kept. */
export function lazyRuleDocs(folder: string, fallback: string): () => string {
  let docs: string | undefined;
  return () => (docs ??= readRuleDocs(folder, fallback));
}

/** A rule whose doc page is the README.md of its folder, with a checker per language it supports. */
export function defineRule(meta: RuleMeta, folder: string, checkers: RuleCheckers): Rule {
  const docs = lazyRuleDocs(folder, meta.summary);
  return {
    meta,
    get docs(): string {
      return docs();
    },
    ...(checkers.python ? { checkPython: checkers.python } : {}),
    ...(checkers.pythonIncremental ? { incrementalPython: checkers.pythonIncremental } : {}),
    ...(checkers.typescript ? { checkTypeScript: checkers.typescript } : {}),
    ...(checkers.typescriptIncremental ? { incrementalTypeScript: checkers.typescriptIncremental } : {}),
  };
}
