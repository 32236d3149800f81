/**
 * The rule-fixture harness: finds fixture cases on disk, reads their inline expectations
 * (`# expect: FG001`), copies a case into a scratch workspace, applies fixes as text edits and
 * formats readable differences. The format is documented in server/src/rules/README.md.
 *
 * Deliberately independent of the engine's own helpers (edit application, position maths), so a
 * bug there cannot hide itself by being used to check its own output.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Finding, TextEdit } from '../../server/src/model';


/** The rule folders; each rule's fixtures live in `<rule folder>/fixtures/<language>/<case>/`. */
export const RULES_ROOT = join(__dirname, '..', '..', 'server', 'src', 'rules');

/** Dot-folder holding the expected text of the files a case's preferred fixes change. */
export const FIXED_FOLDER = '.fixed';

/** Source files whose comments are read for expectations, by the language folder they sit in. */
const SOURCE_EXTENSIONS: Record<string, string[]> = {
  python: ['.py', '.conf', '.ini'],
  typescript: ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'],
};

/** Declaration files (`types.d.ts` shims of third-party modules) hold types only: never sources. */
const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** Files whose comments start with `//` (TS/JS) rather than `#`. */
const SLASH_COMMENT_FILE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;

export interface FixtureCase {
  /** Language folder: `python` or `typescript`. */
  language: string;
  /**
   * Rule id the case is about, from its rule folder: `fg001-pool-before-fork` -> `FG001`. A folder
   * holding a family of codes names it with `x` digits: `fg1xx-eventlet-inventory` -> `FG1XX`,
   * which covers FG100-FG199 (see `ruleInFamily`).
   */
  rule: string;
  /** Case folder name. */
  name: string;
  /** Absolute path of the case folder. */
  dir: string;
  /** Absolute path of the `.fixed` folder, when the case has one. */
  fixedDir?: string;
}

/** One finding, as far as fixtures pin it: rule, file relative to the case root, 1-based line. */
export interface ExpectedFinding {
  rule: string;
  file: string;
  line: number;
}

/** Every case under `root/<rule folder>/fixtures/<language>/<case>/`, sorted, so adding a folder adds a test. */
export function discoverFixtureCases(root: string = RULES_ROOT): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const ruleFolder of subfolders(root)) {
    const fixtures = join(root, ruleFolder, 'fixtures');
    if (!isDirectory(fixtures)) continue;
    for (const language of subfolders(fixtures)) {
      for (const name of subfolders(join(fixtures, language))) {
        const dir = join(fixtures, language, name);
        const fixedDir = join(dir, FIXED_FOLDER);
        cases.push({
          language,
          rule: ruleFolder.split('-')[0].toUpperCase(),
          name,
          dir,
          fixedDir: isDirectory(fixedDir) ? fixedDir : undefined,
        });
      }
    }
  }
  return cases;
}

/** Whether a rule id belongs to a case's rule: `FG001` to `FG001`, `FG104` to the family `FG1XX`. */
export function ruleInFamily(family: string, id: string): boolean {
  return family.length === id.length && [...family].every((char, i) => char === id[i] || (char === 'X' && /\d/.test(id[i])));
}

/** Relative paths (with `/`) of the files under `dir`, sorted; dot-folders skipped unless asked. */
export function listFiles(dir: string, options: { includeDotFolders?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.') && !options.includeDotFolders) continue;
        walk(full);
      } else if (entry.isFile()) {
        out.push(toPosix(relative(dir, full)));
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** The source files of a case's workspace (its `.fixed` folder excluded). */
export function caseSourceFiles(fixture: FixtureCase): string[] {
  const extensions = SOURCE_EXTENSIONS[fixture.language] ?? [];
  return listFiles(fixture.dir).filter((file) => extensions.some((ext) => file.endsWith(ext)) && !DECLARATION_FILE.test(file));
}

const EXPECT_COMMENT = /#\s*expect:\s*(.*)$/;
const SLASH_EXPECT_COMMENT = /\/\/\s*expect:\s*(.*)$/;
const RULE_ID = /^[A-Z]{2}\d{3}$/;

/**
 * Reads `# expect: FG001` trailing comments (`// expect: FG001` in TS/JS files; several findings
 * on one line: `FG001, FG001`). `line` is 1-based. Throws on a malformed expectation so a typo
 * cannot silently expect nothing.
 */
export function parseExpectations(file: string, text: string): ExpectedFinding[] {
  const expected: ExpectedFinding[] = [];
  const comment = SLASH_COMMENT_FILE.test(file) ? SLASH_EXPECT_COMMENT : EXPECT_COMMENT;
  const example = SLASH_COMMENT_FILE.test(file) ? '// expect: FG001[, FG001...]' : '# expect: FG001[, FG001...]';
  splitLines(text).forEach((lineText, index) => {
    const match = comment.exec(lineText);
    if (!match) return;
    for (const code of match[1].split(',').map((part) => part.trim())) {
      if (!RULE_ID.test(code)) {
        throw new Error(`${file}:${index + 1}: malformed expectation "${match[0]}" (want "${example}")`);
      }
      expected.push({ rule: code, file, line: index + 1 });
    }
  });
  return expected;
}

/** All expectations of a case, in file then line order. */
export function readCaseExpectations(fixture: FixtureCase): ExpectedFinding[] {
  return caseSourceFiles(fixture).flatMap((file) => parseExpectations(file, readFileSync(join(fixture.dir, file), 'utf8')));
}

/**
 * Copies a case into a fresh temporary folder without its `.fixed` folder, so the engine scans
 * exactly the mini-workspace. Returns the real path (symlinks resolved, as the engine reports).
 */
export function copyCaseToScratch(fixture: FixtureCase): string {
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), `forkguard-${fixture.name}-`)));
  cpSync(fixture.dir, scratch, {
    recursive: true,
    filter: (source) => relative(fixture.dir, source).split(sep)[0] !== FIXED_FOLDER,
  });
  return scratch;
}

