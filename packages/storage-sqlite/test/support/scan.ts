/**
 * A full scan of a closed SqliteBackend file with a plain better-sqlite3 connection, checking
 * that nothing is partially written: `integrity_check` passes, every entry row decodes and
 * hashes to its ID (and its columns agree with it), and every derived row (main parents,
 * stores, store parents, tips) is exactly what the stored entries say.
 */
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { compareIds, decodeEntryCbor, type Entry, type ID } from "@eidetica/core";
import { expect } from "vitest";

/** What {@link scanFile} found. */
export interface FileScan {
  /** Every stored entry, by ID. */
  readonly entries: ReadonlyMap<ID, Entry>;
  /** SHA-256 of every row of every table but the (droppable) state cache, in a fixed order. */
  readonly digest: string;
}

/** The members of a DAG that no member names as a parent, sorted as the backend sorts IDs. */
export function computeTips(entries: readonly Entry[], member: (e: Entry) => boolean, parents: (e: Entry) => readonly ID[]): ID[] {
  const members = entries.filter(member);
  const named = new Set(members.flatMap(parents));
  return members
    .map((e) => e.id)
    .filter((id) => !named.has(id))
    .sort(compareIds);
}

/** Scans `file` (which no backend holds open); `context` ends every assertion message. */
export function scanFile(file: string, context: string): FileScan {
  const raw = new Database(file, { fileMustExist: true });
  try {
    expect(raw.pragma("integrity_check", { simple: true }), `integrity_check ${context}`).toBe("ok");
    const entries = new Map<ID, Entry>();
    const badRows: string[] = [];
    const rows = raw.prepare("SELECT id, tree_id, is_root, height, entry_cbor FROM entries").all() as {
      id: ID;
      tree_id: ID;
      is_root: number;
      height: number;
      entry_cbor: Uint8Array;
    }[];
    for (const row of rows) {
      let entry: Entry;
      try {
        entry = decodeEntryCbor(row.entry_cbor);
      } catch (error) {
        badRows.push(`${row.id}: does not decode (${String(error)})`);
        continue;
      }
      if (entry.id !== row.id) badRows.push(`${row.id}: hashes to ${entry.id}`);
      if (entry.rootId !== row.tree_id || (entry.isRoot ? 1 : 0) !== row.is_root || entry.height !== row.height) {
        badRows.push(`${row.id}: tree, root or height column disagrees with the entry`);
      }
      entries.set(row.id, entry);
    }
    expect(badRows, `unreadable entry rows ${context}`).toEqual([]);

    const all = [...entries.values()];
    const rowsOf = (sql: string) => (raw.prepare(sql).raw().all() as unknown[][]).map((r) => r.join("|")).sort();
    const derivedParents = all.flatMap((e) => e.parents.map((p) => `${e.id}|${p}`)).sort();
    expect(rowsOf("SELECT child_id, parent_id FROM tree_parents"), `tree_parents rows ${context}`).toEqual(derivedParents);
    const derivedSubtrees = all.flatMap((e) => e.subtrees.map((s) => `${e.id}|${s.name}|${e.rootId}|${e.storeHeight(s.name)}`)).sort();
    expect(rowsOf("SELECT entry_id, store_name, tree_id, height FROM subtrees"), `subtrees rows ${context}`).toEqual(derivedSubtrees);
    const derivedStoreParents = all.flatMap((e) => e.subtrees.flatMap((s) => s.parents.map((p) => `${e.id}|${p}|${s.name}`))).sort();
    expect(rowsOf("SELECT child_id, parent_id, store_name FROM store_parents"), `store_parents rows ${context}`).toEqual(derivedStoreParents);
    const derivedTips = [...new Set(all.map((e) => e.rootId))].flatMap((tree) => {
      const inTree = all.filter((e) => e.rootId === tree);
      const stores = [...new Set(inTree.flatMap((e) => e.subtrees.map((s) => s.name)))];
      return [
        ...computeTips(inTree, () => true, (e) => e.parents).map((id) => `${tree}||${id}`),
        ...stores.flatMap((store) =>
          computeTips(inTree, (e) => e.hasStore(store), (e) => e.storeParents(store)).map((id) => `${tree}|${store}|${id}`),
        ),
      ];
    });
    const tips = rowsOf("SELECT tree_id, store_name, entry_id FROM tips");
    expect(tips, `tips rows ${context}`).toEqual(derivedTips.sort());

    const hash = createHash("sha256");
    for (const table of ["entries", "tree_parents", "subtrees", "store_parents", "tips", "instance_records", "schema_version"]) {
      hash.update(`\n${table}\n`);
      for (const row of raw.prepare(`SELECT * FROM ${table}`).raw().all() as unknown[][]) {
        const text = row.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : String(v))).join("|");
        hash.update(`${text}\n`);
      }
    }
    // Rows come back in primary-key order (WITHOUT ROWID tables), so the digest is stable.
    return { entries, digest: hash.digest("hex") };
  } finally {
    raw.close();
  }
}
