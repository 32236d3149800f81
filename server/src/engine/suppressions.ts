/**
 * Line suppressions: `# forkguard: ignore[FG001, FG002]` (or `// ...` in TS/JS) silences those
 * rules' findings whose range starts on the comment's line; a bare `forkguard: ignore` silences
 * all. A suppression, or a listed code, that silences nothing is reported as an FG000 hint with a
 * fix that removes it, so stale suppressions do not pile up.
 */
import type { Finding, Fix, Range, SuppressionComment, TextEdit } from '../model';

export const UNUSED_SUPPRESSION_RULE = 'FG000';
export const UNUSED_SUPPRESSION_NAME = 'unused-suppression';

/**
 * Returns the findings no suppression silences (in their input order), followed by one FG000 hint
 * per suppression comment that has unused codes (in comment order).
 *
 * `text` (the file's text) lets the hint's fix remove a whole comment cleanly, including its `#`
 * or `//` and the whitespace before it; without it, a comment left with no codes is removed from
 * `forkguard:` on, which leaves a bare `#`.
 *
 * FG000 findings in the input pass through untouched: a suppression cannot silence the report
 * about itself, so there is no loop.
 */
export function applySuppressions(findings: Finding[], comments: SuppressionComment[], file: string, text?: string): Finding[] {
  if (comments.length === 0) return findings;
  const byLine = new Map<number, SuppressionUse[]>();
  const uses = comments.map((comment) => {
    const use: SuppressionUse = { comment, codes: normalizeCodes(comment.codes), used: new Set(), usedByBare: false };
    byLine.set(comment.line, [...(byLine.get(comment.line) ?? []), use]);
    return use;
  });

  const kept = findings.filter((finding) => {
    if (finding.rule === UNUSED_SUPPRESSION_RULE) return true;
    let silenced = false;
    for (const use of byLine.get(finding.range.start.line) ?? []) {
      if (use.codes === null) {
        use.usedByBare = true;
        silenced = true;
      } else if (use.codes.includes(finding.rule.toUpperCase())) {
        use.used.add(finding.rule.toUpperCase());
        silenced = true;
      }
    }
    return !silenced;
  });

  const lines = text === undefined ? undefined : text.split(/\r\n|\n|\r/);
  const hints = uses.flatMap((use) => {
    const hint = unusedSuppressionHint(use, file, lines);
    return hint ? [hint] : [];
  });
  return [...kept, ...hints];
}

interface SuppressionUse {
  comment: SuppressionComment;
  /** Upper-cased, without duplicates; null for a bare `ignore`. */
  codes: string[] | null;
  used: Set<string>;
  usedByBare: boolean;
}

function normalizeCodes(codes: string[] | null): string[] | null {
  return codes === null ? null : [...new Set(codes.map((code) => code.trim().toUpperCase()).filter((code) => code !== ''))];
}

function unusedSuppressionHint(use: SuppressionUse, file: string, lines: string[] | undefined): Finding | undefined {
  const { comment, codes } = use;
  let unused: string[];
  let edit: TextEdit;
  if (codes === null || codes.length === 0) {
    if (use.usedByBare) return undefined;
    unused = [];
    edit = removeWholeComment(comment, file, lines);
  } else {
    unused = codes.filter((code) => !use.used.has(code));
    if (unused.length === 0) return undefined;
    const remaining = codes.filter((code) => use.used.has(code));
    edit =
      remaining.length === 0
        ? removeWholeComment(comment, file, lines)
        : { file, range: comment.range, newText: `forkguard: ignore[${remaining.join(', ')}]` };
  }
  const what = unused.length === 0 ? 'ForkGuard' : joinCodes(unused);
  const fix: Fix = { title: 'Remove unused suppression', edits: [edit], preferred: true, safe: true };
  return {
    rule: UNUSED_SUPPRESSION_RULE,
    name: UNUSED_SUPPRESSION_NAME,
    severity: 'hint',
    file,
    range: comment.range,
    message: `Unused suppression: no ${what} finding on this line`,
    related: [],
    fixes: [fix],
    tags: ['unnecessary'],
  };
}

