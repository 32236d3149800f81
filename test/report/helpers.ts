/** Fixture workspaces and git repositories for the report tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyze, Workspace } from '../../server/src/engine';
import { buildReport, type MigrationReport, type ReportOptions } from '../../server/src/report';

const created: string[] = [];

export function removeFixtureDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh folder holding these files (path -> text). */
export function workspaceDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fg-report-'));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** Runs git in `dir` with a fixed identity, author and committer date (`YYYY-MM-DDTHH:MM:SSZ`). */
export function git(dir: string, args: string[], date = '2025-01-01T12:00:00Z'): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: dir,
    },
  });
}

/** Commits these files (added or replaced) on that date. */
export function commitOn(dir: string, date: string, files: Record<string, string>): string {
  writeFiles(dir, files);
  git(dir, ['add', '-A'], date);
  git(dir, ['commit', '-q', '-m', `change on ${date}`], date);
  return git(dir, ['rev-parse', 'HEAD'], date).trim();
}

/** Scans, analyses and reports on a folder the way the CLI does. */
export async function reportOf(root: string, options: ReportOptions = {}): Promise<MigrationReport> {
  const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0 });
  try {
    await workspace.scan();
    return await buildReport(workspace, await analyze(workspace), options);
  } finally {
    await workspace.dispose();
  }
}
