/**
 * Fixes never corrupt. For every fix the engine offers on every rule fixture (and again on a copy
 * with `\r\n` line endings of each case that has a `.fixed/` folder): its edits are in range and
 * do not overlap, applying them yields files that parse with no new syntax errors and keep their
 * line endings, and re-analysis no longer reports the finding. Fix-all (every preferred fix that
 * does not collide, as the LSP `source.fixAll` action picks them) applied a second time changes nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../server/src/engine/analyze';
import { Workspace } from '../../server/src/engine/workspace';
import { rangesOverlap } from '../../server/src/lsp/codeActions';
import type { Finding, Fix, TextEdit } from '../../server/src/model';
import { extractFactsSync } from '../../server/src/python/extract';
import { initPython } from '../../server/src/python/parser';
import { applyTextEdits, copyCaseToScratch as copyCaseAsIs, discoverFixtureCases, listFiles, removeScratch, type FixtureCase } from '../helpers/fixtures';
import { ALL_RULES_ON, keepsLineEndings } from './harness';

const cases = discoverFixtureCases().filter((fixture) => fixture.language === 'python');

async function analyzeRoot(root: string): Promise<Finding[]> {
  const workspace = await Workspace.create({ roots: [root], cacheDir: null, threads: 0, editorSettings: { severity: ALL_RULES_ON } });
  try {
    await workspace.scan();
    return [...(await analyze(workspace)).findings.values()].flat();
  } finally {
    await workspace.dispose();
  }
}

/** A scratch copy of the case; with `crlf`, every line break of every file becomes `\r\n`. */
function copyCase(fixture: FixtureCase, crlf: boolean): string {
  const scratch = copyCaseAsIs(fixture);
  if (crlf) {
    for (const name of listFiles(scratch, { includeDotFolders: true })) {
      const file = join(scratch, name);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n'));
    }
  }
  return scratch;
}

function syntaxErrorCount(file: string, text: string): number {
  return file.endsWith('.py') ? extractFactsSync(text).syntaxErrors.length : 0;
}

function byFile(edits: TextEdit[]): Map<string, TextEdit[]> {
  const grouped = new Map<string, TextEdit[]>();
  for (const edit of edits) grouped.set(edit.file, [...(grouped.get(edit.file) ?? []), edit]);
  return grouped;
}

/**
 * Applies edits to the files on disk after checking them: no new syntax errors, and the file's
 * line endings kept. The text outside the edits stays byte-identical by construction: the edits are
 * applied by the fixture harness's own applyTextEdits, which rejects overlapping or out-of-range edits.
 * Returns the number of files whose text changed.
 */
function applyChecked(root: string, edits: TextEdit[], where: string): number {
  let changed = 0;
  for (const [file, fileEdits] of byFile(edits)) {
    const name = relative(root, file);
    assert.ok(!name.startsWith('..'), `${where}: edits a file outside the workspace: ${file}`);
    const before = readFileSync(file, 'utf8');
    const after = applyTextEdits(before, fileEdits, `${where} ${name}`);
    const errorsBefore = syntaxErrorCount(file, before);
    const errorsAfter = syntaxErrorCount(file, after);
    assert.ok(errorsAfter <= errorsBefore, `${where}: ${name} has ${errorsAfter} syntax errors after the fix (${errorsBefore} before):\n${after}`);
    assert.ok(keepsLineEndings(before, fileEdits), `${where}: the edits to ${name} write other line breaks than the file's: ${JSON.stringify(fileEdits.map((edit) => edit.newText))}`);
    if (after !== before) changed++;
    writeFileSync(file, after);
  }
  return changed;
}

/** Findings of the same rule and message in the same file: what "the finding" is once lines may have moved. */
const sameFinding = (finding: Finding) => (other: Finding) => other.rule === finding.rule && other.file === finding.file && other.message === finding.message;

/** Preferred fixes of all findings that do not collide with an earlier one, as fix-all takes them. */
function fixAllEdits(findings: Finding[]): TextEdit[] {
  const accepted: TextEdit[] = [];
  for (const finding of findings) {
    const fix = finding.fixes.find((candidate: Fix) => candidate.preferred);
    if (!fix) continue;
    if (fix.edits.some((edit) => accepted.some((other) => other.file === edit.file && rangesOverlap(other.range, edit.range)))) continue;
    accepted.push(...fix.edits);
  }
  return accepted;
}

describe('every fix of every fixture', () => {
  test('there are fixes to try', async () => {
    await initPython();
    assert.ok(cases.length >= 50);
  });

  for (const fixture of cases) {
    // The `\r\n` copy for the cases about fixing (a `.fixed/` folder): enough to catch a fix that writes `\n`.
    for (const crlf of fixture.fixedDir ? [false, true] : [false]) {
      test(`${fixture.rule.toLowerCase()}/${fixture.name}${crlf ? ' (CRLF)' : ''}`, async () => {
        await initPython();
        const copyCaseToScratch = (source: FixtureCase) => copyCase(source, crlf);
        const probe = copyCaseToScratch(fixture);
        let findings: Finding[];
        try {
          findings = await analyzeRoot(probe);
        } finally {
          removeScratch(probe);
        }

        for (const [findingIndex, finding] of findings.entries()) {
          for (const fix of finding.fixes) {
            const scratch = copyCaseToScratch(fixture);
            try {
              // The scratch copy has another path: move the finding's file and edits there.
              const relocated = (file: string) => join(scratch, relative(probe, file));
              const where = `${finding.rule} #${findingIndex} fix "${fix.title}"`;
              const edits = fix.edits.map((edit) => ({ ...edit, file: relocated(edit.file) }));
              applyChecked(scratch, edits, where);
              const after = await analyzeRoot(scratch);
              const target = { ...finding, file: relocated(finding.file) };
              const countBefore = findings.filter(sameFinding(finding)).length;
              const countAfter = after.filter(sameFinding(target)).length;
              assert.ok(countAfter < countBefore, `${where}: ${finding.message} is still reported after the fix`);
            } finally {
              removeScratch(scratch);
            }
          }
        }

        const scratch = copyCaseToScratch(fixture);
        try {
          applyChecked(scratch, fixAllEdits(await analyzeRoot(scratch)), 'fix-all');
          const second = fixAllEdits(await analyzeRoot(scratch));
          const changedFiles = applyChecked(scratch, second, 'fix-all, second time');
          assert.equal(changedFiles, 0, `fix-all applied a second time changed files: ${JSON.stringify(second)}`);
        } finally {
          removeScratch(scratch);
        }
      });
    }
  }
});
