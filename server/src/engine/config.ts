/**
 * Configuration loading: built-in defaults < editor settings (`forkguard.*`) < the project file
 * (`forkguard.toml` in the first root, else `[tool.forkguard]` in its `pyproject.toml`, or an
 * explicit `--config` file). Later layers win key by key; `severity` is merged rule by rule.
 *
 * Nothing here throws on bad input: every problem becomes a Notice that names the file (with a
 * line and column when known) and the key, and the offending key falls back to the lower layers.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { SEVERITY_SETTINGS, type Notice, type Range, type SeveritySetting } from '../model';
import { defaultConfig, type ForkGuardConfig } from '../model/config';

/** Project files the configuration is read from, in order of precedence (for file watchers). */
export const configFileNames: readonly string[] = ['forkguard.toml', 'pyproject.toml'];

export interface LoadConfigOptions {
  roots: string[];
  /** Read this file instead of discovering one; a `pyproject.toml` is read for its `[tool.forkguard]`. */
  configFile?: string;
  /** The editor's `forkguard.*` section as the client sends it (validated here). */
  editorSettings?: Partial<ForkGuardConfig> | unknown;
  /** Restricted Mode: the project file may not add pool factories, fork points or reset calls. */
  restricted?: boolean;
  /** Rule ids a `severity` entry may name; an empty list accepts any id. */
  knownRules: string[];
}

export interface LoadedConfig {
  config: ForkGuardConfig;
  notices: Notice[];
  /** Absolute paths of the project files whose settings are in effect (zero or one). */
  sources: string[];
}

type ConfigField = keyof ForkGuardConfig;

interface KeySpec {
  field: ConfigField;
  /** Spelling in project files. */
  kebab: string;
  /** Spelling in editor settings (also accepted in project files). */
  camel: string;
  aliases?: string[];
}

const KEY_SPECS: readonly KeySpec[] = [
  { field: 'severity', kebab: 'severity', camel: 'severity' },
  { field: 'timeoutSeconds', kebab: 'timeout', camel: 'timeout', aliases: ['timeoutSeconds', 'timeout-seconds'] },
  { field: 'poolFactories', kebab: 'pool-factories', camel: 'poolFactories' },
  { field: 'forkPoints', kebab: 'fork-points', camel: 'forkPoints' },
  { field: 'resetCalls', kebab: 'reset-calls', camel: 'resetCalls' },
  { field: 'exclude', kebab: 'exclude', camel: 'exclude' },
];

/** Fields that widen what the engine treats as pools/forks/resets: not taken from untrusted projects. */
const CODE_WIDENING_FIELDS: readonly ConfigField[] = ['poolFactories', 'forkPoints', 'resetCalls'];

const QUALIFIED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Where a layer of settings comes from; shapes the notices about it. */
interface LayerSource {
  kind: 'editor' | 'project';
  /** Message prefix: `forkguard.toml`, `pyproject.toml`, `VS Code settings`. */
  label: string;
  /** Shown before a key: `[tool.forkguard] ` for pyproject.toml, `forkguard.` for editor settings. */
  keyPrefix: string;
  file?: string;
  /** File text, to point notices at the line of a key. */
  text?: string;
  /** For pyproject.toml: only keys after this table header are ours. */
  tableHeader?: RegExp;
}

const PYPROJECT_TABLE_HEADER = /^\s*\[\s*tool\s*\.\s*forkguard\s*[\].]/m;

/**
 * Validates the editor's `forkguard.*` settings. Keys VS Code sends that are not configuration
 * of the engine (e.g. `trace`) are ignored without a notice: VS Code validates its own schema.
 */
export function validateEditorSettings(
  raw: unknown,
  knownRules: string[],
): { settings: Partial<ForkGuardConfig>; notices: Notice[] } {
  const source: LayerSource = { kind: 'editor', label: 'VS Code settings', keyPrefix: 'forkguard.' };
  return validateLayer(raw, source, knownRules, defaultConfig());
}

export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const notices: Notice[] = [];
  const sources: string[] = [];
  let config = defaultConfig();

  if (options.editorSettings !== undefined && options.editorSettings !== null) {
    const editor = validateEditorSettings(options.editorSettings, options.knownRules);
    notices.push(...editor.notices);
    config = mergeLayer(config, editor.settings);
  }

  const project = options.configFile
    ? await readExplicitConfigFile(options.configFile, notices)
    : await findProjectConfig(options.roots[0], notices);
  if (project) {
    const layer = validateLayer(project.table, project.source, options.knownRules, config);
    notices.push(...layer.notices);
    if (options.restricted) dropCodeWideningKeys(layer.settings, project.source, notices);
    config = mergeLayer(config, layer.settings);
    sources.push(project.source.file!);
  }
  return { config, notices, sources };
}

