/**
 * Reopening a file restores the instance exactly (device key, databases, tips, store states
 * byte for byte) and writing continues; the schema version is recorded, and a file written by
 * a newer schema is refused without being touched.
 */
import { readdirSync } from "node:fs";
import { Instance, admin, UnsupportedVersionError, docToJson, manualClock, seededRandom, type Database, type ID } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION, SqliteBackend } from "../src/index.js";
import { fileHash, sideFiles, useTempDir, withRawDb } from "./helpers/files.js";
import { openInstance, storeStates, writeAlternating } from "./helpers/sample.js";

const tmp = useTempDir("reopen");
const STORES = ["a", "b", "people", "_settings", "_index"];

interface Snapshot {
  deviceId: string;
  secret: string;
  databases: ID[];
  tips: Record<ID, ID[]>;
  storeTips: Record<string, ID[]>;
  states: Record<string, string>;
  counts: Record<ID, number>;
}

async function snapshot(instance: Instance): Promise<Snapshot> {
  const out: Snapshot = { deviceId: instance.id, secret: instance.deviceKey.toSecretString(), databases: await instance.listDatabases(), tips: {}, storeTips: {}, states: {}, counts: {} };
  for (const id of out.databases) {
    const db = await instance.openDatabase(id);
    out.tips[id] = await db.tips();
    out.counts[id] = await instance.backend.countEntries(id);
    for (const [store, state] of Object.entries(await storeStates(db, STORES))) {
      out.states[`${id}/${store}`] = state;
      out.storeTips[`${id}/${store}`] = await instance.backend.storeTips(id, store);
    }
  }
  return out;
}

/** Two databases with DocStores, a Table, and a fork (two tips) in the second. */
async function populate(instance: Instance): Promise<Database[]> {
  const first = await instance.createDatabase({ name: "first" });
  await writeAlternating(first, 9);
  await first.withTransaction(async (txn) => {
    const people = await txn.table<{ name: string }>("people");
    await people.insert({ name: "ada" });
    await people.insert({ name: "grace" });
  });
  const second = await instance.createDatabase({ name: "second" });
  await writeAlternating(second, 4);
  // Two transactions begun at the same tips: the database forks into two tips.
  const left = await second.newTransaction();
  const right = await second.newTransaction();
  (await left.docStore("a")).set("side", "left");
  (await right.docStore("a")).set("side", "right");
  await left.commit();
  await right.commit();
  expect(await second.tips()).toHaveLength(2);
  return [first, second];
}

