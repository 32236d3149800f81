import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFileNames, loadConfig, validateEditorSettings } from '../../server/src/engine/config';
import { defaultConfig } from '../../server/src/model/config';

const KNOWN = ['FG001', 'FG002', 'FG003'];

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fg-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const messages = (notices: { message: string }[]) => notices.map((n) => n.message);

test('configFileNames lists the project files in precedence order', () => {
  assert.deepEqual(configFileNames, ['forkguard.toml', 'pyproject.toml']);
});

test('no project file and no settings: the defaults, no notices, no sources', async () => {
  const root = project({ 'app.py': 'x = 1\n' });
  const result = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(result, { config: defaultConfig(), notices: [], sources: [] });
});

test('forkguard.toml: every key, kebab-case, read into the config', async () => {
  const root = project({
    'forkguard.toml': [
      'timeout = 12.5',
      'pool-factories = ["myapp.pools.make_pool"]',
      'fork-points = ["myapp.launcher.spawn_workers"]',
      'reset-calls = ["myapp.pools.reset_all"]',
      'exclude = ["generated/**", "*_pb2.py"]',
      '[severity]',
      'FG001 = "error"',
      'fg002 = "OFF"',
    ].join('\n'),
  });
  const result = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(result.notices, []);
  assert.deepEqual(result.sources, [join(root, 'forkguard.toml')]);
  assert.deepEqual(result.config, {
    severity: { FG001: 'error', FG002: 'off' },
    timeoutSeconds: 12.5,
    poolFactories: ['myapp.pools.make_pool'],
    forkPoints: ['myapp.launcher.spawn_workers'],
    resetCalls: ['myapp.pools.reset_all'],
    exclude: ['generated/**', '*_pb2.py'],
  });
});

test('camelCase spellings are accepted in the project file too', async () => {
  const root = project({ 'forkguard.toml': 'poolFactories = ["a.b"]\nforkPoints = ["c.d"]\nresetCalls = ["e.f"]\n' });
  const { config, notices } = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(notices, []);
  assert.deepEqual([config.poolFactories, config.forkPoints, config.resetCalls], [['a.b'], ['c.d'], ['e.f']]);
});

test('layers: defaults < editor settings < project file; severity merged rule by rule', async () => {
  const root = project({ 'forkguard.toml': 'timeout = 5\n[severity]\nFG001 = "error"\n' });
  const editorSettings = { severity: { FG001: 'hint', FG002: 'info' }, timeout: 60, exclude: ['tests/**'], trace: { server: 'off' } };
  const { config, notices } = await loadConfig({ roots: [root], editorSettings, knownRules: KNOWN });
  assert.deepEqual(notices, []);
  assert.deepEqual(config.severity, { FG001: 'error', FG002: 'info' });
  assert.equal(config.timeoutSeconds, 5);
  assert.deepEqual(config.exclude, ['tests/**']);
});

test('pyproject.toml [tool.forkguard] is read when there is no forkguard.toml', async () => {
  const root = project({
    'pyproject.toml': '[project]\nname = "svc"\n\n[tool.forkguard]\ntimeout = 7\n\n[tool.forkguard.severity]\nFG003 = "warning"\n\n[tool.ruff]\nline-length = 100\n',
  });
  const result = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(result.notices, []);
  assert.deepEqual(result.sources, [join(root, 'pyproject.toml')]);
  assert.equal(result.config.timeoutSeconds, 7);
  assert.deepEqual(result.config.severity, { FG003: 'warning' });
});

test('pyproject.toml without [tool.forkguard] (even a broken one) is not ours: silent defaults', async () => {
  for (const text of ['[project]\nname = "svc"\n', '[project\nname = ']) {
    const root = project({ 'pyproject.toml': text });
    assert.deepEqual(await loadConfig({ roots: [root], knownRules: KNOWN }), { config: defaultConfig(), notices: [], sources: [] });
  }
});

