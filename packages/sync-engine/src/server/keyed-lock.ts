/** {@link KeyedLock}: one run at a time per key, in arrival order; other keys run freely. */
import { Mutex } from "@eidetica/core";

/** @internal */
export class KeyedLock {
  readonly #locks = new Map<string, { mutex: Mutex; users: number }>();

  /** Runs `fn` once every earlier run for `key` has finished. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let lock = this.#locks.get(key);
    if (lock === undefined) {
      lock = { mutex: new Mutex(), users: 0 };
      this.#locks.set(key, lock);
    }
    lock.users++;
    try {
      return await lock.mutex.run(fn);
    } finally {
      if (--lock.users === 0) this.#locks.delete(key);
    }
  }
}
