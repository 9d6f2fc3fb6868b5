/**
 * Bootstrap requests: stored, listed, decided once, bounded per database (boundary test at
 * the limit), and unreadable rows in `_sync` are left out, counted and reported.
 */
import { admin, write } from "@eidetica/core";
import { MAX_PENDING_PER_DATABASE, type NewBootstrapRequest } from "@eidetica/peer-store";
import { describe, expect, it } from "vitest";
import { dbOf, keyOf, openStore, reopen } from "./support.js";

const requestFor = (n: number, database = dbOf("db")): NewBootstrapRequest => ({
  database,
  requestingKey: keyOf(n % 250),
  keyName: `key ${n}`,
  permission: write(n),
  peerKey: keyOf(1),
  peerAddress: { transportType: "sim", address: "sim-peer-1" },
  metadata: { children: { device: { Text: "laptop" } } },
});

describe("bootstrap requests", () => {
  it("a request is pending with its fields, then approved or rejected exactly once", async () => {
    const { store, clock } = await openStore();
    const request = await store.requests.add(requestFor(5));
    expect(request).toMatchObject({ ...requestFor(5), requestedAt: clock.nowMillis(), status: { state: "pending" } });
    expect(request.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    clock.advance(10);
    const approved = await store.requests.decide(request.id, "approved", keyOf(1));
    expect(approved.status).toEqual({ state: "approved", by: keyOf(1), at: clock.nowMillis() });
    await expect(store.requests.decide(request.id, "approved", keyOf(1))).rejects.toMatchObject({ code: "INVALID_STATE" });
    await expect(store.requests.decide(request.id, "rejected", keyOf(1))).rejects.toMatchObject({ code: "INVALID_STATE" });
    await expect(store.requests.decide("no-such-id", "approved", keyOf(1))).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(store.requests.list({ state: "pending" })).toEqual([]);
    expect(store.requests.list({ state: "approved" }).map((r) => r.id)).toEqual([request.id]);
  });

  it("lists by state and database, oldest first", async () => {
    const { store, clock } = await openStore();
    const a = await store.requests.add(requestFor(1, dbOf("a")));
    clock.advance(1);
    const b = await store.requests.add(requestFor(2, dbOf("b")));
    clock.advance(1);
    const c = await store.requests.add(requestFor(3, dbOf("a")));
    await store.requests.decide(c.id, "rejected", keyOf(1));
    expect(store.requests.list().map((r) => r.id)).toEqual([a.id, b.id, c.id]);
    expect(store.requests.list({ database: dbOf("a") }).map((r) => r.id)).toEqual([a.id, c.id]);
    expect(store.requests.list({ state: "pending", database: dbOf("a") }).map((r) => r.id)).toEqual([a.id]);
  });

  it(`keeps at most ${MAX_PENDING_PER_DATABASE} pending requests per database: limit - 1 and limit are stored, limit + 1 is LIMIT_EXCEEDED`, async () => {
    const { store } = await openStore();
    for (let n = 0; n < MAX_PENDING_PER_DATABASE - 1; n++) await store.requests.add({ ...requestFor(n), permission: write(n) });
    expect(store.requests.list({ state: "pending" })).toHaveLength(MAX_PENDING_PER_DATABASE - 1);
    await store.requests.add({ ...requestFor(5_000), permission: admin(1) });
    expect(store.requests.list({ state: "pending" })).toHaveLength(MAX_PENDING_PER_DATABASE);
    const tips = await store.database.tips();
    await expect(store.requests.add({ ...requestFor(5_001), permission: admin(2) })).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(await store.database.tips(), "nothing written").toEqual(tips);
    // Another database has its own budget, and a decided request frees a place.
    await store.requests.add(requestFor(1, dbOf("other")));
    const [oldest] = store.requests.list({ state: "pending", database: dbOf("db") });
    await store.requests.decide(oldest?.id ?? "", "rejected", keyOf(1));
    await store.requests.add({ ...requestFor(5_002), permission: admin(3) });
  });
});

describe("unreadable rows", () => {
  it("a row that is not JSON, or not a record, is left out, counted and reported; the rest loads", async () => {
    const { store, backend, clock } = await openStore();
    await store.peers.register(keyOf(1));
    await store.peers.register(keyOf(2));
    // Damage two rows behind the store's back, as another writer or an old version might.
    await store.database.withTransaction(async (txn) => {
      (await txn.table<unknown>("peers")).set("bogus", { pubkey: 7 });
      (await txn.docStore("bans")).set("garbled", "{not json");
    });
    const reported: unknown[] = [];
    const restarted = await reopen(backend, clock, { onInvalidRow: (error) => reported.push(error) });
    expect(restarted.invalidRows).toBe(2);
    expect(reported.map((e) => (e as { code?: string }).code ?? (e as Error).name)).toEqual(expect.arrayContaining(["MALFORMED", "SyntaxError"]));
    expect(restarted.peers.list().map((p) => p.pubkey)).toEqual([keyOf(1), keyOf(2)].sort());
  });
});