test('forkguard.toml wins over pyproject.toml, and the ignored table is mentioned', async () => {
  const root = project({ 'forkguard.toml': 'timeout = 3\n', 'pyproject.toml': '[tool.forkguard]\ntimeout = 9\n' });
  const result = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.equal(result.config.timeoutSeconds, 3);
  assert.deepEqual(result.notices, [
    { level: 'info', file: join(root, 'pyproject.toml'), message: 'pyproject.toml: [tool.forkguard] is ignored because forkguard.toml is present' },
  ]);
});

test('broken TOML: an error notice with file:line:col, and the lower layers keep working', async () => {
  const root = project({ 'forkguard.toml': 'timeout = 5\n[severity]\nFG001 = "error\n' });
  const result = await loadConfig({ roots: [root], editorSettings: { timeout: 45 }, knownRules: KNOWN });
  assert.deepEqual(result.config, { ...defaultConfig(), timeoutSeconds: 45 });
  assert.deepEqual(result.sources, []);
  assert.equal(result.notices.length, 1);
  const [notice] = result.notices;
  assert.equal(notice.level, 'error');
  assert.equal(notice.file, join(root, 'forkguard.toml'));
  assert.match(notice.message, /^forkguard\.toml:3:15: invalid TOML: control characters are not allowed in strings; ignoring this file$/);
  assert.deepEqual(notice.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 15 } });
});

test('broken pyproject.toml that holds [tool.forkguard] is reported', async () => {
  const root = project({ 'pyproject.toml': '[tool.forkguard]\ntimeout = = 3\n' });
  const { notices, config } = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(config, defaultConfig());
  assert.equal(notices.length, 1);
  assert.match(notices[0].message, /^pyproject\.toml:2:\d+: invalid TOML: /);
});

test('wrong types: each bad key is named with its position, valid keys still apply', async () => {
  const root = project({
    'pyproject.toml': [
      '[tool.other]',
      'timeout = "ignored, not ours"',
      '[tool.forkguard]',
      'timeout = "thirty"',
      'exclude = "build"',
      'pool-factories = ["ok.factory", 3, "not a name"]',
      'fork-points = ["ok.fork"]',
      'severity = "error"',
    ].join('\n'),
  });
  const { config, notices } = await loadConfig({ roots: [root], knownRules: KNOWN });
  const file = join(root, 'pyproject.toml');
  assert.deepEqual(config, { ...defaultConfig(), poolFactories: ['ok.factory'], forkPoints: ['ok.fork'] });
  assert.deepEqual(notices, [
    {
      level: 'warning',
      file,
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 7 } },
      message: 'pyproject.toml:4:1: [tool.forkguard] timeout: expected a positive number of seconds, got "thirty"; using 30',
    },
    {
      level: 'warning',
      file,
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 7 } },
      message: 'pyproject.toml:5:1: [tool.forkguard] exclude: expected a list of strings, got "build"; ignoring it',
    },
    {
      level: 'warning',
      file,
      range: { start: { line: 5, character: 0 }, end: { line: 5, character: 14 } },
      message: 'pyproject.toml:6:1: [tool.forkguard] pool-factories: entry 3 is not a string; ignoring that entry',
    },
    {
      level: 'warning',
      file,
      range: { start: { line: 5, character: 0 }, end: { line: 5, character: 14 } },
      message:
        'pyproject.toml:6:1: [tool.forkguard] pool-factories: entry "not a name" is not a qualified name like "pkg.module.func"; ignoring that entry',
    },
    {
      level: 'warning',
      file,
      range: { start: { line: 7, character: 0 }, end: { line: 7, character: 8 } },
      message:
        'pyproject.toml:8:1: [tool.forkguard] severity: expected a table of rule id = severity (e.g. FG001 = "error"), got "error"; ignoring it',
    },
  ]);
});

