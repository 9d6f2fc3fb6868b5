/**
 * Peers and relationships: Eidetica's `peer_management_tests.rs` (spec 6.2), each scenario a
 * named test, plus what this store adds (removal cascades, typed errors, seen resolution).
 */
import { sortedUniqueIds } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { dbOf, http, iroh, keyOf, openStore } from "./support.js";

describe("peer_management_tests", () => {
  it("test_peer_registration: a registered peer is active, with its name and address", async () => {
    const { store, clock } = await openStore();
    const peer = await store.peers.register(keyOf(1), { displayName: "Test Peer", addresses: [http("127.0.0.1:8080")] });
    expect(peer).toEqual({
      pubkey: keyOf(1),
      displayName: "Test Peer",
      addresses: [http("127.0.0.1:8080")],
      status: "active",
      firstSeen: clock.nowMillis(),
      lastSeen: clock.nowMillis(),
      lastSuccessfulSync: null,
      connectionAttempts: 0,
      lastError: null,
    });
    expect(store.peers.get(keyOf(1))).toEqual(peer);
  });

  it("test_peer_registration_without_display_name: active, no name", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    expect(store.peers.get(keyOf(1))).toMatchObject({ status: "active", displayName: null, addresses: [] });
  });

  it("test_update_peer_status: becomes inactive", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    await store.peers.setStatus(keyOf(1), "inactive");
    expect(store.peers.get(keyOf(1))?.status).toBe("inactive");
    expect(store.peers.list({ status: "active" })).toEqual([]);
    expect(store.peers.list({ status: "inactive" }).map((p) => p.pubkey)).toEqual([keyOf(1)]);
  });

  it("test_update_nonexistent_peer_status: NOT_FOUND, nothing written", async () => {
    const { store } = await openStore();
    const tips = await store.database.tips();
    await expect(store.peers.setStatus(keyOf(9), "inactive")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await store.database.tips()).toEqual(tips);
    expect(store.peers.list()).toEqual([]);
  });

  it("test_list_peers: 0, then 2, sorted by key", async () => {
    const { store } = await openStore();
    expect(store.peers.list()).toEqual([]);
    await store.peers.register(keyOf(2));
    await store.peers.register(keyOf(1));
    expect(store.peers.list().map((p) => p.pubkey)).toEqual([keyOf(1), keyOf(2)].sort());
  });

  it("test_remove_peer: the record is gone", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    expect(await store.peers.remove(keyOf(1))).toBe(true);
    expect(store.peers.get(keyOf(1))).toBeUndefined();
    expect(await store.peers.remove(keyOf(1))).toBe(false);
  });

  it("test_add_tree_sync and test_add_multiple_synced_trees: a peer syncs two databases", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    await store.relationships.add(keyOf(1), dbOf("t1"));
    await store.relationships.add(keyOf(1), dbOf("t2"));
    expect(store.relationships.databasesOf(keyOf(1))).toEqual([dbOf("t1"), dbOf("t2")].sort());
  });

  it("test_add_duplicate_synced_tree: listed once, and the second add commits nothing", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    await store.relationships.add(keyOf(1), dbOf("t1"));
    const tips = await store.database.tips();
    await store.relationships.add(keyOf(1), dbOf("t1"));
    expect(await store.database.tips()).toEqual(tips);
    expect(store.relationships.databasesOf(keyOf(1))).toEqual([dbOf("t1")]);
  });

  it("test_remove_tree_sync: the relationship ends", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    await store.relationships.add(keyOf(1), dbOf("t1"));
    expect(await store.relationships.remove(keyOf(1), dbOf("t1"))).toBe(true);
    expect(store.relationships.has(keyOf(1), dbOf("t1"))).toBe(false);
    expect(await store.relationships.remove(keyOf(1), dbOf("t1"))).toBe(false);
  });

  it("test_get_tree_peers: two peers on T1, one on T2", async () => {
    const { store } = await openStore();
    for (const n of [1, 2]) await store.peers.register(keyOf(n));
    await store.relationships.add(keyOf(1), dbOf("t1"));
    await store.relationships.add(keyOf(2), dbOf("t1"));
    await store.relationships.add(keyOf(1), dbOf("t2"));
    expect(store.relationships.peersOf(dbOf("t1"))).toEqual([keyOf(1), keyOf(2)].sort());
    expect(store.relationships.peersOf(dbOf("t2"))).toEqual([keyOf(1)]);
  });

  it("test_is_tree_synced_with_peer", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    expect(store.relationships.has(keyOf(1), dbOf("t1"))).toBe(false);
    await store.relationships.add(keyOf(1), dbOf("t1"));
    expect(store.relationships.has(keyOf(1), dbOf("t1"))).toBe(true);
    expect(store.relationships.has(keyOf(2), dbOf("t1"))).toBe(false);
  });

  it("test_http_address_management: add two, remove one, one left", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1));
    await store.peers.addAddress(keyOf(1), http("127.0.0.1:8080"));
    await store.peers.addAddress(keyOf(1), http("127.0.0.1:8081"));
    await store.peers.addAddress(keyOf(1), http("127.0.0.1:8080"));
    expect(store.peers.get(keyOf(1))?.addresses).toEqual([http("127.0.0.1:8080"), http("127.0.0.1:8081")]);
    await store.peers.removeAddress(keyOf(1), http("127.0.0.1:8080"));
    expect(store.peers.get(keyOf(1))?.addresses).toEqual([http("127.0.0.1:8081")]);
  });

  it("test_iroh_info_management: the same for iroh addresses", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1), { addresses: [iroh("endpointaaa"), iroh("endpointbbb")] });
    await store.peers.removeAddress(keyOf(1), iroh("endpointaaa"));
    expect(store.peers.get(keyOf(1))?.addresses).toEqual([iroh("endpointbbb")]);
  });

  it("test_remove_transport_addresses: removal is filtered by transport kind", async () => {
    const { store } = await openStore();
    await store.peers.register(keyOf(1), { addresses: [http("127.0.0.1:1"), iroh("endpointaaa"), http("127.0.0.1:2")] });
    await store.peers.removeAddresses(keyOf(1), "http");
    expect(store.peers.get(keyOf(1))?.addresses).toEqual([iroh("endpointaaa")]);
  });

  it("test_peer_removal_cleans_all_data: relationships, cursors and retry state go with the peer", async () => {
    const { store, clock } = await openStore();
    await store.peers.register(keyOf(1), { addresses: [http("127.0.0.1:1")] });
    await store.peers.register(keyOf(2));
    for (const db of [dbOf("t1"), dbOf("t2")]) {
      await store.relationships.add(keyOf(1), db);
      await store.cursors.set(keyOf(1), db, [db]);
      await store.retries.set({ peer: keyOf(1), database: db, attempts: 1, nextAttemptAt: clock.nowMillis(), lastError: null });
    }
    await store.relationships.add(keyOf(2), dbOf("t1"));
    await store.peers.remove(keyOf(1));
    expect(store.relationships.databasesOf(keyOf(1))).toEqual([]);
    expect(store.cursors.ofPeer(keyOf(1))).toEqual([]);
    expect(store.retries.list()).toEqual([]);
    // The other peer keeps its relationship.
    expect(store.relationships.peersOf(dbOf("t1"))).toEqual([keyOf(2)]);
  });
});

