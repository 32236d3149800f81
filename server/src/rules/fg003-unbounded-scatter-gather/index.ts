/**
 * FG003 unbounded-scatter-gather: a fan-out waited for with no deadline, or with no bound on
 * concurrency. See README.md.
 */
import { readRuleDocs } from '../rule-docs';
import type { Rule } from '../types';
import { FG003_META } from './meta';
import { checkScatterGather } from './python';

export { FG003_META };

let docs: string | undefined;

export const FG003: Rule = {
  meta: FG003_META,
  /** Read on first use, so loading the registry costs no file access. */
  get docs(): string {
    docs ??= readRuleDocs('fg003-unbounded-scatter-gather', FG003_META.summary);
    return docs;
  },
  checkPython: (context) => checkScatterGather(context),
};
