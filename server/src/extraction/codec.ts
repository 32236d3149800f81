/**
 * How one language's facts travel as text: a scan worker encodes them to send them to the pool,
 * the on-disk cache stores the same string as a pack line, and both decode them back. One codec
 * per language (python/facts-codec.ts, typescript/facts-codec.ts), so a worker's string can go to
 * the cache as it is, without encoding the facts a second time.
 */
export interface FactsCodec<Facts> {
  /** One line of text (JSON never holds a raw newline). */
  encode(facts: Facts): string;
  /** The facts of an encoded string; throws when the string is not facts of this version. */
  decode(encoded: string): Facts;
  /**
   * Called once many files were decoded (every deferred file, a scan's extracted files): a codec
   * that keeps tables to share equal objects between the files it decodes may empty them, since
   * the objects already shared stay shared and single files decoded later gain little from them.
   */
  endOfBulkDecode?(): void;
}
