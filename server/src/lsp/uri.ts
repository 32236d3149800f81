/**
 * File paths <-> `file:` URIs. The engine speaks absolute paths; LSP speaks URIs.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

export function fileToUri(file: string): string {
  return pathToFileURL(file).href;
}

/** The path of a `file:` URI; undefined for other schemes (untitled documents, git views...). */
export function uriToFile(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
