/**
 * Runs the in-extension-host mocha tests (test/e2e/host/) inside a real VS Code: a fresh
 * code-server loads this repository as an extension in development mode, with
 * `extensionTestsPath` pointing at the bundled tests, and reports their outcome through
 * `codeAutomationExit`. Their spec output is printed as `[exthost]` lines. Needs `npm run build`
 * (dist/client.js, dist/server.js); `npm run test:e2e` does it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { launchBrowser, type Browser } from './lib/browser';
import { prepareProfile, startCodeServer, type CodeServer } from './lib/codeServer';
import { createFixtureWorkspace } from './lib/fixtureWorkspace';
import { REPO_ROOT, requireE2eTools, SCREENSHOTS_DIR } from './lib/paths';
import { FailureTracker, freshRunDir } from './lib/run';

const TESTS_TIMEOUT_MS = 150_000;

/** Bundles test/e2e/host into the run folder (inside the repository: see lib/paths.ts). */
async function bundleHostTests(runDir: string): Promise<string> {
  const outfile = join(runDir, 'host-tests', 'index.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'host', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return outfile;
}

describe('client API in the extension host (mocha, development mode)', () => {
  const tracker = new FailureTracker();
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let runDir = '';

  before(() =>
    tracker.track(async () => {
      requireE2eTools();
      for (const bundle of ['client.js', 'server.js']) {
        if (!existsSync(join(REPO_ROOT, 'dist', bundle))) throw new Error(`dist/${bundle} is missing: run \`npm run build\` first`);
      }
      runDir = await freshRunDir('host');
      prepareProfile(runDir);
      server = await startCodeServer(runDir);
      browser = await launchBrowser(runDir);
    }),
  );

  after(async () => {
    await browser?.close().catch((error: Error) => console.error(`closing chromium: ${error.message}`));
    await server?.stop();
    if (tracker.failed && server) console.error(`\n===== logs of the failed run (${server.runDir}) =====\n${server.logs()}`);
  });

  it('passes every in-extension-host test', () =>
    tracker.track(async () => {
      if (!server || !browser) throw new Error('code-server or chromium did not start (see the set-up failure above)');
      const testsPath = await bundleHostTests(runDir);
      const workspace = createFixtureWorkspace(runDir);
      const page = browser.page;
      let exitCode: number | undefined;
      const finished = new Promise<void>((resolve) =>
        page.exposeFunction('codeAutomationExit', (code: number) => {
          exitCode = code;
          resolve();
        }),
      );
      await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => console.log('[exthost]', format(...(args ?? []))));

      const remote = (path: string) => `vscode-remote://${new URL(server!.baseUrl).host}${path}`;
      const payload = [
        ['extensionDevelopmentPath', remote(REPO_ROOT)],
        ['extensionTestsPath', remote(testsPath)],
        ['disableExtensions', 'true'],
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ];
      await page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, TESTS_TIMEOUT_MS)));
      await Promise.race([finished, timedOut]);
      clearTimeout(timer);
      await page.screenshot({ path: join(SCREENSHOTS_DIR, 'host', 'after-tests.png') }).catch(() => undefined);
      assert.notEqual(exitCode, undefined, `the extension host did not report an outcome within ${TESTS_TIMEOUT_MS / 1000} s`);
      assert.equal(exitCode, 0, 'in-extension-host tests failed (their output is above, as [exthost] lines)');
    }),
  );
});
