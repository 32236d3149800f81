/**
 * TsFacts as one line of text: plain JSON (TS facts are small next to Python's: no compact
 * encoding yet). What scan workers send and the disk cache stores (extraction/codec.ts).
 */
import type { FactsCodec } from '../extraction/codec';
import { TS_FACTS_VERSION, type TsFacts } from './facts';

export const TS_FACTS_CODEC: FactsCodec<TsFacts> = {
  encode: (facts) => JSON.stringify(facts),
  decode: (encoded) => {
    const facts = JSON.parse(encoded) as TsFacts;
    if (facts?.version !== TS_FACTS_VERSION || !Array.isArray(facts.calls)) throw new Error('not TS facts of this version');
    return facts;
  },
};
