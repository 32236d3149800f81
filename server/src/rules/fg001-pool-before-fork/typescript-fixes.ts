/**
 * Quick fixes for FG001 in TS/JS, preferred first (the engine adds "suppress" itself):
 *   1. close each pool before the fork, the library's way (`await pool.end();`, `pool.end();` for
 *      callback APIs, `await pool.drain();` + `await pool.clear();` for generic-pool), on its own
 *      lines before the forking statement, or before the loop holding it, with its indentation;
 *      only where the pool is reachable by name (importing it when another module exports it)
 *      and, for a close that returns a promise, where the code can await;
 *   2. move the pool's declaration into the worker branch (`else` of `isPrimary`, `if
 *      (cluster.isWorker)`), when it is one plain declaration of the fork's file and every use of
 *      the name is already in that branch.
 * Inserted lines use the file's line ending; a fix that cannot be written correctly is not offered.
 */
import type { Fix, Range, TextEdit } from '../../model';
import type { TsCall, TsFacts } from '../../typescript/facts';
import type { FixOutline } from '../../typescript/fix-outline';
import { loadTsFrontend } from '../../typescript/load';
import { stripNodePrefix } from '../../typescript/program';
import type { NodeForkHazard, NodePoolAnalysis, NodePoolRecord } from '../../typescript/pools';
import { PRIMARY_CONDITIONS, WORKER_CONDITIONS } from '../../catalog/node-pools';
import { insertAt, splitLines } from '../edits';
import { preferFirst } from '../finding';
import type { TypeScriptRuleContext } from '../types';

/** The statements that close `pool` held in `reference` (`await pool.end()`), without `;`. */
export function closeStatements(pool: NodePoolRecord, reference: string): string[] {
  const prefix = pool.factory.closeReturnsPromise ? 'await ' : '';
  return pool.factory.fixStatements.map((statement) => `${prefix}${statement.replace('$', reference)}`);
}

interface FixSite {
  context: TypeScriptRuleContext;
  analysis: NodePoolAnalysis;
  hazard: NodeForkHazard;
  facts: TsFacts;
  lines: string[];
  outline: FixOutline;
  /** The call the fix works before: the fork, or the call a forking callback is passed to. */
  anchor: TsCall;
}

export function buildTsFixes(context: TypeScriptRuleContext, analysis: NodePoolAnalysis, hazard: NodeForkHazard): Fix[] {
  const facts = context.program.facts(hazard.file);
  const text = context.texts(hazard.file);
  if (!facts || text === undefined || facts.syntaxErrors.length > 0) return [];
  const names = [...new Set(hazard.pools.flatMap((pool) => (pool.name !== undefined ? [pool.name.split('.')[0]] : [])))];
  let outline: FixOutline;
  try {
    outline = loadTsFrontend().outlineForFixes(text, hazard.file, names);
  } catch {
    return []; // no syntax outline, no fix (the suppression fix is still offered by the engine)
  }
  const site: FixSite = { context, analysis, hazard, facts, lines: splitLines(text), outline, anchor: anchorOf(facts, facts.calls[hazard.call]) };
  return preferFirst([closeFix(site), moveFix(site)]);
}

/** A fork inside a callback (`cluster.on('exit', () => cluster.fork())`) is reached where the callback is passed. */
function anchorOf(facts: TsFacts, call: TsCall): TsCall {
  let anchor = call;
  for (let steps = 0; steps < 50; steps++) {
    const owner = anchor.function !== undefined ? facts.functions[anchor.function] : undefined;
    if (!owner?.argumentOf) break;
    anchor = facts.calls[owner.argumentOf.call];
  }
  return anchor;
}

// ---------------------------------------------------------------- 1. close before the fork

function closeFix(site: FixSite): Fix | undefined {
  const at = insertionPoint(site);
  if (!at) return undefined;
  const statements: string[] = [];
  const imports: string[] = [];
  for (const pool of site.hazard.pools) {
    if (pool.factory.closeReturnsPromise && !site.anchor.canAwait) return undefined;
    // A close that may already have run (`if (migrate) await pool.end()`) would run twice: most libraries throw.
    if (closedEarlierInFunction(site, pool, at.line)) return undefined;
    const reference = referenceTo(site, pool, at.line);
    if (!reference) return undefined;
    statements.push(...closeStatements(pool, reference.text));
    if (reference.importLine) imports.push(reference.importLine);
  }
  const eol = site.facts.eol;
  const edits: TextEdit[] = [];
  if (imports.length > 0) edits.push(insertAt(site.hazard.file, { line: site.facts.importInsertLine, character: 0 }, imports.map((line) => `${line}${eol}`).join('')));
  edits.push(insertAt(site.hazard.file, { line: at.line, character: 0 }, statements.map((statement) => `${at.indent}${statement};${eol}`).join('')));
  const title = site.hazard.pools.length === 1 ? `Close \`${statements.join('; ')}\` before forking` : `Close ${site.hazard.pools.length} pools before forking`;
  return { title, edits, preferred: false, safe: false };
}

