/**
 * The editor's `forkguard.*` settings as the engine's settings layer. Settings come from the user,
 * so anything of the wrong shape is dropped (and reported) instead of reaching the engine.
 */
import { SEVERITY_SETTINGS, type SeveritySetting } from '../model';
import type { ForkGuardConfig } from '../model/config';

export interface ParsedSettings {
  settings: Partial<ForkGuardConfig>;
  /** One message per ignored setting. */
  problems: string[];
}

const LIST_KEYS = ['poolFactories', 'forkPoints', 'resetCalls', 'exclude'] as const;

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function parseEditorSettings(raw: unknown): ParsedSettings {
  const settings: Partial<ForkGuardConfig> = {};
  const problems: string[] = [];
  if (raw === null || raw === undefined) return { settings, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings, problems: ['forkguard settings: expected an object'] };
  }
  const source = raw as Record<string, unknown>;

  if (source.severity !== undefined) {
    if (typeof source.severity === 'object' && source.severity !== null && !Array.isArray(source.severity)) {
      const severity: Record<string, SeveritySetting> = {};
      for (const [rule, value] of Object.entries(source.severity)) {
        if (SEVERITY_SETTINGS.includes(value as SeveritySetting)) severity[rule] = value as SeveritySetting;
        else problems.push(`forkguard.severity.${rule}: expected one of ${SEVERITY_SETTINGS.join(', ')}`);
      }
      settings.severity = severity;
    } else {
      problems.push('forkguard.severity: expected an object of rule id -> severity');
    }
  }

  // The VS Code setting is `forkguard.timeout` (seconds); `timeoutSeconds` is the engine's name.
  const timeoutKey = source.timeout !== undefined ? 'timeout' : 'timeoutSeconds';
  const timeout = source[timeoutKey];
  if (timeout !== undefined) {
    if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0) settings.timeoutSeconds = timeout;
    else problems.push(`forkguard.${timeoutKey}: expected a positive number of seconds`);
  }

  for (const key of LIST_KEYS) {
    const value = source[key];
    if (value === undefined) continue;
    if (isStringList(value)) settings[key] = value;
    else problems.push(`forkguard.${key}: expected a list of strings`);
  }
  return { settings, problems };
}
