/**
 * The trend of eventlet references over git history: one sample a week for the last N weeks,
 * read from the commits themselves (`git rev-list` + `git grep <commit>`), never by checking out.
 */
import type { CancellationToken } from '../model';
import type { TrendSection, TrendSample } from './model';
import { countMatchingLines, gitTopLevel, runGit } from './git';
import { EVENTLET_PATTERN } from './textual-refs';

export const DEFAULT_HISTORY_WEEKS = 26;
export const MAX_HISTORY_WEEKS = 520;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface TrendOptions {
  weeks: number;
  /** The last sample's date (default: now). Tests fix it. */
  now?: Date;
  token?: CancellationToken;
}

/** The sample dates, oldest first: `now`, and each week before it, `weeks` in all. */
export function sampleDates(weeks: number, now: Date): Date[] {
  const dates: Date[] = [];
  for (let i = weeks - 1; i >= 0; i--) dates.push(new Date(now.getTime() - i * 7 * DAY_MS));
  return dates;
}

/**
 * Samples summed over the roots (each root counts its own subtree of its repository). A date
 * before a root's first commit adds nothing; a date before every root's first commit is left out.
 */
export async function eventletTrend(roots: readonly string[], options: TrendOptions): Promise<TrendSection> {
  if (options.weeks <= 0) return { samples: [], unavailable: 'history disabled (0 weeks asked)' };
  const repositories: string[] = [];
  for (const root of roots) if (await gitTopLevel(root)) repositories.push(root);
  if (repositories.length === 0) return { samples: [], unavailable: 'not a git repository: no history to sample' };

  const dates = sampleDates(options.weeks, options.now ?? new Date());
  const byDate = new Map<number, { commits: string[]; refs: number }>();
  for (const root of repositories) {
    const refsAtCommit = new Map<string, number>(); // consecutive weeks often share a commit
    for (let i = 0; i < dates.length; i++) {
      if (options.token?.isCancellationRequested) return { samples: [], unavailable: 'cancelled' };
      const commit = await commitBefore(root, dates[i]);
      if (commit === undefined) continue;
      let refs = refsAtCommit.get(commit);
      if (refs === undefined) {
        refs = await countMatchingLines(root, EVENTLET_PATTERN, commit);
        refsAtCommit.set(commit, refs);
      }
      const sample = byDate.get(i) ?? { commits: [], refs: 0 };
      sample.commits.push(commit);
      sample.refs += refs;
      byDate.set(i, sample);
    }
  }
  const samples: TrendSample[] = [...byDate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([i, sample]) => ({ date: isoDate(dates[i]), commit: sample.commits.join(','), refs: sample.refs }));
  return samples.length > 0 ? { samples } : { samples: [], unavailable: 'no commit in the sampled weeks' };
}

/** The last commit of HEAD made before the end of that UTC day, or undefined (none, or no HEAD). */
async function commitBefore(root: string, date: Date): Promise<string | undefined> {
  const endOfDay = `${isoDate(date)}T23:59:59Z`;
  const result = await runGit(root, ['rev-list', '-1', `--before=${endOfDay}`, 'HEAD']);
  const commit = result.stdout.trim();
  return result.code === 0 && commit !== '' ? commit : undefined;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
