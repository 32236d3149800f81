/**
 * Reads the source files a scan indexes from disk, or only names their content hash when the file
 * stamps vouch that a file is unchanged (extraction/file-stamps.ts): a warm start reads no file.
 */
import { promises as fsp } from 'node:fs';
import type { ScanInput } from '../extraction/cached-facts';

/** Files read at once: enough to keep libuv's threads busy, few enough to stay below EMFILE. */
const READ_CONCURRENCY = 16;

export interface ReadSourcesOptions {
  /** The hash the file stamps vouch for (FileStamps.hashOf). */
  stampedHash(file: string): string | undefined;
  /** A file that vanished is left out silently; one that cannot be read is reported here. */
  onError(file: string, error: string): void;
}

/** One input per readable file, in `files`' order. */
export async function readSources(files: string[], options: ReadSourcesOptions): Promise<ScanInput[]> {
  const vouched = new Map<string, string>();
  const unvouched: string[] = [];
  for (const file of files) {
    const hash = options.stampedHash(file);
    if (hash === undefined) unvouched.push(file);
    else vouched.set(file, hash);
  }
  const texts = new Map((await readTexts(unvouched, options.onError)).map((read) => [read.path, read]));
  const inputs: ScanInput[] = [];
  for (const file of files) {
    const hash = vouched.get(file);
    const input = hash === undefined ? texts.get(file) : { path: file, hash };
    if (input) inputs.push(input);
  }
  return inputs;
}

/** Reads files with bounded concurrency; a file that vanished or cannot be read is reported, not thrown. */
async function readTexts(files: string[], onError: (file: string, error: string) => void): Promise<{ path: string; text: string }[]> {
  const results: ({ path: string; text: string } | undefined)[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const file = files[index];
      try {
        results[index] = { path: file, text: await fsp.readFile(file, 'utf8') };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') onError(file, code ?? String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  return results.filter((entry): entry is { path: string; text: string } => entry !== undefined);
}
