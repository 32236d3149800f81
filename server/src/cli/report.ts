/**
 * `forkguard report [path]`: the migration report of a folder, as Markdown, HTML or JSON, on
 * stdout or into a file. Exit codes: 0 written, 2 usage error (bad path, unwritable output).
 */
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Workspace } from '../engine';
import { buildReport, renderReport, type ReportFormat } from '../report';
import { scanAndAnalyze, type TerminalStream } from './progressLine';

export interface ReportCliOptions {
  /** The folder to report on, relative to `cwd` or absolute. */
  target: string;
  format: ReportFormat;
  /** Write here instead of stdout. */
  output?: string;
  historyWeeks: number;
  cache: boolean;
  cwd: string;
  stdout: TerminalStream;
  stderr: TerminalStream;
}

const EXIT_OK = 0;
const EXIT_USAGE = 2;

export async function runReport(options: ReportCliOptions): Promise<number> {
  const { stderr, cwd } = options;
  const root = path.resolve(cwd, options.target);
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    stderr.write(`forkguard: no such directory: ${options.target}\n`);
    return EXIT_USAGE;
  }
  if (!isDirectory) {
    stderr.write(`forkguard: report needs a folder, not a file: ${options.target}\n`);
    return EXIT_USAGE;
  }

  const started = performance.now();
  const workspace = await Workspace.create({ roots: [root], cacheDir: options.cache ? undefined : null });
  try {
    const analysis = await scanAndAnalyze(workspace, stderr);
    const report = await buildReport(workspace, analysis, { historyWeeks: options.historyWeeks, startedAt: started });
    const text = renderReport(report, options.format, randomBytes(16).toString('base64'));
    if (options.output === undefined) {
      options.stdout.write(text);
      return EXIT_OK;
    }
    const outputFile = path.resolve(cwd, options.output);
    try {
      writeFileSync(outputFile, text);
    } catch (error) {
      stderr.write(`forkguard: cannot write ${options.output}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_USAGE;
    }
    stderr.write(`forkguard: wrote the migration report to ${options.output}\n`);
    return EXIT_OK;
  } finally {
    await workspace.dispose();
  }
}
