/**
 * A compact, JSON-able encoding of PyFacts for the disk cache and for worker -> main transfer.
 *
 * Plain JSON of PyFacts is ~7x the source, two thirds of it Range objects
 * (`{"start":{"line":1,"character":2},"end":{...}}`) and repeated key names. The encoded form
 * (facts-format.ts) is a file's distinct strings, positions and statement spans once each, and one
 * flat list of integers that refers to them; facts-encode.ts writes it, facts-decode.ts reads it
 * back into exactly the PyFacts that was encoded, so readers never see the difference. Malformed
 * input throws a FactsCodecError, which the cache treats as a miss.
 */
import type { FactsCodec } from '../extraction/codec';
import type { PyFacts } from './facts';
import { forgetSharedObjects, unpackFacts } from './facts-decode';
import { packFacts } from './facts-encode';
import { FactsCodecError } from './facts-format';

export { unpackFacts } from './facts-decode';
export { packFacts, type PackedFacts } from './facts-encode';
export { FACTS_ENCODING, FactsCodecError } from './facts-format';

/** PyFacts as one line of text (JSON of the packed form): what scan workers send and the disk cache stores. */
export const PY_FACTS_CODEC: FactsCodec<PyFacts> = {
  encode: (facts) => JSON.stringify(packFacts(facts)),
  decode: (encoded) => unpackFacts(parseJson(encoded)),
  endOfBulkDecode: forgetSharedObjects,
};

function parseJson(encoded: string): unknown {
  try {
    return JSON.parse(encoded);
  } catch (error) {
    throw new FactsCodecError(`malformed packed facts: ${(error as Error).message}`);
  }
}
