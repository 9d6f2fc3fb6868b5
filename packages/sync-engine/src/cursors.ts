/**
 * {@link CursorBook}: what each peer is known to hold, per database, kept in memory and written
 * to the peer store behind, many changes in one commit: by the running engine every few
 * seconds, and by `flush`, `stop`, `persist` and `close`. Every sync, push and pull moves a
 * cursor; a commit to `_sync` for each would cost more than the sync. A cursor is a lower
 * bound: losing the latest ones in a crash only makes the next diff larger, never wrong.
 */
import { sortedUniqueIds, type Backend, type ID, type PublicKeyText } from "@eidetica/core";
import type { PeerStore } from "@eidetica/peer-store";
import type { Logger } from "./logger.js";

/** @internal */
export class CursorBook {
  readonly #store: PeerStore;
  readonly #logger: Logger;
  readonly #tips = new Map<string, readonly ID[]>();
  readonly #dirty = new Map<string, { peer: PublicKeyText; database: ID }>();
  #writing: Promise<void> | undefined;

  constructor(store: PeerStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
  }

  /** The tips `peer` is known to hold for `db`, if known. */
  get(peer: PublicKeyText, db: ID): readonly ID[] | undefined {
    return this.#tips.get(keyOf(peer, db)) ?? this.#store.cursors.get(peer, db)?.tips;
  }

  /** Records what `peer` holds for `db` now (written to the store later). */
  set(peer: PublicKeyText, db: ID, tips: readonly ID[]): void {
    const key = keyOf(peer, db);
    const sorted = sortedUniqueIds(tips);
    const current = this.get(peer, db);
    if (current !== undefined && current.length === sorted.length && current.every((id, i) => id === sorted[i])) return;
    this.#tips.set(key, sorted);
    this.#dirty.set(key, { peer, database: db });
  }

  /**
   * Records that `peer` now also holds the entries `ids` of `db` (it sent or received them):
   * its cursor grows to cover them.
   */
  async learn(backend: Backend, peer: PublicKeyText, db: ID, ids: readonly ID[]): Promise<void> {
    // Only entries held here can stand in a cursor (a repeat of a refused entry is not one).
    const held = (await backend.getEntries(ids)).filter((entry) => entry?.inTree(db) === true);
    if (held.length === 0) return;
    const out = new Set<ID>(this.get(peer, db) ?? []);
    for (const entry of held) if (entry !== undefined) out.add(entry.id);
    for (const entry of held) for (const parent of entry?.parents ?? []) out.delete(parent);
    this.set(peer, db, [...out]);
  }

  /** Changes not written yet. */
  get pending(): number {
    return this.#dirty.size;
  }

  /** Writes every pending change in one commit (failures are logged; the changes stay pending). */
  async persist(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
    if (this.#dirty.size === 0) return;
    const batch = [...this.#dirty.entries()];
    this.#dirty.clear();
    this.#writing = this.#store.cursors
      .setMany(batch.map(([key, { peer, database }]) => ({ peer, database, tips: this.#tips.get(key) ?? [] })))
      .catch((error: unknown) => {
        this.#logger.error("could not persist sync cursors; they stay pending", { error });
        for (const [key, value] of batch) if (!this.#dirty.has(key)) this.#dirty.set(key, value);
      })
      .finally(() => {
        this.#writing = undefined;
      });
    await this.#writing;
  }

  /** Forgets the cursors of a peer that was removed. */
  forget(peer: PublicKeyText): void {
    for (const key of [...this.#tips.keys()]) {
      if (key.startsWith(`${peer} `)) {
        this.#tips.delete(key);
        this.#dirty.delete(key);
      }
    }
  }
}

function keyOf(peer: PublicKeyText, db: ID): string {
  return `${peer} ${db}`;
}
