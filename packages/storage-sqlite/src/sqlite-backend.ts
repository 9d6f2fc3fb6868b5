/**
 * {@link SqliteBackend}: a persistent {@link Backend} on SQLite through better-sqlite3.
 *
 * - Entries are stored as their canonical DAG-CBOR bytes, beside the rows that make tips,
 *   heights and ancestry fast (spec 3.7).
 * - Every batch of entries (rows, parent links, store rows, tips) is written in one
 *   transaction, so a crash leaves all of it or none of it.
 * - WAL journal; `synchronous = FULL` by default, so a write that returned survives a power
 *   loss as well as a crash (`durability: "normal"` trades the power-loss guarantee for speed;
 *   a process crash loses nothing either way).
 * - The file is opened in exclusive locking mode: a second connection (another process, or a
 *   second backend in this one) gets a clear `StorageError` instead of sharing the file.
 * - Every entry read is decoded and re-hashed against its ID the first time this process reads
 *   it (then kept in a bounded cache); a mismatch is a `StorageCorruptedError` and the entry is
 *   never served.
 */
import Database from "better-sqlite3";
import {
  BACKEND_BRAND,
  StorageCorruptedError,
  VERIFICATION_CODES,
  compareByHeightThenId,
  compareIds,
  WeightedLru,
  decodeEntryCbor,
  type AncestorsOptions,
  type Backend,
  type Entry,
  type ID,
  type InstanceRecordKind,
  type VerificationStatus,
} from "@eidetica/core";
import { asStorageError, storageCall } from "./errors.js";
import { migrate } from "./schema.js";
import { prepareStatements, type Statements } from "./statements.js";

/** Options of {@link SqliteBackend.open}. */
export interface SqliteBackendOptions {
  /** `"full"` (default): fsync on every commit. `"normal"`: survives crashes, not power loss. */
  readonly durability?: "full" | "normal";
  /** Entries kept decoded in memory. Default 10,000. */
  readonly entryCacheSize?: number;
  /**
   * Most bytes (encoded size) of the entries kept decoded in memory, so large entries (a peer
   * store's tables) do not fill the cache's 10,000 places. Default 16 MiB. The entry added
   * last is kept whatever its size.
   */
  readonly entryCacheBytes?: number;
  /** Cached CRDT states kept in the file; older ones are pruned. Default 10,000. */
  readonly stateCacheRows?: number;
}

const STATUS_OF_CODE: Record<number, VerificationStatus> = { 0: "verified", 1: "failed", 2: "unverified" };

/**
 * A persistent backend in one SQLite file.
 *
 * @example
 * ```ts
 * const backend = SqliteBackend.open("./node.db");
 * const instance = await Instance.openOrCreate({ backend });
 * ```
 */
export class SqliteBackend implements Backend {
  readonly [BACKEND_BRAND] = true as const;
  /** The file path (or `:memory:`). */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #sql: Statements;
  readonly #entries: WeightedLru<ID, Entry>;
  readonly #stateRows: number;
  /** Set when commits fsync (durability "full"): cached states are written without it. */
  readonly #relaxed: { readonly on: Database.Statement; readonly off: Database.Statement } | undefined;
  #closed = false;
  #droppedStateWrites = 0;

  private constructor(path: string, db: Database.Database, options: SqliteBackendOptions) {
    this.path = path;
    this.#db = db;
    this.#sql = prepareStatements(db);
    // The entry added last stays whatever its size (floor 1).
    this.#entries = new WeightedLru({ count: options.entryCacheSize ?? 10_000, weight: options.entryCacheBytes ?? 16 * 1024 * 1024, floor: 1 });
    this.#stateRows = options.stateCacheRows ?? 10_000;
    this.#relaxed = options.durability === "normal" ? undefined : { on: db.prepare("PRAGMA synchronous = NORMAL"), off: db.prepare("PRAGMA synchronous = FULL") };
  }

