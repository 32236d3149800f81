/**
 * FG002 for TS/JS, the pieces below the fixtures: the Node timeout catalog (qualified names,
 * milliseconds), connection-URL reading, and the layout-keeping edits, on inputs the fixtures do
 * not reach (empty literals with comments, spreads, fragments, a configured timeout that is not 30 s).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NODE_QUERY_TIMEOUTS, NODE_TIMEOUT_APIS, nodeDialectOf, nodeTimeoutValue, normalizeNodeQualname } from '../../server/src/catalog/node-timeouts';
import { defaultConfig } from '../../server/src/model/config';
import type { TextEdit } from '../../server/src/model';
import { splitLines } from '../../server/src/rules/edits';
import { checkMissingTimeoutsTs } from '../../server/src/rules/fg002-missing-query-timeout/typescript';
import { addArgument, addProperty, appendUrlParameter, type ObjectValue, type SourceText } from '../../server/src/rules/fg002-missing-query-timeout/typescript-fixes';
import { urlCarries, urlScheme } from '../../server/src/rules/fg002-missing-query-timeout/typescript-options';
import { extractTsFacts } from '../../server/src/typescript/extract';
import { TsProgram } from '../../server/src/typescript/program';

describe('Node timeout catalog', () => {
  test('each qualified name belongs to one entry, after normalisation', () => {
    const seen = new Map<string, string>();
    for (const api of NODE_TIMEOUT_APIS) {
      for (const qname of api.qualnames) {
        const key = normalizeNodeQualname(qname);
        assert.equal(seen.get(key), undefined, `${qname} is listed twice`);
        seen.set(key, api.label);
      }
    }
    for (const entry of NODE_QUERY_TIMEOUTS) for (const factory of entry.factories) assert.equal(seen.get(factory), undefined, factory);
  });

  test('fix values are milliseconds of the configured seconds', () => {
    for (const api of NODE_TIMEOUT_APIS) if (api.fix) assert.match(api.fix.value, /\{ms\}/, api.label);
    assert.equal(nodeTimeoutValue('AbortSignal.timeout({ms})', 2.5), 'AbortSignal.timeout(2500)');
  });

  test('a CommonJS default import is the module object; node: prefixes and subpaths stay', () => {
    assert.equal(normalizeNodeQualname('pg.default.Pool'), 'pg.Pool');
    assert.equal(normalizeNodeQualname('axios.default'), 'axios');
    assert.equal(normalizeNodeQualname('@sequelize/core.default.Sequelize'), '@sequelize/core.Sequelize');
    assert.equal(normalizeNodeQualname('mysql2/promise.createPool'), 'mysql2/promise.createPool');
    assert.equal(normalizeNodeQualname('axios.defaults'), 'axios.defaults');
  });

  test('dialect names and URL schemes pick a family, case-insensitively', () => {
    assert.equal(nodeDialectOf('PostgreSQL')?.fix?.property, 'statement_timeout');
    assert.equal(nodeDialectOf('mariadb')?.fix?.property, 'queryTimeout');
    assert.equal(nodeDialectOf('mysql2')?.fix, undefined);
    assert.equal(nodeDialectOf('sqlite3'), undefined);
  });
});

describe('connection URLs', () => {
  test('a parameter in the query counts, encoded inside pg options too; elsewhere it does not', () => {
    assert.equal(urlCarries('postgres://db/app?statement_timeout=5000', ['statement_timeout']), true);
    assert.equal(urlCarries('postgres://db/app?sslmode=require&query_timeout=1', ['statement_timeout', 'query_timeout']), true);
    assert.equal(urlCarries('postgres://db/app?options=-c%20statement_timeout%3D5000', ['statement_timeout']), true);
    assert.equal(urlCarries('postgres://statement_timeout=1@db/app', ['statement_timeout']), false);
    assert.equal(urlCarries('postgres://db/app?my_statement_timeout=1', ['statement_timeout']), false);
    assert.equal(urlCarries('postgres://db/app#?statement_timeout=1', ['statement_timeout']), false);
    assert.equal(urlCarries('mongodb://db/app?x=%E0%A4%A&socketTimeoutMS=5', ['socketTimeoutMS']), true);
  });

  test('schemes', () => {
    assert.equal(urlScheme('postgres://db'), 'postgres');
    assert.equal(urlScheme('sqlite::memory:'), 'sqlite');
    assert.equal(urlScheme('just text'), undefined);
  });
});

function sourceOf(text: string): SourceText {
  return { file: '/w/a.ts', lines: splitLines(text), eol: '\n' };
}

function applyEdit(text: string, edit: TextEdit | undefined): string {
  assert.ok(edit, 'expected an edit');
  const lines = splitLines(text);
  const offset = (line: number, character: number): number => lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + character;
  return text.slice(0, offset(edit.range.start.line, edit.range.start.character)) + edit.newText + text.slice(offset(edit.range.end.line, edit.range.end.character));
}

function firstObject(text: string): ObjectValue {
  const facts = extractTsFacts(text, '/w/a.ts');
  const value = facts.calls.flatMap((call) => call.args).find((arg) => arg.kind === 'object');
  assert.ok(value && value.kind === 'object');
  return value;
}

describe('edits', () => {
  test('an empty literal becomes `{ x }`; one holding only a comment, or a spread, gets no edit', () => {
    const empty = 'f({});\n';
    assert.equal(applyEdit(empty, addProperty(sourceOf(empty), firstObject(empty), 'x: 1')), 'f({ x: 1 });\n');
    const commented = 'f({ /* later */ });\n';
    assert.equal(addProperty(sourceOf(commented), firstObject(commented), 'x: 1'), undefined);
    const spread = 'f({ ...base, a: 1 });\n';
    assert.equal(addProperty(sourceOf(spread), firstObject(spread), 'x: 1'), undefined);
  });

  test('an argument before a callback on its own line goes on its own line', () => {
    const text = 'get(\n  url,\n  (res) => res,\n);\n';
    const call = extractTsFacts(text, '/w/a.ts').calls[0];
    assert.ok(call?.argsRange);
    const edit = addArgument(sourceOf(text), call.argsRange, call.args.map((a) => a.range), 1, '{ t: 1 }');
    assert.equal(applyEdit(text, edit), 'get(\n  url,\n  { t: 1 },\n  (res) => res,\n);\n');
  });

  test('URL parameters go before the closing quote; fragments and interpolations are left alone', () => {
    const text = "c('postgres://db/app');\n";
    const range = { start: { line: 0, character: 2 }, end: { line: 0, character: 21 } };
    assert.equal(applyEdit(text, appendUrlParameter(sourceOf(text), range, 'postgres://db/app', 'a=1')), "c('postgres://db/app?a=1');\n");
    const hash = "c('postgres://db/app#x');\n";
    assert.equal(appendUrlParameter(sourceOf(hash), { start: range.start, end: { line: 0, character: 23 } }, 'postgres://db/app#x', 'a=1'), undefined);
    const template = 'c(`postgres://${host}/app`);\n';
    assert.equal(appendUrlParameter(sourceOf(template), { start: range.start, end: { line: 0, character: 26 } }, 'postgres://${host}/app', 'a=1'), undefined);
  });
});

