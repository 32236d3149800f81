/**
 * A small seeded random source and the text mutators the fuzz tests and `npm run fuzz` share.
 * Seeded so that a failure prints a seed that reproduces it exactly.
 */

/** mulberry32: a tiny, fast, well-distributed 32-bit generator; plenty for picking mutations. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}

/** Identifiers, numbers, runs of blanks, line breaks, and single other characters: what an editor deletes. */
const TOKEN = /[A-Za-z_][A-Za-z_0-9]*|\d+|[ \t]+|\r\n|\r|\n|[^]/g;

export function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export interface Mutation {
  name: string;
  apply(text: string, random: SeededRandom): string;
}

/** Characters that break structure: brackets, quotes, colons, backslashes, odd whitespace and code points. */
const HOSTILE_INSERTS = ['(', ')', '[', ']', '{', '}', '"', "'", '"""', ':', '\\', '\t', '\0', '\r', '\ufeff', '\ud800', '\udc00', '\ufffd', 'é', '😀', 'lambda', 'def ', '@', '#', ' = '];

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'delete a token',
    apply(text, random) {
      const parts = tokens(text);
      if (parts.length === 0) return text;
      parts.splice(random.below(parts.length), 1);
      return parts.join('');
    },
  },
  {
    name: 'duplicate a token',
    apply(text, random) {
      const parts = tokens(text);
      if (parts.length === 0) return text;
      const at = random.below(parts.length);
      parts.splice(at, 0, parts[at]);
      return parts.join('');
    },
  },
  {
    name: 'delete a run of tokens',
    apply(text, random) {
      const parts = tokens(text);
      const at = random.below(parts.length + 1);
      parts.splice(at, 1 + random.below(12));
      return parts.join('');
    },
  },
  {
    name: 'insert a hostile fragment',
    apply(text, random) {
      const at = random.below(text.length + 1);
      return text.slice(0, at) + random.pick(HOSTILE_INSERTS) + text.slice(at);
    },
  },
  {
    name: 'cut at a random offset',
    apply(text, random) {
      return text.slice(0, random.below(text.length + 1));
    },
  },
  {
    name: 'swap two lines',
    apply(text, random) {
      const lines = text.split('\n');
      const a = random.below(lines.length);
      const b = random.below(lines.length);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    },
  },
  {
    name: 'tabs for leading spaces on some lines',
    apply(text, random) {
      return text
        .split('\n')
        .map((line) => (random.next() < 0.3 ? line.replace(/^( {4})+/, (indent) => '\t'.repeat(indent.length / 4)) : line))
        .join('\n');
    },
  },
  {
    name: 'change the indentation of a line',
    apply(text, random) {
      const lines = text.split('\n');
      const at = random.below(lines.length);
      lines[at] = random.next() < 0.5 ? ` ${lines[at]}` : lines[at].replace(/^\s/, '');
      return lines.join('\n');
    },
  },
  {
    name: 'CRLF line endings',
    apply: (text) => text.replace(/\r?\n/g, '\r\n'),
  },
  {
    name: 'CR line endings',
    apply: (text) => text.replace(/\r?\n/g, '\r'),
  },
  {
    name: 'mixed line endings',
    apply: (text, random) => text.replace(/\n/g, () => random.pick(['\n', '\r\n', '\r'])),
  },
];

/** Applies 1 to `maxSteps` random mutations in a row; returns the text and what was done. */
export function mutate(text: string, random: SeededRandom, maxSteps = 3): { text: string; steps: string[] } {
  const steps: string[] = [];
  const count = 1 + random.below(maxSteps);
  for (let i = 0; i < count; i++) {
    const mutation = random.pick(MUTATIONS);
    text = mutation.apply(text, random);
    steps.push(mutation.name);
  }
  return { text, steps };
}

/** SeededRandom's floats as a plain function, for tests that only draw numbers. */
export function seededRandom(seed: number): () => number {
  const source = new SeededRandom(seed);
  return () => source.next();
}
