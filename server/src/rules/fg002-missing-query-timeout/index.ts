/**
 * FG002 missing-query-timeout: a DB engine/connection/pool or network call without a read or
 * statement timeout, in Python code and in service config files. See README.md.
 */
import { readRuleDocs } from '../rule-docs';
import type { Rule } from '../types';
import { FG002_META } from './meta';
import { checkMissingTimeouts } from './python';

export { FG002_META };

let docs: string | undefined;

export const FG002: Rule = {
  meta: FG002_META,
  /** Read on first use, so loading the registry costs no file access. */
  get docs(): string {
    docs ??= readRuleDocs('fg002-missing-query-timeout', FG002_META.summary);
    return docs;
  },
  checkPython: (context) => checkMissingTimeouts(context),
};
