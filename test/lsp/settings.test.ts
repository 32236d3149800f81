import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEditorSettings } from '../../server/src/lsp/settings';
import { NoticeReporter, noticeDiagnostics } from '../../server/src/lsp/notices';

describe('parseEditorSettings', () => {
  it('keeps well-formed settings', () => {
    assert.deepEqual(
      parseEditorSettings({ severity: { FG001: 'error' }, timeout: 10, exclude: ['tests/**'], poolFactories: ['a.b'], trace: { server: 'off' } }),
      { settings: { severity: { FG001: 'error' }, timeoutSeconds: 10, exclude: ['tests/**'], poolFactories: ['a.b'] }, problems: [] },
    );
  });

  it('drops malformed settings with one message each', () => {
    assert.deepEqual(parseEditorSettings({ severity: { FG001: 'loud', FG002: 'off' }, timeout: -1, forkPoints: 'x' }), {
      settings: { severity: { FG002: 'off' } },
      problems: [
        'forkguard.severity.FG001: expected one of off, hint, info, warning, error',
        'forkguard.timeout: expected a positive number of seconds',
        'forkguard.forkPoints: expected a list of strings',
      ],
    });
    assert.deepEqual(parseEditorSettings('nonsense'), { settings: {}, problems: ['forkguard settings: expected an object'] });
    assert.deepEqual(parseEditorSettings(null), { settings: {}, problems: [] });
  });
});

describe('NoticeReporter', () => {
  it('logs new notices, pops up each distinct warning once, and never pops up info', () => {
    const logged: string[] = [];
    const shown: string[] = [];
    const reporter = new NoticeReporter({ log: (m) => logged.push(m), showWarning: (m) => shown.push(m) });
    const broken = { level: 'warning' as const, message: 'forkguard.toml:2:1: timeout-seconds: expected a number', file: '/ws/forkguard.toml' };
    const info = { level: 'info' as const, message: 'skipped big.py' };
    reporter.report([broken, info]);
    reporter.report([broken]);
    reporter.report([]);
    reporter.report([broken]);
    assert.deepEqual(logged, [`[warning] ${broken.message}`, '[info] skipped big.py', `[warning] ${broken.message}`]);
    assert.deepEqual(shown, [`ForkGuard: ${broken.message}`]);
  });

  it('turns notices about a file into diagnostics on that file', () => {
    const diagnostics = noticeDiagnostics([
      { level: 'error', message: 'bad', file: '/ws/forkguard.toml', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } } },
      { level: 'info', message: 'no file' },
    ]);
    assert.deepEqual([...diagnostics.keys()], ['file:///ws/forkguard.toml']);
    assert.equal(diagnostics.get('file:///ws/forkguard.toml')![0].range.start.line, 1);
  });
});
