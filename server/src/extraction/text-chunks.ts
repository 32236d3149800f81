/**
 * Where an open document's re-extraction finds the facts of a chunk of text it extracted before
 * (python/extract-chunks.ts, typescript/statement-chunks.ts): by a key of the chunk's length, a
 * context prefix and its first characters, then compared in place (startsWith). A key of the whole
 * text would copy and hash the whole file at every edit.
 */

/** Characters of a chunk's text in its lookup key: enough to tell most chunks of one length apart. */
const KEY_HEAD_LENGTH = 48;

/**
 * A chunk's lookup key: `text[from, to)` under `prefix` (what the chunk's facts depend on besides
 * its text). With it, equal text is the same chunk. Prefixes hold no `\0`.
 */
export function textChunkKey(text: string, from: number, to: number, prefix: string): string {
  return `${to - from} ${prefix}\0${text.slice(from, Math.min(to, from + KEY_HEAD_LENGTH))}`;
}

/** Stored chunks by key; each keeps its text (a slice of the text it was found in). */
export class TextChunkStore<Stored extends { text: string }> {
  private readonly byKey = new Map<string, Stored[]>();

  /** The chunk stored under `key` whose text is at `from` of `text`. `key`: textChunkKey of that place. */
  find(key: string, text: string, from: number): Stored | undefined {
    const candidates = this.byKey.get(key);
    if (candidates === undefined) return undefined;
    for (const stored of candidates) if (text.startsWith(stored.text, from)) return stored;
    return undefined;
  }

  add(key: string, stored: Stored): void {
    const list = this.byKey.get(key);
    if (list) list.push(stored);
    else this.byKey.set(key, [stored]);
  }
}
