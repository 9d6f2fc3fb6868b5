/**
 * Ports of chat_simulation_test.rs, bidirectional_sync_test.rs and auto_sync_tests.rs (spec
 * 6.2) over the mock transport. Chat messages live in a DocStore `messages`, one key per message.
 */
import { Instance, MemoryBackend, admin, manualClock, seededRandom, write, type Database, type ID } from "@eidetica/core";
import { Sync, type SyncEventMap, type BootstrapPendingError } from "@eidetica/sync-engine";
import { MockTransport } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import { USER_KEY, exchange, failure, serverWithDatabase } from "./support/cluster.js";
import { keyFromSeed, memoryLogger, world } from "./support/world.js";

/** The messages of a chat room, sorted by key. */
async function messages(db: Database): Promise<Record<string, unknown>> {
  return (await db.storeState("messages")).toPlain() as Record<string, unknown>;
}

function say(db: Database, id: string, author: string, text: string): Promise<ID> {
  return db.withTransaction(async (txn) => (await txn.docStore("messages")).set(id, { author, text }));
}

describe("chat_simulation_test.rs", () => {
  it("test_chat_app_authenticated_bootstrap: pending, approved, retried; the client reads the message, writes one with its granted key, and the server sees both", async () => {
    const w = world(201);
    const { server, db } = await serverWithDatabase(w, { dbName: "Chat Room" });
    await say(db, "m1", "server", "Welcome to the chat!");
    const client = await w.node("client");
    const key = keyFromSeed(90);
    const ask = { requestingKey: key, keyName: "chat_client", permission: write(10) };

    // (1) The first request waits for an Admin.
    const pending = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), ask))) as BootstrapPendingError;
    expect(pending.code).toBe("BOOTSTRAP_PENDING");
    expect(server.sync.pendingRequests()).toMatchObject([{ id: pending.requestId, database: db.id, requestingKey: key.publicKey }]);

    // (2) An Admin approves; the retry brings the database.
    await server.sync.approveRequest(pending.requestId, USER_KEY);
    const { db: room } = await client.sync.bootstrap(server.sync.createTicket(db.id), ask);

    // (3) The client's copy grants its key; it reads the message and writes a second one.
    expect((await room.auth()).permissionOf(key.publicKey)).toEqual(write(10));
    expect(await messages(room)).toEqual({ m1: { author: "server", text: "Welcome to the chat!" } });
    await say(room, "m2", "client", "Hello from the client!");

    // (4) A sync signed with the granted key: the server sees both messages.
    const report = await client.sync.syncWithPeer(server.address, db.id, { signingKey: key });
    expect(report.sent).toBe(1);
    expect(Object.keys(await messages(db))).toEqual(["m1", "m2"]);
    expect((await messages(db))["m2"]).toEqual({ author: "client", text: "Hello from the client!" });
  });

  it("test_global_key_bootstrap: a plain syncWithPeer of a wildcard room; the client writes under the global grant (is_global hint naming its real key) and the server accepts it", async () => {
    const w = world(202);
    const { server, db } = await serverWithDatabase(w, { global: admin(0), dbName: "Open Room" });
    await say(db, "m1", "server", "anyone may join");
    const client = await w.node("client");

    await client.sync.syncWithPeer(server.address, db.id);
    const room = await client.instance.openDatabase(db.id);
    const auth = await room.auth();
    // The client's key is known only through the global grant.
    expect(auth.key(client.instance.id)).toBeUndefined();
    expect(auth.permissionOf(client.instance.id)).toEqual(admin(0));

    const id = await say(room, "m2", "client", "hi");
    expect((await room.entry(id))?.sig.key).toEqual({ Direct: { hint: { pubkey: client.instance.id, is_global: true } } });
    await client.sync.syncWithPeer(server.address, db.id);
    expect((await server.instance.backend.getEntry(id))?.sig.key).toEqual({ Direct: { hint: { pubkey: client.instance.id, is_global: true } } });
    expect(await messages(db)).toEqual({ m1: { author: "server", text: "anyone may join" }, m2: { author: "client", text: "hi" } });
  });

  it("test_multiple_databases_sync: three wildcard rooms, a keyed bootstrap of each; the client opens each and reads its name", async () => {
    const w = world(203);
    const server = await w.node("server");
    const rooms: ID[] = [];
    for (let i = 1; i <= 3; i++) {
      const room = await server.instance.createDatabase({ name: `Room ${i}`, signingKey: USER_KEY });
      await room.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: write(10), status: "Active" }));
      await say(room, "m1", "server", `welcome to room ${i}`);
      await server.sync.enableSync(room.id);
      rooms.push(room.id);
    }
    const client = await w.node("client");
    const key = keyFromSeed(91);
    for (const id of rooms) await client.sync.bootstrap(server.sync.createTicket(id), { requestingKey: key, permission: write(10) });

    const names = [];
    for (const [i, id] of rooms.entries()) {
      const room = await client.instance.openDatabase(id, { signingKey: key });
      names.push(await room.name());
      expect(await messages(room)).toEqual({ m1: { author: "server", text: `welcome to room ${i + 1}` } });
    }
    expect(names).toEqual(["Room 1", "Room 2", "Room 3"]);
    expect((await client.instance.listDatabases()).filter((id) => rooms.includes(id)).sort()).toEqual([...rooms].sort());
  });
});

