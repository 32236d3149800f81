/**
 * `tsc --noEmit` semantics through the TypeScript API, for the TS fix fixtures: the fixed `.ts`
 * files of a case must type-check. Options: strict, module/moduleResolution NodeNext (each file is
 * ESM or CommonJS by its extension and the nearest package.json `type`, as Node runs it), target
 * and lib ES2022, `types: ['node']` from this repository's node_modules/@types. Third-party modules
 * are declared by a `.d.ts` shim in the case folder (e.g. `types.d.ts` holding
 * `declare module 'pg' { ... }`), which is part of the program. Nothing is resolved from the
 * network or a global install.
 *
 * Library files (lib.*.d.ts, @types/node) are parsed once per process and shared by every check.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

const REPO_TYPES = join(__dirname, '..', '..', 'node_modules', '@types');
const TS_CHECKED = /\.(ts|tsx|mts|cts)$/;

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  types: ['node'],
  typeRoots: [REPO_TYPES],
  skipLibCheck: true,
  allowJs: false,
  jsx: ts.JsxEmit.Preserve,
};

/** Parsed library files, shared between checks: they never change during a run. */
const sharedSourceFiles = new Map<string, ts.SourceFile>();

function compilerHost(): ts.CompilerHost {
  const host = ts.createCompilerHost(OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const shared = fileName.includes(`${sep}node_modules${sep}`);
    if (shared && sharedSourceFiles.has(fileName)) return sharedSourceFiles.get(fileName);
    const file = getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (shared && file) sharedSourceFiles.set(fileName, file);
    return file;
  };
  return host;
}

/** Every `.ts`/`.d.ts`/`.tsx`/`.mts`/`.cts` file under `root` (dot-folders skipped). */
function typeScriptFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (TS_CHECKED.test(entry.name)) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * Type-checks the TypeScript files of the workspace at `root` and returns the diagnostics of the
 * files in `checked` (paths relative to `root`) as `file:line:col message`; empty when clean.
 */
export function typeCheck(root: string, checked: string[]): string[] {
  const wanted = new Set(checked.filter((file) => TS_CHECKED.test(file) && !file.endsWith('.d.ts')).map((file) => join(root, file)));
  if (wanted.size === 0) return [];
  const program = ts.createProgram({ rootNames: typeScriptFiles(root), options: OPTIONS, host: compilerHost() });
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of wanted) {
    const source = program.getSourceFile(file);
    if (!source) {
      diagnostics.push({ category: ts.DiagnosticCategory.Error, code: 0, file: undefined, start: undefined, length: undefined, messageText: `${file} is not part of the program` });
      continue;
    }
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${relative(root, diagnostic.file.fileName).split(sep).join('/')}:${line + 1}:${character + 1} TS${diagnostic.code} ${message}`;
  });
}
