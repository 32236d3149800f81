/**
 * The last analysis' findings on disk, keyed by a fingerprint of everything they were computed
 * from: the engine build, the roots, the effective configuration, the service config files, the
 * package.json dependencies, and the path and content hash of every source file. A start on a
 * workspace where none of that changed (the CLI in CI with a restored cache, an editor reopening a
 * folder) takes the findings from here instead of analysing the whole program again; any
 * difference in the fingerprint is a miss and the analysis runs as usual.
 *
 * The cache is all-or-nothing on purpose: a finding may depend on any file of the program (a pool
 * created three calls deep in another module), so reusing part of a result would need the
 * dependencies of every finding on disk too. One gzip'd JSON file per cache folder, written
 * atomically; unreadable, corrupt or foreign content is a miss (logged), never an error.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { replaceFile } from '../extraction/replace-file';
import type { Finding } from '../model';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** Version of the file's layout (not of the engine: the engine build is in every fingerprint). */
const FORMAT = 'forkguard-results-1';
const FILE_NAME = 'analysis-results.json.gz';

interface StoredResults {
  format: string;
  fingerprint: string;
  /** [file, findings] pairs, files in the analysis' order. */
  findings: [string, Finding[]][];
}

export class ResultsCache {
  private savedFingerprint: string | undefined;

  constructor(
    private readonly dir: string | null,
    private readonly log: (message: string) => void,
  ) {}

  private get file(): string | null {
    return this.dir === null ? null : path.join(this.dir, FILE_NAME);
  }

  /** The findings stored under exactly this fingerprint, or undefined. Never throws. */
  async load(fingerprint: string): Promise<Map<string, Finding[]> | undefined> {
    const file = this.file;
    if (!file) return undefined;
    let stored: StoredResults;
    try {
      stored = JSON.parse((await gunzipAsync(await fs.promises.readFile(file))).toString('utf8')) as StoredResults;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`ignoring the results cache ${file} (${(error as Error).message})`);
      return undefined;
    }
    if (stored?.format !== FORMAT || stored.fingerprint !== fingerprint) return undefined;
    if (!Array.isArray(stored.findings) || !stored.findings.every(isFileEntry)) {
      this.log(`ignoring the results cache ${file} (unexpected content)`);
      return undefined;
    }
    this.savedFingerprint = fingerprint;
    return new Map(stored.findings);
  }

  /** True when `fingerprint` is what the file holds already (nothing to write). */
  holds(fingerprint: string): boolean {
    return this.savedFingerprint === fingerprint;
  }

  /** Stores the findings under the fingerprint (temp file + rename). Never throws: a failure is logged. */
  async save(fingerprint: string, findings: ReadonlyMap<string, Finding[]>): Promise<void> {
    const file = this.file;
    if (!file || this.holds(fingerprint)) return;
    const stored: StoredResults = { format: FORMAT, fingerprint, findings: [...findings] };
    try {
      await replaceFile(file, async (temp) => fs.promises.writeFile(temp, await gzipAsync(JSON.stringify(stored), { level: 1 })));
      this.savedFingerprint = fingerprint;
    } catch (error) {
      this.log(`cannot write the results cache ${file}: ${(error as Error).message}`);
    }
  }
}

function isFileEntry(entry: unknown): entry is [string, Finding[]] {
  return Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && Array.isArray(entry[1]);
}

/** Builds a fingerprint from labelled parts, each part unambiguous whatever its text holds. */
export class Fingerprint {
  private readonly hash = createHash('sha1');

  add(label: string, value: string): this {
    this.hash.update(`${label}\0${value.length}\0${value}\0`);
    return this;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * What identifies the engine's code: set by the build (a hash of the server's sources and the
 * package's dependencies, see scripts/build.mjs); from sources (tests under tsx), a hash of the
 * source tree computed at first use; in a bundle built some other way, a hash of the bundle.
 * Findings of another build are never reused.
 */
export function engineId(): string {
  cachedEngineId ??=
    process.env.FORKGUARD_ENGINE_ID ||
    (__filename.endsWith('.ts') ? sourceTreeId(path.join(__dirname, '..')) : `bundle-${new Fingerprint().add('bundle', fs.readFileSync(__filename, 'utf8')).digest()}`);
  return cachedEngineId;
}
let cachedEngineId: string | undefined;

function sourceTreeId(sourceRoot: string): string {
  const fingerprint = new Fingerprint();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) fingerprint.add(path.relative(sourceRoot, full), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(sourceRoot);
  return `source-${fingerprint.digest()}`;
}
