/**
 * SARIF 2.1.0 output for code-scanning services: rule metadata with help text, results with
 * locations relative to the current directory (`%SRCROOT%`), the explanation chain as related
 * locations, and the fixes as artifact changes.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleDocsUrl, type Finding, type Range, type RuleMeta, type SeveritySetting } from '../model';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/forkguard/forkguard';
const SRCROOT = '%SRCROOT%';

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

const LEVELS: Record<SeveritySetting, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', hint: 'note', off: 'none' };

/** A rule as the SARIF driver describes it: metadata plus its Markdown doc page. */
export interface SarifRuleSource {
  meta: RuleMeta;
  docs: string;
}

export interface SarifInput {
  findings: Finding[];
  rules: SarifRuleSource[];
  cwd: string;
  toolVersion: string;
}

/** The first paragraph of a doc page after its title: a rule's long description. */
function firstParagraph(markdown: string): string | undefined {
  const paragraphs = markdown.split(/\r?\n\s*\r?\n/).map((part) => part.trim());
  return paragraphs.find((part) => part !== '' && !part.startsWith('#'));
}

function ruleDescriptor({ meta, docs }: SarifRuleSource): Record<string, unknown> {
  const fullDescription = firstParagraph(docs);
  return {
    id: meta.id,
    name: meta.name,
    shortDescription: { text: meta.summary },
    ...(fullDescription ? { fullDescription: { text: fullDescription } } : {}),
    helpUri: ruleDocsUrl(meta),
    help: { text: docs.trim() || meta.summary, markdown: docs.trim() || meta.summary },
    defaultConfiguration: { level: LEVELS[meta.defaultSeverity] },
  };
}

/** Rules that report without being in the registry (the unused-suppression hint) still need a descriptor. */
function unregisteredRuleDescriptor(finding: Finding): Record<string, unknown> {
  return {
    id: finding.rule,
    name: finding.name,
    shortDescription: { text: finding.name },
    defaultConfiguration: { level: LEVELS[finding.severity] },
  };
}

function artifactLocation(file: string, cwd: string): Record<string, unknown> {
  const relative = path.relative(cwd, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return { uri: pathToFileURL(file).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function region(range: Range): Record<string, number> {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

function physicalLocation(file: string, range: Range, cwd: string): Record<string, unknown> {
  return { artifactLocation: artifactLocation(file, cwd), region: region(range) };
}

function result(finding: Finding, ruleIndex: number, cwd: string): Record<string, unknown> {
  const sarifResult: Record<string, unknown> = {
    ruleId: finding.rule,
    ruleIndex,
    level: LEVELS[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: physicalLocation(finding.file, finding.range, cwd) }],
  };
  if (finding.related.length > 0) {
    sarifResult.relatedLocations = finding.related.map((related, id) => ({
      id,
      physicalLocation: physicalLocation(related.file, related.range, cwd),
      message: { text: related.message },
    }));
  }
  if (finding.fixes.length > 0) {
    sarifResult.fixes = finding.fixes.map((fix) => {
      const files = [...new Set(fix.edits.map((edit) => edit.file))];
      return {
        description: { text: fix.title },
        artifactChanges: files.map((file) => ({
          artifactLocation: artifactLocation(file, cwd),
          replacements: fix.edits
            .filter((edit) => edit.file === file)
            .map((edit) => ({ deletedRegion: region(edit.range), insertedContent: { text: edit.newText } })),
        })),
      };
    });
  }
  return sarifResult;
}

export function findingsToSarif({ findings, rules, cwd, toolVersion }: SarifInput): Record<string, unknown> {
  const descriptors = rules.map(ruleDescriptor);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.meta.id, index]));
  for (const finding of findings) {
    if (ruleIndex.has(finding.rule)) continue;
    ruleIndex.set(finding.rule, descriptors.length);
    descriptors.push(unregisteredRuleDescriptor(finding));
  }
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: { driver: { name: 'ForkGuard', informationUri: INFORMATION_URI, version: toolVersion, rules: descriptors } },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(cwd).href.replace(/\/$/, '')}/` } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => result(finding, ruleIndex.get(finding.rule)!, cwd)),
      },
    ],
  };
}

export function formatSarif(input: SarifInput): string {
  return `${JSON.stringify(findingsToSarif(input), null, 2)}\n`;
}