  /**
   * Opens (creating if needed) the file at `path` and takes its lock.
   * @throws {StorageError} if the file cannot be opened or is locked by another connection.
   * @throws {UnsupportedVersionError} if it was written by a newer schema version.
   */
  static open(path: string, options: SqliteBackendOptions = {}): SqliteBackend {
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: 0 });
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${options.durability === "normal" ? "NORMAL" : "FULL"}`);
      db.pragma("foreign_keys = OFF");
      // Take the write lock now, so a second opener fails here and not mid-operation.
      db.exec("BEGIN IMMEDIATE; COMMIT;");
      migrate(db);
      return new SqliteBackend(path, db, options);
    } catch (error) {
      db?.close();
      throw asStorageError(`opening ${path}`, error);
    }
  }

  async putEntries(entries: readonly Entry[], status: VerificationStatus = "verified"): Promise<ID[]> {
    this.#checkOpen();
    const sql = this.#sql;
    const code = VERIFICATION_CODES[status];
    const write = this.#db.transaction((batch: readonly Entry[]) => {
      const added: ID[] = [];
      const tips = new TipChanges();
      for (const entry of batch) {
        const id = entry.id;
        const tree = entry.rootId;
        if (sql.insertEntry.run(id, tree, entry.isRoot ? 1 : 0, code, entry.height, entry.encode()).changes === 0) continue;
        for (const parent of entry.parents) sql.insertTreeParent.run(id, parent);
        tips.add(tree, "", id, entry.parents);
        for (const subtree of entry.subtrees) {
          sql.insertSubtree.run(id, subtree.name, tree, entry.storeHeight(subtree.name));
          for (const parent of subtree.parents) sql.insertStoreParent.run(id, parent, subtree.name);
          tips.add(tree, subtree.name, id, subtree.parents);
        }
        added.push(id);
      }
      tips.apply(sql);
      return added;
    });
    const added = storageCall("storing entries", () => write.immediate(entries));
    for (const entry of entries) this.#remember(entry);
    return added;
  }

  #remember(entry: Entry): void {
    this.#entries.set(entry.id, entry, entry.encodedLength);
  }

  /** The entries kept decoded in memory now: how many, and their encoded size in bytes. */
  get entryCache(): { readonly entries: number; readonly bytes: number } {
    return { entries: this.#entries.size, bytes: this.#entries.weight };
  }

  #decode(id: ID, bytes: Uint8Array): Entry {
    let entry: Entry;
    try {
      entry = decodeEntryCbor(bytes);
    } catch (error) {
      throw new StorageCorruptedError(`stored entry ${id} cannot be decoded`, "CORRUPT", { cause: error });
    }
    if (entry.id !== id) throw new StorageCorruptedError(`stored entry ${id} hashes to ${entry.id}`, "CORRUPT");
    this.#remember(entry);
    return entry;
  }

  async getEntry(id: ID): Promise<Entry | undefined> {
    this.#checkOpen();
    const cached = this.#entries.get(id);
    if (cached !== undefined) return cached;
    const row = storageCall("reading an entry", () => this.#sql.getEntry.get(id)) as { entry_cbor: Uint8Array } | undefined;
    return row === undefined ? undefined : this.#decode(id, row.entry_cbor);
  }

  async getEntries(ids: readonly ID[]): Promise<(Entry | undefined)[]> {
    const out: (Entry | undefined)[] = [];
    for (const id of ids) out.push(await this.getEntry(id));
    return out;
  }

  async hasEntry(id: ID): Promise<boolean> {
    this.#checkOpen();
    return this.#entries.has(id) || storageCall("reading an entry", () => this.#sql.hasEntry.get(id)) !== undefined;
  }

  async getStatus(id: ID): Promise<VerificationStatus | undefined> {
    this.#checkOpen();
    const row = storageCall("reading a status", () => this.#sql.getStatus.get(id)) as { verification_status: number } | undefined;
    return row === undefined ? undefined : STATUS_OF_CODE[row.verification_status];
  }

  async setStatus(id: ID, status: VerificationStatus): Promise<void> {
    this.#checkOpen();
    storageCall("writing a status", () => this.#sql.setStatus.run(VERIFICATION_CODES[status], id));
  }

  async treeTips(tree: ID): Promise<ID[]> {
    return this.storeTips(tree, "");
  }

  async storeTips(tree: ID, store: string): Promise<ID[]> {
    this.#checkOpen();
    const rows = storageCall("reading tips", () => this.#sql.tips.all(tree, store)) as { entry_id: ID }[];
    return rows.map((r) => r.entry_id).sort(compareIds);
  }

  async allRoots(): Promise<ID[]> {
    this.#checkOpen();
    const rows = storageCall("reading roots", () => this.#sql.roots.all()) as { id: ID }[];
    return rows.map((r) => r.id).sort(compareIds);
  }

  async countEntries(tree: ID): Promise<number> {
    this.#checkOpen();
    return (storageCall("counting entries", () => this.#sql.count.get(tree)) as { n: number }).n;
  }

  async ancestors(tree: ID, from: readonly ID[], options: AncestorsOptions = {}): Promise<Entry[]> {
    this.#checkOpen();
    const ids = storageCall("walking ancestors", () => walkAncestors(this.#db, tree, from, options));
    const entries: { entry: Entry; id: ID; height: number }[] = [];
    for (const { id, height } of ids) {
      const entry = await this.getEntry(id);
      if (entry !== undefined) entries.push({ entry, id, height });
    }
    return entries.sort(compareByHeightThenId).map((item) => item.entry);
  }

  async getCachedState(key: string): Promise<string | undefined> {
    this.#checkOpen();
    const row = storageCall("reading a cached state", () => this.#sql.getState.get(key)) as { state: string } | undefined;
    return row?.state;
  }

  /**
   * Caches a state, best effort: a state SQLite cannot write (disk full, I/O error) is dropped
   * and counted in {@link SqliteBackend.droppedStateWrites} instead of failing the caller. The
   * cache is optional (a backend may drop cached states at any time), and the caller may be a
   * commit whose entry is already durable: failing it would report a write that took effect as
   * failed, and skip its write callbacks (reliability F12).
   */
  async putCachedState(key: string, state: string): Promise<void> {
    this.#checkOpen();
    // A cached state need not survive a power loss (it is recomputed), so its write does not
    // wait for an fsync: the next durable commit's fsync of the WAL covers it anyway.
    this.#relaxed?.on.run();
    try {
      const { lastInsertRowid } = this.#sql.putState.run(key, state);
      // Prune in steps, keeping at most the configured number of rows.
      if (Number(lastInsertRowid) % 1_000 === 0) this.#sql.pruneStates.run(Number(lastInsertRowid) - this.#stateRows);
    } catch (error) {
      if (!(error instanceof Database.SqliteError)) throw asStorageError("caching a state", error);
      this.#droppedStateWrites++;
    } finally {
      this.#relaxed?.off.run();
    }
  }

  /** Cached states dropped because SQLite could not write them (see `putCachedState`). */
  get droppedStateWrites(): number {
    return this.#droppedStateWrites;
  }

  async getInstanceRecord(kind: InstanceRecordKind): Promise<string | undefined> {
    this.#checkOpen();
    const row = storageCall("reading the instance", () => this.#sql.getRecord.get(kind)) as { data: string } | undefined;
    return row?.data;
  }

  async putInstanceRecord(kind: InstanceRecordKind, json: string): Promise<void> {
    this.#checkOpen();
    storageCall("writing the instance", () => this.#sql.putRecord.run(kind, json));
  }

  /** Forgets decoded entries, so the next reads re-check the file (for tests and repairs). */
  dropEntryCache(): void {
    this.#entries.clear();
  }

  /**
   * Fault injection for tests (reliability F12): caps this connection's file at `pages` pages
   * (`PRAGMA max_page_count`). SQLite raises a cap below the current size to the current size,
   * so `setMaxPageCount(1)` means "not one page more than now". A write that needs more pages
   * then fails, as on a full disk, with a `StorageError` whose `storageCode` is `SQLITE_FULL`
   * (and is rolled back). The cap lasts until it is raised again or the backend is closed.
   * Returns the cap now in force.
   */
  setMaxPageCount(pages: number): number {
    this.#checkOpen();
    if (!Number.isSafeInteger(pages) || pages < 1) throw new RangeError(`pages must be a positive integer, got ${pages}`);
    return storageCall("setting max_page_count", () => this.#db.pragma(`max_page_count = ${pages}`, { simple: true }) as number);
  }

  /**
   * Rewrites the stored bytes of an entry with a good copy (fetched again from a peer) after a
   * `StorageCorruptedError`. The copy is what its ID says it is, so every other row derived
   * from the entry stays right. Returns false if no such entry is stored.
   */
  async repairEntry(entry: Entry): Promise<boolean> {
    this.#checkOpen();
    const changes = storageCall("repairing an entry", () => this.#sql.repairEntry.run(entry.encode(), entry.id).changes);
    if (changes > 0) this.#remember(entry);
    return changes > 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#entries.clear();
    this.#db.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw asStorageError("using a closed backend", new Error("closed"));
  }
}

/**
 * The tip changes of one batch, applied once per (database, store) it touched: a parent the
 * batch names stops being a tip, and an entry of the batch becomes one unless a stored entry
 * names it as a parent (it can arrive after its children). Within a batch, an entry that is a
 * parent of another never becomes a tip, so a page of a long chain costs one deletion and one
 * insertion instead of one of each per entry.
 */
class TipChanges {
  readonly #groups = new Map<string, { readonly tree: ID; readonly store: string; readonly added: ID[]; readonly parents: Set<ID> }>();

  add(tree: ID, store: string, id: ID, parents: readonly ID[]): void {
    const key = `${tree}\n${store}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { tree, store, added: [], parents: new Set() };
      this.#groups.set(key, group);
    }
    group.added.push(id);
    for (const parent of parents) group.parents.add(parent);
  }

  apply(sql: Statements): void {
    for (const { tree, store, added, parents } of this.#groups.values()) {
      const inBatch = new Set(added);
      for (const parent of parents) if (!inBatch.has(parent)) sql.deleteTip.run(tree, store, parent);
      for (const id of added) {
        if (parents.has(id)) continue;
        const named = store === "" ? sql.isNamedTreeParent.get(id) : sql.isNamedStoreParent.get(id, store);
        if (named === undefined) sql.insertTip.run(tree, store, id);
      }
    }
  }
}

