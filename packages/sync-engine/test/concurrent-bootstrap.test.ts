/**
 * Concurrent bootstraps (reliability R7): 32 clients bootstrapping one database at once all end
 * with the same entries, with no error and no duplicate peer or relationship rows; two
 * bootstraps of one database from one client join (README: "Concurrent calls for the same
 * database … join the one already running"); concurrent access requests under `autoApprove`
 * are all granted once.
 */
import { READ, seededRandom, write, type Database, type ID, type SigningKey } from "@eidetica/core";
import { autoApprove, type BootstrapResult } from "@eidetica/sync-engine";
import { describe, expect, it } from "vitest";
import { challengeFrom, ctx, signAuth, treeRequest } from "./support/probes.js";
import { keyFromSeed, world, type Node, type World } from "./support/world.js";

const LATENCY = { latency: { fixedMs: 3, jitterMs: 25 } };

async function ids(db: Database): Promise<ID[]> {
  return (await db.entries()).map((e) => e.id).sort();
}

/** A server holding a database of `writes` entries (beyond root and settings), sync enabled. */
async function serverWith(w: World, writes: number, options: Parameters<World["node"]>[1] = {}): Promise<{ server: Node; db: Database }> {
  const server = await w.node("server", options);
  const db = await server.instance.createDatabase({ name: "shared" });
  for (let i = 0; i < writes; i++) await db.withTransaction(async (txn) => (await txn.docStore("items")).set(`item-${i}`, i));
  await server.sync.enableSync(db.id);
  return { server, db };
}

function uniqueRows<T>(rows: readonly T[]): number {
  return new Set(rows.map((r) => JSON.stringify(r))).size;
}

