/**
 * The documented concurrency model is "exclusive": one SqliteBackend holds a file at a time.
 * A second opener (in this process or another) gets a typed StorageError (SQLITE_BUSY) and the
 * holder and the file are unharmed. Several Instances may share one SqliteBackend object.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Instance, StorageError, docToJson, manualClock, seededRandom, type ID } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { SqliteBackend } from "../src/index.js";
import { integrityCheck, sideFiles, useTempDir, withRawDb } from "./helpers/files.js";
import { openInstance, writeAlternating } from "./helpers/sample.js";

const tmp = useTempDir("concurrency");
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const childScript = fileURLToPath(new URL("./helpers/child-open.ts", import.meta.url));

function openError(path: string): unknown {
  try {
    const backend = SqliteBackend.open(path);
    void backend.close();
  } catch (error) {
    return error;
  }
  return undefined;
}

function runChild(mode: "backend" | "raw", path: string): Record<string, unknown> {
  const child = spawnSync(process.execPath, ["--import", "tsx", childScript, mode, path], { cwd: packageDir, encoding: "utf8", timeout: 30_000 });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim()) as Record<string, unknown>;
}

describe("exclusive: a second SqliteBackend on an open file (same process)", () => {
  it("throws a typed StorageError with storageCode SQLITE_BUSY; the first stays usable; after it closes, the second opens and sees everything", async () => {
    const path = tmp.file("same-process.sqlite");
    const { instance } = await openInstance(path, 1);
    const db = await instance.createDatabase({ name: "held" });
    await writeAlternating(db, 5);

    const error = openError(path);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "STORAGE", storageCode: "SQLITE_BUSY" });
    expect((error as Error).message).toContain(path);
    // Refused again, every time: the lock is held for the backend's whole life.
    expect(openError(path)).toMatchObject({ storageCode: "SQLITE_BUSY" });

    // The holder is unharmed and keeps writing.
    const last = await db.withTransaction(async (txn) => (await txn.docStore("a")).set("after", "refused"));
    expect(await db.tips()).toEqual([last]);
    const count = await instance.backend.countEntries(db.id);
    expect(count).toBe(7);
    const state = docToJson(await db.storeState("a"));
    await instance.close();
    expect(integrityCheck(path)).toEqual(["ok"]);

    const { backend, instance: second } = await openInstance(path, 2);
    try {
      expect(second.id).toBe(instance.id);
      const reopened = await second.openDatabase(db.id);
      expect(await reopened.tips()).toEqual([last]);
      expect(await backend.countEntries(db.id)).toBe(count);
      expect(docToJson(await reopened.storeState("a"))).toBe(state);
    } finally {
      await backend.close();
    }
  });

  it("a durability: 'normal' opener is refused the same way (the option does not relax the lock)", async () => {
    const path = tmp.file("normal.sqlite");
    const holder = SqliteBackend.open(path);
    try {
      expect(() => SqliteBackend.open(path, { durability: "normal" })).toThrow(StorageError);
      expect(await holder.allRoots()).toEqual([]);
    } finally {
      await holder.close();
    }
    const after = SqliteBackend.open(path, { durability: "normal" });
    await after.close();
  });
});

describe("exclusive: another process opening a file in use", () => {
  it("fails cleanly (SqliteBackend.open: StorageError SQLITE_BUSY; a raw connection: SQLITE_BUSY on read and write), and the file is intact afterwards", async () => {
    const path = tmp.file("two-processes.sqlite");
    const { instance } = await openInstance(path, 3);
    const db = await instance.createDatabase({ name: "held" });
    await writeAlternating(db, 6);
    const tips = await db.tips();

    const viaBackend = runChild("backend", path);
    expect(viaBackend).toEqual({ openError: { name: "StorageError", code: "STORAGE", storageCode: "SQLITE_BUSY" } });
    const viaRaw = runChild("raw", path);
    expect(viaRaw).toEqual({ readError: { name: "SqliteError", code: "SQLITE_BUSY" }, writeError: { name: "SqliteError", code: "SQLITE_BUSY" } });

    // The holder keeps working.
    const next = await db.withTransaction(async (txn) => (await txn.docStore("b")).set("after", "child"));
    expect((await db.entry(next))?.parents).toEqual(tips);
    await instance.close();

    expect(sideFiles(path)).toEqual([]);
    expect(integrityCheck(path)).toEqual(["ok"]);
    expect(withRawDb(path, (raw) => raw.prepare("SELECT count(*) AS n FROM instance_records WHERE kind = 'intruder'").get(), { readonly: true })).toEqual({ n: 0 });
    // Once the holder closed, another process opens it and sees the data.
    expect(runChild("backend", path)).toEqual({ opened: true, roots: [db.id] });
    const { backend, instance: reopened } = await openInstance(path, 4);
    try {
      expect(await (await reopened.openDatabase(db.id)).tips()).toEqual([next]);
      expect(await backend.countEntries(db.id)).toBe(8);
    } finally {
      await backend.close();
    }
  });
});

describe("two Instances sharing ONE SqliteBackend object in one process", () => {
  it("works: commits from both land in the same file; concurrent commits fork into several tips that a later commit merges; both Instances always see the same tips and states", async () => {
    const path = tmp.file("shared.sqlite");
    const backend = SqliteBackend.open(path);
    const first = await Instance.create({ backend, random: seededRandom(5), clock: manualClock() });
    const second = await Instance.open({ backend, random: seededRandom(6), clock: manualClock() });
    expect(second.id).toBe(first.id);

    const dbA = await first.createDatabase({ name: "shared" });
    const dbB = await second.openDatabase(dbA.id);
    // Taking turns: each commit builds on the other's.
    const ids: ID[] = [];
    for (let i = 0; i < 6; i++) {
      const db = i % 2 === 0 ? dbA : dbB;
      const before = await db.tips();
      ids.push(await db.withTransaction(async (txn) => (await txn.docStore("turns")).set(`t${i}`, i)));
      expect((await backend.getEntry(ids[i] as ID))?.parents).toEqual(before);
    }
    expect(await dbA.tips()).toEqual([ids[5]]);
    expect(await dbB.tips()).toEqual([ids[5]]);

    // At the same time: each Instance has its own per-database lock, so both commits start at
    // the same tips and the database forks (a normal CRDT fork, not a lost write).
    const [x, y] = await Promise.all([
      dbA.withTransaction(async (txn) => (await txn.docStore("race")).set("from", "first")),
      dbB.withTransaction(async (txn) => (await txn.docStore("race")).set("from", "second")),
    ]);
    expect(x).not.toBe(y);
    const forked = [x, y].sort();
    expect(await dbA.tips()).toEqual(forked);
    expect(await dbB.tips()).toEqual(forked);
    expect(docToJson(await dbA.storeState("race"))).toBe(docToJson(await dbB.storeState("race")));
    expect(docToJson(await dbA.storeState("turns"))).toBe(docToJson(await dbB.storeState("turns")));

    const merge = await dbB.withTransaction(async (txn) => (await txn.docStore("turns")).set("merged", true));
    expect((await backend.getEntry(merge))?.parents).toEqual(forked);
    expect(await dbA.tips()).toEqual([merge]);
    expect((await dbA.docStore("turns")).get("merged")).toBe(true);
    expect(await backend.countEntries(dbA.id)).toBe(1 + 6 + 2 + 1);

    // Closing either Instance closes the shared backend for both.
    await second.close();
    await expect(dbA.tips()).rejects.toBeInstanceOf(StorageError);
    await expect(first.close()).resolves.toBeUndefined();

    const { backend: reopenedBackend, instance } = await openInstance(path, 7);
    try {
      const db = await instance.openDatabase(dbA.id);
      expect(await db.tips()).toEqual([merge]);
      expect(await reopenedBackend.countEntries(db.id)).toBe(10);
      const turns = (await db.docStore("turns"));
      expect([0, 1, 2, 3, 4, 5].map((i) => turns.get(`t${i}`))).toEqual([0, 1, 2, 3, 4, 5]);
      expect(["first", "second"]).toContain((await db.docStore("race")).get("from"));
    } finally {
      await reopenedBackend.close();
    }
  });
});