describe("bidirectional_sync_test.rs", () => {
  it("test_bidirectional_sync_no_common_ancestor_issue: A on peer 0, bootstrap, B on peer 1 and exchange, C on peer 0: all three readable, no merge error", async () => {
    const w = world(211);
    const peer0 = await w.node("peer0");
    const peer1 = await w.node("peer1");
    const db = await peer0.instance.createDatabase({ name: "chat" });
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: admin(10), status: "Active" }));
    await peer0.sync.enableSync(db.id);

    // (1) Message A on peer 0.
    await say(db, "a", "peer0", "A");
    // (2) Peer 1 bootstraps with Write(10) and sees one message.
    const { db: copy } = await peer1.sync.bootstrap(peer0.sync.createTicket(db.id), { requestingKey: peer1.instance.deviceKey, permission: write(10) });
    await peer1.sync.enableSync(db.id);
    expect(Object.keys(await messages(copy))).toEqual(["a"]);
    // (3) Message B on peer 1, then exchange(1, 0).
    const b = await say(copy, "b", "peer1", "B");
    expect((await exchange(peer1, peer0, db.id)).sent).toBe(1);
    // (4) Message C on peer 0, on top of B.
    const c = await say(db, "c", "peer0", "C");
    expect((await db.entry(c))?.parents).toEqual([b]);

    expect(Object.keys(await messages(db))).toEqual(["a", "b", "c"]);
    await exchange(peer1, peer0, db.id);
    expect(await messages(copy)).toEqual(await messages(db));
    expect(await peer1.instance.backend.treeTips(db.id)).toEqual([c]);
  });
});

