// The extension manifest (package.json) must agree with the code that reads it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLIENT_COMMANDS } from '../../client/src/commands';
import { SEVERITY_SETTINGS } from '../../server/src/model';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const settings = manifest.contributes.configuration.properties;

describe('extension manifest', () => {
  it('contributes exactly the commands the extension registers, in the ForkGuard category', () => {
    const commands = manifest.contributes.commands as { command: string; category: string }[];
    assert.deepEqual(commands.map((c) => c.command).sort(), [...CLIENT_COMMANDS].sort());
    assert.ok(commands.every((c) => c.category === 'ForkGuard'));
  });

  it('activates on Python, JS, TS and forkguard.toml', () => {
    assert.deepEqual(manifest.activationEvents, [
      'onLanguage:python',
      'onLanguage:javascript',
      'onLanguage:typescript',
      'onLanguage:javascriptreact',
      'onLanguage:typescriptreact',
      'workspaceContains:**/forkguard.toml',
    ]);
  });

  it('offers the severities the engine accepts', () => {
    assert.deepEqual(settings['forkguard.severity'].additionalProperties.enum, [...SEVERITY_SETTINGS]);
  });

  it('declares every setting with a description, and restricts only declared ones', () => {
    assert.deepEqual(Object.keys(settings).sort(), [
      'forkguard.exclude',
      'forkguard.forkPoints',
      'forkguard.poolFactories',
      'forkguard.resetCalls',
      'forkguard.severity',
      'forkguard.timeout',
      'forkguard.trace.server',
    ]);
    for (const [key, setting] of Object.entries<{ markdownDescription?: string }>(settings)) {
      assert.ok(setting.markdownDescription, `${key} has a description`);
    }
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations as string[];
    assert.deepEqual(restricted, ['forkguard.poolFactories', 'forkguard.forkPoints', 'forkguard.resetCalls', 'forkguard.exclude']);
  });

  it('points at files that exist', () => {
    assert.ok(existsSync(join(root, manifest.icon)), manifest.icon);
    for (const grammar of manifest.contributes.grammars) assert.ok(existsSync(join(root, grammar.path)), grammar.path);
    assert.equal(manifest.main, './dist/client.js');
  });
});