/** The line before which the close goes: the anchor's statement, or the outermost loop of its function that holds it. */
function insertionPoint(site: FixSite): { line: number; indent: string } | undefined {
  const statement = site.anchor.statement;
  const own = innermostFunction(site.outline.functions, statement.range.start);
  const loops = site.outline.loops
    .filter((loop) => contains(loop.range, statement.range.start) && sameRange(innermostFunction(site.outline.functions, loop.range.start), own))
    .sort((a, b) => comparePosition(a.range.start, b.range.start));
  const target = loops[0] ? { start: loops[0].range.start, indent: loops[0].indent } : { start: statement.range.start, indent: statement.indent };
  // Only before a statement that starts its line: `if (isPrimary) cluster.fork();` has no line of its own inside the branch.
  if (site.lines[target.start.line]?.slice(0, target.start.character).trim() !== '') return undefined;
  return { line: target.start.line, indent: target.indent };
}

function closedEarlierInFunction(site: FixSite, pool: NodePoolRecord, line: number): boolean {
  return site.facts.calls.some(
    (call) => call.function === site.anchor.function && call.range.start.line < line && site.analysis.closedKey(site.hazard.file, call) === pool.key,
  );
}

/** How the fork's file can name the pool at `line`: its own binding, or a new import of the module that exports it. */
function referenceTo(site: FixSite, pool: NodePoolRecord, line: number): { text: string; importLine?: string } | undefined {
  const { program } = site.context;
  const file = site.hazard.file;
  if (pool.factory.singleton) {
    const module = site.facts.imports.find(
      (entry) => entry.function === undefined && !entry.typeOnly && entry.local !== '' && (entry.imported === '*' || entry.imported === 'default') && stripNodePrefix(entry.module) === pool.factory.singleton!.module,
    );
    return module ? { text: module.local } : undefined;
  }
  if (pool.name === undefined || !surelyMade(site, pool)) return undefined;
  const names = pool.name.split('.');
  const method = pool.factory.closeMethods[0];
  const target = program.resolveName(file, [...names, method], site.anchor.function);
  if (target?.kind === 'instance' && `${target.file}#${target.call}` === pool.key) {
    const binding = program.resolveBinding(file, names, site.anchor.function);
    if (binding && binding.statement.range.end.line >= line) return undefined; // declared after the insertion point
    return { text: pool.name };
  }
  if (target?.kind !== 'global' || names.length !== 1) return undefined;
  return importedReference(site, pool, names[0]);
}

/**
 * The name holds the pool wherever the fork runs: its creation ran under no condition the fork
 * does not share (`let pool; if (x) pool = new Pool()` may leave it undefined) and not in a loop
 * body (whose `const` the code after the loop cannot see).
 */
function surelyMade(site: FixSite, pool: NodePoolRecord): boolean {
  const creation = site.context.program.facts(pool.file)?.calls[pool.call];
  if (!creation || creation.inLoop) return false;
  const sameUnit = pool.file === site.hazard.file && creation.function === site.anchor.function;
  if (!sameUnit) return creation.guards.length === 0;
  return creation.guards.every((guard) => site.anchor.guards.some((other) => other.negated === guard.negated && other.text === guard.text));
}

/** `import { pool } from './db.js';` when db.ts exports the pool it makes at import time and the fork's file imports db.ts already. */
function importedReference(site: FixSite, pool: NodePoolRecord, name: string): { text: string; importLine: string } | undefined {
  const { program } = site.context;
  const poolFacts = program.facts(pool.file);
  if (!poolFacts || poolFacts.calls[pool.call]?.function !== undefined) return undefined;
  const exported = poolFacts.exports.find((entry) => !entry.from && entry.name === name && entry.local === name);
  if (!exported) return undefined;
  const existing = site.facts.imports.find((entry) => entry.function === undefined && !entry.typeOnly && program.resolveModule(site.hazard.file, entry.module) === pool.file);
  if (!existing) return undefined;
  const importLine = site.facts.moduleSystem === 'esm' ? `import { ${name} } from '${existing.module}';` : `const { ${name} } = require('${existing.module}');`;
  return { text: name, importLine };
}

// ---------------------------------------------------------------- 2. move the creation into the worker branch

