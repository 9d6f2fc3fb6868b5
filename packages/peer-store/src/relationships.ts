/** {@link Relationships}: which databases this node syncs with which peers. */
import { NotFoundError, type Clock, type ID, type PublicKeyText } from "@eidetica/core";
import { rowKey } from "./keys.js";
import { put, type SyncTables } from "./tables.js";
import type { Relationship } from "./types.js";

/**
 * Database/peer relationships: a peer is related to a database once they have synced it (or
 * an application said so). Pushes on commit go to the related peers.
 *
 * @example
 * ```ts
 * await store.relationships.add(peerKey, db.id);
 * store.relationships.peersOf(db.id); // [peerKey]
 * ```
 */
export class Relationships {
  readonly #tables: SyncTables;
  readonly #clock: Clock;

  /** @internal */
  constructor(tables: SyncTables, clock: Clock) {
    this.#tables = tables;
    this.#clock = clock;
  }

  /** True if `peer` syncs `database` with this node. */
  has(peer: PublicKeyText, database: ID): boolean {
    return this.#tables.get("relationships", rowKey(database, peer)) !== undefined;
  }

  /** Every relationship, sorted by database then peer. */
  list(): Relationship[] {
    return [...this.#tables.rows("relationships").values()].sort((a, b) => compare(a.database, b.database) || compare(a.peer, b.peer));
  }

  /** The peers related to a database, sorted. */
  peersOf(database: ID): PublicKeyText[] {
    return this.list().filter((r) => r.database === database).map((r) => r.peer);
  }

  /** The databases related to a peer, sorted. */
  databasesOf(peer: PublicKeyText): ID[] {
    return this.list().filter((r) => r.peer === peer).map((r) => r.database);
  }

  /**
   * Relates a known peer to a database (nothing happens if they already are).
   * @throws {NotFoundError} if the peer is not known.
   */
  async add(peer: PublicKeyText, database: ID): Promise<void> {
    await this.#tables.write(() => {
      if (this.#tables.get("peers", rowKey(peer)) === undefined) throw new NotFoundError(`peer ${peer} is not known`);
      if (this.has(peer, database)) return { writes: [], result: undefined };
      return { writes: [put("relationships", rowKey(database, peer), { peer, database, since: this.#clock.nowMillis() })], result: undefined };
    });
  }

  /** Ends a relationship; returns false if there was none. */
  async remove(peer: PublicKeyText, database: ID): Promise<boolean> {
    return this.#tables.write(() => {
      const had = this.has(peer, database);
      return { writes: had ? [put("relationships", rowKey(database, peer), undefined)] : [], result: had };
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
