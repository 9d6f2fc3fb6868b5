/**
 * The SQLite schema (close to Eidetica's SQL backend, spec 3.7) and its forward migrations.
 * Version 1 is the first; a file with a newer version than this code knows is refused.
 */
import type Database from "better-sqlite3";
import { UnsupportedVersionError } from "@eidetica/core";

/** Migrations by the version they bring the file to, applied in order inside a transaction. */
const MIGRATIONS: readonly (readonly [number, string])[] = [
  [
    1,
    `
    CREATE TABLE entries (
      id TEXT PRIMARY KEY,
      tree_id TEXT NOT NULL,
      is_root INTEGER NOT NULL,
      verification_status INTEGER NOT NULL,
      height INTEGER NOT NULL,
      entry_cbor BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX entries_tree ON entries (tree_id, height);
    CREATE INDEX entries_roots ON entries (is_root) WHERE is_root = 1;
    CREATE TABLE tree_parents (
      child_id TEXT NOT NULL,
      parent_id TEXT NOT NULL,
      PRIMARY KEY (child_id, parent_id)
    ) WITHOUT ROWID;
    CREATE INDEX tree_parents_parent ON tree_parents (parent_id);
    CREATE TABLE subtrees (
      entry_id TEXT NOT NULL,
      store_name TEXT NOT NULL,
      tree_id TEXT NOT NULL,
      height INTEGER NOT NULL,
      PRIMARY KEY (entry_id, store_name)
    ) WITHOUT ROWID;
    CREATE TABLE store_parents (
      child_id TEXT NOT NULL,
      parent_id TEXT NOT NULL,
      store_name TEXT NOT NULL,
      PRIMARY KEY (child_id, parent_id, store_name)
    ) WITHOUT ROWID;
    CREATE INDEX store_parents_parent ON store_parents (parent_id, store_name);
    CREATE TABLE tips (
      tree_id TEXT NOT NULL,
      store_name TEXT NOT NULL,
      entry_id TEXT NOT NULL,
      PRIMARY KEY (tree_id, store_name, entry_id)
    ) WITHOUT ROWID;
    CREATE TABLE crdt_cache (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      state TEXT NOT NULL
    );
    CREATE TABLE instance_records (
      kind TEXT PRIMARY KEY,
      data TEXT NOT NULL
    ) WITHOUT ROWID;
    `,
  ],
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.[0] ?? 0;

/**
 * Brings a file to {@link SCHEMA_VERSION}.
 * @throws {UnsupportedVersionError} if the file was written by a newer version.
 */
export function migrate(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)");
  const row = db.prepare("SELECT max(version) AS version FROM schema_version").get() as { version: number | null };
  const current = row.version ?? 0;
  if (current > SCHEMA_VERSION) throw new UnsupportedVersionError("SQLite schema", current);
  const apply = db.transaction(() => {
    for (const [version, sql] of MIGRATIONS) {
      if (version <= current) continue;
      db.exec(sql);
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
    }
  });
  apply.immediate();
}
