/**
 * Loads web-tree-sitter and the Python grammar once per thread, and compiles the extraction query.
 *
 * The `.wasm` files are looked up next to the running bundle first (the build copies them into
 * dist/), then in node_modules, so the same code works from the packaged extension, the CLI and
 * the tests run from sources under tsx.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import { FACTS_QUERY_SOURCE } from './queries';

/**
 * Version of the tree-sitter-python grammar we ship. Part of the facts cache key: a new grammar
 * may parse the same text differently. A test checks it against node_modules.
 */
export const PYTHON_GRAMMAR_VERSION = '0.25.0';

const GRAMMAR_WASM = 'tree-sitter-python.wasm';
const RUNTIME_WASM = 'web-tree-sitter.wasm';

let loading: Promise<void> | undefined;
let language: Language | undefined;
let factsQuery: Query | undefined;

/** Where a wasm file is: beside the bundle when built, else in its npm package. */
function locateWasm(fileName: string, packagePath: string): string {
  const besideBundle = path.join(__dirname, fileName);
  if (fs.existsSync(besideBundle)) return besideBundle;
  try {
    return require.resolve(packagePath);
  } catch {
    throw new Error(`ForkGuard: cannot find ${fileName} next to ${__dirname} nor in node_modules (${packagePath})`);
  }
}

async function load(): Promise<void> {
  const runtimeWasm = locateWasm(RUNTIME_WASM, `web-tree-sitter/${RUNTIME_WASM}`);
  await Parser.init({ locateFile: () => runtimeWasm });
  language = await Language.load(locateWasm(GRAMMAR_WASM, `tree-sitter-python/${GRAMMAR_WASM}`));
  factsQuery = new Query(language, FACTS_QUERY_SOURCE);
}

/** Loads the runtime and the grammar (once; later calls wait for the same load). */
export function initPython(): Promise<void> {
  if (!loading) {
    loading = load().catch((error) => {
      loading = undefined; // let a later call retry instead of caching the failure forever
      throw error;
    });
  }
  return loading;
}

function requireLoaded<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('ForkGuard: initPython() must complete before parsing Python');
  return value;
}

export function pythonLanguage(): Language {
  return requireLoaded(language);
}

/** A new parser for Python. The caller owns it (and should `delete()` it when done). */
export function newPythonParser(): Parser {
  const parser = new Parser();
  parser.setLanguage(pythonLanguage());
  return parser;
}

/** The compiled extraction query (see queries.ts), shared by every extraction on this thread. */
export function pythonFactsQuery(): Query {
  return requireLoaded(factsQuery);
}
