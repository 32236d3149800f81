/**
 * The trend of eventlet references over git history: one sample a week for the last N weeks,
 * read from the commits themselves (`git log` + the blobs of each sampled tree), never by checking out.
 */
import type { CancellationToken } from '../model';
import type { TrendSection, TrendSample } from './model';
import { CommitLineCounter } from './commit-line-counter';
import { gitTopLevel, runGit } from './git';
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
    const history = await commitTimes(root);
    const counter = new CommitLineCounter(root, EVENTLET_PATTERN);
    try {
      for (let i = 0; i < dates.length; i++) {
        if (options.token?.isCancellationRequested) return { samples: [], unavailable: 'cancelled' };
        const commit = commitBefore(history, dates[i]);
        if (commit === undefined) continue;
        const sample = byDate.get(i) ?? { commits: [], refs: 0 };
        sample.commits.push(commit);
        sample.refs += await counter.count(commit);
        byDate.set(i, sample);
      }
    } finally {
      counter.dispose();
    }
  }
  const samples: TrendSample[] = [...byDate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([i, sample]) => ({ date: isoDate(dates[i]), commit: sample.commits.join(','), refs: sample.refs }));
  return samples.length > 0 ? { samples } : { samples: [], unavailable: 'no commit in the sampled weeks' };
}

interface CommitTime {
  commit: string;
  /** Committer date, seconds since the epoch. */
  seconds: number;
}

/** HEAD's history in `git rev-list`'s default order (newest committer date first); empty without a HEAD. */
async function commitTimes(root: string): Promise<CommitTime[]> {
  const result = await runGit(root, ['log', '--format=%H %ct', 'HEAD']);
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [commit, seconds] = line.split(' ');
      return { commit, seconds: Number(seconds) };
    });
}

/**
 * The commit `git rev-list -1 --before=<end of that UTC day> HEAD` names: the first, in that order,
 * committed before the end of the day (undefined when there is none). One `git log` serves every date.
 */
function commitBefore(history: readonly CommitTime[], date: Date): string | undefined {
  const endOfDay = Date.parse(`${isoDate(date)}T23:59:59Z`) / 1000;
  return history.find((entry) => entry.seconds <= endOfDay)?.commit;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
