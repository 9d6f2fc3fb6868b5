/** A small, deterministic instance written to an SQLite file, shared by the storage-sqlite tests. */
import { Instance, docToJson, manualClock, seededRandom, type Database, type Entry, type ID } from "@eidetica/core";
import { SqliteBackend, type SqliteBackendOptions } from "../../src/index.js";

/** Opens `path` and an instance on it (creating one if the file holds none), deterministically. */
export async function openInstance(path: string, seed = 1, options: SqliteBackendOptions = {}): Promise<{ backend: SqliteBackend; instance: Instance }> {
  const backend = SqliteBackend.open(path, options);
  const instance = await Instance.openOrCreate({ backend, random: seededRandom(seed), clock: manualClock() });
  return { backend, instance };
}

/** Writes `count` commits alternating between DocStores `a` and `b` (key `k<i>` = i). */
export async function writeAlternating(db: Database, count: number, from = 0): Promise<ID[]> {
  const ids: ID[] = [];
  for (let i = from; i < from + count; i++) {
    ids.push(await db.withTransaction(async (txn) => (await txn.docStore(i % 2 === 0 ? "a" : "b")).set(`k${i}`, i)));
  }
  return ids;
}

/** Every store state of a database as canonical JSON text, by store name. */
export async function storeStates(db: Database, stores: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const store of stores) out[store] = docToJson(await db.storeState(store));
  return out;
}

/** A file holding one database `notes` with 20 commits over stores `a` and `b`; the backend is closed. */
export async function writeSampleFile(path: string): Promise<{ dbId: ID; entries: Entry[]; commits: ID[] }> {
  const { instance } = await openInstance(path);
  const db = await instance.createDatabase({ name: "notes" });
  const commits = await writeAlternating(db, 20);
  const entries = await db.entries();
  await instance.close();
  return { dbId: db.id, entries, commits };
}
