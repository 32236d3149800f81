import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrashRestartPolicy } from '../../client/src/restartPolicy';

describe('CrashRestartPolicy', () => {
  it('restarts 4 times within the window, not a 5th', () => {
    let now = 0;
    const policy = new CrashRestartPolicy(4, 180_000, () => now);
    const answers = [0, 1, 2, 3, 4].map((i) => {
      now = i * 1000;
      return policy.shouldRestartAfterCrash();
    });
    assert.deepEqual(answers, [true, true, true, true, false]);
  });

  it('forgets crashes older than the window', () => {
    let now = 0;
    const policy = new CrashRestartPolicy(4, 180_000, () => now);
    for (let i = 0; i < 4; i++) policy.shouldRestartAfterCrash();
    now = 180_000;
    assert.equal(policy.shouldRestartAfterCrash(), true);
  });

  it('starts over after a deliberate restart', () => {
    const policy = new CrashRestartPolicy(1, 180_000, () => 0);
    assert.equal(policy.shouldRestartAfterCrash(), true);
    assert.equal(policy.shouldRestartAfterCrash(), false);
    policy.reset();
    assert.equal(policy.shouldRestartAfterCrash(), true);
  });
});
