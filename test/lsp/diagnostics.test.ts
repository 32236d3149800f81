import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver/node';
import { findingKey, findingToDiagnostic, noticeToDiagnostic } from '../../server/src/lsp/diagnostics';
import { DiagnosticsPublisher } from '../../server/src/lsp/publisher';
import { countFindings, updateCounts } from '../../server/src/lsp/stats';
import { poolFinding, range } from './findings';

const docsUrl = (rule: string) => (rule === 'FG001' ? 'https://docs/fg001' : undefined);

describe('findingToDiagnostic', () => {
  it('maps severity, code, doc link, source, related locations and the finding key', () => {
    const finding = poolFinding('/ws/main.py');
    assert.deepEqual(findingToDiagnostic(finding, docsUrl), {
      range: range(4, 6, 4, 15),
      severity: DiagnosticSeverity.Warning,
      code: 'FG001',
      codeDescription: { href: 'https://docs/fg001' },
      source: 'forkguard',
      message: finding.message,
      data: { findingKey: findingKey(finding) },
      relatedInformation: [{ location: { uri: 'file:///ws/app/pools.py', range: range(2, 11, 2, 42) }, message: 'created here' }],
    });
  });

  it('marks unnecessary findings and omits what is absent', () => {
    const diagnostic = findingToDiagnostic(
      poolFinding('/ws/main.py', { rule: 'FG000', severity: 'hint', related: [], tags: ['unnecessary'] }),
      docsUrl,
    );
    assert.equal(diagnostic.severity, DiagnosticSeverity.Hint);
    assert.deepEqual(diagnostic.tags, [DiagnosticTag.Unnecessary]);
    assert.equal(diagnostic.codeDescription, undefined);
    assert.equal(diagnostic.relatedInformation, undefined);
  });

  it('puts a notice without a position at the start of its file', () => {
    assert.deepEqual(noticeToDiagnostic({ level: 'warning', message: 'forkguard.toml: bad', file: '/ws/forkguard.toml' }), {
      range: range(0, 0, 0, 0),
      severity: DiagnosticSeverity.Warning,
      source: 'forkguard',
      message: 'forkguard.toml: bad',
    });
  });
});

describe('DiagnosticsPublisher', () => {
  const diagnostic = (message: string): Diagnostic => ({ range: range(0, 0, 0, 1), message });

  function recorder() {
    const sent: Array<[string, string[]]> = [];
    const publisher = new DiagnosticsPublisher((uri, diagnostics) => sent.push([uri, diagnostics.map((d) => d.message)]));
    return { sent, publisher };
  }

  it('sends only files whose diagnostics changed, and clears files that have none now', () => {
    const { sent, publisher } = recorder();
    publisher.publish(new Map([['file:///a.py', [diagnostic('x')]], ['file:///b.py', []], ['file:///c.py', [diagnostic('y')]]]));
    assert.deepEqual(sent, [['file:///a.py', ['x']], ['file:///c.py', ['y']]]);

    sent.length = 0;
    publisher.publish(new Map([['file:///a.py', [diagnostic('x')]], ['file:///b.py', [diagnostic('z')]], ['file:///c.py', []]]));
    assert.deepEqual(sent, [['file:///b.py', ['z']], ['file:///c.py', []]]);

    sent.length = 0;
    publisher.publish(new Map([['file:///b.py', [diagnostic('z')]]]));
    assert.deepEqual(sent, [['file:///a.py', []]], 'a file absent from the analysis is cleared');
  });

  it('publishes every new version of an open document, even with unchanged diagnostics, with its version', () => {
    const sent: Array<[string, string[], number | undefined]> = [];
    const publisher = new DiagnosticsPublisher((uri, diagnostics, version) => sent.push([uri, diagnostics.map((d) => d.message), version]));
    const versions = new Map<string, number>([['file:///open.py', 1], ['file:///empty.py', 4]]);
    const analysis = () =>
      new Map([
        ['file:///open.py', [diagnostic('x')]],
        ['file:///empty.py', []],
        ['file:///closed.py', [diagnostic('y')]],
      ]);
    publisher.publish(analysis(), (uri) => versions.get(uri));
    assert.deepEqual(sent, [
      ['file:///open.py', ['x'], 1],
      ['file:///empty.py', [], 4],
      ['file:///closed.py', ['y'], undefined],
    ]);

    sent.length = 0;
    publisher.publish(analysis(), (uri) => versions.get(uri));
    assert.deepEqual(sent, [], 'the same versions and diagnostics: nothing to send');

    sent.length = 0;
    versions.set('file:///open.py', 2);
    publisher.publish(analysis(), (uri) => versions.get(uri));
    assert.deepEqual(sent, [['file:///open.py', ['x'], 2]], 'a new version is published though its diagnostics did not change');
  });

  it('treats the same array as the same diagnostics, and still sends a cleared or changed file', () => {
    const { sent, publisher } = recorder();
    const kept = [diagnostic('x')];
    publisher.publish(new Map([['file:///a.py', kept], ['file:///b.py', [diagnostic('y')]]]));
    sent.length = 0;
    publisher.publish(new Map([['file:///a.py', kept], ['file:///b.py', [diagnostic('y')]]]));
    assert.deepEqual(sent, []);
    publisher.publish(new Map([['file:///a.py', []], ['file:///b.py', [diagnostic('z')]]]));
    assert.deepEqual(sent, [['file:///a.py', []], ['file:///b.py', ['z']]]);
    sent.length = 0;
    publisher.publish(new Map([['file:///a.py', kept], ['file:///b.py', [diagnostic('z')]]]));
    assert.deepEqual(sent, [['file:///a.py', ['x']]], 'the array sent before the file was cleared is new again');
  });

  it('updates only the files given, leaving every other file as published', () => {
    const { sent, publisher } = recorder();
    publisher.publish(new Map([['file:///a.py', [diagnostic('x')]], ['file:///b.py', [diagnostic('y')]]]));
    sent.length = 0;
    publisher.update(new Map([['file:///b.py', []], ['file:///c.py', [diagnostic('z')]]]));
    assert.deepEqual(sent, [['file:///b.py', []], ['file:///c.py', ['z']]]);
    sent.length = 0;
    publisher.publish(new Map([['file:///a.py', [diagnostic('x')]], ['file:///c.py', [diagnostic('z')]]]));
    assert.deepEqual(sent, [], 'the client state is what the update left');
  });
});

describe('updateCounts', () => {
  it('counts what countFindings counts, from the changed files alone', () => {
    const a = [poolFinding('/a.py'), poolFinding('/a.py', { rule: 'FG002' })];
    const before = new Map([['/a.py', a], ['/b.py', [poolFinding('/b.py')]], ['/c.py', []]]);
    const after = new Map([['/a.py', a], ['/b.py', []], ['/c.py', [poolFinding('/c.py', { rule: 'FG003' })]]]);
    const updated = updateCounts(countFindings(before), before, after, ['/b.py', '/c.py']);
    assert.deepEqual(updated, countFindings(after));
    assert.deepEqual(updated, { files: 3, findings: 3, byRule: { FG001: 1, FG002: 1, FG003: 1 } });
    assert.deepEqual(updateCounts(updated, after, before, ['/b.py', '/c.py']), countFindings(before), 'a rule with no finding left is not listed');
  });
});
