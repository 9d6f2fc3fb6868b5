/**
 * Ported from Eidetica's Rust tests (spec 6.2): transport_auto_detection_tests.rs (the parts
 * about BootstrapPending's structure, plain sync against a manual server, unauthenticated sync
 * failing, and routing by address kind) and multi_transport_tests.rs, adapted: HTTP and Iroh
 * become the mock's `sim` transport and a second kind, `alt` (see support/rust-a.ts).
 */
import { READ, write, type ID } from "@eidetica/core";
import { httpAddress, type Address } from "@eidetica/protocol";
import { BootstrapPendingError, NoTransportError } from "@eidetica/sync-engine";
import { MockTransport } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import { AltTransport, CountingTransport, bareNode, dataEntryIds, grant, handshakeOf, handshakeRequest, requestContext, rustServer, stored, syncTreeRequest } from "./support/rust-a.js";
import { keyFromSeed, world, type World } from "./support/world.js";

/** A Rust-style server that also serves on an alt transport. */
async function twoTransportServer(w: World, global?: typeof READ) {
  const setup = await rustServer(w, global === undefined ? {} : { global });
  const alt = new AltTransport(w.network, "server-alt", setup.server.instance.id);
  setup.server.sync.addTransport(alt);
  await setup.server.sync.startServers();
  return { ...setup, alt };
}

describe("transport_auto_detection_tests.rs", () => {
  it("test_bootstrap_pending_error_structure: a keyed request on a manual server is BootstrapPending with a request ID and message, stored once", async () => {
    const w = world(111);
    const { server, db } = await rustServer(w);
    const client = await w.node("client");
    const laptop = keyFromSeed(111);
    const clientDatabases = await client.instance.listDatabases();
    const error = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop", permission: write(5) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BootstrapPendingError);
    const pending = error as BootstrapPendingError;
    expect(pending.code).toBe("BOOTSTRAP_PENDING");
    expect(pending.requestId.length).toBeGreaterThan(0);
    expect(pending.message.length).toBeGreaterThan(0);
    const rows = server.sync.pendingRequests(db.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: pending.requestId, database: db.id, requestingKey: laptop.publicKey, keyName: "laptop", permission: write(5), peerKey: client.instance.id, status: { state: "pending" } });
    expect(await client.instance.listDatabases()).toEqual(clientDatabases);
    expect(await client.instance.backend.hasEntry(db.id)).toBe(false);
    // Asked again: the same request (README: a repeated pending request is the same request).
    const again = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop", permission: write(5) }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: "BOOTSTRAP_PENDING", requestId: pending.requestId });
    expect(server.sync.pendingRequests(db.id)).toHaveLength(1);
  });

  it("test_bootstrap_pending_error_structure (the wire answer: BootstrapPending with Rust's message)", async () => {
    const w = world(112);
    const { server, db } = await rustServer(w);
    const laptop = keyFromSeed(112);
    const response = await server.sync.handler.handle(
      syncTreeRequest({ treeId: db.id, requestingKey: laptop.publicKey, requestingKeyName: "laptop", requestedPermission: write(5) }),
      requestContext({ peerKey: laptop.publicKey }),
    );
    expect(response).toEqual({ kind: "BootstrapPending", requestId: server.sync.pendingRequests(db.id)[0]?.id, message: "Bootstrap request pending manual approval" });
  });

  it("test_bootstrap_pending_error_propagation: a plain sync (no key) against a manual server is refused as not_found, not pending, and stores nothing", async () => {
    const w = world(113);
    const { server, db } = await rustServer(w);
    const client = await w.node("client");
    await client.sync.connect(server.address);
    const serverBefore = await stored(server.sync);
    await expect(client.sync.syncWithPeer(server.address, db.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(server.sync.pendingRequests()).toEqual([]);
    expect(await stored(server.sync)).toEqual(serverBefore);
    expect(await client.instance.backend.hasEntry(db.id)).toBe(false);
  });

  it("test_unauthenticated_sync_should_fail: a client with no grant is refused (ours: not_found; Rust: Authentication required) and receives no data", async () => {
    const w = world(114);
    const { server, db } = await rustServer(w);
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set("secret", "x"));
    const client = await w.node("client");
    const received: ID[] = [];
    client.sync.events.on("entry:received", (event) => received.push(...event.ids));
    const before = await dataEntryIds(client.sync);
    const failure = await client.sync.syncWithPeer(server.address, db.id).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "NOT_FOUND", message: `Tree not found: ${db.id}` });
    expect(received).toEqual([]);
    expect(await dataEntryIds(client.sync)).toEqual(before);
    expect(await client.instance.listDatabases()).toEqual([client.sync.store.databaseId]);
  });

  it("test_http_address_with_http_transport / test_iroh_address_detection (adapted): each address kind routes to its transport; an unknown kind is NO_TRANSPORT", async () => {
    const w = world(115);
    const { server, db, alt } = await twoTransportServer(w, READ);
    const sim = new CountingTransport(new MockTransport(w.network, { name: "client" }));
    const clientAlt = new AltTransport(w.network, "client-alt");
    const client = await bareNode(w, () => [sim, clientAlt]);
    expect(client.sync.transports.forAddress(server.address)).toBe(sim);
    expect(client.sync.transports.forAddress(alt.address)).toBe(clientAlt);
    const http: Address = httpAddress("127.0.0.1:8080");
    expect(client.sync.transports.forAddress(http)).toBeUndefined();
    await expect(client.sync.connect(http)).rejects.toBeInstanceOf(NoTransportError);

    await client.sync.syncWithPeer(alt.address, db.id);
    expect(clientAlt.sent).toBeGreaterThan(0);
    expect(sim.sent).toBe(0);
    const altSent = clientAlt.sent;
    await client.sync.syncWithPeer(server.address, db.id);
    expect(sim.sent).toBeGreaterThan(0);
    expect(clientAlt.sent).toBe(altSent);
  });
});

