/** {@link PeerStore}: every piece of sync state a node keeps, in its `_sync` database. */
import { Doc, type Clock, type Database, type ID, type Instance, type PublicKeyText } from "@eidetica/core";
import { Bans } from "./bans.js";
import { Cursors } from "./cursors.js";
import { DatabaseSettings } from "./database-settings.js";
import { rowKey } from "./keys.js";
import { Peers } from "./peers.js";
import { Relationships } from "./relationships.js";
import { BootstrapRequests } from "./requests.js";
import { Retries } from "./retries.js";
import { SyncTables, put, type RowWrite } from "./tables.js";
import { TransportStates } from "./transports.js";

/** The instance metadata field naming the `_sync` database (spec 3.1 `InstanceMetadata.sync_db`). */
export const SYNC_DB_FIELD = "sync_db";

/** Options of {@link PeerStore.open}. */
export interface PeerStoreOptions {
  /** Time source for `firstSeen`, `lastSeen`, request times and bans. Default: the instance's clock. */
  readonly clock?: Clock;
  /**
   * Seeing a peer again, or syncing with it again, within this many milliseconds does not move
   * `lastSeen` / `lastSuccessfulSync`, so busy peers do not cost a commit each time. Default 60,000.
   */
  readonly seenResolutionMs?: number;
  /** Called with each row that cannot be read when the store opens (they are also counted). Default: `console.warn`. */
  readonly onInvalidRow?: (error: unknown) => void;
}

/**
 * The persisted state of sync (spec 5.12): peers, relationships, cursors, retry state,
 * bootstrap requests, per-database settings, transport state and bans, each a table of the
 * instance's `_sync` database, on whatever backend the instance uses (memory or SQLite).
 *
 * Reads are synchronous, from an in-memory mirror that is exact because the store is the only
 * writer of `_sync`. Each change is one commit under one lock: no update is lost and no
 * record is duplicated, however many callers race. A change that changes nothing commits
 * nothing.
 *
 * @example
 * ```ts
 * import { Instance } from "@eidetica/core";
 * import { PeerStore } from "@eidetica/peer-store";
 *
 * const instance = await Instance.create();
 * const store = await PeerStore.open(instance);
 * await store.peers.register(peerKey, { addresses: [{ transportType: "http", address: "127.0.0.1:8080" }] });
 * await store.relationships.add(peerKey, db.id);
 * store.relationships.peersOf(db.id); // [peerKey]
 * ```
 */
export class PeerStore {
  /** The `_sync` database (local to this node; never served to peers). */
  readonly database: Database;
  readonly peers: Peers;
  readonly relationships: Relationships;
  readonly cursors: Cursors;
  readonly retries: Retries;
  readonly requests: BootstrapRequests;
  readonly databases: DatabaseSettings;
  readonly transports: TransportStates;
  readonly bans: Bans;
  readonly #tables: SyncTables;

  private constructor(tables: SyncTables, instance: Instance, options: PeerStoreOptions) {
    const clock = options.clock ?? instance.clock;
    this.#tables = tables;
    this.database = tables.database;
    this.peers = new Peers(tables, clock, options.seenResolutionMs ?? 60_000, (peer) => this.#forget(peer));
    this.relationships = new Relationships(tables, clock);
    this.cursors = new Cursors(tables, clock);
    this.retries = new Retries(tables);
    this.requests = new BootstrapRequests(tables, clock, instance.random);
    this.databases = new DatabaseSettings(tables);
    this.transports = new TransportStates(tables);
    this.bans = new Bans(tables, clock);
  }

  /**
   * Opens the instance's `_sync` database, creating it (signed by the device key) on first use
   * and recording its ID in the instance metadata, then reads it into memory.
   */
  static async open(instance: Instance, options: PeerStoreOptions = {}): Promise<PeerStore> {
    const known = instance.metadata(SYNC_DB_FIELD);
    let database: Database;
    if (typeof known === "string" && (await instance.backend.hasEntry(known))) {
      database = await instance.openDatabase(known);
    } else {
      database = await instance.createDatabase({ name: "_sync", settings: Doc.from({ type: "sync_settings" }) });
      await instance.setMetadata(SYNC_DB_FIELD, database.id);
    }
    const onInvalidRow = options.onInvalidRow ?? ((error: unknown) => console.warn("eidetica: unreadable row in _sync", error));
    return new PeerStore(await SyncTables.load(database, onInvalidRow), instance, options);
  }

  /** The ID of the `_sync` database. */
  get databaseId(): ID {
    return this.database.id;
  }

  /** Rows that could not be read when the store opened (left out, and reported to `onInvalidRow`). */
  get invalidRows(): number {
    return this.#tables.invalidRows;
  }

  /** Everything kept about a peer besides its record: removed with it. */
  #forget(peer: PublicKeyText): RowWrite[] {
    const writes: RowWrite[] = [];
    for (const r of this.relationships.list()) if (r.peer === peer) writes.push(put("relationships", rowKey(r.database, peer), undefined));
    for (const c of this.cursors.ofPeer(peer)) writes.push(put("cursors", rowKey(peer, c.database), undefined));
    for (const r of this.retries.list()) if (r.peer === peer) writes.push(put("retries", rowKey(peer, r.database), undefined));
    return writes;
  }
}
