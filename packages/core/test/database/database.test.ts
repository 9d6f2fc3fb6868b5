/** The database API: instances, databases, transactions, stores, the registry and callbacks. */
import { describe, expect, it } from "vitest";
import {
  Doc,
  Instance,
  MemoryBackend,
  READ,
  SigningKey,
  admin,
  compareIds,
  decodeEntryMetadata,
  idFromDagCbor,
  sortedUniqueIds,
  utf8,
  docToJson,
  fromUtf8,
  manualClock,
  seededRandom,
  write,
  type WriteEvent,
} from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";

const newInstance = (seed = 1, backend = new MemoryBackend()) =>
  Instance.create({ backend, random: seededRandom(seed), clock: manualClock() });

describe("Instance", () => {
  it("creates a device key once and reopens it from the backend", async () => {
    const backend = new MemoryBackend();
    const first = await newInstance(1, backend);
    await expect(newInstance(2, backend)).rejects.toMatchObject({ code: "INVALID_STATE" });
    const again = await Instance.open({ backend });
    expect(again.id).toBe(first.id);
    expect((await Instance.openOrCreate({ backend })).id).toBe(first.id);
    await expect(Instance.open({ backend: new MemoryBackend() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists the databases it holds and refuses to open others", async () => {
    const instance = await newInstance();
    const a = await instance.createDatabase({ name: "a" });
    const b = await instance.createDatabase({ name: "b" });
    expect(await instance.listDatabases()).toEqual(sortedUniqueIds([a.id, b.id]));
    expect((await instance.openDatabase(a.id)).id).toBe(a.id);
    await expect(instance.openDatabase(idFromDagCbor(utf8("nothing")))).rejects.toMatchObject({ code: "NOT_FOUND" });
    const child = await a.withTransaction(async (txn) => (await txn.docStore("s")).set("k", 1));
    await expect(instance.openDatabase(child)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("database creation (spec 1.6)", () => {
  it("writes a root with _root, the settings granting the creator Admin(0), and entropy", async () => {
    const instance = await newInstance();
    const creator = SigningKey.fromSeed(new Uint8Array(32).fill(5));
    const db = await instance.createDatabase({ signingKey: creator, name: "notes", settings: Doc.from({ theme: "dark" }) });
    const root = await db.entry(db.id);
    expect(root?.isRoot).toBe(true);
    expect(fromUtf8(root!.storeData("_root")!)).toBe('""');
    const settings = await db.settings();
    expect(settings.getText("name")).toBe("notes");
    expect(settings.getText("theme")).toBe("dark");
    expect((await db.auth()).key(creator.publicKey)).toEqual({ permission: admin(0), status: "Active" });
    const metadata = decodeEntryMetadata(root!.tree.metadata!);
    expect(metadata.settingsTips).toEqual([]);
    expect(metadata.entropy).not.toBeNull();
    expect(root!.sig.key).toEqual({ Direct: { hint: { pubkey: creator.publicKey } } });
    expect(await db.name()).toBe("notes");
  });

  it("refuses initial settings that already contain auth", async () => {
    const instance = await newInstance();
    await expect(instance.createDatabase({ settings: Doc.from({ auth: {} }) })).rejects.toMatchObject({ code: "MALFORMED" });
  });
});

describe("transactions", () => {
  it("commit entries with parents, store parents, heights and the settings pin", async () => {
    const instance = await newInstance();
    const db = await instance.createDatabase();
    const first = await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("a", 1));
    const second = await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("b", 2));
    const entry = (await db.entry(second))!;
    expect(entry.parents).toEqual([first]);
    expect(entry.height).toBe(2);
    expect(entry.storeParents("notes")).toEqual([first]);
    expect(decodeEntryMetadata(entry.tree.metadata!).settingsTips).toEqual([db.id]);
    expect(await db.tips()).toEqual([second]);
    expect((await db.storeState("notes")).toPlain()).toEqual({ a: 1, b: 2 });
  });

  it("read their own writes, stage several stores, and leave no trace of reads", async () => {
    const instance = await newInstance();
    const db = await instance.createDatabase();
    const txn = await db.newTransaction();
    const notes = await txn.docStore("notes");
    notes.set("a.b", "x");
    expect(notes.getText("a.b")).toBe("x");
    expect(notes.delete("a.b")).toBe(true);
    expect(notes.delete("missing")).toBe(false);
    expect(notes.has("a.b")).toBe(false);
    const users = await txn.table<{ name: string }>("users");
    const key = users.insert({ name: "ada" });
    await txn.docStore("untouched-reads");
    const id = await txn.commit();
    const entry = (await db.entry(id))!;
    // _index registers all three stores; "untouched-reads" takes part without data.
    expect(entry.storeNames().sort()).toEqual(["_index", "notes", "untouched-reads", "users"]);
    expect(entry.storeData("untouched-reads")).toBeUndefined();
    expect((await db.table<{ name: string }>("users")).get(key)).toEqual({ name: "ada" });
    expect((await db.storeState("_index")).toPlain()).toEqual({
      notes: { type: "docstore:v0", config: {} },
      users: { type: "table:v0", config: {} },
      "untouched-reads": { type: "docstore:v0", config: {} },
    });
    // A transaction that only reads a registered store writes nothing to it.
    const readOnly = await db.withTransaction(async (t) => (await t.docStore("notes")).get("x"));
    expect((await db.entry(readOnly))!.storeNames()).toEqual([]);
  });

  it("refuse a store opened as another type, bad store names, and double commits", async () => {
    const instance = await newInstance();
    const db = await instance.createDatabase();
    await db.withTransaction(async (txn) => (await txn.table("users")).insert({}));
    const txn = await db.newTransaction();
    await expect(txn.docStore("users")).rejects.toMatchObject({ code: "STORE_TYPE_MISMATCH" });
    for (const name of ["", "_private", "a.b"]) await expect(txn.docStore(name)).rejects.toMatchObject({ code: "INVALID_PATH" });
    await txn.commit();
    await expect(txn.commit()).rejects.toMatchObject({ code: "INVALID_STATE" });
    await expect(txn.docStore("x")).rejects.toMatchObject({ code: "INVALID_STATE" });
    const view = await db.docStore("notes");
    expectCode(() => view.set("k", 1), "INVALID_STATE");
  });

  it("need Admin for settings and Write for data (spec 4.4)", async () => {
    const instance = await newInstance();
    const db = await instance.createDatabase();
    const writer = SigningKey.fromSeed(new Uint8Array(32).fill(7));
    const reader = SigningKey.fromSeed(new Uint8Array(32).fill(8));
    await db.withTransaction(async (txn) => {
      const settings = await txn.settings();
      settings.setAuthKey(writer.publicKey, { permission: write(10), status: "Active" });
      settings.setAuthKey(reader.publicKey, { permission: READ, status: "Active" });
    });
    const asWriter = db.withKey(writer);
    await asWriter.withTransaction(async (txn) => (await txn.docStore("notes")).set("by", "writer"));
    await expect(asWriter.withTransaction(async (txn) => (await txn.settings()).setName("mine"))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(db.withKey(reader).withTransaction(async (txn) => (await txn.docStore("notes")).set("k", 1))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await db.canAccess(writer.publicKey, write(10))).toBe(true);
    expect(await db.canAccess(writer.publicKey, admin(100))).toBe(false);
    expect(await db.canAccess(reader.publicKey, READ)).toBe(true);
    // A revoked key loses access.
    await db.withTransaction(async (txn) => (await txn.settings()).revokeKey(writer.publicKey));
    expect(await db.canAccess(writer.publicKey, READ)).toBe(false);
    await expect(asWriter.withTransaction(async (txn) => (await txn.docStore("notes")).set("k", 2))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    // Nothing that failed was stored.
    expect((await db.storeState("notes")).toPlain()).toEqual({ by: "writer" });
  });

  it("use the timestamp height strategy from the settings clock", async () => {
    const clock = manualClock(1_800_000_000_000);
    const instance = await Instance.create({ random: seededRandom(3), clock });
    const db = await instance.createDatabase();
    await db.withTransaction(async (txn) => (await txn.settings()).setHeightStrategy("timestamp"));
    const id = await db.withTransaction(async (txn) => (await txn.docStore("s")).set("k", 1));
    expect((await db.entry(id))!.height).toBe(1_800_000_000_000);
    clock.set(5); // a clock that went backwards still gives a height above the parents'
    const next = await db.withTransaction(async (txn) => (await txn.docStore("s")).set("k", 2));
    expect((await db.entry(next))!.height).toBe(1_800_000_000_001);
  });
});

describe("concurrent writes", () => {
  it("merge concurrent first writes to one store on two forks (no NoCommonAncestor)", async () => {
    const instance = await newInstance();
    const db = await instance.createDatabase();
    const left = await db.newTransaction();
    const right = await db.newTransaction();
    (await left.docStore("shared")).set("left", 1);
    (await right.docStore("shared")).set("right", 2);
    (await left.docStore("shared")).set("both", "L");
    (await right.docStore("shared")).set("both", "R");
    const a = await left.commit();
    const b = await right.commit();
    expect((await db.tips()).sort()).toEqual([a, b].sort());
    const state = await db.storeState("shared");
    expect(state.getInt("left")).toBe(1);
    expect(state.getInt("right")).toBe(2);
    // Same height: the larger ID is folded last and wins the conflict.
    const later = [a, b].sort(compareIds)[1];
    expect(state.getText("both")).toBe(later === a ? "L" : "R");
    // A merge commit (a transaction with no writes) joins the forks.
    const merge = await db.withTransaction(() => undefined);
    expect(await db.tips()).toEqual([merge]);
    expect(docToJson(await db.storeState("shared"))).toBe(docToJson(state));
  });
});

describe("write callbacks", () => {
  it("fire once per commit with the new IDs and source, and stop after unsubscribe", async () => {
    const instance = await newInstance();
    const events: WriteEvent[] = [];
    const globalEvents: WriteEvent[] = [];
    const stopGlobal = instance.onWrite((e) => void globalEvents.push(e));
    const db = await instance.createDatabase();
    const stop = db.onWrite((e) => void events.push(e));
    const id = await db.withTransaction(async (txn) => (await txn.docStore("s")).set("k", 1));
    expect(events).toEqual([{ database: db.id, ids: [id], source: "local" }]);
    expect(globalEvents.map((e) => e.ids)).toEqual([[db.id], [id]]);
    stop();
    stopGlobal();
    await db.withTransaction(async (txn) => (await txn.docStore("s")).set("k", 2));
    expect(events).toHaveLength(1);
    expect(globalEvents).toHaveLength(2);
  });

  it("count and report callback errors without failing the write", async () => {
    const errors: unknown[] = [];
    const instance = await Instance.create({ random: seededRandom(4), onCallbackError: (e) => errors.push(e) });
    const db = await instance.createDatabase();
    db.onWrite(() => {
      throw new Error("callback bug");
    });
    const id = await db.withTransaction(async (txn) => (await txn.docStore("s")).set("k", 1));
    expect(await db.tips()).toEqual([id]);
    expect(instance.callbackErrors).toBe(1);
    expect(errors).toHaveLength(1);
  });
});

describe("remote writes", () => {
  it("become visible once, fire remote callbacks once, and are idempotent", async () => {
    const source = await newInstance(1);
    const db = await source.createDatabase();
    for (let i = 0; i < 5; i++) await db.withTransaction(async (txn) => (await txn.docStore("s")).set(`k${i}`, i));
    const entries = await db.entries();
    const target = await newInstance(2);
    const events: WriteEvent[] = [];
    target.onWrite((e) => void events.push(e));
    const first = await target.ingest(db.id, [...entries].reverse(), { from: "peer-a" });
    expect(first.verdicts.every((v) => v.status === "stored")).toBe(true);
    expect(first.stored).toEqual(entries.map((e) => e.id)); // parents first
    const again = await target.ingest(db.id, entries, { from: "peer-b" });
    expect(again.verdicts.every((v) => v.status === "duplicate")).toBe(true);
    expect(events).toEqual([{ database: db.id, ids: entries.map((e) => e.id), source: "remote", peer: "peer-a" }]);
    const replica = await target.openDatabase(db.id);
    expect(await replica.tips()).toEqual(await db.tips());
    expect(docToJson(await replica.storeState("s"))).toBe(docToJson(await db.storeState("s")));
    expect(target.peerStats("peer-b")).toEqual({ stored: 0, duplicates: 5 + 1, quarantined: 0, rejected: 0 });
  });
});

describe("tables", () => {
  interface User {
    name: string;
    age: number;
  }
  const parseUser = (value: unknown): User => {
    const row = value as Partial<User> | null;
    if (typeof row?.name !== "string" || typeof row.age !== "number") throw new TypeError("not a user");
    return { name: row.name, age: row.age };
  };

  it("insert under random keys, set, delete and search rows", async () => {
    const instance = await newInstance(11);
    const db = await instance.createDatabase();
    let ada = "";
    await db.withTransaction(async (txn) => {
      const users = await txn.table<User>("users", { validate: parseUser });
      ada = users.insert({ name: "Ada", age: 36 });
      users.insert({ name: "Alan", age: 41 });
      expect(users.get(ada)).toEqual({ name: "Ada", age: 36 });
    });
    expect(ada).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await db.withTransaction(async (txn) => {
      const users = await txn.table<User>("users", { validate: parseUser });
      users.set(ada, { name: "Ada", age: 37 });
      expect(users.delete("no-such-row")).toBe(false);
    });
    const view = await db.table<User>("users", { validate: parseUser });
    expect(view.get(ada)?.age).toBe(37);
    expect(view.search((user) => user.age > 40).map(([, user]) => user.name)).toEqual(["Alan"]);
    expect(view.all()).toHaveLength(2);
    // Rows are Text values holding the row's JSON (spec 2.6).
    expect((await db.storeState("users")).getText(ada)).toBe('{"name":"Ada","age":37}');
  });

  it("refuse rows that fail the validator on write and on read", async () => {
    const instance = await newInstance(12);
    const db = await instance.createDatabase();
    const txn = await db.newTransaction();
    const users = await txn.table<User>("users", { validate: parseUser });
    expectCode(() => users.insert({ name: "x" } as User), "VALIDATION_FAILED");
    expectCode(() => users.set("bad.key", { name: "x", age: 1 }), "INVALID_PATH");
    const loose = await txn.table<unknown>("users");
    loose.set("raw", { not: "a user" });
    expectCode(() => users.get("raw"), "VALIDATION_FAILED");
  });
});

describe("the key a commit is signed under (spec 4.6)", () => {
  it("a key without a grant of its own commits under the active global grant, with an is_global hint naming it", async () => {
    const instance = await newInstance(7);
    const db = await instance.createDatabase({ name: "open" });
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: write(10), status: "Active" }));
    const guest = SigningKey.fromSeed(new Uint8Array(32).fill(44));
    const id = await db.withKey(guest).withTransaction(async (txn) => (await txn.docStore("notes")).set("hi", "from a guest"));
    const entry = await db.entry(id);
    expect(entry?.sig.key).toEqual({ Direct: { hint: { pubkey: guest.publicKey, is_global: true } } });
    // Its own grant takes precedence once it has one.
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(guest.publicKey, { permission: write(5), status: "Active" }));
    const next = await db.withKey(guest).withTransaction(async (txn) => (await txn.docStore("notes")).set("hi", "again"));
    expect((await db.entry(next))?.sig.key).toEqual({ Direct: { hint: { pubkey: guest.publicKey } } });
  });

  it("a global Read grant does not let a key write: the commit is UNAUTHORIZED and nothing is stored", async () => {
    const instance = await newInstance(8);
    const db = await instance.createDatabase({ name: "read-only" });
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: READ, status: "Active" }));
    const tips = await db.tips();
    const guest = SigningKey.fromSeed(new Uint8Array(32).fill(45));
    await expect(db.withKey(guest).withTransaction(async (txn) => (await txn.docStore("notes")).set("x", 1))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await db.tips()).toEqual(tips);
  });
});