test('timeout must be a positive number: zero and negatives fall back to the lower layer', async () => {
  const root = project({ 'forkguard.toml': 'timeout = 0\n' });
  const { config, notices } = await loadConfig({ roots: [root], editorSettings: { timeout: 20 }, knownRules: KNOWN });
  assert.equal(config.timeoutSeconds, 20);
  assert.deepEqual(messages(notices), ['forkguard.toml:1:1: timeout: expected a positive number of seconds, got 0; using 20']);
});

test('unknown rule ids and bad severities are named, the good entries kept', async () => {
  const root = project({ 'forkguard.toml': 'severity = { FG001 = "error", FG999 = "off", FG002 = "loud" }\n' });
  const { config, notices } = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(config.severity, { FG001: 'error' });
  assert.deepEqual(messages(notices), [
    'forkguard.toml:1:31: severity: unknown rule id "FG999" (known: FG001, FG002, FG003); ignoring it',
    'forkguard.toml:1:46: severity: FG002: expected one of off, hint, info, warning, error, got "loud"; ignoring it',
  ]);
});

test('unknown keys are warnings, with "did you mean" when close', async () => {
  const root = project({ 'forkguard.toml': 'pool-factory = ["a.b"]\ncolour = "red"\ntimeout = 10\n' });
  const { config, notices } = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.equal(config.timeoutSeconds, 10);
  assert.deepEqual(config.poolFactories, []);
  assert.deepEqual(
    notices.map((n) => [n.level, n.message]),
    [
      ['warning', 'forkguard.toml:1:1: pool-factory: unknown key; did you mean "pool-factories"?'],
      ['warning', 'forkguard.toml:2:1: colour: unknown key (known: severity, timeout, pool-factories, fork-points, reset-calls, exclude)'],
    ],
  );
});

test('[tool.forkguard] that is not a table is reported', async () => {
  const root = project({ 'pyproject.toml': '[tool]\nforkguard = 3\n' });
  const { config, notices } = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(config, defaultConfig());
  assert.deepEqual(messages(notices), ['pyproject.toml: [tool.forkguard]: expected a table of settings, got 3; ignoring it']);
});

test('explicit configFile: read instead of the discovered file', async () => {
  const root = project({ 'forkguard.toml': 'timeout = 1\n', 'ci/strict.toml': '[severity]\nFG002 = "error"\n' });
  const configFile = join(root, 'ci/strict.toml');
  const result = await loadConfig({ roots: [root], configFile, knownRules: KNOWN });
  assert.deepEqual(result, { config: { ...defaultConfig(), severity: { FG002: 'error' } }, notices: [], sources: [configFile] });
});

test('explicit pyproject.toml configFile: its [tool.forkguard] table; missing table is a warning', async () => {
  const root = project({ 'a/pyproject.toml': '[tool.forkguard]\ntimeout = 2\n', 'b/pyproject.toml': '[project]\nname = "x"\n' });
  const withTable = await loadConfig({ roots: [root], configFile: join(root, 'a/pyproject.toml'), knownRules: KNOWN });
  assert.equal(withTable.config.timeoutSeconds, 2);
  assert.deepEqual(withTable.notices, []);
  const withoutTable = await loadConfig({ roots: [root], configFile: join(root, 'b/pyproject.toml'), knownRules: KNOWN });
  assert.deepEqual(withoutTable.config, defaultConfig());
  assert.deepEqual(
    withoutTable.notices.map((n) => [n.level, n.message]),
    [['warning', `${join(root, 'b/pyproject.toml')}: has no [tool.forkguard] table; using the defaults`]],
  );
});

test('explicit configFile that is missing, a folder, or broken is an error notice', async () => {
  const root = project({ 'broken.toml': 'timeout = \n' });
  const missing = join(root, 'nope.toml');
  const result = await loadConfig({ roots: [root], configFile: missing, knownRules: KNOWN });
  assert.deepEqual(result.config, defaultConfig());
  assert.deepEqual(result.notices, [
    { level: 'error', file: missing, message: `${missing}: cannot read config file: file not found (${missing})` },
  ]);
  const folder = await loadConfig({ roots: [root], configFile: root, knownRules: KNOWN });
  assert.deepEqual(folder.notices.map((n) => [n.level, n.message]), [['error', `${root}: cannot read config file: it is a folder (${root})`]]);
  const broken = await loadConfig({ roots: [root], configFile: join(root, 'broken.toml'), knownRules: KNOWN });
  assert.equal(broken.notices.length, 1);
  assert.equal(broken.notices[0].level, 'error');
  assert.match(broken.notices[0].message, /broken\.toml:1:\d+: invalid TOML: /);
});

