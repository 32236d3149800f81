/**
 * The workspace the editor opens: two FG001 fixture cases side by side, copied fresh for each run
 * (the checks edit and save files). Two cases so that the Problems panel must list a finding in a
 * file that was never opened, and so that the quick fix (module-engine) and the cross-file edit
 * (oslo-process-launcher) each start from an untouched case.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

const FG001_FIXTURES = join(REPO_ROOT, 'server', 'src', 'rules', 'fg001-pool-before-fork', 'fixtures', 'python');

/** The fixture folders copied into the workspace root (each holds one top-level package). */
const CASES = [
  { fixture: 'module-engine', packageDir: 'app' },
  { fixture: 'oslo-process-launcher', packageDir: 'conductor' },
];

export interface ExpectedFinding {
  rule: string;
  /** Workspace-relative, with `/`. */
  file: string;
  /** 1-based */
  line: number;
  column: number;
  endColumn: number;
  message: string;
  /** Title of the preferred (first) fix. */
  preferredFixTitle: string;
}

export function createFixtureWorkspace(runDir: string): string {
  const workspace = join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const { fixture, packageDir } of CASES) {
    cpSync(join(FG001_FIXTURES, fixture, packageDir), join(workspace, packageDir), { recursive: true });
  }
  // A forkguard.toml activates the extension when the folder opens (`workspaceContains`), before
  // any Python file is, so the first scan covers files that are never opened.
  writeFileSync(join(workspace, 'forkguard.toml'), '# Activates ForkGuard for this workspace.\n');
  return workspace;
}

/** The text the preferred quick fix must produce, from the fixture's `.fixed/` folder. */
export function expectedFixedText(relativePath: string): string {
  const { fixture } = CASES.find((c) => relativePath.startsWith(`${c.packageDir}/`)) ?? {};
  if (!fixture) throw new Error(`${relativePath} is not in a fixture case of the e2e workspace`);
  return readFileSync(join(FG001_FIXTURES, fixture, '.fixed', relativePath), 'utf8');
}

/**
 * What the engine reports for the workspace, from the bundled CLI: the editor must show exactly
 * these. Only messages and fix titles come from here; the suite pins rule, file and line itself.
 */
export function engineFindings(workspace: string): ExpectedFinding[] {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', '--no-cache', '.'], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: 60_000,
  });
  let parsed: { findings: Array<Record<string, any>> };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`forkguard check --format json did not print JSON (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return parsed.findings.map((finding) => ({
    rule: finding.rule,
    file: String(finding.file).replace(/^\.\//, ''),
    line: finding.line,
    column: finding.column,
    endColumn: finding.endColumn,
    message: finding.message,
    preferredFixTitle: finding.fixes?.[0]?.title ?? '',
  }));
}
