/**
 * FG001 pool-before-fork: a pool alive in a process when it forks. See README.md.
 */
import { defineRule } from '../rule-docs';
import { FG001_META } from './meta';
import { checkPoolBeforeFork, FG001_PYTHON } from './python';
import { checkPoolBeforeForkTs } from './typescript';

export { FG001_META };

export const FG001 = defineRule(FG001_META, 'fg001-pool-before-fork', { python: checkPoolBeforeFork, pythonIncremental: FG001_PYTHON, typescript: checkPoolBeforeForkTs });