interface ProjectTable {
  table: unknown;
  source: LayerSource;
}

async function readExplicitConfigFile(configFile: string, notices: Notice[]): Promise<ProjectTable | undefined> {
  const file = path.resolve(configFile);
  const read = await readText(file);
  if ('error' in read) {
    notices.push({ level: 'error', file, message: `${configFile}: cannot read config file: ${read.error}` });
    return undefined;
  }
  if (path.basename(file) === 'pyproject.toml') {
    const project = parsePyproject(file, configFile, read.text, notices, 'always');
    if (project === 'no-table') {
      notices.push({ level: 'warning', file, message: `${configFile}: has no [tool.forkguard] table; using the defaults` });
      return undefined;
    }
    return project;
  }
  const source: LayerSource = { kind: 'project', label: configFile, keyPrefix: '', file, text: read.text };
  const table = parseTomlReporting(read.text, source, notices, 'error');
  return table === undefined ? undefined : { table, source };
}

/** `forkguard.toml` in the root, else `[tool.forkguard]` of its `pyproject.toml`, else nothing. */
async function findProjectConfig(root: string | undefined, notices: Notice[]): Promise<ProjectTable | undefined> {
  if (!root) return undefined;
  const forkguardToml = path.join(root, 'forkguard.toml');
  const pyprojectToml = path.join(root, 'pyproject.toml');
  const [own, pyproject] = await Promise.all([readText(forkguardToml), readText(pyprojectToml)]);

  if ('text' in own) {
    if ('text' in pyproject && PYPROJECT_TABLE_HEADER.test(pyproject.text)) {
      notices.push({
        level: 'info',
        file: pyprojectToml,
        message: 'pyproject.toml: [tool.forkguard] is ignored because forkguard.toml is present',
      });
    }
    const source: LayerSource = { kind: 'project', label: 'forkguard.toml', keyPrefix: '', file: forkguardToml, text: own.text };
    const table = parseTomlReporting(own.text, source, notices, 'error');
    return table === undefined ? undefined : { table, source };
  }
  if (own.code !== 'ENOENT') {
    notices.push({ level: 'warning', file: forkguardToml, message: `forkguard.toml: cannot read config file: ${own.error}` });
  }
  if ('text' in pyproject) {
    const project = parsePyproject(pyprojectToml, 'pyproject.toml', pyproject.text, notices, 'when-it-mentions-forkguard');
    return project === 'no-table' ? undefined : project;
  }
  if (pyproject.code !== 'ENOENT') {
    notices.push({ level: 'warning', file: pyprojectToml, message: `pyproject.toml: cannot read: ${pyproject.error}` });
  }
  return undefined;
}

/**
 * The `[tool.forkguard]` table of a pyproject.toml. A discovered pyproject.toml that does not
 * parse is only our problem when it mentions forkguard; otherwise it belongs to other tools.
 * Returns undefined when the file does not parse (and says so, if it is ours to report).
 */
function parsePyproject(
  file: string,
  label: string,
  text: string,
  notices: Notice[],
  reportParseErrors: 'always' | 'when-it-mentions-forkguard',
): ProjectTable | 'no-table' | undefined {
  const source: LayerSource = {
    kind: 'project',
    label,
    keyPrefix: '[tool.forkguard] ',
    file,
    text,
    tableHeader: PYPROJECT_TABLE_HEADER,
  };
  const ours = reportParseErrors === 'always' || /forkguard/.test(text);
  const parsed = parseTomlReporting(text, source, ours ? notices : [], 'error');
  if (parsed === undefined) return ours ? undefined : 'no-table';
  const tool = (parsed as Record<string, unknown>).tool;
  if (!isPlainObject(tool) || !('forkguard' in tool)) return 'no-table';
  return { table: tool.forkguard, source };
}

function parseTomlReporting(
  text: string,
  source: LayerSource,
  notices: Notice[],
  level: Notice['level'],
): Record<string, unknown> | undefined {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const { reason, range } = describeTomlError(error);
    const where = range ? `${source.label}:${range.start.line + 1}:${range.start.character + 1}` : source.label;
    notices.push({ level, file: source.file, range, message: `${where}: invalid TOML: ${reason}; ignoring this file` });
    return undefined;
  }
}

