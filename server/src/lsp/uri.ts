/**
 * File paths <-> `file:` URIs. The engine speaks absolute paths; LSP speaks URIs.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Every analysis publishes every file of the workspace: their URIs are remembered, not rebuilt. */
const uriByFile = new Map<string, string>();
const MAX_REMEMBERED_URIS = 200_000;

export function fileToUri(file: string): string {
  let uri = uriByFile.get(file);
  if (uri === undefined) {
    uri = pathToFileURL(file).href;
    if (uriByFile.size >= MAX_REMEMBERED_URIS) uriByFile.clear();
    uriByFile.set(file, uri);
  }
  return uri;
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