describe("multi_transport_tests.rs", () => {
  it("test_enable_http_transport_twice_adds_transport (adapted): two transports both serve, each answering with the server's key", async () => {
    const w = world(121);
    const { server, alt } = await twoTransportServer(w);
    expect(server.sync.serverAddresses()).toEqual([server.address, alt.address]);
    expect(() => server.sync.addTransport(alt)).toThrow(expect.objectContaining({ code: "INVALID_STATE" }));
    const client = await bareNode(w, (key) => [new MockTransport(w.network, { name: "client", peerKey: key }), new AltTransport(w.network, "client-alt", key)]);
    for (const address of server.sync.serverAddresses()) {
      expect(handshakeOf(await client.sync.transports.send(address, handshakeRequest(client.instance.id))).publicKey).toBe(server.instance.id);
    }
  });

  it("test_transport_routing_by_address_type: one transport gives one address, of its kind", async () => {
    const w = world(122);
    const node = await w.node("node");
    expect(node.sync.serverAddresses()).toEqual([{ transportType: "sim", address: "node" }]);
    expect(node.sync.transports.list().map((t) => t.kind)).toEqual(["sim"]);
  });

  it("test_server_lifecycle_with_multiple_transports: stopping stops every server; the addresses are gone and unreachable", async () => {
    const w = world(123);
    const { server, alt } = await twoTransportServer(w);
    const addresses = server.sync.serverAddresses();
    await server.sync.stopServers();
    expect(server.sync.serverAddresses()).toEqual([]);
    expect(server.transport.isServerRunning()).toBe(false);
    expect(alt.isServerRunning()).toBe(false);
    const client = await bareNode(w, (key) => [new MockTransport(w.network, { name: "client", peerKey: key }), new AltTransport(w.network, "client-alt", key)]);
    for (const address of addresses) await expect(client.sync.connect(address)).rejects.toMatchObject({ code: "TRANSPORT", failure: "unreachable" });
    await server.sync.startServers();
    expect(server.sync.serverAddresses()).toEqual(addresses);
  });

  it("test_http_and_iroh_sync_interoperability (adapted): a sim client writes and syncs back; an alt-only client then pulls that write", async () => {
    const w = world(124);
    const { server, db, alt } = await twoTransportServer(w, READ);
    const simClient = await w.node("sim-client");
    await grant(db, simClient.instance.id, write(10));
    const { db: copy } = await simClient.sync.bootstrap(server.address, { database: db.id });
    await copy.withTransaction(async (txn) => (await txn.docStore("data")).set("from", "sim"));
    expect((await simClient.sync.syncWithPeer(server.address, db.id)).sent).toBe(1);
    expect((await db.storeState("data")).toPlain()).toEqual({ from: "sim" });

    const altOnly = new AltTransport(w.network, "alt-client");
    const altClient = await bareNode(w, () => [altOnly]);
    const report = await altClient.sync.syncWithPeer(alt.address, db.id);
    expect(report.bootstrap).toBe(true);
    expect(altOnly.sent).toBeGreaterThan(0);
    expect((await (await altClient.instance.openDatabase(db.id)).storeState("data")).toPlain()).toEqual({ from: "sim" });
  });

  it("test_client_only_transports_succeed_without_server: transports never started still reach servers; no address is advertised", async () => {
    const w = world(125);
    const { server, db, alt } = await twoTransportServer(w, READ);
    const client = await bareNode(w, (key) => [new MockTransport(w.network, { name: "client", peerKey: key }), new AltTransport(w.network, "client-alt", key)]);
    expect(client.sync.serverAddresses()).toEqual([]);
    expect(client.sync.createTicket(db.id)).toBe(`eidetica:?db=${db.id}`);
    await client.sync.syncWithPeer(alt.address, db.id);
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set("later", true));
    expect((await client.sync.syncWithPeer(server.address, db.id)).received).toBe(1);
    expect((await (await client.instance.openDatabase(db.id)).storeState("data")).toPlain()).toEqual({ later: true });
  });
});
