/**
 * Quick fixes for the pools of an app gunicorn preloads (see preload-gunicorn.ts), preferred first:
 *   1. release the pools in the server's `post_fork` hook (added to the configuration file, or
 *      extended when it exists), importing each pool by its qualified name inside the hook;
 *   2. turn preloading off (`preload_app = False`: every worker imports the app itself);
 * (the engine adds "Suppress FG001 on this line"). The hook fix is offered only when every pool is a module
 * global of a workspace module (reachable by `from <module> import <name>`) and not a thread (a
 * thread cannot be released in the child: the child has no copy of it to stop).
 */
import type { Fix, Range, TextEdit } from '../../model';
import type { PyProgram } from '../../python/program';
import { insertAt, splitLines } from '../edits';
import type { PoolRecord } from '../../python/summaries';
import type { GunicornSettings } from './preload-gunicorn';

const HOOK_INDENT = '    ';

export function buildGunicornFixes(program: PyProgram, settings: GunicornSettings, pools: PoolRecord[]): Fix[] {
  const fixes: Fix[] = [];
  const hook = hookFix(program, settings, pools);
  if (hook) fixes.push(hook);
  fixes.push({
    title: `Set \`${settings.server.preloadSetting} = False\` (each worker imports the app itself)`,
    edits: [{ file: settings.file, range: settings.preload.value.range, newText: 'False' }],
    preferred: false,
    safe: false,
  });
  fixes[0].preferred = true;
  return fixes;
}

/** How a hook names one pool: `from svc.db import engine` then `engine.dispose()`. */
interface PoolReference {
  importLine: string;
  resetLine: string;
}

function hookFix(program: PyProgram, settings: GunicornSettings, pools: PoolRecord[]): Fix | undefined {
  const references = poolReferences(program, settings, pools);
  const facts = program.facts(settings.file);
  const text = program.text(settings.file);
  if (!references || !facts || text === undefined) return undefined;
  const { name, params } = settings.server.fixHook;
  const existing = facts.scopes.findIndex((s) => s.kind === 'function' && s.parent === 0 && s.qualname === name);
  const eol = facts.eol;
  const imports = [...new Set(references.map((r) => r.importLine))];
  const body = [...imports, '', ...references.map((r) => r.resetLine)];
  const title =
    pools.length === 1
      ? `Release \`${pools[0].identity.display}\` in the \`${name}\` hook`
      : `Release ${pools.length} pools in the \`${name}\` hook`;
  let edit: TextEdit;
  if (existing >= 0) {
    // Appended after the hook's last statement, at the indentation of its body.
    const scope = facts.scopes[existing];
    const indent = bodyIndent(text, scope.nameRange.start.line, scope.range.end.line);
    if (indent === undefined) return undefined;
    const lines = body.map((line) => (line === '' ? '' : `${indent}${line}`));
    edit = insertAt(settings.file, scope.range.end, `${eol}${lines.join(eol)}`);
  } else {
    const lines = [`def ${name}(${params}):`, ...body.map((line) => (line === '' ? '' : `${HOOK_INDENT}${line}`))];
    // Two blank lines before a top-level def (PEP 8), whatever the file ends with.
    const endsWithNewline = /(\r\n|\r|\n)$/.test(text);
    edit = insertAt(settings.file, endOf(text), `${endsWithNewline ? '' : eol}${eol}${eol}${lines.join(eol)}${eol}`);
  }
  return { title, edits: [edit], preferred: false, safe: false };
}

/** One reference per pool, or undefined when some pool cannot be named from the hook. */
function poolReferences(program: PyProgram, settings: GunicornSettings, pools: PoolRecord[]): PoolReference[] | undefined {
  const reserved = new Set(settings.server.fixHook.params.split(',').map((p) => p.trim()));
  const fileOfName = new Map<string, string>();
  const references: PoolReference[] = [];
  for (const pool of pools) {
    const { identity, factory } = pool;
    if (identity.kind !== 'global' || identity.file === undefined || identity.name === undefined || factory.kind === 'thread') return undefined;
    const moduleName = program.moduleName(identity.file);
    if (moduleName === undefined || reserved.has(identity.name)) return undefined;
    // Two pools of one name from different modules would shadow each other inside the hook.
    if ((fileOfName.get(identity.name) ?? identity.file) !== identity.file) return undefined;
    fileOfName.set(identity.name, identity.file);
    const reset = `${identity.name}.${factory.fixCall}`;
    references.push({
      importLine: `from ${moduleName} import ${identity.name}`,
      // A lazily created pool may still be None when the worker starts.
      resetLine: pool.conditional ? `if ${identity.name} is not None: ${reset}` : reset,
    });
  }
  return references;
}

/** Leading whitespace of the first non-blank line after the `def` line, within the hook. */
function bodyIndent(text: string, defLine: number, lastLine: number): string | undefined {
  const lines = splitLines(text);
  for (let line = defLine + 1; line <= lastLine && line < lines.length; line++) {
    const match = /^([ \t]+)\S/.exec(lines[line]);
    if (match) return match[1];
  }
  return undefined;
}

function endOf(text: string): Range['start'] {
  const lines = splitLines(text);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

