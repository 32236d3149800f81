/**
 * FG002 pieces below the fixtures: URL parsing, config-file reading and suppressions, list
 * insertions, the configured timeout value in each unit, and config files following disk changes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { timeoutValue } from '../../server/src/catalog/python-timeouts';
import { configFileSuppressions } from '../../server/src/engine/config-files';
import { configConnections } from '../../server/src/rules/fg002-missing-query-timeout/config-files';
import { parseDatabaseUrl, queryAddition } from '../../server/src/rules/fg002-missing-query-timeout/database-url';
import { appendItem } from '../../server/src/rules/fg002-missing-query-timeout/insertions';

describe('database URLs', () => {
  test('driver name, decoded query, and the separator a fix appends with', () => {
    const url = parseDatabaseUrl('postgresql+psycopg2://u@h/db?options=-c%20statement_timeout%3D5&sslmode=require');
    assert.equal(url.drivername, 'postgresql+psycopg2');
    assert.equal(url.query.get('options'), '-c statement_timeout=5');
    assert.equal(queryAddition(url, 'x=1'), '&x=1');
    assert.equal(queryAddition(parseDatabaseUrl('mysql://h/db'), 'x=1'), '?x=1');
    assert.equal(queryAddition(parseDatabaseUrl('mysql://h/db?'), 'x=1'), 'x=1');
  });

  test('text that is not a URL has no driver name and does not throw on bad escapes', () => {
    const url = parseDatabaseUrl('not a url?a=%E0%A4%A');
    assert.equal(url.drivername, '');
    assert.equal(url.query.get('a'), '%E0%A4%A');
  });
});

describe('timeout values', () => {
  test('seconds and milliseconds from the configured seconds', () => {
    assert.equal(timeoutValue('read_timeout={s}', 12), 'read_timeout=12');
    assert.equal(timeoutValue('"-c statement_timeout={ms}"', 12), '"-c statement_timeout=12000"');
    assert.equal(timeoutValue('{s}/{ms}', 1.5), '1.5/1500');
  });
});

describe('config files', () => {
  const text = [
    '[DEFAULT]',
    'connection = mysql://default-is-not-a-database-section',
    '[database]',
    'connection = mysql+pymysql://u@db/nova  ; forkguard: ignore[FG002]',
    'max_pool_size = 5',
    '[api_database]',
    'connection=postgresql://u@db/api',
    '# connection = mysql://commented-out',
  ].join('\n');

  test('reads only the connection option of database sections, with the URL range', () => {
    const found = configConnections(new Map([['/w/nova.conf', text]]));
    assert.deepEqual(
      found.map((c) => [c.section, c.text, c.range.start.line, c.range.start.character, c.range.end.character]),
      [
        ['database', 'mysql+pymysql://u@db/nova', 3, 13, 38],
        ['api_database', 'postgresql://u@db/api', 6, 11, 32],
      ],
    );
  });

  test('suppression comments after # or ;', () => {
    assert.deepEqual(configFileSuppressions(text), [
      { line: 3, codes: ['FG002'], range: { start: { line: 3, character: 42 }, end: { line: 3, character: 66 } } },
    ]);
    assert.deepEqual(configFileSuppressions('# forkguard: ignore\nkey = a#forkguard: ignore\n').map((s) => [s.line, s.codes]), [[0, null]]);
  });
});

describe('appending to an argument list', () => {
  const file = '/w/a.py';
  const range = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

  test('an empty call gets the item alone', () => {
    const edit = appendItem(file, ['f()'], { range: range(0, 1, 0, 3), items: [] }, 'timeout=3', '\n');
    assert.deepEqual(edit, { file, range: range(0, 2, 0, 2), newText: 'timeout=3' });
  });

  test('a one-line call gets `, item` after its last argument', () => {
    const edit = appendItem(file, ['f(a, b)'], { range: range(0, 1, 0, 7), items: [range(0, 2, 0, 3), range(0, 5, 0, 6)] }, 'timeout=3', '\n');
    assert.deepEqual(edit, { file, range: range(0, 6, 0, 6), newText: ', timeout=3' });
  });

  test('a multi-line call with a trailing comma keeps one after the new item', () => {
    const lines = ['f(', '    a,', ')'];
    const edit = appendItem(file, lines, { range: range(0, 1, 2, 1), items: [range(1, 4, 1, 5)] }, 'timeout=3', '\r\n');
    assert.deepEqual(edit, { file, range: range(1, 6, 1, 6), newText: '\r\n    timeout=3,' });
  });

  test('no edit when the text does not end with a closer where the facts say', () => {
    assert.equal(appendItem(file, ['f(a'], { range: range(0, 1, 0, 3), items: [range(0, 2, 0, 3)] }, 'x=1', '\n'), undefined);
  });
});

describe('FG002 through the engine', () => {
  async function analyzeFolder(root: string, editorSettings = {}) {
    const { Workspace } = await import('../../server/src/engine/workspace');
    const { analyze } = await import('../../server/src/engine/analyze');
    const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings });
    await workspace.scan();
    return { workspace, analyze };
  }

  test('fixes write the configured timeout in each unit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fg002-'));
    try {
      writeFileSync(join(root, 'app.py'), 'import psycopg2, pymysql\npsycopg2.connect("dbname=x")\npymysql.connect(host="db")\n');
      const { workspace, analyze } = await analyzeFolder(root, { timeoutSeconds: 7 });
      const findings = (await analyze(workspace)).findings.get(join(root, 'app.py'))!.filter((f) => f.rule === 'FG002');
      assert.deepEqual(
        findings.map((f) => f.fixes[0].edits[0].newText),
        [', options="-c statement_timeout=7000"', ', read_timeout=7'],
      );
      assert.match(findings[1].message, /has no `read_timeout`: a hung query holds its thread forever/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('config files are re-read on refresh and dropped on removal', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fg002-'));
    const conf = join(root, 'app.conf');
    try {
      writeFileSync(conf, '[database]\nconnection = mysql://db/app?read_timeout=5\n');
      const { workspace, analyze } = await analyzeFolder(root);
      assert.deepEqual((await analyze(workspace)).findings.get(conf), []);
      writeFileSync(conf, '[database]\nconnection = mysql://db/app\n');
      await workspace.refreshFile(conf);
      assert.deepEqual((await analyze(workspace)).findings.get(conf)!.map((f) => f.rule), ['FG002']);
      workspace.removeFile(conf);
      assert.equal((await analyze(workspace)).findings.has(conf), false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
