import type { SeveritySetting } from './index';

/**
 * The effective configuration. Sources, later wins: built-in defaults, VS Code settings
 * (`forkguard.*`), then the project file (`forkguard.toml`, else `[tool.forkguard]` in
 * `pyproject.toml`). Keys in the project file are the kebab-case twins of these fields.
 */
export interface ForkGuardConfig {
  /** Per-rule severity, keyed by rule id (`FG001`). Rules not listed keep their default. */
  severity: Record<string, SeveritySetting>;
  /** Timeout, in seconds, that fixes write (converted to the unit each library takes). */
  timeoutSeconds: number;
  /** Extra pool factories, as qualified names (`myapp.pools.make_pool`). */
  poolFactories: string[];
  /** Extra fork points, as qualified names (`myapp.launcher.spawn_workers`). */
  forkPoints: string[];
  /** Extra reset calls, as qualified names: calling one resets every pool alive. */
  resetCalls: string[];
  /** Glob patterns (relative to the workspace root) of paths not to scan, added to the defaults. */
  exclude: string[];
}

export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/node_modules/**',
  '**/.venv/**',
  '**/venv/**',
  '**/.tox/**',
  '**/build/**',
  '**/dist/**',
  '**/.git/**',
  '**/__pycache__/**',
];

export function defaultConfig(): ForkGuardConfig {
  return {
    severity: {},
    timeoutSeconds: 30,
    poolFactories: [],
    forkPoints: [],
    resetCalls: [],
    exclude: [],
  };
}