function moveFix(site: FixSite): Fix | undefined {
  const { hazard, facts, outline, lines } = site;
  if (hazard.pools.length !== 1) return undefined;
  const pool = hazard.pools[0];
  if (pool.file !== hazard.file || pool.name === undefined || pool.name.includes('.')) return undefined;
  const creation = facts.calls[pool.call];
  const binding = facts.bindings.find(
    (candidate) =>
      candidate.kind !== 'assign' &&
      candidate.function === creation.function &&
      candidate.target.length === 1 &&
      candidate.target[0] === pool.name &&
      isValueOfCall(candidate.value, creation.id),
  );
  if (!binding || !binding.single || binding.exported || binding.guards.length > 0 || binding.inLoop) return undefined;
  const declaration = binding.statement.range;
  if (!ownsLines(lines, declaration)) return undefined;

  const branch = workerBranch(site, creation, declaration);
  if (!branch) return undefined;
  // Every use of the name outside the declaration must already be in the branch.
  const uses = outline.uses[pool.name] ?? [];
  if (!uses.every((use) => contains(declaration, use.start) || contains(branch.region, use.start))) return undefined;

  const eol = facts.eol;
  const statementLines = lines.slice(declaration.start.line, declaration.end.line + 1);
  const oldIndent = binding.statement.indent;
  const moved = statementLines.map((line) => `${branch.indent}${line.startsWith(oldIndent) ? line.slice(oldIndent.length) : line.trimStart()}${eol}`).join('');
  // Take the declaration's lines out, and one of the blank lines around it when it stood alone.
  let endLine = declaration.end.line + 1;
  if (isBlank(lines[declaration.start.line - 1]) && isBlank(lines[endLine]) && endLine < lines.length - 1) endLine++;
  const removal: TextEdit = { file: hazard.file, range: { start: { line: declaration.start.line, character: 0 }, end: { line: endLine, character: 0 } }, newText: '' };
  const insertion = insertAt(hazard.file, { line: branch.line, character: 0 }, moved);
  return { title: `Create \`${pool.name}\` only in the worker branch`, edits: [removal, insertion], preferred: false, safe: false };
}

/** Where workers run, and where a declaration moves to: a line, its indentation, the region the branch covers. */
interface WorkerBranch {
  line: number;
  indent: string;
  region: Range;
}

/**
 * The worker branch after the declaration, in the same function: the `else` of `if
 * (cluster.isPrimary)` or the `then` of `if (cluster.isWorker)` (the declaration goes on the line
 * after the `{`), or the rest of the function after an `if (cluster.isPrimary) { ...; return; }`
 * (it goes on the line after that `if`).
 */
function workerBranch(site: FixSite, creation: TsCall, declaration: Range): WorkerBranch | undefined {
  const { outline, lines } = site;
  const own = innermostFunction(outline.functions, declaration.start);
  for (const candidate of outline.ifs) {
    if (!candidate.path || comparePosition(candidate.range.start, declaration.end) <= 0) continue;
    if (!sameRange(innermostFunction(outline.functions, candidate.range.start), own)) continue;
    const target = site.context.program.resolveName(site.hazard.file, candidate.path, creation.function);
    if (target?.kind !== 'external') continue;
    const primary = PRIMARY_CONDITIONS.includes(target.qualname);
    if (!primary && !WORKER_CONDITIONS.includes(target.qualname)) continue;
    const thenIsPrimary = primary !== candidate.negated;
    if (thenIsPrimary && !candidate.else && candidate.thenExits) {
      // After the primary's early return: the rest of the function (or file) is the workers'.
      const indent = lines[candidate.range.start.line]?.slice(0, candidate.range.start.character) ?? '';
      if (indent.trim() !== '' || lines[candidate.range.end.line]?.slice(candidate.range.end.character).trim() !== '') return undefined;
      const end = own ? own.end : { line: lines.length, character: 0 };
      return { line: candidate.range.end.line + 1, indent, region: { start: candidate.range.end, end } };
    }
    const branch = thenIsPrimary ? candidate.else : candidate.then;
    if (!branch?.isBlock || branch.range.start.line === branch.range.end.line) return undefined;
    // The `{` must end its line, so the declaration can go on the next one.
    if (lines[branch.range.start.line]?.slice(branch.range.start.character + 1).trim() !== '') return undefined;
    return { line: branch.range.start.line + 1, indent: branch.innerIndent, region: branch.range };
  }
  return undefined;
}

function isValueOfCall(value: { kind: string; call?: number; value?: unknown }, call: number): boolean {
  if (value.kind === 'call') return value.call === call;
  if (value.kind === 'await') return isValueOfCall(value.value as { kind: string; call?: number }, call);
  return false;
}

/** The statement alone on its lines: only indentation before it, nothing after it. */
function ownsLines(lines: string[], range: Range): boolean {
  const first = lines[range.start.line];
  const last = lines[range.end.line];
  return first !== undefined && last !== undefined && first.slice(0, range.start.character).trim() === '' && last.slice(range.end.character).trim() === '';
}

function isBlank(line: string | undefined): boolean {
  return line !== undefined && line.trim() === '';
}

// ---------------------------------------------------------------- positions

type Position = Range['start'];

function comparePosition(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function contains(range: Range, position: Position): boolean {
  return comparePosition(range.start, position) <= 0 && comparePosition(position, range.end) <= 0;
}

function innermostFunction(functions: Range[], position: Position): Range | undefined {
  let best: Range | undefined;
  for (const candidate of functions) {
    if (contains(candidate, position) && (!best || comparePosition(candidate.start, best.start) > 0)) best = candidate;
  }
  return best;
}

function sameRange(a: Range | undefined, b: Range | undefined): boolean {
  if (!a || !b) return a === b;
  return comparePosition(a.start, b.start) === 0 && comparePosition(a.end, b.end) === 0;
}
