/**
 * FG001 pool-before-fork: a pool alive in a process when it forks. See README.md.
 */
import { readRuleDocs } from '../rule-docs';
import type { Rule } from '../types';
import { FG001_META } from './meta';
import { checkPoolBeforeFork } from './python';

export { FG001_META };

let docs: string | undefined;

export const FG001: Rule = {
  meta: FG001_META,
  /** Read on first use, so loading the registry costs no file access. */
  get docs(): string {
    docs ??= readRuleDocs('fg001-pool-before-fork', FG001_META.summary);
    return docs;
  },
  checkPython: (context) => checkPoolBeforeFork(context),
};
