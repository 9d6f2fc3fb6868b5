/**
 * Reliability F13: an entry whose stored bytes were damaged on disk is reported as
 * `StorageCorruptedError` (code STORAGE_CORRUPTED) and never served as an Entry; everything
 * else in the file keeps working; `repairEntry` with a good copy fixes it.
 */
import { Instance, StorageCorruptedError, StorageError, docToJson, manualClock, seededRandom, type Entry, type ID } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { SqliteBackend } from "../src/index.js";
import { fileHash, flipEntryByteInFile, integrityCheck, useTempDir, withRawDb } from "./helpers/files.js";
import { openInstance, storeStates, writeSampleFile } from "./helpers/sample.js";

const tmp = useTempDir("corruption");
let files = 0;

/** commits[10]: a write to store `a` in the middle of the history (not a tip, not the root, not a registration). */
const VICTIM = 10;

async function sample(): Promise<{ path: string; dbId: ID; entries: Entry[]; commits: ID[]; victim: Entry }> {
  const path = tmp.file(`db-${files++}.sqlite`);
  const written = await writeSampleFile(path);
  const victim = written.entries.find((e) => e.id === written.commits[VICTIM]);
  if (victim === undefined) throw new Error("victim entry not found");
  return { path, ...written, victim };
}

async function expectCorrupted(read: Promise<unknown>, id: ID): Promise<StorageCorruptedError> {
  const error = await read.then(
    (value) => {
      throw new Error(`expected STORAGE_CORRUPTED, got a value: ${String(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageCorruptedError);
  expect(error).toBeInstanceOf(StorageError);
  expect(error).toMatchObject({ code: "STORAGE_CORRUPTED" });
  expect((error as Error).message).toContain(id);
  return error as StorageCorruptedError;
}

/** The row's bytes as a plain Uint8Array (better-sqlite3 returns a Buffer, which toEqual tells apart). */
function storedBytes(path: string, id: ID): Uint8Array {
  const row = withRawDb(path, (db) => db.prepare("SELECT entry_cbor FROM entries WHERE id = ?").get(id) as { entry_cbor: Buffer }, {
    readonly: true,
  });
  return new Uint8Array(row.entry_cbor);
}

describe("one byte flipped in the raw file, inside a stored entry", () => {
  it("SQLite still opens the file (integrity_check ok), but reading the entry throws STORAGE_CORRUPTED every time and never yields an Entry", async () => {
    const { path, victim } = await sample();
    const before = fileHash(path);
    flipEntryByteInFile(path, victim.encode(), Math.floor(victim.encode().length / 2));
    expect(fileHash(path)).not.toBe(before);
    // SQLite keeps no checksums of row payloads: the file is sound to SQLite.
    expect(integrityCheck(path)).toEqual(["ok"]);
    const damaged = storedBytes(path, victim.id);
    expect(damaged).toHaveLength(victim.encode().length);
    expect(damaged.filter((byte, i) => byte !== victim.encode()[i])).toHaveLength(1);

    const backend = SqliteBackend.open(path);
    try {
      const instance = await Instance.open({ backend, random: seededRandom(2), clock: manualClock() });
      expect(await backend.hasEntry(victim.id)).toBe(true);
      await expectCorrupted(backend.getEntry(victim.id), victim.id);
      // Not cached after the failure: a second read checks (and fails) again.
      await expectCorrupted(backend.getEntry(victim.id), victim.id);
      await expectCorrupted(backend.getEntries([victim.id]), victim.id);
      const db = await instance.openDatabase((await instance.listDatabases())[0] as ID);
      await expectCorrupted(db.entry(victim.id), victim.id);
      // A full walk of the history surfaces the damage instead of skipping the entry.
      await expectCorrupted(db.entries(), victim.id);
    } finally {
      await backend.close();
    }
  });

  it("the rest of the database keeps working: other entries, tips, other stores, and new commits that do not need the entry", async () => {
    const { path, dbId, entries, victim } = await sample();
    const before = await openInstance(path);
    const beforeDb = await before.instance.openDatabase(dbId);
    const tips = await beforeDb.tips();
    const states = await storeStates(beforeDb, ["b", "_settings", "_index"]);
    await before.instance.close();

    flipEntryByteInFile(path, victim.encode(), 5);
    const { backend, instance } = await openInstance(path);
    try {
      expect(await instance.listDatabases()).toEqual([dbId]);
      const db = await instance.openDatabase(dbId);
      for (const entry of entries.filter((e) => e.id !== victim.id)) {
        expect((await backend.getEntry(entry.id))?.encode()).toEqual(entry.encode());
      }
      await expectCorrupted(backend.getEntry(victim.id), victim.id);
      expect(await db.tips()).toEqual(tips);
      expect(await storeStates(db, ["b", "_settings", "_index"])).toEqual(states);
      expect(await db.name()).toBe("notes");

      const id = await db.withTransaction(async (txn) => (await txn.docStore("b")).set("after", "corruption"));
      expect(await db.tips()).toEqual([id]);
      expect((await db.entry(id))?.parents).toEqual(tips);
      expect((await db.docStore("b")).get("after")).toBe("corruption");
      await instance.close();

      const again = await openInstance(path);
      try {
        const reopened = await again.instance.openDatabase(dbId);
        expect(await reopened.tips()).toEqual([id]);
        expect((await reopened.docStore("b")).get("after")).toBe("corruption");
        await expectCorrupted(again.backend.getEntry(victim.id), victim.id);
      } finally {
        await again.backend.close();
      }
    } finally {
      await backend.close();
    }
  });

  it("repairEntry with a good copy from another replica fixes the row: reads work again, from the file and after reopening", async () => {
    const { path, dbId, entries, victim } = await sample();
    // Another replica (in memory) that synced the database before the damage.
    const replica = await Instance.create({ random: seededRandom(9), clock: manualClock() });
    const synced = await replica.ingest(dbId, entries, { from: "file-node" });
    expect(synced.stored).toHaveLength(entries.length);

    flipEntryByteInFile(path, victim.encode(), victim.encode().length - 3);
    const { backend, instance } = await openInstance(path);
    try {
      await expectCorrupted(backend.getEntry(victim.id), victim.id);
      const goodCopy = await replica.backend.getEntry(victim.id);
      expect(goodCopy?.id).toBe(victim.id);
      expect(await backend.repairEntry(goodCopy as Entry)).toBe(true);

      expect((await backend.getEntry(victim.id))?.encode()).toEqual(victim.encode());
      backend.dropEntryCache(); // read it back from the file, re-hashed
      expect((await backend.getEntry(victim.id))?.encode()).toEqual(victim.encode());
      const db = await instance.openDatabase(dbId);
      expect((await db.entries()).map((e) => e.id)).toEqual(entries.map((e) => e.id));
      expect(docToJson(await db.storeState("a"))).toBe(docToJson(await (await replica.openDatabase(dbId)).storeState("a")));
    } finally {
      await backend.close();
    }
    expect(storedBytes(path, victim.id)).toEqual(victim.encode());
    const again = await openInstance(path);
    try {
      expect((await again.backend.getEntry(victim.id))?.encode()).toEqual(victim.encode());
    } finally {
      await again.backend.close();
    }
  });
});

describe("rows damaged in other ways are reported the same way", () => {
  it("a row whose bytes decode but hash to another ID (another entry's bytes) throws STORAGE_CORRUPTED naming both IDs; repairEntry(original) fixes it", async () => {
    const { path, entries, victim } = await sample();
    const other = entries.find((e) => e.id !== victim.id && !e.isRoot) as Entry;
    withRawDb(path, (db) => db.prepare("UPDATE entries SET entry_cbor = ? WHERE id = ?").run(other.encode(), victim.id));

    const backend = SqliteBackend.open(path);
    try {
      const error = await expectCorrupted(backend.getEntry(victim.id), victim.id);
      expect(error.message).toContain(other.id);
      // The other entry's own row is untouched and served normally.
      expect((await backend.getEntry(other.id))?.id).toBe(other.id);
      await expectCorrupted(backend.getEntry(victim.id), victim.id);

      expect(await backend.repairEntry(victim)).toBe(true);
      backend.dropEntryCache();
      expect((await backend.getEntry(victim.id))?.encode()).toEqual(victim.encode());
    } finally {
      await backend.close();
    }
  });

  it("a row whose bytes do not decode at all (truncated) throws STORAGE_CORRUPTED with the decode error as cause", async () => {
    const { path, victim } = await sample();
    withRawDb(path, (db) => db.prepare("UPDATE entries SET entry_cbor = ? WHERE id = ?").run(victim.encode().subarray(0, 40), victim.id));

    const backend = SqliteBackend.open(path);
    try {
      const error = await expectCorrupted(backend.getEntry(victim.id), victim.id);
      expect(error.cause).toBeInstanceOf(Error);
      expect(await backend.repairEntry(victim)).toBe(true);
      backend.dropEntryCache();
      expect((await backend.getEntry(victim.id))?.id).toBe(victim.id);
    } finally {
      await backend.close();
    }
  });

  it("repairEntry returns false, and stores nothing, for an entry the file does not hold", async () => {
    const { path } = await sample();
    const stranger = await Instance.create({ random: seededRandom(77), clock: manualClock() });
    const foreign = await stranger.createDatabase({ name: "elsewhere" });
    const root = (await foreign.entries())[0] as Entry;

    const backend = SqliteBackend.open(path);
    try {
      expect(await backend.repairEntry(root)).toBe(false);
      expect(await backend.hasEntry(root.id)).toBe(false);
      expect(await backend.getEntry(root.id)).toBeUndefined();
    } finally {
      await backend.close();
    }
  });
});

describe("healing from the network", () => {
  it("a peer re-sending the entry (an ordinary ingest) rewrites the corrupted row: duplicate verdict, reads work again", async () => {
    const { path, dbId, entries, victim } = await sample();
    flipEntryByteInFile(path, victim.encode(), victim.encode().length - 3);
    const { backend, instance } = await openInstance(path);
    try {
      await expectCorrupted(backend.getEntry(victim.id), victim.id);
      // The peer's sync sends everything again; the damaged entry is among them.
      const result = await instance.ingest(dbId, entries, { from: "healthy-peer" });
      expect(result.verdicts.every((v) => v.status === "duplicate")).toBe(true);
      backend.dropEntryCache();
      expect((await backend.getEntry(victim.id))?.encode()).toEqual(victim.encode());
      expect(instance.peerStats("healthy-peer").rejected).toBe(0);
    } finally {
      await backend.close();
    }
    expect(storedBytes(path, victim.id)).toEqual(victim.encode());
  });
});