describe('member assignments (facts)', () => {
  test('`a.b.c = v` is listed with its function; bindings and exports are not', () => {
    const text = "axios.defaults.timeout = 5000;\nfunction setup() { api.defaults.timeout = 1; }\nmodule.exports.x = 1;\nexports.y = 2;\nclass C { constructor() { this.pool = 1; } }\nz = 3;\n";
    const facts = extractTsFacts(text, '/w/a.js');
    assert.deepEqual(
      facts.memberAssignments.map((a) => [a.target.join('.'), a.function === undefined ? 'top' : 'fn']),
      [['axios.defaults.timeout', 'top'], ['api.defaults.timeout', 'fn']],
    );
  });
});

describe('checker', () => {
  test('the configured timeout is written in milliseconds', () => {
    const text = "import { Pool } from 'pg';\nexport const pool = new Pool({ host: 'db' });\n";
    const program = new TsProgram();
    program.setFile('/w/a.ts', extractTsFacts(text, '/w/a.ts'));
    const config = { ...defaultConfig(), timeoutSeconds: 7 };
    const [finding, ...rest] = checkMissingTimeoutsTs({ program, config, texts: () => text });
    assert.equal(rest.length, 0);
    assert.ok(finding);
    assert.match(finding.message, /statement_timeout: 7000/);
    assert.equal(finding.fixes[0]?.edits[0]?.newText, ', statement_timeout: 7000');
  });

  test('a file whose text is unavailable still gets its finding, without a fix', () => {
    const text = "const axios = require('axios');\naxios.get('http://x');\n";
    const program = new TsProgram();
    program.setFile('/w/a.js', extractTsFacts(text, '/w/a.js'));
    const findings = checkMissingTimeoutsTs({ program, config: defaultConfig(), texts: () => undefined });
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]?.fixes, []);
  });
});