function describeTomlError(error: unknown): { reason: string; range?: Range } {
  if (error instanceof TomlError) {
    // smol-toml's message is "Invalid TOML document: <reason>\n\n<code block>"; line/column are 1-based.
    const reason = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    const start = { line: error.line - 1, character: error.column - 1 };
    return { reason, range: { start, end: { line: start.line, character: start.character + 1 } } };
  }
  return { reason: error instanceof Error ? error.message : String(error) };
}

async function readText(file: string): Promise<{ text: string } | { error: string; code: string }> {
  try {
    const text = await fs.readFile(file, 'utf8');
    return { text: text.replace(/^\uFEFF/, '') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    const reasons: Record<string, string> = { ENOENT: 'file not found', EISDIR: 'it is a folder', EACCES: 'permission denied' };
    return { error: `${reasons[code] ?? (error as Error).message} (${file})`, code };
  }
}

function validateLayer(
  raw: unknown,
  source: LayerSource,
  knownRules: string[],
  lower: ForkGuardConfig,
): { settings: Partial<ForkGuardConfig>; notices: Notice[] } {
  const notices: Notice[] = [];
  const settings: Partial<ForkGuardConfig> = {};
  if (!isPlainObject(raw)) {
    notices.push(notice(source, undefined, 'warning', `expected a table of settings, got ${describeValue(raw)}; ignoring it`));
    return { settings, notices };
  }
  const seen = new Map<ConfigField, string>();
  for (const [key, value] of Object.entries(raw)) {
    const spec = KEY_SPECS.find((s) => s.kebab === key || s.camel === key || s.aliases?.includes(key));
    if (!spec) {
      if (source.kind === 'project') notices.push(unknownKeyNotice(source, key));
      continue;
    }
    const earlier = seen.get(spec.field);
    if (earlier !== undefined) {
      notices.push(notice(source, key, 'warning', `repeats "${earlier}" (the same setting); using this one`));
    }
    seen.set(spec.field, key);
    const say: Reporter = (level, problem, locate) => notices.push(notice(source, key, level, problem, locate ?? key));
    switch (spec.field) {
      case 'severity': {
        const severity = validateSeverity(value, knownRules, say);
        if (severity) settings.severity = { ...(settings.severity ?? {}), ...severity };
        break;
      }
      case 'timeoutSeconds':
        if (typeof value === 'number' && Number.isFinite(value) && value > 0) settings.timeoutSeconds = value;
        else say('warning', `expected a positive number of seconds, got ${describeValue(value)}; using ${lower.timeoutSeconds}`);
        break;
      case 'exclude': {
        const globs = validateStringList(value, say, globProblem);
        if (globs) settings.exclude = globs;
        break;
      }
      default: {
        const names = validateStringList(value, say, (s) => (QUALIFIED_NAME.test(s) ? undefined : 'not a qualified name like "pkg.module.func"'));
        if (names) settings[spec.field] = names;
      }
    }
  }
  return { settings, notices };
}

/** Reports a problem with the current key; `locate` names the text to point at (default: the key). */
type Reporter = (level: Notice['level'], problem: string, locate?: string) => void;

function validateSeverity(
  value: unknown,
  knownRules: string[],
  say: Reporter,
): Record<string, SeveritySetting> | undefined {
  if (!isPlainObject(value)) {
    say('warning', `expected a table of rule id = severity (e.g. FG001 = "error"), got ${describeValue(value)}; ignoring it`);
    return undefined;
  }
  const known = new Set(knownRules.map((id) => id.toUpperCase()));
  const result: Record<string, SeveritySetting> = {};
  for (const [ruleKey, setting] of Object.entries(value)) {
    const ruleId = ruleKey.toUpperCase();
    if (known.size > 0 && !known.has(ruleId)) {
      say('warning', `unknown rule id "${ruleKey}" (known: ${[...known].sort().join(', ')}); ignoring it`, ruleKey);
      continue;
    }
    const normalized = typeof setting === 'string' ? setting.toLowerCase() : undefined;
    if (normalized === undefined || !(SEVERITY_SETTINGS as readonly string[]).includes(normalized)) {
      say('warning', `${ruleKey}: expected one of ${SEVERITY_SETTINGS.join(', ')}, got ${describeValue(setting)}; ignoring it`, ruleKey);
      continue;
    }
    result[ruleId] = normalized as SeveritySetting;
  }
  return result;
}

/** A list of strings; bad entries are dropped with a notice, a non-list is ignored whole. */
function validateStringList(value: unknown, say: Reporter, problemWith: (entry: string) => string | undefined): string[] | undefined {
  if (!Array.isArray(value)) {
    say('warning', `expected a list of strings, got ${describeValue(value)}; ignoring it`);
    return undefined;
  }
  const result: string[] = [];
  for (const entry of value) {
    const problem = typeof entry === 'string' ? problemWith(entry) : `not a string`;
    if (problem) say('warning', `entry ${describeValue(entry)} is ${problem}; ignoring that entry`);
    else result.push(entry as string);
  }
  return result;
}

function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'an empty pattern';
  // picomatch reads `!x` as "everything but x": as an exclude it would hide the whole workspace.
  if (glob.trim().startsWith('!')) return 'a negated pattern, which exclude does not support';
  return undefined;
}