/**
 * IDs and heights of the ancestors, through a recursive query (iterative inside SQLite).
 * The main-DAG joins are CROSS JOINs so that SQLite keeps the walk's order (frontier, then
 * primary-key lookups): left to itself it scanned all of the tree's entries through
 * `entries_tree` at every step, which made the walk quadratic.
 */
function walkAncestors(db: Database.Database, tree: ID, from: readonly ID[], options: AncestorsOptions): { id: ID; height: number }[] {
  const { store } = options;
  const exclude = options.exclude ?? [];
  const seeds = (name: string) => `${name}(id) AS (SELECT value FROM json_each(?))`;
  const step =
    store === undefined
      ? `SELECT p.parent_id FROM %T a CROSS JOIN tree_parents p ON p.child_id = a.id CROSS JOIN entries e ON e.id = p.parent_id AND e.tree_id = ?`
      : `SELECT p.parent_id FROM store_parents p JOIN %T a ON p.child_id = a.id AND p.store_name = ? JOIN subtrees s ON s.entry_id = p.parent_id AND s.store_name = ? AND s.tree_id = ?`;
  const member =
    store === undefined
      ? `SELECT e.id FROM %S s CROSS JOIN entries e ON e.id = s.id WHERE e.tree_id = ?`
      : `SELECT s2.entry_id FROM subtrees s2 JOIN %S s ON s2.entry_id = s.id WHERE s2.store_name = ? AND s2.tree_id = ?`;
  const stepArgs = store === undefined ? [tree] : [store, store, tree];
  const memberArgs = store === undefined ? [tree] : [store, tree];
  const closure = (name: string, seedName: string) =>
    `${name}(id) AS (${member.replace("%S", seedName)} UNION ${step.replace("%T", name)})`;
  const heightOf =
    store === undefined
      ? `SELECT e.id AS id, e.height AS height FROM entries e WHERE e.id IN (SELECT id FROM anc EXCEPT SELECT id FROM exc)`
      : `SELECT s.entry_id AS id, s.height AS height FROM subtrees s WHERE s.store_name = ? AND s.entry_id IN (SELECT id FROM anc EXCEPT SELECT id FROM exc)`;
  const query = `WITH RECURSIVE ${seeds("seed_from")}, ${seeds("seed_exc")}, ${closure("anc", "seed_from")}, ${closure("exc", "seed_exc")} ${heightOf}`;
  const args = [
    JSON.stringify(from),
    JSON.stringify(exclude),
    ...memberArgs,
    ...stepArgs,
    ...memberArgs,
    ...stepArgs,
    ...(store === undefined ? [] : [store]),
  ];
  return db.prepare(query).all(...args) as { id: ID; height: number }[];
}
