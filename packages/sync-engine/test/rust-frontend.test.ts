/**
 * Ported from Eidetica's Rust tests (spec 6.2): basic_operations.rs (Rust's free-form "sync
 * settings" become the per-database SyncSettings of `sync.store.databases` / `enableSync`),
 * declarative_api_tests.rs (`register_sync_peer` is `store.peers.register` +
 * `store.relationships.add`, `SyncHandle` is `sync.handle(db)`), integration_tests.rs and
 * unified_message_handling_tests.rs, over the mock transport instead of HTTP.
 */
import { Instance, MemoryBackend, READ, write, type Entry, type ID } from "@eidetica/core";
import { PeerStore, SYNC_DISABLED } from "@eidetica/peer-store";
import { httpAddress, type Address } from "@eidetica/protocol";
import { NoTransportError, Sync, silentLogger } from "@eidetica/sync-engine";
import { seedHint } from "@eidetica/test-kit";
import { MockTransport } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import { bareNode, handshakeOf, handshakeRequest, randomKey, requestContext, rustServer, stored, syncTreeRequest } from "./support/rust-a.js";
import { world, type Node, type World } from "./support/world.js";

const H = seedHint();

/** A server holding `db` (the client may write), and a client that bootstrapped it and wrote `count` entries. */
async function writerPair(w: World, count: number): Promise<{ server: Node; client: Node; db: ID; entries: Entry[] }> {
  const { server, db } = await rustServer(w, { global: READ });
  const client = await w.node("client");
  await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: write(10), status: "Active" }));
  const { db: copy } = await client.sync.bootstrap(server.sync.createTicket(db.id));
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const id = await copy.withTransaction(async (txn) => (await txn.docStore("data")).set(`k${i}`, i));
    const entry = await client.instance.backend.getEntry(id);
    if (entry === undefined) throw new Error(`entry ${id} was not stored`);
    entries.push(entry);
  }
  return { server, client, db: db.id, entries };
}

