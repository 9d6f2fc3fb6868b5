/** The SQL of {@link SqliteBackend}, prepared once per connection. */
import type Database from "better-sqlite3";

const SQL = {
  insertEntry: "INSERT OR IGNORE INTO entries (id, tree_id, is_root, verification_status, height, entry_cbor) VALUES (?, ?, ?, ?, ?, ?)",
  insertTreeParent: "INSERT OR IGNORE INTO tree_parents (child_id, parent_id) VALUES (?, ?)",
  isNamedTreeParent: "SELECT 1 FROM tree_parents WHERE parent_id = ? LIMIT 1",
  insertSubtree: "INSERT OR IGNORE INTO subtrees (entry_id, store_name, tree_id, height) VALUES (?, ?, ?, ?)",
  insertStoreParent: "INSERT OR IGNORE INTO store_parents (child_id, parent_id, store_name) VALUES (?, ?, ?)",
  isNamedStoreParent: "SELECT 1 FROM store_parents WHERE parent_id = ? AND store_name = ? LIMIT 1",
  insertTip: "INSERT OR IGNORE INTO tips (tree_id, store_name, entry_id) VALUES (?, ?, ?)",
  deleteTip: "DELETE FROM tips WHERE tree_id = ? AND store_name = ? AND entry_id = ?",
  tips: "SELECT entry_id FROM tips WHERE tree_id = ? AND store_name = ?",
  getEntry: "SELECT entry_cbor FROM entries WHERE id = ?",
  hasEntry: "SELECT 1 FROM entries WHERE id = ?",
  repairEntry: "UPDATE entries SET entry_cbor = ? WHERE id = ?",
  getStatus: "SELECT verification_status FROM entries WHERE id = ?",
  setStatus: "UPDATE entries SET verification_status = ? WHERE id = ?",
  roots: "SELECT id FROM entries WHERE is_root = 1",
  count: "SELECT count(*) AS n FROM entries WHERE tree_id = ?",
  getState: "SELECT state FROM crdt_cache WHERE key = ?",
  putState: "INSERT INTO crdt_cache (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state",
  pruneStates: "DELETE FROM crdt_cache WHERE seq <= ?",
  getRecord: "SELECT data FROM instance_records WHERE kind = ?",
  putRecord: "INSERT INTO instance_records (kind, data) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET data = excluded.data",
} as const;

/** @internal The prepared statements, by name. */
export type Statements = { readonly [K in keyof typeof SQL]: Database.Statement };

/** @internal */
export function prepareStatements(db: Database.Database): Statements {
  return Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Statements;
}
