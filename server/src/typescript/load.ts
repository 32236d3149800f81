/**
 * Lazy access to the TS front end (frontend.ts): dist/typescript-frontend.js beside the running
 * bundle, else (tests and tools running from sources under tsx) the source module. Nothing here
 * imports TypeScript, so importing this file costs nothing until loadTsFrontend() is called.
 *
 * The bundle is ~7 MB of JavaScript, most of it TypeScript: compiling it costs ~0.6 s per process.
 * With a code-cache folder set (the facts cache folder, see setTsFrontendCodeCache), the bundle is
 * compiled with V8's code cache, written there after first use: ~0.1 s on later starts. The
 * source compiled is always our own bundle file, never anything from the workspace.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

export type TsFrontend = typeof import('./frontend');

/** File name of the front end's bundle, next to server.js / cli.js (scripts/build.mjs writes it). */
export const TS_FRONTEND_BUNDLE = 'typescript-frontend.js';
/** After loading, the code cache is written this much later (or at exit), so it holds the functions a scan compiled. */
const CODE_CACHE_DELAY_MS = 3000;

let frontend: TsFrontend | undefined;
let codeCacheDir: string | null = null;
let log: (message: string) => void = () => undefined;

/** Where V8's code cache of the front-end bundle is kept (null: none); set before the first load. */
export function setTsFrontendCodeCache(dir: string | null, logger?: (message: string) => void): void {
  codeCacheDir = dir;
  if (logger) log = logger;
}

/** The front end, loaded on first call, then kept. */
export function loadTsFrontend(): TsFrontend {
  if (frontend) return frontend;
  const bundle = path.join(__dirname, TS_FRONTEND_BUNDLE);
  if (fs.existsSync(bundle)) {
    frontend = (codeCacheDir !== null ? loadWithCodeCache(bundle, codeCacheDir) : undefined) ?? (require('./typescript-frontend.js') as TsFrontend);
  } else {
    // Literal paths (the server never requires a computed path, test/robustness/safety.test.ts);
    // the build marks both external, so neither is inlined into the bundle that loads it.
    frontend = require('./frontend') as TsFrontend;
  }
  return frontend;
}

/** Whether the front end has been loaded in this process. */
export function isTsFrontendLoaded(): boolean {
  return frontend !== undefined;
}

/**
 * Runs the bundle as Node's loader would (same wrapper, `require` relative to it), compiled with
 * the cached data when there is some for this bundle and Node version. Undefined on any failure:
 * the caller then requires the bundle the ordinary way.
 */
function loadWithCodeCache(bundle: string, dir: string): TsFrontend | undefined {
  try {
    const source = fs.readFileSync(bundle, 'utf8');
    const stat = fs.statSync(bundle);
    const key = createHash('sha1').update(`${process.version} ${process.arch} ${stat.size} ${stat.mtimeMs}`).digest('hex').slice(0, 16);
    const cacheFile = path.join(dir, `typescript-frontend-${key}.v8cache`);
    const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
    const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
    const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
    const module = { exports: {} as TsFrontend };
    wrapper.call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
    if (!cachedData || script.cachedDataRejected) {
      // Written once: after a scan's worth of use in a long-lived server, or at exit for a short CLI run.
      let written = false;
      const write = (): void => {
        if (written) return;
        written = true;
        writeCodeCache(script, dir, cacheFile);
      };
      setTimeout(write, CODE_CACHE_DELAY_MS).unref();
      process.once('exit', write);
    }
    return module.exports;
  } catch (error) {
    log(`cannot use the code cache of the TypeScript front end (${(error as Error).message}); loading it without`);
    return undefined;
  }
}

/** Writes the cache atomically and removes caches of other bundles or Node versions. Never throws. */
function writeCodeCache(script: vm.Script, dir: string, cacheFile: string): void {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, cacheFile);
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('typescript-frontend-') && name.endsWith('.v8cache') && path.join(dir, name) !== cacheFile) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch (error) {
    fs.rmSync(temp, { force: true });
    log(`cannot write the code cache of the TypeScript front end to ${dir}: ${(error as Error).message}`);
  }
}
