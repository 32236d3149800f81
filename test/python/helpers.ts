/** Shared helpers for the Python front-end tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../../server/src/model';
import type { PyCallEvent, PyEvent, PyFacts, PyScope } from '../../server/src/python/facts';

/** `line:char-line:char`, to state ranges compactly. */
export function r(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

export function scope(facts: PyFacts, qualname: string): PyScope {
  const found = facts.scopes.find((candidate) => candidate.qualname === qualname);
  if (!found) throw new Error(`no scope ${qualname}; have ${facts.scopes.map((s) => s.qualname).join(', ')}`);
  return found;
}

export function calls(events: PyEvent[]): PyCallEvent[] {
  return events.filter((event): event is PyCallEvent => event.k === 'call');
}

/** Events as short strings: `call f`, `assign x`, `import os`, `return`, `def 2`. */
export function summary(events: PyEvent[]): string[] {
  return events.map((event) => {
    switch (event.k) {
      case 'call':
        return `call ${event.callee}` + (event.targets ? ` -> ${event.targets.join(',')}` : '') + ` @${event.block}`;
      case 'assign':
        return `assign ${event.targets.join(',')} = ${event.value.kind} @${event.block}`;
      case 'import':
        return `import ${event.module}`;
      case 'return':
        return `return ${event.value?.kind ?? ''} @${event.block}`.trimEnd();
      case 'def':
        return `def ${event.scope}`;
    }
  });
}

/**
 * The rule fixtures' Python files (real service code shapes), in a stable order; with `withFixed`,
 * also the expected texts after their fixes (`.fixed/` folders).
 */
export function ruleFixtureSources(options: { withFixed?: boolean } = {}): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && (options.withFixed || entry.name !== '.fixed')) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.py')) files.push(full);
    }
  };
  walk(path.join(__dirname, '../../server/src/rules'));
  return files.map((file) => fs.readFileSync(file, 'utf8'));
}
