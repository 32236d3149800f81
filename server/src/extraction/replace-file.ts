/**
 * Replaces a cache file whole: `write` fills a temp file beside it, which is then renamed over it,
 * so that a reader (another process starting on the same cache folder) never sees half a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Creates the file's folder as needed. Throws what failed, leaving no temp file behind. */
export async function replaceFile(file: string, write: (temp: string) => Promise<void>): Promise<void> {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await write(temp);
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
