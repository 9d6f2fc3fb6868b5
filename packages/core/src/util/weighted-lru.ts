/** {@link WeightedLru}: a cache bounded by count and by the total weight of what it holds. */

/** Bounds of a {@link WeightedLru}. */
export interface WeightedLruLimits {
  /** Most items kept. Default: no bound. */
  readonly count?: number;
  /** Most total weight kept (bytes, characters: the caller's unit). */
  readonly weight: number;
  /** The newest items kept whatever their weight. Default 0. */
  readonly floor?: number;
}

/**
 * A least-recently-used cache bounded by count and by total weight: past either bound the
 * oldest items go, except the `floor` newest, which stay whatever they weigh. With a floor of
 * 0, an item heavier than the whole bound is not kept at all.
 *
 * @example
 * ```ts
 * const cache = new WeightedLru<string, string>({ weight: 1024 * 1024 });
 * cache.set("key", text, text.length);
 * cache.get("key"); // text, now the most recently used
 * ```
 */
export class WeightedLru<K, V> {
  readonly #items = new Map<K, { readonly value: V; readonly weight: number }>();
  readonly #count: number;
  readonly #weight: number;
  readonly #floor: number;
  #total = 0;

  constructor(limits: WeightedLruLimits) {
    this.#count = limits.count ?? Number.POSITIVE_INFINITY;
    this.#weight = limits.weight;
    this.#floor = limits.floor ?? 0;
  }

  /** Items held. */
  get size(): number {
    return this.#items.size;
  }

  /** Total weight held. */
  get weight(): number {
    return this.#total;
  }

  /** The value under `key`, if held; `touch` makes it the most recently used. */
  get(key: K, touch = false): V | undefined {
    const item = this.#items.get(key);
    if (item !== undefined && touch) {
      this.#items.delete(key);
      this.#items.set(key, item);
    }
    return item?.value;
  }

  has(key: K): boolean {
    return this.#items.has(key);
  }

  /** Keeps `value` under `key` as the most recently used, then evicts past the bounds. */
  set(key: K, value: V, weight: number): void {
    this.delete(key);
    if (this.#floor === 0 && weight > this.#weight) return;
    this.#items.set(key, { value, weight });
    this.#total += weight;
    while (this.#items.size > this.#count || (this.#total > this.#weight && this.#items.size > this.#floor)) {
      const [oldest, item] = this.#items.entries().next().value as [K, { readonly weight: number }];
      this.#items.delete(oldest);
      this.#total -= item.weight;
    }
  }

  /** Forgets `key`; returns false if it was not held. */
  delete(key: K): boolean {
    const item = this.#items.get(key);
    if (item === undefined) return false;
    this.#items.delete(key);
    this.#total -= item.weight;
    return true;
  }

  clear(): void {
    this.#items.clear();
    this.#total = 0;
  }
}