describe("what the store adds", () => {
  it("a relationship needs a known peer (NOT_FOUND otherwise), and address changes of an unknown peer are NOT_FOUND", async () => {
    const { store } = await openStore();
    await expect(store.relationships.add(keyOf(1), dbOf("t1"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(store.peers.addAddress(keyOf(1), http("x:1"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(store.peers.recordSuccess(keyOf(1))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(store.relationships.list()).toEqual([]);
  });

  it("seeing a peer again within the resolution commits nothing; after it, lastSeen moves", async () => {
    const { store, clock } = await openStore({ seenResolutionMs: 1_000 });
    const first = await store.peers.register(keyOf(1));
    const tips = await store.database.tips();
    clock.advance(999);
    await store.peers.register(keyOf(1));
    expect(await store.database.tips(), "no commit within the resolution").toEqual(tips);
    clock.advance(1);
    const later = await store.peers.register(keyOf(1));
    expect(later.lastSeen).toBe(first.lastSeen + 1_000);
    expect(later.firstSeen).toBe(first.firstSeen);
  });

  it("failures count up and keep the last error; a success resets them", async () => {
    const { store, clock } = await openStore();
    await store.peers.register(keyOf(1));
    await store.peers.recordFailure(keyOf(1), "unreachable");
    await store.peers.recordFailure(keyOf(1), "timeout");
    expect(store.peers.get(keyOf(1))).toMatchObject({ connectionAttempts: 2, lastError: "timeout" });
    await store.peers.recordSuccess(keyOf(1));
    expect(store.peers.get(keyOf(1))).toMatchObject({ connectionAttempts: 0, lastError: null, lastSuccessfulSync: clock.nowMillis() });
  });

  it("setMany records several cursors in one commit, and none when nothing changed", async () => {
    const { store } = await openStore();
    const before = (await store.database.entries()).length;
    await store.cursors.setMany([
      { peer: keyOf(1), database: dbOf("t"), tips: [dbOf("a")] },
      { peer: keyOf(2), database: dbOf("t"), tips: [dbOf("b"), dbOf("a")] },
    ]);
    expect((await store.database.entries()).length).toBe(before + 1);
    expect(store.cursors.get(keyOf(2), dbOf("t"))?.tips).toEqual(sortedUniqueIds([dbOf("b"), dbOf("a")]));
    await store.cursors.setMany([{ peer: keyOf(1), database: dbOf("t"), tips: [dbOf("a")] }]);
    expect((await store.database.entries()).length, "unchanged: no commit").toBe(before + 1);
  });

  it("a cursor that does not change commits nothing", async () => {
    const { store } = await openStore();
    await store.cursors.set(keyOf(1), dbOf("t"), [dbOf("b"), dbOf("a"), dbOf("a")]);
    const tips = await store.database.tips();
    await store.cursors.set(keyOf(1), dbOf("t"), [dbOf("a"), dbOf("b")]);
    expect(await store.database.tips()).toEqual(tips);
    expect(store.cursors.get(keyOf(1), dbOf("t"))?.tips).toHaveLength(2);
  });

  it("bans are timed: active until their end, then gone; lift removes one", async () => {
    const { store, clock } = await openStore();
    await store.bans.ban("address:sim:x.y", 5_000, "64 invalid requests");
    expect(store.bans.active("address:sim:x.y")).toMatchObject({ until: clock.nowMillis() + 5_000, reason: "64 invalid requests" });
    clock.advance(4_999);
    expect(store.bans.list()).toHaveLength(1);
    clock.advance(1);
    expect(store.bans.active("address:sim:x.y")).toBeUndefined();
    await store.bans.ban("key:k", 5_000, "again");
    expect(await store.bans.lift("key:k")).toBe(true);
    expect(store.bans.active("key:k")).toBeUndefined();
  });

  it("database settings default to disabled; an interval must be a positive integer", async () => {
    const { store } = await openStore();
    expect(store.databases.get(dbOf("t"))).toEqual({ syncEnabled: false, syncOnCommit: false, intervalSeconds: null, properties: {} });
    await store.databases.set(dbOf("t"), { syncEnabled: true, syncOnCommit: false, intervalSeconds: 30, properties: { a: "b" } });
    expect(store.databases.isEnabled(dbOf("t"))).toBe(true);
    for (const bad of [0, -1, 1.5]) {
      await expect(store.databases.set(dbOf("u"), { syncEnabled: true, syncOnCommit: false, intervalSeconds: bad, properties: {} })).rejects.toMatchObject({
        code: "MALFORMED",
      });
    }
    expect(store.databases.list().map((d) => d.database)).toEqual([dbOf("t")]);
  });

  it("transport state keeps any JSON value and names with dots", async () => {
    const { store } = await openStore();
    await store.transports.set("iroh.main", { secret_key: "00ff", port: 0 });
    expect(store.transports.get("iroh.main")).toEqual({ secret_key: "00ff", port: 0 });
    expect(store.transports.get("iroh")).toBeUndefined();
    expect(await store.transports.remove("iroh.main")).toBe(true);
  });
});
