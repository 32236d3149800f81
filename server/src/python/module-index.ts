/**
 * Module index: the dotted module name of every Python file of the workspace.
 *
 * A file's package is found by walking up the folders that hold an `__init__.py`; the first folder
 * without one is the import root (so `src/` layouts and several roots need nothing special).
 * `pkg/__init__.py` is the module `pkg`. Folders without `__init__.py` under a workspace root are
 * also reachable as namespace packages (`tools/run.py` -> `tools.run`), an alias that never hides
 * a regular name.
 */
import * as path from 'node:path';

export class ModuleIndex {
  private readonly nameByFile = new Map<string, string>();
  private readonly fileByName = new Map<string, string>();

  constructor(
    private readonly roots: string[],
    files: Iterable<string>,
  ) {
    const all = [...files].sort();
    const present = new Set(all);
    const aliases: [string, string][] = [];
    for (const file of all) {
      const name = regularModuleName(file, present);
      if (name === undefined) continue;
      this.nameByFile.set(file, name);
      if (!this.fileByName.has(name)) this.fileByName.set(name, file);
      const alias = namespaceModuleName(file, this.roots);
      if (alias !== undefined && alias !== name) aliases.push([alias, file]);
    }
    for (const [alias, file] of aliases) if (!this.fileByName.has(alias)) this.fileByName.set(alias, file);
  }

  moduleName(file: string): string | undefined {
    return this.nameByFile.get(file);
  }

  /** The file of a workspace module, by dotted name (regular name or namespace alias). */
  fileOf(moduleName: string): string | undefined {
    return this.fileByName.get(moduleName);
  }

  isPackage(file: string): boolean {
    return path.basename(file) === '__init__.py';
  }

  /** Every module name known, sorted (for tests and diagnostics). */
  moduleNames(): string[] {
    return [...this.fileByName.keys()].sort();
  }

  /** The same mapping, as a string, so a caller can tell whether anything changed. */
  signature(): string {
    return [...this.fileByName.entries()].map(([n, f]) => `${n}=${f}`).join('\n');
  }

  /**
   * Resolves an import's module text (`.x`, `..pkg.y`, `a.b`) as seen from `fromFile` to an
   * absolute dotted name. Returns undefined when the dots climb above the top-level package.
   */
  absoluteModule(fromFile: string, moduleText: string): string | undefined {
    const dots = moduleText.length - moduleText.replace(/^\.+/, '').length;
    if (dots === 0) return moduleText;
    const rest = moduleText.slice(dots);
    const own = this.moduleName(fromFile);
    if (own === undefined) return undefined;
    // The package a relative import starts from: the module itself for a package's __init__.
    const parts = own.split('.');
    const base = this.isPackage(fromFile) ? parts : parts.slice(0, -1);
    const up = dots - 1;
    if (up > base.length) return undefined;
    const anchor = base.slice(0, base.length - up);
    const joined = [...anchor, ...(rest ? rest.split('.') : [])];
    return joined.length > 0 ? joined.join('.') : undefined;
  }
}

function regularModuleName(file: string, present: ReadonlySet<string>): string | undefined {
  if (!file.endsWith('.py')) return undefined;
  const parts: string[] = [];
  const stem = path.basename(file, '.py');
  if (stem !== '__init__') parts.push(stem);
  let dir = path.dirname(file);
  while (present.has(path.join(dir, '__init__.py'))) {
    parts.unshift(path.basename(dir));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (parts.length === 0) return undefined;
  if (!parts.every(isIdentifier)) return undefined;
  return parts.join('.');
}

/** The name relative to the workspace root that holds the file (namespace packages), skipping a leading `src`. */
function namespaceModuleName(file: string, roots: string[]): string | undefined {
  for (const root of roots) {
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const parts = relative.slice(0, -'.py'.length).split(path.sep);
    if (parts[parts.length - 1] === '__init__') parts.pop();
    if (parts[0] === 'src' && parts.length > 1) parts.shift();
    if (parts.length > 0 && parts.every(isIdentifier)) return parts.join('.');
  }
  return undefined;
}

function isIdentifier(part: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(part);
}
