/**
 * A read-only map made of a base map and a few entries laid over it: how one analysis' findings
 * follow the previous one's after an edit. Copying a map of ten thousand files costs about a
 * millisecond and leaves it to the garbage collector, after every keystroke; laying a handful of
 * changed files over the previous map costs the handful.
 *
 * Neither map is modified once a LayeredMap holds it, so every map handed out stays what it was.
 * `with` only replaces values of keys the map has: keys and their order are the base's.
 */

/** Once this many entries are laid over a base per entry of the base, the next `with` flattens them into a new base. */
const FLATTEN_RATIO = 1 / 16;

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly over: ReadonlyMap<K, V>,
  ) {}

  /** A map of `base`'s entries; `base` must not be modified afterwards. */
  static of<K, V>(base: ReadonlyMap<K, V>): LayeredMap<K, V> {
    return new LayeredMap(base, new Map());
  }

  /** This map with the values of `changes` (keys already in it). */
  with(changes: ReadonlyMap<K, V>): LayeredMap<K, V> {
    if (changes.size === 0) return this;
    const over = new Map(this.over);
    changes.forEach((value, key) => {
      if (!this.base.has(key)) throw new Error('LayeredMap.with: a key the map does not have');
      over.set(key, value);
    });
    if (over.size <= this.base.size * FLATTEN_RATIO) return new LayeredMap(this.base, over);
    const flat = new Map<K, V>();
    this.base.forEach((value, key) => flat.set(key, over.has(key) ? over.get(key)! : value));
    return LayeredMap.of(flat);
  }

  get size(): number {
    return this.base.size;
  }

  has(key: K): boolean {
    return this.base.has(key);
  }

  get(key: K): V | undefined {
    return this.over.has(key) ? this.over.get(key) : this.base.get(key);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.base.forEach((value, key) => callback.call(thisArg, this.over.has(key) ? this.over.get(key)! : value, key, this));
  }

  keys(): IterableIterator<K> {
    return this.base.keys();
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  entries(): IterableIterator<[K, V]> {
    return this.over.size === 0 ? this.base.entries() : this.layeredEntries();
  }

  private *layeredEntries(): IterableIterator<[K, V]> {
    for (const [key, value] of this.base) yield [key, this.over.has(key) ? this.over.get(key)! : value];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
