/**
 * The server never executes workspace code or config: no `eval`, no `new Function`, no `require`
 * or `import()` of a computed path, no network module, and `git` (the only program it starts) runs
 * through execFile or spawn with an argument array, never a shell. Checked on the syntax trees of every
 * source file the server and CLI bundles are built from (server/src), so a comment or a string
 * that mentions these names does not count, and a call written any way does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const SERVER_SOURCES = join(__dirname, '..', '..', 'server', 'src');
const NETWORK_MODULES = new Set(['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'undici', 'ws']);
/** child_process functions that take a file and an argument array and use no shell unless asked. */
const ARGUMENT_ARRAY_FUNCTIONS = new Set(['execFile', 'execFileSync', 'spawn']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const isStaticString = (node: ts.Node | undefined) => node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
const moduleName = (specifier: string) => specifier.replace(/^node:/, '').split('/')[0];

/** Every unsafe construct of one file, as `file:line what`. */
function unsafeConstructs(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const problems: string[] = [];
  const report = (node: ts.Node, what: string) => problems.push(`${relative(SERVER_SOURCES, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${what}`);
  const childProcessNames = new Set<string>();

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const name = moduleName(node.moduleSpecifier.text);
      if (NETWORK_MODULES.has(name)) report(node, `imports the network module ${node.moduleSpecifier.text}`);
      if (name === 'child_process' && ts.isImportDeclaration(node)) {
        const bindings = node.importClause?.namedBindings;
        if (!bindings || !ts.isNamedImports(bindings) || node.importClause?.name) report(node, 'imports child_process as a whole (import only execFile or spawn)');
        else {
          for (const element of bindings.elements) {
            if (element.isTypeOnly) continue; // a type runs nothing
            const imported = (element.propertyName ?? element.name).text;
            if (!ARGUMENT_ARRAY_FUNCTIONS.has(imported)) report(element, `imports child_process.${imported} (only execFile/execFileSync/spawn take argument arrays without a shell)`);
            childProcessNames.add(element.name.text);
          }
        }
      }
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Function') report(node, 'new Function');
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const [first, second, third] = node.arguments;
      if (ts.isIdentifier(callee) && (callee.text === 'eval' || callee.text === 'Function')) report(node, `${callee.text}()`);
      if (ts.isIdentifier(callee) && callee.text === 'fetch') report(node, 'fetch() (network access)');
      if (ts.isIdentifier(callee) && callee.text === 'require') {
        if (!isStaticString(first)) report(node, 'require() of a computed path');
        else if (NETWORK_MODULES.has(moduleName((first as ts.StringLiteral).text))) report(node, 'requires a network module');
        else if (moduleName((first as ts.StringLiteral).text) === 'child_process') report(node, 'requires child_process (import execFile instead)');
      }
      if (callee.kind === ts.SyntaxKind.ImportKeyword && !isStaticString(first)) report(node, 'import() of a computed path');
      if (ts.isIdentifier(callee) && childProcessNames.has(callee.text)) {
        if (!isStaticString(first)) report(node, `${callee.text}() of a computed program`);
        if (!second || !(ts.isArrayLiteralExpression(second) || ts.isIdentifier(second))) report(node, `${callee.text}() without an argument array`);
        if (third && /\bshell\s*:/.test(third.getText(source))) report(node, `${callee.text}() with a shell option`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

test('the server sources run no code from strings, no computed require/import, no network, git only through execFile', () => {
  const files = sourceFiles(SERVER_SOURCES);
  assert.ok(files.length > 50, `only ${files.length} server source files found`);
  assert.deepEqual(files.flatMap(unsafeConstructs), []);
});

test('the checker itself catches each construct (so an empty answer above means something)', () => {
  const probeDir = mkdtempSync(join(tmpdir(), 'forkguard-safety-'));
  const probe = join(probeDir, 'unsafe.ts');
  const sample = [
    "import { exec, execFile } from 'node:child_process';",
    "import * as http from 'node:http';",
    'eval(code);',
    "new Function('return 1');",
    'require(workspacePath);',
    'await import(userModule);',
    "execFile(program, ['status']);",
    "execFile('git', `status ${path}`);",
    "execFile('git', args, { shell: true });",
    'fetch(url);',
  ].join('\n');
  writeFileSync(probe, sample);
  try {
    assert.deepEqual(
      unsafeConstructs(probe).map((problem) => problem.replace(/^.*?:(\d+) /, '$1 ')),
      [
        '1 imports child_process.exec (only execFile/execFileSync/spawn take argument arrays without a shell)',
        '2 imports the network module node:http',
        '3 eval()',
        '4 new Function',
        '5 require() of a computed path',
        '6 import() of a computed path',
        '7 execFile() of a computed program',
        '8 execFile() without an argument array',
        '9 execFile() with a shell option',
        '10 fetch() (network access)',
      ],
    );
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
});
