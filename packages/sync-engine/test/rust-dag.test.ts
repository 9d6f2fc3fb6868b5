/**
 * Ports of dag_sync_tests.rs (spec 6.2): the "missing entries" computations use
 * `missingEntries` from @eidetica/core on real backends, and each is followed by a real sync
 * over the mock transport. Unlike Rust (spec 5.7), the missing set is exact: after a fork or
 * with an unknown tip nothing the peer holds is counted (README "What differs").
 * The HTTP and iroh tests are not ported (no such transports here).
 *
 * The databases are created with a key both nodes hold (`SHARED`), so a node holding only the
 * root can still prove a reader, and every entry is a data write: the chains are exactly
 * root + writes, as in Rust.
 */
import { READ, Transaction, missingEntries, seededRandom, type Database, type Entry, type ID } from "@eidetica/core";
import { seedHint, testSeed } from "@eidetica/test-kit";
import { describe, expect, it } from "vitest";
import { shuffle } from "./support/cluster.js";
import { keyFromSeed, world, type Node } from "./support/world.js";

const SHARED = keyFromSeed(222);

/** Two nodes; node 1 holds a database signed by SHARED and serves it (readable by anyone if `open`). */
async function pair(seed: number, open = false): Promise<{ n1: Node; n2: Node; db: Database }> {
  const w = world(seed);
  const n1 = await w.node("node1");
  const n2 = await w.node("node2");
  const db = await n1.instance.createDatabase({ name: "dag", signingKey: SHARED });
  if (open) await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: READ, status: "Active" }));
  await n1.sync.enableSync(db.id);
  return { n1, n2, db };
}

function commit(db: Database, key: string, value: number | string): Promise<ID> {
  return db.withTransaction(async (txn) => (await txn.docStore("data")).set(key, value));
}

/** A commit on top of `parents` only (a branch). */
async function commitOn(db: Database, parents: readonly ID[], key: string, value: number | string): Promise<ID> {
  const txn = await Transaction.begin(db, parents);
  (await txn.docStore("data")).set(key, value);
  return txn.commit();
}

/** Copies entries of `db` from one node to another by ingest, as a received batch. */
async function copy(from: Node, to: Node, db: ID, ids: readonly ID[]): Promise<void> {
  const entries = (await from.instance.backend.getEntries(ids)).map((e) => e as Entry);
  const result = await to.instance.ingest(db, entries, { from: from.instance.id });
  expect(result.rejected).toBe(0);
}

const idsOf = (entries: readonly Entry[]) => entries.map((e) => e.id);