function dropCodeWideningKeys(settings: Partial<ForkGuardConfig>, source: LayerSource, notices: Notice[]): void {
  const dropped = CODE_WIDENING_FIELDS.filter((field) => settings[field] !== undefined);
  if (dropped.length === 0) return;
  for (const field of dropped) delete settings[field];
  const names = dropped.map((field) => KEY_SPECS.find((s) => s.field === field)!.kebab).join(', ');
  notices.push({
    level: 'info',
    file: source.file,
    message: `${source.label}: ${names} ignored in Restricted Mode (untrusted workspace); trust the workspace to use them`,
  });
}

function mergeLayer(config: ForkGuardConfig, layer: Partial<ForkGuardConfig>): ForkGuardConfig {
  return { ...config, ...layer, severity: { ...config.severity, ...(layer.severity ?? {}) } };
}

function unknownKeyNotice(source: LayerSource, key: string): Notice {
  const spellings = KEY_SPECS.map((s) => s.kebab);
  const candidates = [...spellings, ...KEY_SPECS.map((s) => s.camel)];
  const close = closestMatch(key, candidates);
  const suggestion = close ? `; did you mean "${spellings[candidates.indexOf(close) % spellings.length]}"?` : ` (known: ${spellings.join(', ')})`;
  return notice(source, key, 'warning', `unknown key${suggestion}`);
}

/**
 * A notice about `key` of a layer: `file:line:col: key: problem` when the line of `locate` (a key,
 * or a rule id inside `severity`) is found in the file text, else `file: key: problem`.
 */
function notice(source: LayerSource, key: string | undefined, level: Notice['level'], problem: string, locate = key): Notice {
  const range = source.text && locate !== undefined ? locateKey(source.text, locate, source.tableHeader) : undefined;
  const where = range ? `${source.label}:${range.start.line + 1}:${range.start.character + 1}` : source.label;
  const keyText = key !== undefined ? `${source.keyPrefix}${key}: ` : source.keyPrefix ? `${source.keyPrefix.trim().replace(/\.$/, '')}: ` : '';
  const result: Notice = { level, message: `${where}: ${keyText}${problem}` };
  if (source.file) result.file = source.file;
  if (range) result.range = range;
  return result;
}

/**
 * Best-effort position of a key in TOML text (the parser does not report key positions): the
 * first line, inside our table, where the last part of `at` is assigned (`key =`, `"key" =`,
 * `a.key =`, `{ key = ... }`).
 */
function locateKey(text: string, name: string, tableHeader?: RegExp): Range | undefined {
  const lines = text.split(/\r\n|\n|\r/);
  const escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const assignment = new RegExp(`(^|[\\s{,.])(["']?)(${escaped})\\2\\s*=`);
  let inOurTable = tableHeader === undefined;
  for (let line = 0; line < lines.length; line++) {
    const text = lines[line];
    if (/^\s*\[/.test(text)) {
      if (tableHeader) inOurTable = tableHeader.test(text);
      continue;
    }
    if (!inOurTable) continue;
    const match = assignment.exec(text);
    if (match) {
      const character = match.index + match[1].length + match[2].length;
      return { start: { line, character }, end: { line, character: character + name.length } };
    }
  }
  return undefined;
}

/** The candidate within a small edit distance of `word`, if any (for "did you mean"). */
function closestMatch(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a table';
  return String(value);
}
