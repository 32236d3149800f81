/**
 * The last step of analyze for one file: suppressions, unused-suppression hints, the "Suppress on
 * this line" fix, and the final order. Its result is kept and reused while the file's inputs are
 * the same objects (the same findings, the same facts, the same settings), so an analysis after an
 * edit redoes it only for the files whose findings changed.
 *
 * The text the suppression fixes need is kept per facts object: facts are made from one text, so
 * the text read for them stays right for as long as they are the file's facts, and an analysis
 * after an edit reads nothing from disk.
 */
import { compareFindings, type Finding, type SeveritySetting, type SuppressionComment } from '../model';
import { applySuppressions, suppressionFix, UNUSED_SUPPRESSION_RULE } from './suppressions';

/** What the last step of one file depends on. */
export interface FileInputs {
  file: string;
  /** The rules' findings for the file, in rule order. */
  findings: Finding[];
  /** Where the suppression comments come from: the file's facts, or a config file's text. */
  source: object | string | undefined;
  /** The suppression comments (rules that are off left out); read only when the result is not reused. */
  comments: () => SuppressionComment[];
  /** The file's text, as the engine sees it. */
  text: () => string | undefined;
  commentLeader: string;
  /** Severity of unused-suppression hints, and which rules are off. */
  settings: string;
  unusedSeverity: SeveritySetting;
}

interface Entry {
  findings: Finding[];
  source: object | string | undefined;
  settings: string;
  result: Finding[];
}

export class FileFindingsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly texts = new WeakMap<object, string>();

  /** The file's final findings: the previous result when its inputs are the same, else computed. */
  finish(inputs: FileInputs): Finding[] {
    const entry = this.entries.get(inputs.file);
    if (entry && entry.source === inputs.source && entry.settings === inputs.settings && sameFindings(entry.findings, inputs.findings)) return entry.result;
    const result = this.compute(inputs);
    this.entries.set(inputs.file, { findings: inputs.findings, source: inputs.source, settings: inputs.settings, result });
    return result;
  }

  /** Forgets files no longer analysed. */
  retain(present: ReadonlySet<string> | ReadonlyMap<string, unknown>): void {
    for (const file of this.entries.keys()) if (!present.has(file)) this.entries.delete(file);
  }

  private compute(inputs: FileInputs): Finding[] {
    const { file, findings, unusedSeverity } = inputs;
    const comments = inputs.comments();
    const text = comments.length > 0 || findings.length > 0 ? this.textOf(inputs) : undefined;
    let kept = comments.length > 0 ? applySuppressions(findings, comments, file, text) : findings.slice();
    if (unusedSeverity === 'off') kept = kept.filter((finding) => finding.rule !== UNUSED_SUPPRESSION_RULE);
    else kept = kept.map((finding) => (finding.rule === UNUSED_SUPPRESSION_RULE ? { ...finding, severity: unusedSeverity } : finding));
    if (text !== undefined) kept = kept.map((finding) => withSuppressionFix(finding, comments, text, inputs.commentLeader));
    return kept.sort(compareFindings);
  }

  private textOf(inputs: FileInputs): string | undefined {
    if (typeof inputs.source !== 'object' || inputs.source === null) return inputs.text();
    let text = this.texts.get(inputs.source);
    if (text === undefined) {
      text = inputs.text();
      if (text !== undefined) this.texts.set(inputs.source, text);
    }
    return text;
  }
}

function sameFindings(a: Finding[], b: Finding[]): boolean {
  return a.length === b.length && a.every((finding, i) => finding === b[i]);
}

function withSuppressionFix(finding: Finding, comments: SuppressionComment[], text: string, commentLeader: string): Finding {
  const fix = suppressionFix(finding, comments, text, commentLeader);
  return fix ? { ...finding, fixes: [...finding.fixes, fix] } : finding;
}
