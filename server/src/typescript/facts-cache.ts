/**
 * On-disk cache of TsFacts by content hash (the language-neutral cache is extraction/facts-cache.ts):
 * its own pack, named after TS_FACTS_VERSION and the TypeScript version, whose lines are the JSON
 * of facts-codec.ts.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { PackedFactsCache, type FactsPackFormat } from '../extraction/facts-cache';
import { TS_FACTS_VERSION, type TsFacts } from './facts';
import { TS_FACTS_CODEC } from './facts-codec';

/**
 * TypeScript version embedded in ts-morph (parses the same text the same way): part of the key.
 * A test checks it against node_modules, so upgrading ts-morph invalidates old entries.
 */
export const TYPESCRIPT_PARSER_VERSION = '6.0.2';

const PACK_PREFIX = 'ts-facts-';

const TS_PACK: FactsPackFormat<TsFacts> = {
  prefix: PACK_PREFIX,
  name: `${PACK_PREFIX}v${TS_FACTS_VERSION}-typescript${TYPESCRIPT_PARSER_VERSION}.json.gz`,
  header: JSON.stringify({ forkguard: 'ts-facts', version: TS_FACTS_VERSION, typescript: TYPESCRIPT_PARSER_VERSION }),
  label: 'TS facts cache',
  codec: TS_FACTS_CODEC,
};

export class TsFactsCache extends PackedFactsCache<TsFacts> {
  constructor(dir: string | null, log?: (message: string) => void) {
    super(TS_PACK, dir, log);
  }

  /**
   * Cache key of a file: SHA-1 of its text salted with the versions and the dialect the extension
   * selects (the same text is parsed differently as `.ts` and `.tsx`, as `.js` and `.mjs`).
   */
  static hash(text: string, fileName: string): string {
    const dialect = path.extname(fileName).toLowerCase();
    return createHash('sha1').update(`forkguard-ts-facts ${TS_FACTS_VERSION} ${TYPESCRIPT_PARSER_VERSION} ${dialect}\n`).update(text).digest('hex');
  }
}
