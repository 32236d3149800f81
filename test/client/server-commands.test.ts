import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_COMMANDS } from '../../client/src/commands';
import { withoutClientCommands } from '../../client/src/serverCommands';

describe('withoutClientCommands', () => {
  it('drops the ids the extension registers itself and keeps the rest', () => {
    const data = { id: 'x', registerOptions: { commands: ['forkguard.rescan', 'forkguard.applyFix'], workDoneProgress: true } };
    assert.deepEqual(withoutClientCommands(data), {
      id: 'x',
      registerOptions: { commands: ['forkguard.applyFix'], workDoneProgress: true },
    });
    assert.deepEqual(data.registerOptions.commands, ['forkguard.rescan', 'forkguard.applyFix'], 'input left unchanged');
  });

  it('covers every palette command', () => {
    assert.deepEqual([...CLIENT_COMMANDS].sort(), ['forkguard.exportReport', 'forkguard.rescan', 'forkguard.restartServer', 'forkguard.showOutput', 'forkguard.showReport']);
  });

  it('accepts a registration without commands', () => {
    assert.deepEqual(withoutClientCommands({ registerOptions: undefined }), { registerOptions: { commands: [] } });
  });
});
