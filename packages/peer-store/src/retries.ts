/** {@link Retries}: pending retries of sends, per peer and database, kept across restarts. */
import type { ID, PublicKeyText } from "@eidetica/core";
import { rowKey } from "./keys.js";
import { put, type SyncTables } from "./tables.js";
import type { RetryState } from "./types.js";

/**
 * Retry state of the background engine: how many sends to a peer for a database have failed
 * and when the next attempt is due. It is kept in `_sync`, so a restart resumes the backoff
 * instead of forgetting the work.
 *
 * @example
 * ```ts
 * await store.retries.set({ peer, database, attempts: 1, nextAttemptAt: now + 2_000, lastError: "unreachable" });
 * store.retries.due(now + 2_000); // [that state]
 * ```
 */
export class Retries {
  readonly #tables: SyncTables;

  /** @internal */
  constructor(tables: SyncTables) {
    this.#tables = tables;
  }

  /** The retry state of `peer` for `database`, if any. */
  get(peer: PublicKeyText, database: ID): RetryState | undefined {
    return this.#tables.get("retries", rowKey(peer, database));
  }

  /** Every retry state, soonest first (then by peer and database). */
  list(): RetryState[] {
    const key = (r: RetryState) => `${r.peer} ${r.database}`;
    return [...this.#tables.rows("retries").values()].sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (key(a) < key(b) ? -1 : 1));
  }

  /** The retry states due at `now`, soonest first. */
  due(now: number): RetryState[] {
    return this.list().filter((r) => r.nextAttemptAt <= now);
  }

  /** Records (or replaces) a retry state. */
  async set(state: RetryState): Promise<void> {
    await this.#tables.write(() => ({ writes: [put("retries", rowKey(state.peer, state.database), state)], result: undefined }));
  }

  /** Clears a retry state (after a success); returns false if there was none. */
  async clear(peer: PublicKeyText, database: ID): Promise<boolean> {
    return this.#tables.write(() => {
      const had = this.get(peer, database) !== undefined;
      return { writes: had ? [put("retries", rowKey(peer, database), undefined)] : [], result: had };
    });
  }
}
