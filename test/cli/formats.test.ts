import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJson } from '../../server/src/cli/json';
import { formatSarif } from '../../server/src/cli/sarif';
import { formatSummary, formatText } from '../../server/src/cli/text';
import type { Finding, RuleMeta } from '../../server/src/model';

const cwd = '/ws';
const r = (line: number, character: number, endLine: number, endCharacter: number) => ({
  start: { line, character },
  end: { line: endLine, character: endCharacter },
});
const finding: Finding = {
  rule: 'FG001',
  name: 'pool-before-fork',
  severity: 'warning',
  file: '/ws/main.py',
  range: r(4, 6, 4, 15),
  message: 'pool alive at fork.\nShut it down first.',
  related: [{ file: '/ws/app/pools.py', range: r(2, 11, 2, 42), message: 'created here' }],
  fixes: [{ title: 'shut down', preferred: true, safe: true, edits: [{ file: '/ws/main.py', range: r(4, 0, 4, 0), newText: 'E.shutdown()\n' }] }],
};
const unusedSuppression: Finding = {
  rule: 'FG000',
  name: 'unused-suppression',
  severity: 'hint',
  file: '/ws/app/pools.py',
  range: r(0, 2, 0, 20),
  message: 'unused suppression',
  related: [],
  fixes: [],
};
const meta: RuleMeta = { id: 'FG001', name: 'pool-before-fork', defaultSeverity: 'warning', summary: 'A pool alive at a fork.', languages: ['python'] };
const docs = '# FG001 pool-before-fork\n\nFinds pools alive when the process forks.\n\n## Fix\n\nShut it down.\n';

describe('text format', () => {
  it('prints path:line:col: RULE message, one line per finding, paths relative to cwd', () => {
    assert.equal(
      formatText([unusedSuppression, finding], cwd),
      'app/pools.py:1:3: FG000 unused suppression\nmain.py:5:7: FG001 pool alive at fork. Shut it down first.\n',
    );
    assert.equal(formatSummary(1, { files: 3, ms: 12 }), '1 finding in 3 files (12 ms)\n');
    assert.equal(formatSummary(0, { files: 1, ms: 4 }), '0 findings in 1 file (4 ms)\n');
  });
});

describe('json format', () => {
  it('has exactly the documented shape', () => {
    assert.deepEqual(JSON.parse(formatJson([finding], { files: 2, ms: 9 }, cwd)), {
      findings: [
        {
          rule: 'FG001',
          name: 'pool-before-fork',
          severity: 'warning',
          file: 'main.py',
          line: 5,
          column: 7,
          endLine: 5,
          endColumn: 16,
          message: 'pool alive at fork.\nShut it down first.',
          related: [{ file: 'app/pools.py', line: 3, column: 12, message: 'created here' }],
          fixes: [{ title: 'shut down', edits: [{ file: 'main.py', line: 5, column: 1, endLine: 5, endColumn: 1, newText: 'E.shutdown()\n' }] }],
        },
      ],
      stats: { files: 2, ms: 9 },
    });
  });
});

describe('sarif format', () => {
  it('describes the rules and each result with locations, related locations and fixes', () => {
    const sarif = JSON.parse(formatSarif({ findings: [unusedSuppression, finding], rules: [{ meta, docs }], cwd, toolVersion: '1.2.3' }));
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    const run = sarif.runs[0];
    assert.deepEqual(run.tool.driver, {
      name: 'ForkGuard',
      informationUri: 'https://github.com/forkguard/forkguard',
      version: '1.2.3',
      rules: [
        {
          id: 'FG001',
          name: 'pool-before-fork',
          shortDescription: { text: 'A pool alive at a fork.' },
          fullDescription: { text: 'Finds pools alive when the process forks.' },
          helpUri: 'https://github.com/forkguard/forkguard/blob/main/server/src/rules/fg001-pool-before-fork/README.md',
          help: { text: docs.trim(), markdown: docs.trim() },
          defaultConfiguration: { level: 'warning' },
        },
        { id: 'FG000', name: 'unused-suppression', shortDescription: { text: 'unused-suppression' }, defaultConfiguration: { level: 'note' } },
      ],
    });
    assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///ws/' } });
    assert.equal(run.results[0].ruleIndex, 1);
    assert.equal(run.results[0].level, 'note');
    assert.deepEqual(run.results[1], {
      ruleId: 'FG001',
      ruleIndex: 0,
      level: 'warning',
      message: { text: finding.message },
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'main.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 5, startColumn: 7, endLine: 5, endColumn: 16 } } },
      ],
      relatedLocations: [
        {
          id: 0,
          physicalLocation: { artifactLocation: { uri: 'app/pools.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 12, endLine: 3, endColumn: 43 } },
          message: { text: 'created here' },
        },
      ],
      fixes: [
        {
          description: { text: 'shut down' },
          artifactChanges: [
            {
              artifactLocation: { uri: 'main.py', uriBaseId: '%SRCROOT%' },
              replacements: [{ deletedRegion: { startLine: 5, startColumn: 1, endLine: 5, endColumn: 1 }, insertedContent: { text: 'E.shutdown()\n' } }],
            },
          ],
        },
      ],
    });
  });

  it('uses an absolute URI for files outside the current directory', () => {
    const outside = { ...finding, file: '/elsewhere/x.py', related: [], fixes: [] };
    const sarif = JSON.parse(formatSarif({ findings: [outside], rules: [{ meta, docs }], cwd, toolVersion: '1' }));
    assert.deepEqual(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation, { uri: 'file:///elsewhere/x.py' });
  });
});
