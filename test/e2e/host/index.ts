/**
 * Entry point VS Code loads inside the extension host (`extensionTestsPath`): runs the mocha
 * suites and settles once they end. The host reports the outcome to the page through
 * `codeAutomationExit`, which test/e2e/host.e2e.ts waits for.
 *
 * Bundled by host.e2e.ts into .e2e/host-tests/index.js, with `vscode` and `mocha` left external:
 * the extension host provides `vscode`, and `mocha` comes from the project's node_modules.
 */
import Mocha from 'mocha';
import { clientApiTests } from './clientApi.suite';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  // The suites get describe/it from this context instead of from globals.
  const context = {} as Mocha.MochaGlobals;
  mocha.suite.emit('pre-require', context, 'forkguard-host-tests', mocha);
  clientApiTests(context);
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-extension-host test(s) failed`)) : resolve()));
  });
}
