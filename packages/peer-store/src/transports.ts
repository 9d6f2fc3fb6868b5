/** {@link TransportStates}: what each named transport keeps across restarts (an iroh secret key, a port). */
import { rowKey } from "./keys.js";
import { put, type SyncTables } from "./tables.js";

/**
 * Named transport state: any JSON value per transport name, kept in `_sync` (local to this
 * node, never synced).
 *
 * @example
 * ```ts
 * await store.transports.set("iroh", { secret_key: hex });
 * store.transports.get("iroh"); // { secret_key: "…" }
 * ```
 */
export class TransportStates {
  readonly #tables: SyncTables;

  /** @internal */
  constructor(tables: SyncTables) {
    this.#tables = tables;
  }

  /** The state saved for a transport, if any. */
  get(name: string): unknown {
    return this.#tables.get("transports", rowKey(name));
  }

  /** Saves a transport's state (a JSON value). */
  async set(name: string, state: unknown): Promise<void> {
    if (state === undefined) throw new TypeError("transport state must be a JSON value; use remove() to forget it");
    await this.#tables.write(() => ({ writes: [put("transports", rowKey(name), JSON.parse(JSON.stringify(state)) as unknown)], result: undefined }));
  }

  /** Forgets a transport's state; returns false if there was none. */
  async remove(name: string): Promise<boolean> {
    return this.#tables.write(() => {
      const had = this.get(name) !== undefined;
      return { writes: had ? [put("transports", rowKey(name), undefined)] : [], result: had };
    });
  }
}