describe("auto_sync_tests.rs (commits keep working with sync enabled and no transport or no peers)", () => {
  /** An instance with a Sync and no transport at all. */
  async function standalone(seed: number, clock = manualClock()) {
    const instance = await Instance.create({ backend: new MemoryBackend(), clock, random: seededRandom(seed) });
    const logger = memoryLogger();
    const sync = await Sync.create(instance, { clock, logger });
    const errors: SyncEventMap["sync:error"][] = [];
    sync.events.on("sync:error", (event) => errors.push(event));
    return { instance, sync, logger, errors };
  }

  it("test_commits_work_with_sync_enabled: with syncOnCommit and no transport, a commit is stored and readable", async () => {
    const { instance, sync, logger, errors } = await standalone(221);
    const db = await instance.createDatabase({ name: "local" });
    expect(await sync.enableSync(db.id, { syncOnCommit: true })).toMatchObject({ syncEnabled: true, syncOnCommit: true });
    const id = await db.withTransaction(async (txn) => (await txn.docStore("data")).set("k", "v"));
    expect(await instance.backend.hasEntry(id)).toBe(true);
    expect(await db.tips()).toEqual([id]);
    expect((await db.storeState("data")).toPlain()).toEqual({ k: "v" });
    expect(sync.serverAddresses()).toEqual([]);
    expect(errors).toEqual([]);
    expect(logger.lines.filter((l) => l.level === "warn" || l.level === "error")).toEqual([]);
  });

  it("test_multiple_commits_with_sync_enabled: five commits in a row succeed and chain", async () => {
    const { instance, sync, errors } = await standalone(222);
    const db = await instance.createDatabase();
    await sync.enableSync(db.id);
    const ids: ID[] = [];
    for (let i = 0; i < 5; i++) ids.push(await db.withTransaction(async (txn) => (await txn.docStore("data")).set(`k${i}`, i)));
    expect(new Set(ids).size).toBe(5);
    for (let i = 1; i < 5; i++) expect((await db.entry(ids[i] as ID))?.parents).toEqual([ids[i - 1]]);
    expect(await db.tips()).toEqual([ids[4]]);
    expect(Object.keys((await db.storeState("data")).toPlain() as object)).toHaveLength(5);
    expect(errors).toEqual([]);
  });

  it("test_commits_with_sync_disabled: after disableSync a commit succeeds", async () => {
    const { instance, sync } = await standalone(223);
    const db = await instance.createDatabase();
    await sync.enableSync(db.id);
    expect((await sync.disableSync(db.id)).syncEnabled).toBe(false);
    const id = await db.withTransaction(async (txn) => (await txn.docStore("data")).set("k", 1));
    expect(await instance.backend.hasEntry(id)).toBe(true);
    expect(sync.store.databases.isEnabled(db.id)).toBe(false);
  });

  it("test_commits_with_sync_on_commit_disabled: with syncOnCommit off a commit succeeds", async () => {
    const { instance, sync } = await standalone(224);
    const db = await instance.createDatabase();
    expect(await sync.enableSync(db.id, { syncOnCommit: false })).toMatchObject({ syncEnabled: true, syncOnCommit: false });
    const id = await db.withTransaction(async (txn) => (await txn.docStore("data")).set("k", 1));
    expect(await db.tips()).toEqual([id]);
  });

  it("test_commits_before_transport_enabled: a commit before any transport succeeds, and is served once a transport starts", async () => {
    const w = world(225);
    const { instance, sync } = await standalone(225, w.clock);
    const db = await instance.createDatabase();
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: write(10), status: "Active" }));
    await sync.enableSync(db.id);
    const id = await db.withTransaction(async (txn) => (await txn.docStore("data")).set("early", true));
    expect(await instance.backend.hasEntry(id)).toBe(true);

    sync.addTransport(new MockTransport(w.network, { name: "late", peerKey: instance.id }));
    await sync.startServers();
    const reader = await w.node("reader");
    const { db: copy } = await reader.sync.bootstrap(sync.createTicket(db.id));
    expect((await copy.storeState("data")).toPlain()).toEqual({ early: true });
  });

  it("test_commits_with_multiple_databases: commits to two sync-enabled databases both succeed", async () => {
    const { instance, sync } = await standalone(226);
    const one = await instance.createDatabase({ name: "one" });
    const two = await instance.createDatabase({ name: "two" });
    await sync.enableSync(one.id);
    await sync.enableSync(two.id, { syncOnCommit: true });
    await one.withTransaction(async (txn) => (await txn.docStore("data")).set("db", 1));
    await two.withTransaction(async (txn) => (await txn.docStore("data")).set("db", 2));
    expect((await one.storeState("data")).toPlain()).toEqual({ db: 1 });
    expect((await two.storeState("data")).toPlain()).toEqual({ db: 2 });
    expect(sync.store.databases.list().map((d) => d.database).sort()).toEqual([one.id, two.id].sort());
  });

  it("test_commits_with_multiple_databases: with a running transport and no peers, commits still succeed and no sync fails", async () => {
    const w = world(227);
    const node = await w.node("lonely");
    const errors: unknown[] = [];
    node.sync.events.on("sync:error", (event) => errors.push(event));
    const one = await node.instance.createDatabase();
    const two = await node.instance.createDatabase();
    await node.sync.enableSync(one.id, { syncOnCommit: true });
    await node.sync.enableSync(two.id, { syncOnCommit: true });
    for (let i = 0; i < 3; i++) {
      await one.withTransaction(async (txn) => (await txn.docStore("data")).set(`k${i}`, i));
      await two.withTransaction(async (txn) => (await txn.docStore("data")).set(`k${i}`, i));
    }
    expect((await one.entries()).length).toBe(4);
    expect((await two.entries()).length).toBe(4);
    expect(errors).toEqual([]);
    expect(node.logger.lines.filter((l) => l.level === "warn" || l.level === "error")).toEqual([]);
    expect(w.network.counters().sent).toBe(0);
  });

  it("test_enable_sync_is_idempotent: enableSync twice gives the same settings and one record", async () => {
    const { instance, sync } = await standalone(228);
    const db = await instance.createDatabase();
    const first = await sync.enableSync(db.id);
    const second = await sync.enableSync(db.id);
    expect(second).toEqual(first);
    expect(sync.store.databases.list().filter((d) => d.database === db.id)).toHaveLength(1);
    expect(sync.store.databases.isEnabled(db.id)).toBe(true);
    expect((await sync.handle(db.id).status()).hasLocalData).toBe(true);
    // The _sync database itself cannot be enabled.
    expect((await failure(sync.enableSync(sync.store.databaseId))).code).toBe("NOT_FOUND");
    expect(await instance.listDatabases()).toContain(db.id);
  });
});
