/**
 * Ported from Eidetica's Rust tests (spec 6.2): ticket_sync_tests.rs, over the mock
 * transport (Rust uses HTTP; `127.0.0.1:1` becomes a sim address no node serves, and
 * HTTP+Iroh becomes the sim transport plus a second transport kind, `alt`).
 */
import { READ, write } from "@eidetica/core";
import { formatTicket, parseTicket, type Address } from "@eidetica/protocol";
import { AllAddressesFailedError, autoApprove } from "@eidetica/sync-engine";
import { describe, expect, it } from "vitest";
import { AltTransport, bareNode, rustServer, stored } from "./support/rust-a.js";
import { keyFromSeed, world } from "./support/world.js";

const NOBODY: Address = { transportType: "sim", address: "nobody-listens-here" };
const NOBODY_2: Address = { transportType: "sim", address: "nobody-listens-here-either" };

describe("ticket_sync_tests.rs", () => {
  it("test_create_ticket_round_trip: the ticket names the database and the running server, and parses back identically", async () => {
    const { server, db } = await rustServer(world(61), { global: READ });
    const ticket = server.sync.createTicket(db.id);
    expect(ticket).toBe(`eidetica:?db=${db.id}&pr=sim:server`);
    const parsed = parseTicket(ticket);
    expect(parsed).toEqual({ database: db.id, addresses: [server.address] });
    expect(formatTicket(parsed)).toBe(ticket);
  });

  it("test_sync_with_ticket_happy_path: bootstrapping from a ticket brings the root and the server's tips", async () => {
    const w = world(62);
    const { server, db } = await rustServer(w, { global: READ });
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set("k", "v"));
    const client = await w.node("client");
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id));
    expect(result.db.id).toBe(db.id);
    expect(await client.instance.backend.hasEntry(db.id)).toBe(true);
    const tips = await result.db.tips();
    expect(tips.length).toBeGreaterThan(0);
    expect(tips).toEqual(await db.tips());
    expect(result).toMatchObject({ bootstrap: true, received: (await db.entries()).length, address: server.address });
  });

  it("test_sync_with_ticket_mixed_addresses: an unreachable address first, then the real one, succeeds", async () => {
    const w = world(63);
    const { server, db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    const ticket = formatTicket({ database: db.id, addresses: [NOBODY, server.address] });
    const result = await client.sync.bootstrap(ticket);
    expect(result.address).toEqual(server.address);
    expect(await result.db.tips()).toEqual(await db.tips());
  });

  it("test_sync_with_ticket_all_addresses_fail: every address unreachable is ALL_ADDRESSES_FAILED, each failure named, nothing stored", async () => {
    const w = world(64);
    const { db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    const before = await stored(client.sync);
    const error = await client.sync.bootstrap(formatTicket({ database: db.id, addresses: [NOBODY, NOBODY_2] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllAddressesFailedError);
    expect(error).toMatchObject({ code: "ALL_ADDRESSES_FAILED" });
    const failures = (error as AllAddressesFailedError).failures;
    expect(failures.map((f) => f.address)).toEqual([NOBODY, NOBODY_2]);
    expect(failures.map((f) => f.error.code)).toEqual(["TRANSPORT", "TRANSPORT"]);
    expect(await client.instance.listDatabases()).toEqual([client.sync.store.databaseId]);
    expect(await stored(client.sync)).toEqual(before);
  });

  it("test_sync_with_ticket_empty_addresses: a ticket without addresses is NO_ADDRESS, mentioning the missing hints", async () => {
    const w = world(65);
    const { db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    const before = await stored(client.sync);
    const attempt = client.sync.bootstrap(formatTicket({ database: db.id, addresses: [] }));
    await expect(attempt).rejects.toMatchObject({ code: "NO_ADDRESS" });
    await expect(attempt).rejects.toThrow(/no address hints/);
    expect(await stored(client.sync)).toEqual(before);
  });

  it("test_bootstrap_with_ticket_authenticated: on an auto-approving server a keyed request from a ticket is granted Write(5)", async () => {
    const w = world(66);
    const { server, db } = await rustServer(w, { approval: autoApprove() });
    const client = await w.node("client");
    const laptop = keyFromSeed(66);
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop", permission: write(5) });
    expect(result).toMatchObject({ keyApproved: true, grantedPermission: write(5) });
    expect(await client.instance.backend.hasEntry(db.id)).toBe(true);
    expect(await result.db.tips()).toEqual(await db.tips());
    expect((await db.auth()).key(laptop.publicKey)).toEqual({ name: "laptop", permission: write(5), status: "Active" });
    expect(server.sync.store.requests.list().map((r) => r.status.state)).toEqual(["approved"]);
    // The granted key writes, and the write syncs back.
    await result.db.withTransaction(async (txn) => (await txn.docStore("data")).set("from", "laptop"));
    await client.sync.syncWithPeer(server.address, db.id, { signingKey: laptop });
    expect((await db.storeState("data")).toPlain()).toEqual({ from: "laptop" });
  });

  it("test_create_ticket_no_servers_running: a transport registered but not started gives a ticket with the database and no address", async () => {
    const w = world(67);
    const node = await w.node("idle", { serve: false });
    const db = await node.instance.createDatabase({ name: "idle" });
    await node.sync.enableSync(db.id);
    const ticket = node.sync.createTicket(db.id);
    expect(ticket).toBe(`eidetica:?db=${db.id}`);
    expect(parseTicket(ticket)).toEqual({ database: db.id, addresses: [] });
  });

  it("test_create_ticket_multiple_transports: two transport kinds give one hint each, which round-trip and each lead to the server", async () => {
    const w = world(68);
    const { server, db } = await rustServer(w, { global: READ });
    const alt = new AltTransport(w.network, "server-alt", server.instance.id);
    server.sync.addTransport(alt);
    await server.sync.startServers();
    const ticket = server.sync.createTicket(db.id);
    expect(ticket).toBe(`eidetica:?db=${db.id}&pr=sim:server&pr=alt:server-alt`);
    expect(parseTicket(ticket).addresses).toEqual([server.address, alt.address]);
    expect(formatTicket(parseTicket(ticket))).toBe(ticket);
    // A client with only the alt transport skips the sim hint (NO_TRANSPORT) and uses the alt one.
    const clientAlt = new AltTransport(w.network, "client-alt", undefined);
    const client = await bareNode(w, () => [clientAlt]);
    const result = await client.sync.bootstrap(ticket);
    expect(result.address).toEqual(alt.address);
    expect(clientAlt.sent).toBeGreaterThan(0);
    expect(await result.db.tips()).toEqual(await db.tips());
  });
});