describe("R7: concurrent bootstraps", () => {
  it("32 clients bootstrap the same database at once: identical entry sets, no errors, one peer record each, no duplicate relationships", async () => {
    const w = world(71, LATENCY);
    const { server, db } = await serverWith(w, 40);
    const clients: Node[] = [];
    for (let i = 0; i < 32; i++) clients.push(await w.node(`client-${i}`));
    await db.withTransaction(async (txn) => {
      const settings = await txn.settings();
      for (const c of clients) settings.setAuthKey(c.instance.id, { permission: READ, status: "Active" });
    });
    const expected = await ids(db);
    const ticket = server.sync.createTicket(db.id);

    const outcomes = await Promise.allSettled(clients.map((c) => c.sync.bootstrap(ticket)));
    const failures = outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    for (const [i, outcome] of outcomes.entries()) {
      const result = (outcome as PromiseFulfilledResult<BootstrapResult>).value;
      expect(result.db.id).toBe(db.id);
      expect(result.received, `client-${i}`).toBe(expected.length);
      expect(await ids(result.db), `client-${i}`).toEqual(expected);
      expect((await result.db.storeState("items")).toPlain()).toEqual((await db.storeState("items")).toPlain());
    }

    // Server side: one peer record per client, one relationship row per (client, database).
    const peers = server.sync.store.peers.list().map((p) => p.pubkey).sort();
    expect(peers).toEqual(clients.map((c) => c.instance.id).sort());
    const relationships = server.sync.store.relationships.list();
    expect(relationships).toHaveLength(32);
    expect(uniqueRows(relationships.map((r) => [r.peer, r.database]))).toBe(32);
    expect(server.sync.store.relationships.peersOf(db.id).sort()).toEqual(peers);
    expect(server.sync.handler.stats()).toMatchObject({ errors: 0, internalErrors: 0 });
    // Client side: each knows the server once, and relates it to the database once.
    for (const c of clients) {
      expect(c.sync.store.peers.list().map((p) => p.pubkey)).toEqual([server.instance.id]);
      expect(c.sync.store.relationships.list().map((r) => [r.peer, r.database])).toEqual([[server.instance.id, db.id]]);
      expect(c.sync.pendingRequests()).toEqual([]);
    }
    expect(server.logger.lines.filter((l) => l.level === "error" || l.level === "warn")).toEqual([]);
  });

  it("two bootstraps of one database from one client at once join: one fetch, the same database", async () => {
    const w = world(72, LATENCY);
    const { server, db } = await serverWith(w, 25);
    const baseline = await w.node("baseline");
    const twice = await w.node("twice");
    await db.withTransaction(async (txn) => {
      const settings = await txn.settings();
      settings.setAuthKey(baseline.instance.id, { permission: READ, status: "Active" });
      settings.setAuthKey(twice.instance.id, { permission: READ, status: "Active" });
    });
    const ticket = server.sync.createTicket(db.id);

    // What one bootstrap costs: server requests and messages on the wire.
    let stats = server.sync.handler.stats();
    let sent = w.network.counters().sent;
    await baseline.sync.bootstrap(ticket);
    const one = { handshakes: server.sync.handler.stats().handshakes - stats.handshakes, syncTrees: server.sync.handler.stats().syncTrees - stats.syncTrees, sent: w.network.counters().sent - sent };
    expect(one.syncTrees).toBeGreaterThan(0);

    stats = server.sync.handler.stats();
    sent = w.network.counters().sent;
    const [a, b] = await Promise.all([twice.sync.bootstrap(ticket), twice.sync.bootstrap(server.address, { database: db.id })]);
    const joined = { handshakes: server.sync.handler.stats().handshakes - stats.handshakes, syncTrees: server.sync.handler.stats().syncTrees - stats.syncTrees, sent: w.network.counters().sent - sent };
    expect(joined).toEqual(one);
    expect(a.db.id).toBe(db.id);
    expect(b.db.id).toBe(db.id);
    expect(a.received).toBe(b.received);
    expect(await ids(a.db)).toEqual(await ids(db));
    expect(await ids(b.db)).toEqual(await ids(db));
    expect(await twice.instance.listDatabases()).toEqual([twice.sync.store.databaseId, db.id].sort());
    expect(twice.sync.store.relationships.list()).toHaveLength(1);
    expect(server.sync.store.relationships.list().filter((r) => r.peer === twice.instance.id)).toHaveLength(1);
    // Once done, a new bootstrap call is not joined to the finished one: it syncs (nothing new).
    const again = await twice.sync.bootstrap(ticket);
    expect(again.received).toBe(0);
  });

  it("autoApprove leaves a request stronger than `upTo` pending (control for the concurrent cases)", async () => {
    const w = world(76);
    const { server, db } = await serverWith(w, 2, { approval: autoApprove({ upTo: write(10) }) });
    const client = await w.node("client");
    const error = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: keyFromSeed(90), keyName: "strong", permission: write(5) }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("BOOTSTRAP_PENDING");
    expect(server.sync.pendingRequests(db.id)).toHaveLength(1);
    expect((await db.auth()).permissionOf(keyFromSeed(90).publicKey)).toBeUndefined();
  });

  it("concurrent access requests under autoApprove are each granted once; no request is left pending", async () => {
    const w = world(73, LATENCY);
    const { server, db } = await serverWith(w, 10, { approval: autoApprove({ upTo: write(10) }) });
    const clients: Node[] = [];
    for (let i = 0; i < 12; i++) clients.push(await w.node(`client-${i}`));
    const keys = clients.map((_, i) => keyFromSeed(100 + i));
    const ticket = server.sync.createTicket(db.id);
    // `upTo: write(10)` approves write(10) and weaker (a higher number is a weaker priority).
    const outcomes = await Promise.allSettled(clients.map((c, i) => c.sync.bootstrap(ticket, { requestingKey: keys[i] as SigningKey, keyName: `device-${i}`, permission: write(12) })));
    expect(outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    for (const outcome of outcomes) {
      const result = (outcome as PromiseFulfilledResult<BootstrapResult>).value;
      expect(result.keyApproved).toBe(true);
      expect(result.grantedPermission).toEqual(write(12));
      expect(await ids(result.db)).toEqual(await ids(await server.instance.openDatabase(db.id)));
    }
    const auth = await db.auth();
    for (const key of keys) expect(auth.permissionOf(key.publicKey)).toEqual(write(12));
    const requests = server.sync.store.requests.list({ database: db.id });
    expect(requests).toHaveLength(12);
    expect(requests.every((r) => r.status.state === "approved")).toBe(true);
    expect(new Set(requests.map((r) => r.requestingKey)).size).toBe(12);
    expect(server.sync.pendingRequests()).toEqual([]);
    expect(server.logger.lines.filter((l) => l.level === "warn" || l.level === "error")).toEqual([]);
    // The granted keys write, and the writes reach the server.
    const first = outcomes[0] as PromiseFulfilledResult<BootstrapResult>;
    await first.value.db.withTransaction(async (txn) => (await txn.docStore("items")).set("from device-0", true));
    await clients[0]?.sync.syncWithPeer(server.address, db.id, { signingKey: keys[0] as SigningKey });
    expect((await db.storeState("items")).toPlain()).toMatchObject({ "from device-0": true });
  });

  it("the same requesting key asked for from two devices at once under autoApprove: both granted, one request", async () => {
    const w = world(74, LATENCY);
    const { server, db } = await serverWith(w, 5, { approval: autoApprove({ upTo: write(10) }) });
    const phone = await w.node("phone");
    const laptop = await w.node("laptop");
    const key = keyFromSeed(77);
    const ticket = server.sync.createTicket(db.id);
    const outcomes = await Promise.allSettled([phone, laptop].map((c) => c.sync.bootstrap(ticket, { requestingKey: key, keyName: "user", permission: write(10) })));
    const errors = outcomes.filter((o) => o.status === "rejected").map((o) => `${(o as PromiseRejectedResult).reason as string}`);
    expect(errors).toEqual([]);
    expect((await db.auth()).permissionOf(key.publicKey)).toEqual(write(10));
    for (const o of outcomes) expect((o as PromiseFulfilledResult<BootstrapResult>).value.grantedPermission).toEqual(write(10));
    const requests = server.sync.store.requests.list({ database: db.id });
    expect(requests.filter((r) => r.status.state === "pending")).toEqual([]);
    expect(requests.filter((r) => r.status.state === "approved").length).toBeGreaterThanOrEqual(1);
    expect(server.logger.lines.filter((l) => l.level === "warn" || l.level === "error")).toEqual([]);
  });

  it("the handler answering the same access request twice at the same moment under autoApprove grants both", async () => {
    const w = world(77);
    const { server, db } = await serverWith(w, 3, { approval: autoApprove({ upTo: write(10) }) });
    const key = keyFromSeed(79);
    const random = seededRandom(79);
    const request = async () => {
      const challenge = await challengeFrom(server.sync, ctx("device"), key.publicKey, random);
      return treeRequest(db.id, [], signAuth(key, server.instance.id, db.id, [], w.clock.nowMillis(), challenge), {
        requestingKey: key.publicKey,
        requestingKeyName: "user",
        requestedPermission: write(10),
      });
    };
    const [a, b] = [await request(), await request()];
    const answers = await Promise.all([server.sync.handler.handle(a, ctx("phone")), server.sync.handler.handle(b, ctx("laptop"))]);
    expect.soft(answers.map((r) => (r.kind === "Bootstrap" ? [r.kind, r.bootstrap.keyApproved] : [r.kind, JSON.stringify(r)]))).toEqual([
      ["Bootstrap", true],
      ["Bootstrap", true],
    ]);
    expect.soft((await db.auth()).permissionOf(key.publicKey)).toEqual(write(10));
    expect.soft(server.sync.pendingRequests(db.id)).toEqual([]);
    expect.soft(server.logger.lines.filter((l) => l.level === "warn" || l.level === "error").map((l) => `${l.message} ${JSON.stringify(l.fields)}`)).toEqual([]);
  });

  it("under manual approval, the same request from four devices at once is one pending request", async () => {
    const w = world(75, LATENCY);
    const { server, db } = await serverWith(w, 5);
    const devices: Node[] = [];
    for (let i = 0; i < 4; i++) devices.push(await w.node(`device-${i}`));
    const key = keyFromSeed(78);
    const ticket = server.sync.createTicket(db.id);
    const outcomes = await Promise.allSettled(devices.map((d) => d.sync.bootstrap(ticket, { requestingKey: key, keyName: "user", permission: write(5) })));
    const codes = outcomes.map((o) => (o.status === "rejected" ? (o.reason as { code?: string }).code : "fulfilled"));
    expect(codes).toEqual(["BOOTSTRAP_PENDING", "BOOTSTRAP_PENDING", "BOOTSTRAP_PENDING", "BOOTSTRAP_PENDING"]);
    const pending = server.sync.pendingRequests(db.id);
    expect(pending).toHaveLength(1);
    const requestIds = outcomes.map((o) => (o as PromiseRejectedResult).reason as { requestId: string }).map((e) => e.requestId);
    expect(new Set(requestIds)).toEqual(new Set([pending[0]?.id]));
    for (const d of devices) expect(await d.instance.listDatabases()).toEqual([d.sync.store.databaseId]);
    // Approving it lets every device in.
    await server.sync.approveRequest(pending[0]?.id ?? "");
    for (const d of devices) expect((await d.sync.bootstrap(ticket, { requestingKey: key, keyName: "user", permission: write(5) })).keyApproved).toBe(true);
  });
});
