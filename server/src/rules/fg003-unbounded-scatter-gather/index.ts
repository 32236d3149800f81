/**
 * FG003 unbounded-scatter-gather: a fan-out waited for with no deadline, or with no bound on
 * concurrency. See README.md.
 */
import { defineRule } from '../rule-docs';
import { FG003_META } from './meta';
import { checkScatterGather } from './python';

export { FG003_META };

export const FG003 = defineRule(FG003_META, 'fg003-unbounded-scatter-gather', checkScatterGather);