test('restricted mode: severities, timeout and exclude read; code-widening keys ignored with an info', async () => {
  const root = project({
    'forkguard.toml': 'timeout = 4\nexclude = ["gen/**"]\npool-factories = ["a.b"]\nreset-calls = ["c.d"]\n[severity]\nFG001 = "error"\n',
  });
  const { config, notices } = await loadConfig({ roots: [root], restricted: true, knownRules: KNOWN });
  assert.deepEqual(config, { ...defaultConfig(), timeoutSeconds: 4, exclude: ['gen/**'], severity: { FG001: 'error' } });
  assert.deepEqual(
    notices.map((n) => [n.level, n.message]),
    [['info', 'forkguard.toml: pool-factories, reset-calls ignored in Restricted Mode (untrusted workspace); trust the workspace to use them']],
  );
});

test('a repeated setting under two spellings is flagged, the last one used', async () => {
  const root = project({ 'forkguard.toml': 'pool-factories = ["a.b"]\npoolFactories = ["c.d"]\n' });
  const { config, notices } = await loadConfig({ roots: [root], knownRules: KNOWN });
  assert.deepEqual(config.poolFactories, ['c.d']);
  assert.deepEqual(messages(notices), ['forkguard.toml:2:1: poolFactories: repeats "pool-factories" (the same setting); using this one']);
});

test('validateEditorSettings: VS Code shapes accepted, unrelated keys ignored, bad values named', () => {
  const good = validateEditorSettings(
    { severity: { FG003: 'error' }, timeout: 15, poolFactories: [], forkPoints: ['x.y'], resetCalls: [], exclude: ['a/**'], trace: { server: 'verbose' } },
    KNOWN,
  );
  assert.deepEqual(good, {
    settings: { severity: { FG003: 'error' }, timeoutSeconds: 15, poolFactories: [], forkPoints: ['x.y'], resetCalls: [], exclude: ['a/**'] },
    notices: [],
  });
  const bad = validateEditorSettings({ timeout: -3, severity: { FG404: 'error' }, exclude: ['', '!src/**', 'ok/**'] }, KNOWN);
  assert.deepEqual(bad.settings, { severity: {}, exclude: ['ok/**'] });
  assert.deepEqual(bad.notices, [
    { level: 'warning', message: 'VS Code settings: forkguard.timeout: expected a positive number of seconds, got -3; using 30' },
    {
      level: 'warning',
      message: 'VS Code settings: forkguard.severity: unknown rule id "FG404" (known: FG001, FG002, FG003); ignoring it',
    },
    { level: 'warning', message: 'VS Code settings: forkguard.exclude: entry "" is an empty pattern; ignoring that entry' },
    {
      level: 'warning',
      message: 'VS Code settings: forkguard.exclude: entry "!src/**" is a negated pattern, which exclude does not support; ignoring that entry',
    },
  ]);
});

test('validateEditorSettings: a ForkGuardConfig-shaped object (timeoutSeconds) and junk input', () => {
  assert.deepEqual(validateEditorSettings({ timeoutSeconds: 9 }, KNOWN), { settings: { timeoutSeconds: 9 }, notices: [] });
  for (const junk of [42, 'x', [1]]) {
    const result = validateEditorSettings(junk, KNOWN);
    assert.deepEqual(result.settings, {});
    assert.equal(result.notices.length, 1);
    assert.match(result.notices[0].message, /^VS Code settings: forkguard: expected a table of settings, got .+; ignoring it$/);
  }
});
