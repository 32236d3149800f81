/**
 * The `forkguard` command line (bundled to dist/cli.js): `forkguard check [paths...]` and
 * `forkguard report [path]` (the migration report).
 * Exit codes: 0 no findings, 1 findings (0 with --exit-zero), 2 usage or configuration error.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { version } from '../../../package.json';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, OUTPUT_FORMATS, runCheck, type OutputFormat } from './check';
import { runReport } from './report';
import { DEFAULT_HISTORY_WEEKS, MAX_HISTORY_WEEKS, REPORT_FORMATS, type ReportFormat } from '../report';

/**
 * The bundled example workspace, checked when no path is given: `examples/` at the package root
 * (next to dist/ for the bundle, three levels up for the sources run by tsx).
 */
export function bundledExamplesDir(from = __dirname): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const examples = path.join(dir, 'examples');
      return existsSync(examples) ? examples : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function parseThreads(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 0) throw new InvalidArgumentError('expected a whole number >= 0.');
  return threads;
}

function parseHistoryWeeks(value: string): number {
  const weeks = Number(value);
  if (!Number.isInteger(weeks) || weeks < 0 || weeks > MAX_HISTORY_WEEKS) throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_HISTORY_WEEKS}.`);
  return weeks;
}

interface ReportFlags {
  format: ReportFormat;
  output?: string;
  historyWeeks: number;
  cache: boolean;
}

interface CheckFlags {
  format: OutputFormat;
  config?: string;
  cache: boolean;
  threads?: number;
  exitZero?: boolean;
}

/** Runs the command line and resolves to the exit code (it never calls process.exit itself). */
export async function run(argv: string[], cwd = process.cwd()): Promise<number> {
  let exitCode = 0;
  const program = new Command('forkguard')
    .description('Finds fork-safety and timeout hazards in Python and TypeScript/JavaScript services.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) });

  program
    .command('check')
    .description('check files or folders (default: the bundled examples/)')
    .argument('[paths...]', 'files or folders to check')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--config <file>', 'use this forkguard.toml / pyproject.toml instead of discovering one')
    .option('--no-cache', 'do not read or write the facts cache')
    .option('--threads <n>', 'worker threads for parsing (0: none)', parseThreads)
    .option('--exit-zero', 'exit 0 even when there are findings (usage and config errors still exit 2)')
    .action(async (paths: string[], flags: CheckFlags) => {
      let targets = paths;
      if (targets.length === 0) {
        const examples = bundledExamplesDir();
        if (!examples) {
          process.stderr.write('forkguard: no paths given and no bundled examples/ folder found\n');
          exitCode = EXIT_USAGE;
          return;
        }
        targets = [examples];
      }
      const code = await runCheck({
        paths: targets,
        format: flags.format,
        configFile: flags.config,
        cache: flags.cache,
        threads: flags.threads,
        cwd,
        toolVersion: version,
        stdout: process.stdout,
        stderr: process.stderr,
      });
      exitCode = flags.exitZero && code === EXIT_FINDINGS ? EXIT_CLEAN : code;
    });

  program
    .command('report')
    .description('write the eventlet migration report of a folder (default: the current folder)')
    .argument('[path]', 'folder to report on', '.')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('md'))
    .option('--output <file>', 'write the report to this file instead of stdout')
    .option('--history-weeks <n>', 'weeks of git history to sample for the trend (0: none)', parseHistoryWeeks, DEFAULT_HISTORY_WEEKS)
    .option('--no-cache', 'do not read or write the facts cache')
    .action(async (target: string, flags: ReportFlags) => {
      exitCode = await runReport({
        target,
        format: flags.format,
        output: flags.output,
        historyWeeks: flags.historyWeeks,
        cache: flags.cache,
        cwd,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version requested explicitly are successes; every other parse problem is usage.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : EXIT_USAGE;
    }
    process.stderr.write(`forkguard: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    // Exit once stdout has drained (a pipe may still hold a large SARIF document), without waiting
    // for idle worker threads or timers.
    process.stdout.write('', () => process.exit(code));
  });
}
