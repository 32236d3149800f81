import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeStatus, parseStatus } from '../../client/src/status';

describe('parseStatus', () => {
  it('reads a well-formed notification', () => {
    assert.deepEqual(parseStatus({ findings: 3, byRule: { FG001: 2, FG000: 1 }, files: 12, scanning: false }), {
      findings: 3,
      byRule: { FG001: 2, FG000: 1 },
      files: 12,
      scanning: false,
    });
  });

  it('rejects payloads without a finding count', () => {
    assert.equal(parseStatus(undefined), undefined);
    assert.equal(parseStatus(null), undefined);
    assert.equal(parseStatus('3'), undefined);
    assert.equal(parseStatus({ findings: -1 }), undefined);
    assert.equal(parseStatus({ findings: 1.5 }), undefined);
  });

  it('drops bad per-rule counts and defaults missing fields', () => {
    assert.deepEqual(parseStatus({ findings: 1, byRule: { FG001: 1, FG002: 'x', FG003: -2 } }), {
      findings: 1,
      byRule: { FG001: 1 },
      files: 0,
      scanning: false,
    });
  });
});

describe('describeStatus', () => {
  it('shows the count and one tooltip line per rule, sorted', () => {
    const view = describeStatus('running', { findings: 3, byRule: { FG002: 1, FG001: 2, FG003: 0 }, files: 12, scanning: false });
    assert.equal(view.text, '$(shield) ForkGuard: 3');
    assert.equal(view.tooltip, '3 hazards in 12 files analysed.\nFG001: 2\nFG002: 1\nClick to open the Problems panel.');
  });

  it('says so when nothing is found', () => {
    const view = describeStatus('running', { findings: 0, byRule: {}, files: 1, scanning: false });
    assert.equal(view.text, '$(shield) ForkGuard: 0');
    assert.equal(view.tooltip, 'No hazards found in 1 file.\nClick to open the Problems panel.');
  });

  it('spins while scanning or starting', () => {
    assert.equal(describeStatus('running', { findings: 5, byRule: {}, files: 1, scanning: true }).text, '$(sync~spin) ForkGuard');
    assert.equal(describeStatus('starting', undefined).text, '$(sync~spin) ForkGuard');
    assert.equal(describeStatus('running', undefined).text, '$(sync~spin) ForkGuard');
  });

  it('shows a stopped server whatever the last totals were', () => {
    const view = describeStatus('stopped', { findings: 5, byRule: {}, files: 1, scanning: false });
    assert.equal(view.text, '$(error) ForkGuard');
    assert.match(view.tooltip, /Restart Server/);
  });
});