describe("basic_operations.rs", () => {
  it("test_sync_creation: a Sync opens its _sync database, recorded in the instance and never served", async () => {
    const w = world(71);
    const node = await w.node("node");
    const id = node.sync.store.databaseId;
    expect(id.length).toBeGreaterThan(0);
    expect(node.instance.metadata("sync_db")).toBe(id);
    expect(await node.instance.listDatabases()).toContain(id);
    await expect(node.sync.enableSync(id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const answer = handshakeOf(await node.sync.handler.handle(handshakeRequest(randomKey(31).publicKey), requestContext()));
    expect(answer.availableTrees.map((t) => t.treeId), H).not.toContain(id);
    expect(await node.sync.handler.handle(syncTreeRequest({ treeId: id }), requestContext()), H).toEqual({ kind: "Error", message: `not_found: Tree not found: ${id}` });
  });

  it("test_sync_load: a Sync created again on the reopened instance finds the same _sync database", async () => {
    const w = world(72);
    const backend = new MemoryBackend();
    const node = await w.node("node", { backend });
    const roots = await backend.allRoots();
    const reopened = await Instance.open({ backend, clock: w.clock });
    const again = await Sync.create(reopened, { logger: silentLogger });
    expect(again.store.databaseId).toBe(node.sync.store.databaseId);
    expect(await backend.allRoots()).toEqual(roots);
  });

  it("test_sync_settings_operations: set, get, get one never set (sync off), update", async () => {
    const w = world(73);
    const node = await w.node("node");
    const db = await node.instance.createDatabase({ name: "settings" });
    expect(node.sync.store.databases.get(db.id)).toEqual(SYNC_DISABLED);
    // The README does not say what syncOnCommit defaults to on a first enableSync (see the report), so it is given.
    expect(await node.sync.enableSync(db.id, { intervalSeconds: 60, syncOnCommit: true })).toEqual({ syncEnabled: true, syncOnCommit: true, intervalSeconds: 60, properties: {} });
    expect(node.sync.store.databases.get(db.id)).toEqual({ syncEnabled: true, syncOnCommit: true, intervalSeconds: 60, properties: {} });
    expect(node.sync.store.databases.isEnabled(db.id)).toBe(true);
    await node.sync.enableSync(db.id, { syncOnCommit: false, properties: { owner: "me" } });
    expect(node.sync.store.databases.get(db.id)).toEqual({ syncEnabled: true, syncOnCommit: false, intervalSeconds: 60, properties: { owner: "me" } });
    await node.sync.disableSync(db.id);
    expect(node.sync.store.databases.get(db.id)).toEqual({ syncEnabled: false, syncOnCommit: false, intervalSeconds: 60, properties: { owner: "me" } });
    expect(node.sync.store.databases.isEnabled(db.id)).toBe(false);
    await expect(node.sync.enableSync(db.id, { intervalSeconds: 0 })).rejects.toMatchObject({ code: "MALFORMED" });
    const missing = (await w.node("other")).sync.store.databaseId; // a database this node does not hold
    await expect(node.sync.enableSync(missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("test_sync_settings_persistence: settings survive reopening the instance, and the reopened node serves the database", async () => {
    const w = world(74);
    const backend = new MemoryBackend();
    const node = await w.node("node", { backend });
    const db = await node.instance.createDatabase({ name: "persisted" });
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: READ, status: "Active" }));
    await node.sync.enableSync(db.id, { intervalSeconds: 30, syncOnCommit: true, properties: { a: "b" } });
    const reopened = await Instance.open({ backend, clock: w.clock });
    const again = await Sync.create(reopened, { logger: silentLogger });
    expect(again.store.databases.get(db.id)).toEqual({ syncEnabled: true, syncOnCommit: true, intervalSeconds: 30, properties: { a: "b" } });
    const response = await again.handler.handle(syncTreeRequest({ treeId: db.id }), requestContext());
    expect(response.kind).toBe("Bootstrap");
    expect((await PeerStore.open(reopened)).databases.get(db.id).intervalSeconds).toBe(30);
  });

  it("test_sync_multiple_settings: several databases each keep their own settings", async () => {
    const w = world(75);
    const node = await w.node("node");
    const expected = new Map<ID, number>();
    for (const interval of [10, 20, 30]) {
      const db = await node.instance.createDatabase({ name: `db${interval}` });
      await node.sync.enableSync(db.id, { intervalSeconds: interval });
      expected.set(db.id, interval);
    }
    const listed = node.sync.store.databases.list();
    expect(listed.map((d) => d.database)).toEqual([...expected.keys()].sort());
    for (const { database, settings } of listed) expect(settings).toMatchObject({ syncEnabled: true, intervalSeconds: expected.get(database) });
  });
});

describe("declarative_api_tests.rs", () => {
  it("test_register_sync_peer_tracks_relationship_immediately: a registered, related peer is listed at once with its name and address", async () => {
    const w = world(81);
    const node = await w.node("node");
    const db = await node.instance.createDatabase({ name: "declared" });
    const peer = randomKey(41).publicKey;
    const primary = httpAddress("192.168.1.10:8080");
    await expect(node.sync.store.relationships.add(peer, db.id), H).rejects.toMatchObject({ code: "NOT_FOUND" }); // an unknown peer
    await node.sync.store.peers.register(peer, { displayName: "Declared Peer", addresses: [primary] });
    await node.sync.store.relationships.add(peer, db.id);
    expect(node.sync.store.peers.get(peer), H).toMatchObject({ displayName: "Declared Peer", addresses: [primary], status: "active" });
    expect(node.sync.store.relationships.peersOf(db.id), H).toEqual([peer]);
    expect((await node.sync.handle(db.id).status()).peers, H).toEqual([peer]);
  });

  it("test_sync_handle_methods: the handle names its database and reports local data, peers and no sync yet", async () => {
    const w = world(82);
    const node = await w.node("node");
    const db = await node.instance.createDatabase({ name: "handled" });
    const peer = randomKey(42).publicKey;
    await node.sync.store.peers.register(peer, { displayName: "p" });
    await node.sync.store.relationships.add(peer, db.id);
    const handle = node.sync.handle(db.id);
    expect(handle.database).toBe(db.id);
    expect(await handle.status(), H).toEqual({ database: db.id, hasLocalData: true, lastSync: null, lastError: null, syncing: 0, peers: [peer] });
  });

  it("test_sync_handle_add_address: a peer keeps a primary and a backup address (no repeats)", async () => {
    const w = world(83);
    const node = await w.node("node");
    const peer = randomKey(43).publicKey;
    const primary = httpAddress("192.168.1.10:8080");
    const backup = httpAddress("192.168.1.11:8080");
    await node.sync.store.peers.register(peer, { addresses: [primary] });
    await node.sync.store.peers.addAddress(peer, backup);
    await node.sync.store.peers.addAddress(peer, backup);
    expect(node.sync.store.peers.get(peer)?.addresses, H).toEqual([primary, backup]);
  });

  it("test_get_sync_status: hasLocalData for a created database, not for one not held; a sync sets lastSync and peers", async () => {
    const w = world(84);
    const { server, db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    expect((await server.sync.handle(db.id).status()).hasLocalData).toBe(true);
    expect(await client.sync.handle(db.id).status()).toEqual({ database: db.id, hasLocalData: false, lastSync: null, lastError: null, syncing: 0, peers: [] });
    await client.sync.syncWithPeer(server.address, db.id);
    const after = await client.sync.handle(db.id).status();
    expect(after).toMatchObject({ hasLocalData: true, lastSync: w.clock.nowMillis(), lastError: null, syncing: 0, peers: [server.instance.id] });
  });

  it("test_get_sync_status (a failed sync is the handle's lastError)", async () => {
    const w = world(85);
    const { server, db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    await client.sync.syncWithPeer(server.address, db.id);
    await server.sync.disableSync(db.id);
    await expect(client.sync.syncWithPeer(server.address, db.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await client.sync.handle(db.id).status()).lastError).toMatchObject({ code: "NOT_FOUND" });
  });

  it("test_sync_handle_methods (waitForInitialSync resolves on the sync:complete event, and times out on the injected timers)", async () => {
    const w = world(86);
    const { server, db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    const timedOut = client.sync.handle(db.id).waitForInitialSync({ timeoutMs: 5_000 });
    await expect(timedOut).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(client.timers.delays).toContain(5_000);
    const completes: ID[] = [];
    client.sync.events.on("sync:complete", (event) => completes.push(event.database));
    const waiting = client.sync.handle(db.id).waitForInitialSync();
    await client.sync.syncWithPeer(server.address, db.id);
    await expect(waiting).resolves.toBeUndefined();
    expect(completes).toEqual([db.id]);
    await expect(client.sync.handle(db.id).waitForInitialSync()).resolves.toBeUndefined(); // already synced: at once
  });
});

describe("integration_tests.rs", () => {
  it("test_sync_with_http_transport (over the mock): the started server listens, and answers a handshake sent through its own transport", async () => {
    const w = world(91);
    const node = await w.node("node");
    expect(node.transport.isServerRunning()).toBe(true);
    expect(node.sync.serverAddresses()).toEqual([node.address]);
    const response = await node.sync.transports.send(node.address, handshakeRequest(node.instance.id));
    expect(handshakeOf(response).publicKey).toBe(node.instance.id);
  });

  it("test_multiple_sync_instances_communication: a client's sync sends its entries to the server", async () => {
    const w = world(92);
    const { server, client, db, entries } = await writerPair(w, 2);
    const report = await client.sync.syncWithPeer(server.address, db);
    expect(report).toMatchObject({ sent: 2, received: 0 });
    for (const entry of entries) expect(await server.instance.backend.hasEntry(entry.id)).toBe(true);
    expect(await server.instance.backend.treeTips(db)).toEqual(await client.instance.backend.treeTips(db));
  });

  it("test_send_entries_http (over the mock): a batch of 3 entries is Count(3) and stored, with an entry:received event", async () => {
    const w = world(93);
    const { server, client, db, entries } = await writerPair(w, 3);
    const received: ID[][] = [];
    server.sync.events.on("entry:received", (event) => received.push([...event.ids]));
    const response = await client.sync.transports.send(server.address, { kind: "SendEntries", entries });
    expect(response).toEqual({ kind: "Count", count: 3 });
    expect(received.flat().sort()).toEqual(entries.map((e) => e.id).sort());
    expect((await (await server.instance.openDatabase(db)).storeState("data")).toPlain()).toEqual({ k0: 0, k1: 1, k2: 2 });
  });

  it("test_sync_without_transport_enabled: with no transport, reaching a peer is NO_TRANSPORT (a configuration error) and stores nothing", async () => {
    const w = world(94);
    const { server, db } = await rustServer(w, { global: READ });
    const lonely = await bareNode(w, () => []);
    const before = await stored(lonely.sync);
    await expect(lonely.sync.syncWithPeer(server.address, db.id)).rejects.toMatchObject({ code: "NO_TRANSPORT" });
    await expect(lonely.sync.connect(server.address)).rejects.toMatchObject({ code: "NO_TRANSPORT" });
    const error = await lonely.sync.transports.send(server.address, handshakeRequest(lonely.instance.id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoTransportError);
    expect((error as NoTransportError).address).toEqual(server.address);
    expect(await stored(lonely.sync)).toEqual(before);
  });

  it("test_sync_without_transport_enabled (an address kind no transport handles is NO_TRANSPORT too)", async () => {
    const w = world(95);
    const node = await w.node("node");
    const http: Address = httpAddress("127.0.0.1:8080");
    expect(node.sync.transports.canReach(http)).toBe(false);
    await expect(node.sync.connect(http)).rejects.toMatchObject({ code: "NO_TRANSPORT", address: http });
  });

  it("test_sync_server_without_transport_enabled: starting servers with no transport fails (INVALID_STATE); after adding one it serves", async () => {
    const w = world(96);
    const node = await bareNode(w, () => []);
    await expect(node.sync.startServers()).rejects.toMatchObject({ code: "INVALID_STATE" });
    expect(node.sync.serverAddresses()).toEqual([]);
    node.sync.addTransport(new MockTransport(w.network, { name: "late", peerKey: node.instance.id }));
    await node.sync.startServers();
    expect(node.sync.serverAddresses()).toEqual([{ transportType: "sim", address: "late" }]);
  });

  it("test_sync_connect_to_invalid_address: an address nobody serves is a TRANSPORT error and stores nothing", async () => {
    const w = world(97);
    const node = await w.node("node");
    const nowhere: Address = { transportType: "sim", address: "no-such-node" };
    const before = await stored(node.sync);
    await expect(node.sync.connect(nowhere)).rejects.toMatchObject({ code: "TRANSPORT", failure: "unreachable" });
    await expect(node.sync.transports.send(nowhere, handshakeRequest(node.instance.id))).rejects.toMatchObject({ code: "TRANSPORT" });
    expect(await stored(node.sync)).toEqual(before);
  });
});

describe("unified_message_handling_tests.rs", () => {
  it("test_unified_message_handling: a direct handler call gives Ack for 1 entry and Count(2) for 2, and the mock gives the same", async () => {
    const w = world(101);
    const { server, client, entries } = await writerPair(w, 6);
    const [e1, e2, e3, e4, e5, e6] = entries as [Entry, Entry, Entry, Entry, Entry, Entry];
    const context = requestContext({ peerKey: client.instance.id, remote: client.address });
    const direct = [await server.sync.handler.handle({ kind: "SendEntries", entries: [e1] }, context), await server.sync.handler.handle({ kind: "SendEntries", entries: [e2, e3] }, context)];
    expect(direct).toEqual([{ kind: "Ack" }, { kind: "Count", count: 2 }]);
    const overMock = [
      await client.sync.transports.send(server.address, { kind: "SendEntries", entries: [e4] }),
      await client.sync.transports.send(server.address, { kind: "SendEntries", entries: [e5, e6] }),
    ];
    expect(overMock).toEqual(direct);
    for (const entry of entries) expect(await server.instance.backend.hasEntry(entry.id)).toBe(true);
  });

  it("test_unified_message_handling (ours: a push from an unproven or never-handshaken sender is auth_required, nothing stored)", async () => {
    const w = world(102);
    const { server, entries } = await writerPair(w, 1);
    const before = await stored(server.sync);
    const unproven = await server.sync.handler.handle({ kind: "SendEntries", entries }, requestContext());
    expect(unproven.kind === "Error" && unproven.message.startsWith("auth_required:"), JSON.stringify(unproven) + H).toBe(true);
    const stranger = await server.sync.handler.handle({ kind: "SendEntries", entries }, requestContext({ peerKey: randomKey(44).publicKey }));
    expect(stranger.kind === "Error" && stranger.message.startsWith("auth_required:"), JSON.stringify(stranger) + H).toBe(true);
    expect(await server.instance.backend.hasEntry(entries[0]!.id), H).toBe(false);
    expect(await stored(server.sync), H).toEqual(before);
  });
});
