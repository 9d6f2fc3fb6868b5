/**
 * Incomplete databases (reliability E13 across pages): a database being bootstrapped is held
 * but not visible until its bootstrap finishes, and the mark survives a reopen; the metadata
 * record's fields written by different callers never overwrite each other.
 */
import { describe, expect, it } from "vitest";
import { Instance, MemoryBackend, manualClock, seededRandom, type WriteEvent } from "../../src/index.js";

const make = (seed: number, backend = new MemoryBackend()) =>
  Instance.create({ backend, random: seededRandom(seed), clock: manualClock() });

async function sourceWithHistory(commits: number) {
  const source = await make(1);
  const db = await source.createDatabase({ name: "shared" });
  for (let i = 0; i < commits; i++) await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`k${i}`, i));
  return { source, db, entries: await db.entries() };
}

describe("incomplete databases", () => {
  it("a database ingested between beginBootstrap and finishBootstrap is hidden, then visible with its whole history", async () => {
    const { db, entries } = await sourceWithHistory(4);
    const target = await make(2);
    const events: WriteEvent[] = [];
    target.onWrite((event) => {
      events.push(event);
    });
    await target.beginBootstrap(db.id);
    expect(target.isIncomplete(db.id)).toBe(true);
    expect(target.incompleteDatabases()).toEqual([db.id]);

    // Two pages, parents first, each all or nothing.
    const first = await target.ingest(db.id, entries.slice(0, 3), { from: "p", atomic: true });
    expect(first.stored).toHaveLength(3);
    expect(await target.listDatabases()).toEqual([]);
    await expect(target.openDatabase(db.id)).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("incomplete") });
    expect(events, "no write event for an incomplete database").toEqual([]);

    await target.ingest(db.id, entries.slice(3), { from: "p", atomic: true });
    await target.finishBootstrap(db.id);
    expect(target.isIncomplete(db.id)).toBe(false);
    expect(await target.listDatabases()).toEqual([db.id]);
    const opened = await target.openDatabase(db.id);
    expect((await opened.storeState("notes")).toPlain()).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3 });
    expect(events).toEqual([]);
  });

  it("the mark survives a reopen, so an interrupted bootstrap stays hidden and can resume", async () => {
    const { db, entries } = await sourceWithHistory(3);
    const backend = new MemoryBackend();
    const target = await make(2, backend);
    await target.beginBootstrap(db.id);
    await target.ingest(db.id, entries.slice(0, 2), { from: "p", atomic: true });

    const reopened = await Instance.open({ backend });
    expect(reopened.isIncomplete(db.id)).toBe(true);
    expect(await reopened.listDatabases()).toEqual([]);
    await expect(reopened.openDatabase(db.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Resuming: the rest arrives, then the bootstrap finishes.
    await reopened.ingest(db.id, entries.slice(2), { from: "p", atomic: true });
    await reopened.finishBootstrap(db.id);
    expect(await (await Instance.open({ backend })).listDatabases()).toEqual([db.id]);
  });

  it("beginBootstrap does nothing for a database already held complete, and write events flow once it is finished", async () => {
    const { db, entries } = await sourceWithHistory(1);
    const target = await make(2);
    await target.ingest(db.id, entries, { from: "p", atomic: true });
    await target.beginBootstrap(db.id);
    expect(target.isIncomplete(db.id)).toBe(false);
    expect(await target.listDatabases()).toEqual([db.id]);

    const events: WriteEvent[] = [];
    target.onWrite((event) => {
      events.push(event);
    });
    const next = await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("later", true));
    await target.ingest(db.id, [(await db.entry(next))!], { from: "p" });
    expect(events.map((e) => e.ids)).toEqual([[next]]);
  });
});

describe("instance metadata fields", () => {
  it("fields persist across a reopen; core's own fields are refused", async () => {
    const backend = new MemoryBackend();
    const instance = await make(3, backend);
    await instance.setMetadata("sync_db", "bafy-example");
    await instance.setMetadata("extra", { nested: [1, 2] });
    const reopened = await Instance.open({ backend });
    expect(reopened.metadata("sync_db")).toBe("bafy-example");
    expect(reopened.metadata("extra")).toEqual({ nested: [1, 2] });
    expect(reopened.metadata("id")).toBe(instance.id);
    await reopened.setMetadata("extra", undefined);
    expect((await Instance.open({ backend })).metadata("extra")).toBeUndefined();
    for (const field of ["id", "incomplete_databases"]) {
      await expect(instance.setMetadata(field, "x")).rejects.toMatchObject({ code: "INVALID_PATH" });
    }
  });

  it("concurrent writers of different fields and incomplete marks lose nothing", async () => {
    const backend = new MemoryBackend();
    const instance = await make(4, backend);
    const ids = ["bafyrei-a", "bafyrei-b", "bafyrei-c"];
    await Promise.all([
      ...ids.map((id) => instance.beginBootstrap(id)),
      ...ids.map((id, i) => instance.setMetadata(`field${i}`, id)),
    ]);
    const reopened = await Instance.open({ backend });
    expect(reopened.incompleteDatabases()).toEqual([...ids].sort());
    ids.forEach((id, i) => expect(reopened.metadata(`field${i}`)).toBe(id));
  });
});
