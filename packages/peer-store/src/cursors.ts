/** {@link Cursors}: the tips each peer is known to hold, per database. */
import { sortedUniqueIds, type Clock, type ID, type PublicKeyText } from "@eidetica/core";
import { rowKey } from "./keys.js";
import { put, type SyncTables } from "./tables.js";
import type { SyncCursor } from "./types.js";

/**
 * Sync cursors: after a sync, the tips the peer then held. An exact diff to the peer starts
 * from them (entries outside their ancestor closure), so a push sends only what is new.
 *
 * @example
 * ```ts
 * await store.cursors.set(peerKey, db.id, await db.tips());
 * store.cursors.get(peerKey, db.id)?.tips;
 * ```
 */
export class Cursors {
  readonly #tables: SyncTables;
  readonly #clock: Clock;

  /** @internal */
  constructor(tables: SyncTables, clock: Clock) {
    this.#tables = tables;
    this.#clock = clock;
  }

  /** The cursor of `peer` for `database`, if any. */
  get(peer: PublicKeyText, database: ID): SyncCursor | undefined {
    return this.#tables.get("cursors", rowKey(peer, database));
  }

  /** Every cursor of a peer, sorted by database. */
  ofPeer(peer: PublicKeyText): SyncCursor[] {
    return [...this.#tables.rows("cursors").values()].filter((c) => c.peer === peer).sort((a, b) => (a.database < b.database ? -1 : 1));
  }

  /** Records the tips `peer` holds for `database` (no commit if they are unchanged). */
  async set(peer: PublicKeyText, database: ID, tips: readonly ID[]): Promise<SyncCursor> {
    return this.#tables.write(() => {
      const sorted = sortedUniqueIds(tips);
      const current = this.get(peer, database);
      if (current !== undefined && current.tips.length === sorted.length && current.tips.every((t, i) => t === sorted[i])) {
        return { writes: [], result: current };
      }
      const write = put("cursors", rowKey(peer, database), { peer, database, tips: sorted, updatedAt: this.#clock.nowMillis() });
      return { writes: [write], result: write.value };
    });
  }

  /**
   * Records several cursors in one commit (a sync engine persisting what it learned); those
   * that did not change are left out, and nothing is committed if none did.
   */
  async setMany(cursors: readonly { readonly peer: PublicKeyText; readonly database: ID; readonly tips: readonly ID[] }[]): Promise<void> {
    await this.#tables.write(() => {
      const now = this.#clock.nowMillis();
      const writes = cursors.flatMap(({ peer, database, tips }) => {
        const sorted = sortedUniqueIds(tips);
        const current = this.get(peer, database);
        if (current !== undefined && current.tips.length === sorted.length && current.tips.every((t, i) => t === sorted[i])) return [];
        return [put("cursors", rowKey(peer, database), { peer, database, tips: sorted, updatedAt: now })];
      });
      return { writes, result: undefined };
    });
  }

  /** Forgets a cursor; returns false if there was none. */
  async clear(peer: PublicKeyText, database: ID): Promise<boolean> {
    return this.#tables.write(() => {
      const had = this.get(peer, database) !== undefined;
      return { writes: had ? [put("cursors", rowKey(peer, database), undefined)] : [], result: had };
    });
  }
}
