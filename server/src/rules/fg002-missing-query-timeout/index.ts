/**
 * FG002 missing-query-timeout: a DB engine/connection/pool or network call without a read or
 * statement timeout, in Python code and in service config files. See README.md.
 */
import { defineRule } from '../rule-docs';
import { FG002_META } from './meta';
import { checkMissingTimeouts } from './python';

export { FG002_META };

export const FG002 = defineRule(FG002_META, 'fg002-missing-query-timeout', checkMissingTimeouts);
