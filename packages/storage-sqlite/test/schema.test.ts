/** The SQLite layout: tables, keys and indexes, and entries stored as their canonical DAG-CBOR bytes. */
import { decodeEntryCbor, encodeEntryCbor, idFromDagCbor, type ID } from "@eidetica/core";
import { beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../src/index.js";
import { useTempDir, withRawDb } from "./helpers/files.js";
import { openInstance, writeAlternating } from "./helpers/sample.js";

const tmp = useTempDir("schema");
const path = tmp.file("schema.sqlite");
let dbIds: ID[] = [];
let tipsByDb: Record<ID, ID[]> = {};
let storeTipsByDb: Record<string, ID[]> = {};

beforeAll(async () => {
  const { instance } = await openInstance(path, 1);
  for (const name of ["one", "two"]) {
    const db = await instance.createDatabase({ name });
    await writeAlternating(db, 7);
    // A fork, so that some rows have two parents and a store has two tips.
    const left = await db.newTransaction();
    const right = await db.newTransaction();
    (await left.docStore("a")).set("side", "left");
    (await right.docStore("a")).set("side", "right");
    await left.commit();
    await right.commit();
    dbIds.push(db.id);
    tipsByDb[db.id] = await db.tips();
    for (const store of ["a", "b", "_settings", "_index"]) storeTipsByDb[`${db.id}/${store}`] = await instance.backend.storeTips(db.id, store);
  }
  dbIds = dbIds.sort();
  await instance.close();
});

interface Column {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

function columns(table: string): string[] {
  return withRawDb(path, (db) => (db.pragma(`table_info(${table})`) as Column[]).map((c) => `${c.name} ${c.type}${c.notnull ? " NOT NULL" : ""}${c.pk ? ` PK${c.pk}` : ""}`), {
    readonly: true,
  });
}

describe("schema", () => {
  it("has exactly the expected tables, with their columns and primary keys", () => {
    const tables = withRawDb(path, (db) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name), {
      readonly: true,
    });
    expect(tables).toEqual(["crdt_cache", "entries", "instance_records", "schema_version", "sqlite_sequence", "store_parents", "subtrees", "tips", "tree_parents"]);
    expect(columns("entries")).toEqual([
      "id TEXT NOT NULL PK1",
      "tree_id TEXT NOT NULL",
      "is_root INTEGER NOT NULL",
      "verification_status INTEGER NOT NULL",
      "height INTEGER NOT NULL",
      "entry_cbor BLOB NOT NULL",
    ]);
    expect(columns("tree_parents")).toEqual(["child_id TEXT NOT NULL PK1", "parent_id TEXT NOT NULL PK2"]);
    expect(columns("subtrees")).toEqual(["entry_id TEXT NOT NULL PK1", "store_name TEXT NOT NULL PK2", "tree_id TEXT NOT NULL", "height INTEGER NOT NULL"]);
    expect(columns("store_parents")).toEqual(["child_id TEXT NOT NULL PK1", "parent_id TEXT NOT NULL PK2", "store_name TEXT NOT NULL PK3"]);
    expect(columns("tips")).toEqual(["tree_id TEXT NOT NULL PK1", "store_name TEXT NOT NULL PK2", "entry_id TEXT NOT NULL PK3"]);
    expect(columns("crdt_cache")).toEqual(["seq INTEGER PK1", "key TEXT NOT NULL", "state TEXT NOT NULL"]);
    expect(columns("instance_records")).toEqual(["kind TEXT NOT NULL PK1", "data TEXT NOT NULL"]);
    expect(columns("schema_version")).toEqual(["version INTEGER PK1"]);
    expect(withRawDb(path, (db) => db.prepare("SELECT version FROM schema_version").all(), { readonly: true })).toEqual([{ version: SCHEMA_VERSION }]);
  });

  it("has the indexes that make tips, heights, roots and ancestry fast", () => {
    const indexes = withRawDb(
      path,
      (db) =>
        (db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as { name: string; tbl_name: string }[]).map(
          (r) => ({ ...r, columns: (db.pragma(`index_info(${r.name})`) as { name: string }[]).map((c) => c.name) }),
        ),
      { readonly: true },
    );
    expect(indexes).toEqual([
      { name: "entries_roots", tbl_name: "entries", columns: ["is_root"] },
      { name: "entries_tree", tbl_name: "entries", columns: ["tree_id", "height"] },
      { name: "store_parents_parent", tbl_name: "store_parents", columns: ["parent_id", "store_name"] },
      { name: "tree_parents_parent", tbl_name: "tree_parents", columns: ["parent_id"] },
    ]);
    // The tip and parent look-ups the backend runs use these indexes (or a primary key), never a full scan.
    const plans = withRawDb(
      path,
      (db) =>
        [
          "SELECT 1 FROM tree_parents WHERE parent_id = 'x' LIMIT 1",
          "SELECT 1 FROM store_parents WHERE parent_id = 'x' AND store_name = 'a' LIMIT 1",
          "SELECT id FROM entries WHERE is_root = 1",
          "SELECT count(*) FROM entries WHERE tree_id = 'x'",
          "SELECT entry_id FROM tips WHERE tree_id = 'x' AND store_name = 'a'",
        ].map((sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join("; ")),
      { readonly: true },
    );
    for (const plan of plans) {
      expect(plan).toMatch(/^SEARCH \w+ USING (COVERING )?(INDEX|PRIMARY KEY)/);
    }
  });

  it("the file is in WAL journal mode", () => {
    expect(withRawDb(path, (db) => db.pragma("journal_mode", { simple: true }), { readonly: true })).toBe("wal");
  });
});

describe("stored entries", () => {
  interface Row {
    id: ID;
    tree_id: ID;
    is_root: number;
    verification_status: number;
    height: number;
    entry_cbor: Buffer;
  }
  const rows = (): Row[] => withRawDb(path, (db) => db.prepare("SELECT * FROM entries ORDER BY id").all() as Row[], { readonly: true });

  it("are canonical DAG-CBOR: the bytes decode to an entry with the row's ID, hash to that ID themselves, and re-encode to the same bytes", () => {
    const all = rows();
    expect(all).toHaveLength(2 * (1 + 7 + 2));
    for (const row of all) {
      const bytes = new Uint8Array(row.entry_cbor);
      const entry = decodeEntryCbor(bytes);
      expect(entry.id).toBe(row.id);
      expect(idFromDagCbor(bytes)).toBe(row.id);
      expect(encodeEntryCbor(entry)).toEqual(bytes);
    }
  });

  it("the other columns agree with the entry's own fields (tree, root flag, height, status 'verified' = 0)", () => {
    const all = rows();
    expect(new Set(all.map((r) => r.tree_id))).toEqual(new Set(dbIds));
    for (const row of all) {
      const entry = decodeEntryCbor(new Uint8Array(row.entry_cbor));
      expect(row.tree_id).toBe(entry.rootId);
      expect(row.is_root).toBe(entry.isRoot ? 1 : 0);
      expect(row.height).toBe(entry.height);
      expect(row.verification_status).toBe(0);
    }
    expect(all.filter((r) => r.is_root === 1).map((r) => r.id)).toEqual(dbIds);
  });

  it("parent, store and tip rows are exactly what the entries say", () => {
    const entries = rows().map((r) => decodeEntryCbor(new Uint8Array(r.entry_cbor)));
    const { treeParents, subtrees, storeParents, tips } = withRawDb(
      path,
      (db) => ({
        treeParents: db.prepare("SELECT child_id, parent_id FROM tree_parents ORDER BY child_id, parent_id").all(),
        subtrees: db.prepare("SELECT entry_id, store_name, tree_id, height FROM subtrees ORDER BY entry_id, store_name").all(),
        storeParents: db.prepare("SELECT child_id, parent_id, store_name FROM store_parents ORDER BY child_id, store_name, parent_id").all(),
        tips: db.prepare("SELECT tree_id, store_name, entry_id FROM tips ORDER BY tree_id, store_name, entry_id").all() as { tree_id: ID; store_name: string; entry_id: ID }[],
      }),
      { readonly: true },
    );
    const byId = [...entries].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(treeParents).toEqual(byId.flatMap((e) => [...e.parents].sort().map((p) => ({ child_id: e.id, parent_id: p }))));
    expect(treeParents).toHaveLength(2 * 9); // per database: 7 commits and the 2 fork sides, one parent each
    expect(subtrees).toEqual(
      byId.flatMap((e) => [...e.subtrees].sort((x, y) => (x.name < y.name ? -1 : 1)).map((s) => ({ entry_id: e.id, store_name: s.name, tree_id: e.rootId, height: e.storeHeight(s.name) }))),
    );
    expect(storeParents).toEqual(
      byId.flatMap((e) =>
        [...e.subtrees]
          .sort((x, y) => (x.name < y.name ? -1 : 1))
          .flatMap((s) => [...s.parents].sort().map((p) => ({ child_id: e.id, parent_id: p, store_name: s.name }))),
      ),
    );
    const mainTips = tips.filter((t) => t.store_name === "");
    for (const id of dbIds) {
      expect(mainTips.filter((t) => t.tree_id === id).map((t) => t.entry_id)).toEqual(tipsByDb[id]);
      expect(tipsByDb[id]).toHaveLength(2);
      for (const store of ["a", "b", "_settings", "_index"]) {
        expect(tips.filter((t) => t.tree_id === id && t.store_name === store).map((t) => t.entry_id)).toEqual(storeTipsByDb[`${id}/${store}`]);
      }
    }
  });
});