/** `FG001`, `FG001 or FG002`, `FG001, FG002 or FG003`. */
function joinCodes(codes: string[]): string {
  return codes.length === 1 ? codes[0] : `${codes.slice(0, -1).join(', ')} or ${codes[codes.length - 1]}`;
}

/**
 * The edit that removes a suppression comment and leaves valid code:
 * - a line holding only the comment: the whole line, line break included;
 * - `code  # forkguard: ignore`: the comment marker, the directive and the whitespace before;
 * - `code  # forkguard: ignore  # noqa: E501`: up to the next comment, which stays;
 * - `code  # forkguard: ignore -- reason`: only the directive, so the rest stays a comment.
 */
function removeWholeComment(comment: SuppressionComment, file: string, lines: string[] | undefined): TextEdit {
  const { start, end } = comment.range;
  const line = lines?.[start.line];
  if (line === undefined || end.line !== start.line) return { file, range: comment.range, newText: '' };

  const before = line.slice(0, start.character);
  const marker = /(\s*)(#|\/\/)\s*$/.exec(before);
  const after = line.slice(end.character);
  const trailingSpace = /^\s*/.exec(after)![0].length;
  const rest = after.slice(trailingSpace);
  const lineRange = (from: number, to: number): Range => ({ start: { line: start.line, character: from }, end: { line: start.line, character: to } });

  if (!marker) return { file, range: lineRange(start.character, end.character + trailingSpace), newText: '' };
  const markerStart = marker.index + marker[1].length;
  if (rest === '') {
    if (before.slice(0, marker.index).trim() === '') {
      const isLastLine = start.line === lines!.length - 1;
      const range: Range = isLastLine
        ? lineRange(0, line.length)
        : { start: { line: start.line, character: 0 }, end: { line: start.line + 1, character: 0 } };
      return { file, range, newText: '' };
    }
    return { file, range: lineRange(marker.index, line.length), newText: '' };
  }
  if (/^(#|\/\/)/.test(rest)) return { file, range: lineRange(markerStart, end.character + trailingSpace), newText: '' };
  return { file, range: lineRange(start.character, end.character + trailingSpace), newText: '' };
}

/**
 * "Suppress <rule> on this line", offered with every finding: the rule is added to the line's
 * `forkguard: ignore[...]` comment when there is one, else a comment is appended to the line.
 * `commentLeader` is `#` for Python and config files, `//` for TS/JS.
 */
export function suppressionFix(finding: Finding, comments: SuppressionComment[], text: string, commentLeader: string): Fix | undefined {
  if (finding.rule === UNUSED_SUPPRESSION_RULE) return undefined;
  const line = finding.range.start.line;
  const title = `Suppress ${finding.rule} on this line`;
  const listed = comments.find((comment) => comment.line === line && comment.codes !== null);
  if (listed) {
    // `forkguard: ignore[FG002]` -> `forkguard: ignore[FG002, FG001]`: the range ends after `]`.
    const at = { line, character: listed.range.end.character - 1 };
    return { title, edits: [{ file: finding.file, range: { start: at, end: at }, newText: `, ${finding.rule}` }], preferred: false, safe: true };
  }
  const lineText = linesOf(text)[line];
  // A line continued by a trailing backslash cannot take a comment: it would end the continuation.
  if (lineText === undefined || lineText.endsWith('\\')) return undefined;
  const at = { line, character: lineText.length };
  const newText = `  ${commentLeader} forkguard: ignore[${finding.rule}]`;
  return { title, edits: [{ file: finding.file, range: { start: at, end: at }, newText }], preferred: false, safe: true };
}

/** The last text split into lines: analyze asks for one file's findings in a row, so each file is split once, not once per finding. */
let splitCache: { text: string; lines: string[] } | undefined;

function linesOf(text: string): string[] {
  if (splitCache?.text !== text) splitCache = { text, lines: text.split(/\r\n|\r|\n/) };
  return splitCache.lines;
}
