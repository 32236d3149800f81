/**
 * On-disk cache of PyFacts by content hash (the language-neutral cache is extraction/facts-cache.ts):
 * its own pack, named after the facts version, the encoding and the grammar version, whose lines
 * are the compact encoding of facts-codec.ts (about 0.3x the size of plain JSON of PyFacts).
 */
import { createHash } from 'node:crypto';
import { PackedFactsCache, type FactsPackFormat } from '../extraction/facts-cache';
import { PY_FACTS_VERSION, type PyFacts } from './facts';
import { FACTS_ENCODING, PY_FACTS_CODEC } from './facts-codec';
import { PYTHON_GRAMMAR_VERSION } from './parser';

const PACK_PREFIX = 'python-facts-';
/** Version of the pack's encoding (facts-format.ts): part of the name, like the facts version. */
const PACK_ENCODING = FACTS_ENCODING;

const PYTHON_PACK: FactsPackFormat<PyFacts> = {
  prefix: PACK_PREFIX,
  name: `${PACK_PREFIX}v${PY_FACTS_VERSION}-${PACK_ENCODING}-grammar${PYTHON_GRAMMAR_VERSION}.json.gz`,
  header: JSON.stringify({ forkguard: 'python-facts', version: PY_FACTS_VERSION, encoding: PACK_ENCODING }),
  label: 'facts cache',
  codec: PY_FACTS_CODEC,
};

export class FactsCache extends PackedFactsCache<PyFacts> {
  constructor(dir: string | null, log?: (message: string) => void) {
    super(PYTHON_PACK, dir, log);
  }

  /** Cache key of a text: its SHA-1, salted with the facts and grammar versions. */
  static hash(text: string): string {
    return createHash('sha1').update(`forkguard-py-facts ${PY_FACTS_VERSION} ${PYTHON_GRAMMAR_VERSION}\n`).update(text).digest('hex');
  }
}
