/** {@link DatabaseSettings}: how this node syncs each database. */
import { MalformedError, type ID } from "@eidetica/core";
import { rowKey } from "./keys.js";
import { put, type SyncTables } from "./tables.js";
import type { SyncSettings } from "./types.js";

/** Sync off: the default of a database nobody enabled (spec 5.12 `SyncSettings::disabled`). */
export const SYNC_DISABLED: SyncSettings = Object.freeze({ syncEnabled: false, syncOnCommit: false, intervalSeconds: null, properties: Object.freeze({}) });

/**
 * Per-database sync settings. A database is served to peers, and pushes for it accepted, only
 * while `syncEnabled` is set.
 *
 * @example
 * ```ts
 * await store.databases.set(db.id, { syncEnabled: true, syncOnCommit: true, intervalSeconds: 60, properties: {} });
 * store.databases.get(db.id).syncEnabled; // true
 * ```
 */
export class DatabaseSettings {
  readonly #tables: SyncTables;

  /** @internal */
  constructor(tables: SyncTables) {
    this.#tables = tables;
  }

  /** The settings of a database ({@link SYNC_DISABLED} when none were set). */
  get(database: ID): SyncSettings {
    return this.#tables.get("databases", rowKey(database)) ?? SYNC_DISABLED;
  }

  /** True if settings were set for the database (else {@link DatabaseSettings.get} gives {@link SYNC_DISABLED}). */
  has(database: ID): boolean {
    return this.#tables.get("databases", rowKey(database)) !== undefined;
  }

  /** True if the database is served and accepts pushes. */
  isEnabled(database: ID): boolean {
    return this.get(database).syncEnabled;
  }

  /** Every database with settings, sorted by ID. */
  list(): { readonly database: ID; readonly settings: SyncSettings }[] {
    return [...this.#tables.rows("databases").entries()]
      .map(([key, settings]) => ({ database: key as ID, settings }))
      .sort((a, b) => (a.database < b.database ? -1 : 1));
  }

  /**
   * Sets a database's settings.
   * @throws {MalformedError} if `intervalSeconds` is not a positive integer or null.
   */
  async set(database: ID, settings: SyncSettings): Promise<SyncSettings> {
    const interval = settings.intervalSeconds;
    if (interval !== null && (!Number.isSafeInteger(interval) || interval <= 0)) {
      throw new MalformedError("intervalSeconds must be a positive integer or null", "intervalSeconds");
    }
    const write = put("databases", rowKey(database), settings);
    return this.#tables.write(() => ({ writes: [write], result: write.value }));
  }

  /** Forgets a database's settings (sync off); returns false if there were none. */
  async remove(database: ID): Promise<boolean> {
    return this.#tables.write(() => {
      const had = this.#tables.get("databases", rowKey(database)) !== undefined;
      return { writes: had ? [put("databases", rowKey(database), undefined)] : [], result: had };
    });
  }
}
