import type { RuleMeta } from '../../model';

export const FG003_META: RuleMeta = {
  id: 'FG003',
  name: 'unbounded-scatter-gather',
  defaultSeverity: 'warning',
  summary: 'Tasks fanned out per item are waited for with no deadline, or run with no bound on how many run at once.',
  languages: ['python', 'typescript'],
};
