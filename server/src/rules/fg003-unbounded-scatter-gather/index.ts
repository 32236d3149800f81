/**
 * FG003 unbounded-scatter-gather: a fan-out waited for with no deadline, or with no bound on
 * concurrency. See README.md.
 */
import { defineRule } from '../rule-docs';
import { FG003_META } from './meta';
import { checkScatterGather, FG003_PYTHON } from './python';
import { checkScatterGatherTs, FG003_TYPESCRIPT } from './typescript';

export { FG003_META };

export const FG003 = defineRule(FG003_META, 'fg003-unbounded-scatter-gather', { python: checkScatterGather, pythonIncremental: FG003_PYTHON, typescript: checkScatterGatherTs, typescriptIncremental: FG003_TYPESCRIPT });