describe("dag_sync_tests.rs", () => {
  it("test_dag_sync_linear_chain: root + 4 on node 1 and only the root on node 2: 4 are missing, parents first, and a sync brings exactly those", async () => {
    const { n1, n2, db } = await pair(401);
    const chain: ID[] = [db.id];
    for (let i = 1; i <= 4; i++) chain.push(await commit(db, `k${i}`, i));
    for (let i = 1; i < chain.length; i++) expect((await db.entry(chain[i] as ID))?.parents).toEqual([chain[i - 1]]);
    await copy(n1, n2, db.id, [db.id]);
    const tips2 = await n2.instance.backend.treeTips(db.id);
    expect(tips2).toEqual([db.id]);

    const missing = await missingEntries(n1.instance.backend, db.id, await db.tips(), tips2);
    expect(idsOf(missing)).toEqual(chain.slice(1));

    const report = await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED });
    expect(report).toMatchObject({ bootstrap: false, received: 4, sent: 0 });
    expect(await n2.instance.backend.treeTips(db.id)).toEqual([chain[4]]);
  });

  it("test_dag_sync_branching_structure: root, two branches, a merge; the structure and every missing set are exact", async () => {
    const { n1, n2, db } = await pair(402);
    const b1 = await commitOn(db, [db.id], "left", 1);
    const b2 = await commitOn(db, [db.id], "right", 2);
    expect((await db.tips()).sort()).toEqual([b1, b2].sort());
    const merge = await commit(db, "merged", 3);
    const [e1, e2, em] = await Promise.all([db.entry(b1), db.entry(b2), db.entry(merge)]);
    expect(e1?.parents).toEqual([db.id]);
    expect(e2?.parents).toEqual([db.id]);
    expect(em?.parents).toEqual([b1, b2].sort());
    expect(em?.height).toBe(Math.max(e1?.height ?? 0, e2?.height ?? 0) + 1);

    const backend = n1.instance.backend;
    const missing = (peer: readonly ID[]) => missingEntries(backend, db.id, [merge], peer).then(idsOf);
    const branches = [e1, e2].map((e) => e as Entry).sort((a, b) => a.height - b.height || (a.id < b.id ? -1 : 1));
    expect((await missing([db.id])).slice(2)).toEqual([merge]);
    expect((await missing([db.id])).slice(0, 2).sort()).toEqual(idsOf(branches).sort());
    expect(await missing([b1])).toEqual([b2, merge]);
    expect(await missing([b2])).toEqual([b1, merge]);
    expect(await missing([b1, b2])).toEqual([merge]);
    expect(await missing([merge])).toEqual([]);

    await copy(n1, n2, db.id, [db.id, b1]);
    const report = await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED });
    expect(report.received).toBe(2);
    expect(await n2.instance.backend.treeTips(db.id)).toEqual([merge]);
    expect((await (await n2.instance.openDatabase(db.id)).storeState("data")).toPlain()).toEqual({ left: 1, right: 2, merged: 3 });
  });

  it("test_dag_sync_partial_overlap: node 2 holds the first 3 of a 6-entry chain; the last 3 are missing and a sync sends only those", async () => {
    const { n1, n2, db } = await pair(403);
    const chain: ID[] = [db.id];
    for (let i = 1; i < 6; i++) chain.push(await commit(db, `k${i}`, i));
    await copy(n1, n2, db.id, chain.slice(0, 3));

    const missing = await missingEntries(n1.instance.backend, db.id, await db.tips(), await n2.instance.backend.treeTips(db.id));
    expect(idsOf(missing)).toEqual(chain.slice(3));
    // Nothing is missing the other way (node 2's tip is known to node 1).
    expect(await missingEntries(n1.instance.backend, db.id, await n2.instance.backend.treeTips(db.id), await db.tips())).toEqual([]);

    const report = await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED });
    expect(report).toMatchObject({ received: 3, sent: 0 });
    expect(idsOf(await (await n2.instance.openDatabase(db.id)).entries())).toEqual(chain);
  });

  it("test_dag_sync_entry_ordering: entries arriving one by one in a seeded random order all end up stored, with their parent links intact", async () => {
    const { n1, n2, db } = await pair(404);
    const rng = seededRandom(testSeed());
    // A small DAG with forks and merges.
    let tips = [db.id];
    for (let i = 0; i < 10; i++) {
      const base = tips[rng.nextU32() % tips.length] as ID;
      if (rng.nextU32() % 3 === 0) await commitOn(db, [base], `b${i}`, i);
      else await commit(db, `c${i}`, i);
      tips = await db.tips();
    }
    const all = await db.entries();
    const order = shuffle(all, () => rng.nextFloat());
    const hint = ` (arrival order ${order.map((e) => all.indexOf(e)).join(",")})${seedHint()}`;

    for (const entry of order) {
      const result = await n2.instance.ingest(db.id, [entry], { from: n1.instance.id });
      expect(result.rejected, hint).toBe(0);
    }

    for (const entry of all) {
      const stored = await n2.instance.backend.getEntry(entry.id);
      expect(stored?.id, hint).toBe(entry.id);
      expect(stored?.parents, hint).toEqual(entry.parents);
      for (const parent of entry.parents) expect(await n2.instance.backend.hasEntry(parent), hint).toBe(true);
    }
    expect(n2.instance.quarantineStatus().entries, hint).toBe(0);
    expect(await n2.instance.backend.treeTips(db.id), hint).toEqual(await db.tips());
    expect((await (await n2.instance.openDatabase(db.id)).storeState("data")).toPlain(), hint).toEqual((await db.storeState("data")).toPlain());
    // And a sync finds nothing left to move.
    expect(await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED }), hint).toMatchObject({ received: 0, sent: 0 });
  });

  it("test_dag_sync_empty_sets: empty tips on either side, equal tips, and unknown peer tips", async () => {
    const { n1, n2, db } = await pair(405);
    const a = await commit(db, "a", 1);
    const b = await commit(db, "b", 2);
    const backend = n1.instance.backend;
    const tips = await db.tips();
    expect(await missingEntries(backend, db.id, [], [])).toEqual([]);
    expect(await missingEntries(backend, db.id, [], tips)).toEqual([]);
    expect(idsOf(await missingEntries(backend, db.id, tips, []))).toEqual([db.id, a, b]);
    expect(await missingEntries(backend, db.id, tips, tips)).toEqual([]);
    // A tip this backend does not hold is ignored, not walked around.
    const unknown: ID = "bafyr4iaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    expect(idsOf(await missingEntries(backend, db.id, tips, [unknown]))).toEqual([db.id, a, b]);
    expect(idsOf(await missingEntries(backend, db.id, tips, [unknown, a]))).toEqual([b]);

    await n2.sync.bootstrap(n1.address, { database: db.id, requestingKey: SHARED });
    expect(await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED })).toMatchObject({ received: 0, sent: 0 });
  });

  it("test_sync_flow_integration: tips 1 versus none; a syncWithPeer signed with a granted key copies everything (README: signingKey signs the reads, also of the bootstrap it starts)", async () => {
    const { n1, n2, db } = await pair(406);
    for (let i = 0; i < 3; i++) await commit(db, `k${i}`, i);
    expect(await db.tips()).toHaveLength(1);
    expect(await n2.instance.backend.treeTips(db.id)).toEqual([]);

    const report = await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED });

    expect(report).toMatchObject({ bootstrap: true, received: 4 });
    expect(idsOf(await (await n2.instance.openDatabase(db.id)).entries())).toEqual(idsOf(await db.entries()));
  });

  it("test_bidirectional_sync_flow: two chains from a shared root; one sync moves exactly each side's new entries both ways", async () => {
    const { n1, n2, db } = await pair(407);
    const shared = await commit(db, "shared", 0);
    await n2.sync.bootstrap(n1.address, { database: db.id, requestingKey: SHARED });
    const mine = await n2.instance.openDatabase(db.id, { signingKey: SHARED });
    const left: ID[] = [];
    const right: ID[] = [];
    for (let i = 0; i < 3; i++) left.push(await commit(db, `n1_${i}`, i));
    for (let i = 0; i < 2; i++) right.push(await commit(mine, `n2_${i}`, i));

    // Exact, even though the peer's tip is not an ancestor of ours (Rust walks to the root).
    expect(idsOf(await missingEntries(n1.instance.backend, db.id, await db.tips(), [right[1] as ID, shared]))).toEqual(left);
    const report = await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED });

    expect(report).toMatchObject({ received: 3, sent: 2 });
    for (const node of [n1, n2]) {
      for (const id of [...left, ...right]) expect(await node.instance.backend.hasEntry(id), node.name).toBe(true);
    }
    expect(await n2.instance.backend.treeTips(db.id)).toEqual(await db.tips());
    expect((await db.tips()).sort()).toEqual([left[2], right[1]].sort());
  });

  it("test_real_sync_transport_setup: connecting registers the peer with its display name and sim address on both sides; a push of 3 entries lands", async () => {
    const { n1, n2, db } = await pair(408);
    const peer = await n2.sync.connect(n1.address);
    expect(peer).toMatchObject({ pubkey: n1.instance.id, displayName: "Eidetica Peer", addresses: [{ transportType: "sim", address: "node1" }] });
    expect(n1.sync.store.peers.get(n2.instance.id)?.addresses).toContainEqual({ transportType: "sim", address: "node2" });

    await n2.sync.bootstrap(n1.address, { database: db.id, requestingKey: SHARED });
    const mine = await n2.instance.openDatabase(db.id, { signingKey: SHARED });
    const pushed = [await commit(mine, "x", 1), await commit(mine, "y", 2), await commit(mine, "z", 3)];
    const report = await n2.sync.syncWithPeer(n1.address, db.id, { signingKey: SHARED });

    expect(report.sent).toBe(3);
    for (const id of pushed) expect(await n1.instance.backend.getStatus(id)).toBe("verified");
    expect(n1.sync.handler.stats().pushes).toBe(1);
  });

  it("test_sync_protocol_implementation: a public database; a bootstrap through syncWithPeer, one more write, an incremental sync: both values readable on the client", async () => {
    const { n1, n2, db } = await pair(409, true);
    await commit(db, "first", "one");
    const first = await n2.sync.syncWithPeer(n1.address, db.id);
    expect(first.bootstrap).toBe(true);
    await commit(db, "second", "two");
    const second = await n2.sync.syncWithPeer(n1.address, db.id);
    expect(second).toMatchObject({ bootstrap: false, received: 1 });
    expect((await (await n2.instance.openDatabase(db.id)).storeState("data")).toPlain()).toEqual({ first: "one", second: "two" });
  });
});
