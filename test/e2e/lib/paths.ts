/**
 * Where the end-to-end suite finds its tools and puts its output. Everything it writes lives in
 * git-ignored folders: `.e2e/` (run folders: profiles, logs, workspace copies, bundled host tests)
 * and `test-results/e2e/` (screenshots).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The folder setup.sh installed code-server and playwright-core into. */
export const VENDOR_DIR = join(process.env.FORKGUARD_E2E_CACHE ?? join(homedir(), '.cache', 'forkguard-e2e'), 'vendor');

export const CODE_SERVER_BIN = join(VENDOR_DIR, 'node_modules', '.bin', 'code-server');
export const CHROMIUM_BIN = '/usr/bin/chromium';
/** Run folders; inside the repository so that bundled host tests resolve `mocha` and `vscode`. */
export const RUNS_DIR = join(REPO_ROOT, '.e2e');

/**
 * The package under test: run.sh copies the forkguard.vsix that `npm run package` just built here,
 * so that a later `npm run package` (another task in the same tree) cannot swap it mid-run.
 */
export const VSIX_PATH = join(RUNS_DIR, 'forkguard.vsix');
export const SCREENSHOTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');

/** Fails with a message that says what to run, instead of a stack trace from deep inside a tool. */
export function requireE2eTools(): void {
  const missing = [CODE_SERVER_BIN, CHROMIUM_BIN].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: run \`npm run test:e2e\` (or \`bash test/e2e/setup.sh\`) first`);
  }
}

/** The extension's id as VS Code knows it: `<publisher>.<name>` from package.json. */
export function extensionId(): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${manifest.publisher}.${manifest.name}`;
}