export function removeScratch(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Findings of the analysis flattened and keyed like expectations (file relative to `root`). */
export function toActualFindings(root: string, findings: ReadonlyMap<string, Finding[]>): (ExpectedFinding & { message: string })[] {
  const actual: (ExpectedFinding & { message: string })[] = [];
  for (const [file, list] of findings) {
    for (const finding of list) {
      actual.push({
        rule: finding.rule,
        file: toPosix(relative(root, file)),
        line: finding.range.start.line + 1,
        message: finding.message,
      });
    }
  }
  return actual.sort(compareExpected);
}

export function compareExpected(a: ExpectedFinding, b: ExpectedFinding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

export function findingKey(finding: ExpectedFinding): string {
  return `${finding.file}:${finding.line} ${finding.rule}`;
}

/**
 * Compares expected and actual findings as multisets. Returns null when they match, else a
 * report listing both sides, with the actual messages, and what is missing or extra.
 */
export function describeFindingMismatch(
  expected: ExpectedFinding[],
  actual: (ExpectedFinding & { message: string })[],
): string | null {
  const unmatched = [...expected].sort(compareExpected).map(findingKey);
  const extra: string[] = [];
  for (const finding of actual) {
    const at = unmatched.indexOf(findingKey(finding));
    if (at >= 0) unmatched.splice(at, 1);
    else extra.push(findingKey(finding));
  }
  if (unmatched.length === 0 && extra.length === 0) return null;
  const list = (items: string[]): string => (items.length ? items.map((item) => `  ${item}`).join('\n') : '  (none)');
  return [
    'expected:',
    list([...expected].sort(compareExpected).map(findingKey)),
    'actual:',
    list(actual.map((finding) => `${findingKey(finding)}  ${finding.message}`)),
    'missing:',
    list(unmatched),
    'unexpected:',
    list(extra),
  ].join('\n');
}

/** Splits on `\r\n`, `\r` or `\n`, as the engine counts lines. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Offsets (UTF-16 code units) of the first character of each line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\r' && text[i + 1] === '\n') i++;
    if (ch === '\r' || ch === '\n') starts.push(i + 1);
  }
  return starts;
}

function offsetOf(lines: string[], starts: number[], line: number, character: number, where: string): number {
  if (line < 0 || line >= starts.length) throw new Error(`${where}: line ${line} is outside the file (${starts.length} lines)`);
  if (character < 0 || character > lines[line].length) {
    throw new Error(`${where}: character ${character} is outside line ${line} (${lines[line].length} characters)`);
  }
  return starts[line] + character;
}

/**
 * Applies edits to one file's text (0-based lines, UTF-16 characters), last edit first so earlier
 * ranges stay valid. Overlapping edits are an error, as the model forbids them.
 */
export function applyTextEdits(text: string, edits: Pick<TextEdit, 'range' | 'newText'>[], where = 'edit'): string {
  const starts = lineStarts(text);
  const lines = splitLines(text);
  const spans = edits
    .map((edit) => ({
      start: offsetOf(lines, starts, edit.range.start.line, edit.range.start.character, where),
      end: offsetOf(lines, starts, edit.range.end.line, edit.range.end.character, where),
      newText: edit.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  let previousStart = Number.POSITIVE_INFINITY;
  for (const span of spans) {
    if (span.end < span.start) throw new Error(`${where}: edit ends before it starts`);
    if (span.end > previousStart) throw new Error(`${where}: overlapping edits`);
    result = result.slice(0, span.start) + span.newText + result.slice(span.end);
    previousStart = span.start;
  }
  return result;
}

/**
 * Applies the preferred fix of every finding together, as a fix-all would, to the files under
 * `root`. Returns the new text of each changed file, keyed by path relative to `root` (with `/`).
 * Throws when a finding has no preferred fix or a fix edits a file outside `root`.
 */
export function applyPreferredFixes(root: string, findings: Finding[]): Map<string, string> {
  const editsByFile = new Map<string, TextEdit[]>();
  for (const finding of findings) {
    const where = `${toPosix(relative(root, finding.file))}:${finding.range.start.line + 1} ${finding.rule}`;
    const preferred = finding.fixes.find((fix) => fix.preferred);
    if (!preferred) throw new Error(`${where}: the finding has no preferred fix`);
    for (const edit of preferred.edits) {
      const path = toPosix(relative(root, edit.file));
      if (path.startsWith('../') || isAbsolute(path)) throw new Error(`${where}: the fix edits a file outside the workspace: ${edit.file}`);
      editsByFile.set(path, [...(editsByFile.get(path) ?? []), edit]);
    }
  }
  const changed = new Map<string, string>();
  for (const [path, edits] of [...editsByFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    changed.set(path, applyTextEdits(readFileSync(join(root, path), 'utf8'), edits, path));
  }
  return changed;
}

/**
 * A line diff of two texts (`-` expected only, `+` actual only, ` ` both), enough to see why an
 * exact comparison failed. Line endings are made visible so a `\r\n` mismatch is not invisible.
 */
export function lineDiff(expected: string, actual: string): string {
  const show = (text: string): string[] => text.split('\n').map((line) => line.replace(/\r/g, '\\r'));
  const a = show(expected);
  const b = show(actual);
  // Longest common subsequence table, from the end, so the walk below goes forwards.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  return out.join('\n');
}

function subfolders(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
