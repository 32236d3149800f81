import type { RuleMeta } from '../../model';

export const FG002_META: RuleMeta = {
  id: 'FG002',
  name: 'missing-query-timeout',
  defaultSeverity: 'warning',
  summary: 'A database connection, engine or pool, or a network call, has no read/statement timeout.',
  languages: ['python', 'typescript'],
};
