/**
 * {@link Database}: a handle on one database (spec 3.2): reads at the current tips,
 * transactions, write callbacks and the ingest path.
 */
import { AuthSettings } from "../auth/settings.js";
import { permits, type Permission } from "../auth/permission.js";
import type { Doc } from "../crdt/doc.js";
import type { SigningKey } from "../crypto/keys.js";
import type { Entry } from "../entry/entry.js";
import { SETTINGS_STORE, type PublicKeyText } from "../entry/types.js";
import type { ID } from "../id/id.js";
import type { IngestResult } from "./ingest.js";
import type { IngestOptions, Instance } from "./instance.js";
import type { DocStore } from "./stores/doc-store.js";
import type { Table, TableOptions } from "./stores/table.js";
import type { TreeState, WriteCallback } from "./tree-state.js";
import { Transaction } from "./transaction.js";

/**
 * A database: open one with {@link Instance.openDatabase} or create one with
 * {@link Instance.createDatabase}. Writes are signed with the handle's signing key.
 *
 * @example
 * ```ts
 * const id = await db.withTransaction(async (txn) => {
 *   const todo = await txn.docStore("todo");
 *   todo.set("milk", true);
 * });
 * (await db.docStore("todo")).get("milk"); // true
 * ```
 */
export class Database {
  readonly instance: Instance;
  /** The key that signs this handle's commits. */
  readonly signingKey: SigningKey;
  readonly #tree: TreeState;

  /** @internal Use {@link Instance.openDatabase} or {@link Instance.createDatabase}. */
  constructor(instance: Instance, tree: TreeState, signingKey: SigningKey) {
    this.instance = instance;
    this.#tree = tree;
    this.signingKey = signingKey;
  }

  /** The database ID: its root entry's ID. */
  get id(): ID {
    return this.#tree.id;
  }

  /** @internal */
  get treeState(): TreeState {
    return this.#tree;
  }

  /** The same database, signing with another key. */
  withKey(signingKey: SigningKey): Database {
    return new Database(this.instance, this.#tree, signingKey);
  }

  /** The current tips, sorted. */
  async tips(): Promise<ID[]> {
    return this.instance.backend.treeTips(this.id);
  }

  /** An entry of this database, if held. */
  async entry(id: ID): Promise<Entry | undefined> {
    const entry = await this.instance.backend.getEntry(id);
    return entry?.inTree(this.id) === true ? entry : undefined;
  }

  /** Every entry, parents first (sorted by height, then ID). */
  async entries(): Promise<Entry[]> {
    return this.instance.backend.ancestors(this.id, await this.tips());
  }

  /** The merged state of a store at the current tips. */
  async storeState(store: string): Promise<Doc> {
    const tips = await this.instance.backend.storeTips(this.id, store);
    return this.#tree.states.stateAt(store, tips, this.instance.backend);
  }

  /** The merged `_settings` Doc. */
  async settings(): Promise<Doc> {
    return this.storeState(SETTINGS_STORE);
  }

  /** The auth part of the settings. */
  async auth(): Promise<AuthSettings> {
    return AuthSettings.fromSettings(await this.settings());
  }

  /** `_settings.name`, if set. */
  async name(): Promise<string | undefined> {
    return (await this.settings()).getText("name");
  }

  /**
   * True if `pubkey` holds at least `permission` now, through an active direct grant or the
   * active global grant (spec 4.6; delegations are not supported yet).
   */
  async canAccess(pubkey: PublicKeyText, permission: Permission): Promise<boolean> {
    const held = (await this.auth()).permissionOf(pubkey);
    return held !== undefined && permits(held, permission);
  }

  /** A transaction at the current tips. */
  async newTransaction(): Promise<Transaction> {
    return Transaction.begin(this, await this.tips());
  }

  /** Runs `fn` in a new transaction and commits it; returns the new entry's ID. */
  async withTransaction(fn: (txn: Transaction) => unknown): Promise<ID> {
    const txn = await this.newTransaction();
    await fn(txn);
    return txn.commit();
  }

  /** A read-only view of a DocStore at the current tips. */
  async docStore(name: string): Promise<DocStore> {
    return (await Transaction.begin(this, await this.tips(), true)).docStore(name);
  }

  /** A read-only view of a Table at the current tips. */
  async table<T>(name: string, options?: TableOptions<T>): Promise<Table<T>> {
    return (await Transaction.begin(this, await this.tips(), true)).table(name, options);
  }

  /**
   * Registers a callback for entries that become visible in this database, parents first,
   * with their source; returns the unsubscribe function.
   */
  onWrite(callback: WriteCallback): () => void {
    this.#tree.callbacks.add(callback);
    return () => this.#tree.callbacks.delete(callback);
  }

  /** Verifies and stores entries from a peer (see {@link Instance.ingest}). */
  async ingest(entries: readonly Entry[], options: IngestOptions): Promise<IngestResult> {
    return this.instance.ingest(this.id, entries, options);
  }
}
