/** {@link Flights}: one run at a time per key; a caller arriving while one runs joins it (reliability R7). */

/** @internal */
export class Flights {
  readonly #running = new Map<string, Promise<unknown>>();

  /** Runs `run` for `key`, or returns the run already going for it. */
  join<T>(key: string, run: () => Promise<T>): Promise<T> {
    const running = this.#running.get(key);
    if (running !== undefined) return running as Promise<T>;
    const started = run().finally(() => this.#running.delete(key));
    this.#running.set(key, started);
    return started;
  }

  /** Keys running now. */
  size(): number {
    return this.#running.size;
  }
}
