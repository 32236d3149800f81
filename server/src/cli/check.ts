/**
 * `forkguard check`: scan the given paths with the engine, print the findings in the chosen format,
 * and return the exit code (0 no findings, 1 findings, 2 usage or configuration error).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { Workspace } from '../engine';
import { compareFindings, type Finding, type Notice } from '../model';
import { RULES } from '../rules';
import { formatJson } from './json';
import { scanAndAnalyze, type TerminalStream } from './progressLine';
import { formatSarif } from './sarif';
import { formatSummary, formatText } from './text';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface CheckOptions {
  /** Files or folders, relative to `cwd` or absolute. */
  paths: string[];
  format: OutputFormat;
  /** `--config FILE`: this project file instead of the one discovered in the first root. */
  configFile?: string;
  /** false for `--no-cache`. */
  cache: boolean;
  threads?: number;
  cwd: string;
  toolVersion: string;
  stdout: TerminalStream;
  stderr: TerminalStream;
}

interface Targets {
  /** Folders the workspace scans. */
  roots: string[];
  /** Folders named on the command line: everything under them is reported. */
  folders: string[];
  /** Files named on the command line: reported, analysed with their folder around them as context. */
  files: Set<string>;
}

function resolveTargets(paths: string[], cwd: string, stderr: TerminalStream): Targets | undefined {
  const roots = new Set<string>();
  const folders: string[] = [];
  const files = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch {
      stderr.write(`forkguard: no such file or directory: ${given}\n`);
      return undefined;
    }
    if (isDirectory) {
      roots.add(absolute);
      folders.push(absolute);
    } else {
      roots.add(path.dirname(absolute)); // its imports and importers matter
      files.add(absolute);
    }
  }
  return { roots: [...roots], folders, files };
}

function isReported(file: string, targets: Targets): boolean {
  return targets.files.has(file) || targets.folders.some((folder) => isInside(file, folder));
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The engine names the config file in its messages as it receives it and resolves it against the
 * process's directory: hand it the path relative to that, as the user typed it.
 */
function configFileAsTyped(configFile: string, cwd: string): string {
  return path.relative(process.cwd(), path.resolve(cwd, configFile)) || configFile;
}

/** Warnings and errors are configuration problems: CI must not pass on a config it silently ignored. */
function isConfigProblem(notice: Notice): boolean {
  return notice.level === 'error' || notice.level === 'warning';
}

export async function runCheck(options: CheckOptions): Promise<number> {
  const { stdout, stderr, cwd } = options;
  const targets = resolveTargets(options.paths, cwd, stderr);
  if (!targets) return EXIT_USAGE;

  const workspace = await Workspace.create({
    roots: targets.roots,
    configFile: options.configFile ? configFileAsTyped(options.configFile, cwd) : undefined,
    cacheDir: options.cache ? undefined : null,
    threads: options.threads,
  });
  const result = await scanAndAnalyze(workspace, stderr);

  for (const notice of result.notices) stderr.write(`forkguard: ${notice.message}\n`);
  const findings: Finding[] = [];
  for (const [file, list] of result.findings) if (isReported(file, targets)) findings.push(...list);
  findings.sort(compareFindings);

  switch (options.format) {
    case 'text':
      stdout.write(formatText(findings, cwd));
      stderr.write(formatSummary(findings.length, result.stats));
      break;
    case 'json':
      stdout.write(formatJson(findings, result.stats, cwd));
      break;
    case 'sarif':
      stdout.write(formatSarif({ findings, rules: RULES, cwd, toolVersion: options.toolVersion }));
      break;
  }
  if (result.notices.some(isConfigProblem)) return EXIT_USAGE;
  return findings.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}
