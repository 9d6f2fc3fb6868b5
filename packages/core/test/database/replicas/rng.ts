/**
 * A small seeded generator for simulations, on top of {@link seededRandom} (never
 * `Math.random`): the same seed gives the same schedule on every run.
 */
import { seededRandom } from "../../../src/index.js";

/** Seeded choices: integers, coin flips, picks, shuffles and subsets. */
export class Rng {
  readonly #source: ReturnType<typeof seededRandom>;

  constructor(seed: number | bigint) {
    this.#source = seededRandom(seed);
  }

  /** An integer in `[0, n)`. */
  int(n: number): number {
    if (!(n > 0)) throw new Error(`Rng.int needs n > 0, got ${n}`);
    return Math.floor(this.#source.nextFloat() * n);
  }

  /** An integer in `[lo, hi]`. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#source.nextFloat() < p;
  }

  /** One item of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick of an empty array");
    return items[this.int(items.length)] as T;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** Each item kept with probability `p`, order kept. */
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }
}
