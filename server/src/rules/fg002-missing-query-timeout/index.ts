/**
 * FG002 missing-query-timeout: a DB engine/connection/pool or network call without a read or
 * statement timeout, in Python code and service config files, and in TS/JS (Node clients). See README.md.
 */
import { defineRule } from '../rule-docs';
import { FG002_META } from './meta';
import { checkMissingTimeouts, FG002_PYTHON } from './python';
import { checkMissingTimeoutsTs, FG002_TYPESCRIPT } from './typescript';

export { FG002_META };

export const FG002 = defineRule(FG002_META, 'fg002-missing-query-timeout', { python: checkMissingTimeouts, pythonIncremental: FG002_PYTHON, typescript: checkMissingTimeoutsTs, typescriptIncremental: FG002_TYPESCRIPT });