describe("reopening a file", () => {
  it("restores the instance exactly: device key and id, databases, tips, store tips, counts and every store state byte for byte", async () => {
    const path = tmp.file("restore.sqlite");
    const { instance } = await openInstance(path, 1);
    await populate(instance);
    const before = await snapshot(instance);
    expect(before.databases).toHaveLength(2);
    await instance.close();

    // Another seed: nothing is generated again; everything comes from the file.
    const { backend, instance: reopened } = await openInstance(path, 99);
    try {
      expect(await snapshot(reopened)).toEqual(before);
      expect(reopened.deviceKey.publicKey).toBe(before.deviceId);
    } finally {
      await backend.close();
    }
  });

  it("the restored states equal the states recomputed from the entries alone (not only the cached copies)", async () => {
    const path = tmp.file("recompute.sqlite");
    const { instance } = await openInstance(path, 2);
    const [first] = await populate(instance);
    const dbId = (first as Database).id;
    await instance.close();

    const { backend, instance: reopened } = await openInstance(path, 3);
    try {
      const db = await reopened.openDatabase(dbId);
      const fresh = await Instance.create({ random: seededRandom(4), clock: manualClock() });
      const result = await fresh.ingest(dbId, await db.entries(), { from: "file" });
      expect(result.rejected + result.quarantined).toBe(0);
      const recomputed = await storeStates(await fresh.openDatabase(dbId), STORES);
      expect(await storeStates(db, STORES)).toEqual(recomputed);
      expect(JSON.parse(recomputed["a"] ?? "null")).not.toBeNull();
    } finally {
      await backend.close();
    }
  });

  it("writing continues after a reopen: new commits build on the restored tips and survive the next reopen", async () => {
    const path = tmp.file("continue.sqlite");
    const { instance } = await openInstance(path, 5);
    const [first, second] = (await populate(instance)) as [Database, Database];
    const ids = [first.id, second.id];
    await instance.close();

    const { instance: reopened } = await openInstance(path, 6);
    const expected: Record<ID, { tip: ID; state: string }> = {};
    for (const id of ids) {
      const db = await reopened.openDatabase(id);
      const tipsBefore = await db.tips();
      const tip = await db.withTransaction(async (txn) => (await txn.docStore("a")).set("reopened", id));
      expect((await db.entry(tip))?.parents).toEqual(tipsBefore);
      expect(await db.tips()).toEqual([tip]);
      expect((await db.docStore("a")).get("reopened")).toBe(id);
      expected[id] = { tip, state: docToJson(await db.storeState("a")) };
    }
    // A database created after the reopen, signed with the restored device key.
    const third = await reopened.createDatabase({ name: "third" });
    expect(await third.canAccess(reopened.id, admin(0))).toBe(true);
    await reopened.close();

    const { backend, instance: last } = await openInstance(path, 7);
    try {
      expect(await last.listDatabases()).toEqual([...ids, third.id].sort());
      for (const id of ids) {
        const db = await last.openDatabase(id);
        expect(await db.tips()).toEqual([(expected[id] as { tip: ID }).tip]);
        expect(docToJson(await db.storeState("a"))).toBe((expected[id] as { state: string }).state);
      }
      expect(await (await last.openDatabase(third.id)).name()).toBe("third");
    } finally {
      await backend.close();
    }
  });
});

describe("schema version", () => {
  it("the schema_version table holds SCHEMA_VERSION, once", async () => {
    const path = tmp.file("version.sqlite");
    const { instance } = await openInstance(path, 8);
    await instance.createDatabase();
    await instance.close();
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
    const rows = withRawDb(path, (db) => db.prepare("SELECT version FROM schema_version ORDER BY version").all(), { readonly: true });
    expect(rows).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    // Reopening does not add rows.
    await SqliteBackend.open(path).close();
    expect(withRawDb(path, (db) => db.prepare("SELECT max(version) AS v, count(*) AS n FROM schema_version").get(), { readonly: true })).toEqual({
      v: SCHEMA_VERSION,
      n: SCHEMA_VERSION,
    });
  });

  it("a file with a newer schema version is refused with UNSUPPORTED_VERSION and left untouched (same bytes, no side files)", async () => {
    const path = tmp.file("newer.sqlite");
    const { instance } = await openInstance(path, 9);
    const db = await instance.createDatabase({ name: "from-the-future" });
    await writeAlternating(db, 3);
    await instance.close();
    withRawDb(path, (raw) => raw.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SCHEMA_VERSION + 1));
    const hash = fileHash(path);
    const listing = readdirSync(tmp.dir).sort();
    expect(sideFiles(path)).toEqual([]);

    let error: unknown;
    try {
      SqliteBackend.open(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedVersionError);
    expect(error).toMatchObject({ code: "UNSUPPORTED_VERSION", version: SCHEMA_VERSION + 1 });
    expect(fileHash(path)).toBe(hash);
    expect(sideFiles(path)).toEqual([]);
    expect(readdirSync(tmp.dir).sort()).toEqual(listing);
    // Refused again the same way, and the lock was released: a plain connection still reads it.
    expect(() => SqliteBackend.open(path, { durability: "normal" })).toThrow(UnsupportedVersionError);
    expect(withRawDb(path, (raw) => raw.prepare("SELECT count(*) AS n FROM entries").get(), { readonly: true })).toEqual({ n: 4 });
    expect(fileHash(path)).toBe(hash);
  });
});
