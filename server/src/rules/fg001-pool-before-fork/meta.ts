import type { RuleMeta } from '../../model';

export const FG001_META: RuleMeta = {
  id: 'FG001',
  name: 'pool-before-fork',
  defaultSeverity: 'warning',
  summary: 'A pool (thread pool, executor, DB engine, started thread, RPC client; in Node a database or Redis client, or a worker pool) is alive when the process forks.',
  languages: ['python', 'typescript'],
};
