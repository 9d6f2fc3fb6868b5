/**
 * The quarantine of the "verify before visible" ingest path (DESIGN 4.2, reliability E7):
 * entries whose parents or pinned settings are not held wait invisibly, bounded per peer by
 * count and bytes and by a one-hour TTL, and are promoted exactly once when what they wait for
 * arrives, in any order, from any peer.
 */
import { describe, expect, it } from "vitest";
import { Transaction, pinOf, seededRandom, write, type Entry, type ID, type IngestStatus } from "../../src/index.js";
import { closureOf, docWith, forgeEntry, withSignatureBitFlipped } from "../../src/testing/index.js";
import { commitGrant, expectAllStored, makeServer, receiverWith, type Server } from "./support/fixture.js";
import { expectNotHeld, expectRejected, keyFromSeed, makeNode, shuffle, storeDigest, verdictOf } from "./support/harness.js";

const HOUR = 60 * 60 * 1000;

/**
 * A 30-entry history with forks and merges, built deterministically: notes written by the
 * Admin and by a Write key K (granted early, so K writes only where the grant is an ancestor),
 * and settings changes on several branches (so entries pin settings with more than one tip).
 */
async function forkedHistory(): Promise<{ server: Server; all: Entry[] }> {
  const server = await makeServer(1, "forked");
  const { db } = server;
  const k = keyFromSeed(12);
  const grant = await commitGrant(db, k.publicKey, write(1));
  // Two concurrent settings changes, so later entries pin (and settings entries merge) a fork.
  for (const name of ["left", "right"]) {
    const txn = await Transaction.begin(db, [grant.id]);
    (await txn.settings()).set(name, 1);
    await txn.commit();
  }
  const random = seededRandom(77);
  const pick = <T>(items: readonly T[]): T => items[random.nextU32() % items.length] as T;
  for (let step = 0; (await db.instance.backend.countEntries(db.id)) < 30; step++) {
    const all = await db.entries();
    const tips = await db.tips();
    const shape = all.length >= 28 ? 0 : random.nextU32() % 3; // end on forks: several tips
    const parents = shape === 0 ? [pick(all).id] : shape === 1 ? tips.slice(0, 3) : [pick(tips)];
    const pool = new Map(all.map((e) => [e.id, e]));
    const grantSeen = closureOf(pool, parents).some((e) => e.id === grant.id);
    const settings = step % 4 === 3;
    const author = !settings && grantSeen && random.nextU32() % 2 === 0 ? db.withKey(k) : db;
    const txn = await Transaction.begin(author, parents);
    if (settings) (await txn.settings()).set(`branch${step}`, step);
    else (await txn.docStore("notes")).set(`n${random.nextU32() % 8}`, step);
    await txn.commit();
  }
  return { server, all: await server.db.entries() };
}

describe("quarantine: arrival order", () => {
  it("any arrival order (50 seeded permutations, random batch sizes, 3 peers) stores all 30 entries with the source's tips and one remote event per entry", async () => {
    const { server, all } = await forkedHistory();
    const db = server.db.id;
    expect(all).toHaveLength(30);
    const sourceTips = await server.db.tips();
    expect(sourceTips.length).toBeGreaterThan(1); // the history really forks
    const k = keyFromSeed(12).publicKey;
    expect(all.some((e) => "Direct" in e.sig.key && e.sig.key.Direct.hint.pubkey === k)).toBe(true); // K writes too
    expect(all.some((e) => e.parents.length > 1)).toBe(true); // and merges
    expect(all.some((e) => pinOf(e).length > 1)).toBe(true); // some entries pin forked settings
    expect(all.some((e) => e.storeParents("_settings").length > 1)).toBe(true); // settings merge too
    const states = Object.fromEntries(
      await Promise.all(["notes", "_settings"].map(async (s) => [s, (await server.db.storeState(s)).toPlain()] as const)),
    );

    for (let seed = 1; seed <= 50; seed++) {
      const order = shuffle(all, seed);
      const sizes = seededRandom(seed + 1000);
      const rx = await makeNode(100 + seed);
      const statuses = new Map<ID, IngestStatus>();
      for (let i = 0; i < order.length; ) {
        const batch = order.slice(i, i + 1 + (sizes.nextU32() % 4));
        i += batch.length;
        const result = await rx.instance.ingest(db, batch, { from: `peer${sizes.nextU32() % 3}` });
        for (const verdict of result.verdicts) statuses.set(verdict.id, verdict.status);
      }
      const context = `seed ${seed}`;
      expect([...statuses.values()].every((s) => s === "stored" || s === "quarantined"), context).toBe(true);
      expect(await rx.backend.countEntries(db), context).toBe(30);
      expect(await rx.backend.treeTips(db), context).toEqual(sourceTips);
      expect(rx.instance.quarantineStatus(), context).toMatchObject({ entries: 0, bytes: 0, evicted: 0, expired: 0 });

      // Each entry in exactly one remote event, and every event lists parents first.
      const seen = new Set<ID>();
      for (const event of rx.events) {
        expect(event.source).toBe("remote");
        for (const id of event.ids) {
          expect(seen.has(id), `${context}: ${id} notified twice`).toBe(false);
          const entry = all.find((e) => e.id === id) as Entry;
          for (const parent of entry.parents) expect(seen.has(parent), `${context}: parent first`).toBe(true);
          seen.add(id);
        }
      }
      expect(seen.size, context).toBe(30);
      const rxDb = await rx.instance.openDatabase(db);
      for (const store of ["notes", "_settings"]) expect((await rxDb.storeState(store)).toPlain(), context).toEqual(states[store]);
    }
  });
});

/** A server entry P that the receiver lacks, and `count` sibling orphans naming P, all the same size. */
async function siblings(count: number): Promise<{ server: Server; db: ID; root: Entry; p: Entry; orphans: Entry[] }> {
  const server = await makeServer(1);
  const db = server.db.id;
  const txn = await server.db.newTransaction();
  (await txn.docStore("notes")).set("p", 1);
  const p = (await server.db.entry(await txn.commit())) as Entry;
  const all = await server.db.entries();
  const orphans = Array.from({ length: count }, (_, i) =>
    forgeEntry({ root: db, pool: all, parents: [p.id], writes: { notes: docWith(`s${String(i).padStart(2, "0")}`, 1) }, signer: server.admin }),
  );
  expect(new Set(orphans.map((o) => o.encodedLength)).size).toBe(1);
  return { server, db, root: all[0] as Entry, p, orphans };
}

describe("quarantine: limits per peer", () => {
  const N = 5;

  for (const count of [N - 1, N, N + 1]) {
    it(`entriesPerPeer = ${N}: ${count} orphans in one batch keep ${Math.min(count, N)} waiting and evict ${Math.max(0, count - N)} (the oldest)`, async () => {
      const { db, root, p, orphans } = await siblings(count);
      const rxSmall = await makeNode(3, { quarantine: { entriesPerPeer: N } });
      expectAllStored(await rxSmall.instance.ingest(db, [root], { from: "origin" }));
      const before = await storeDigest(rxSmall.instance, db);
      const result = await rxSmall.instance.ingest(db, orphans, { from: "flood" });
      const evicted = orphans.slice(0, Math.max(0, count - N));
      const kept = orphans.slice(evicted.length);
      for (const o of evicted) expectRejected(result, o.id, "LIMIT_EXCEEDED");
      for (const o of kept) expect(verdictOf(result, o.id).status).toBe("quarantined");
      expect(rxSmall.instance.quarantineStatus("flood")).toEqual({
        entries: kept.length,
        bytes: kept.length * (orphans[0] as Entry).encodedLength,
        evicted: evicted.length,
        expired: 0,
      });
      expect(rxSmall.instance.peerStats("flood")).toMatchObject({ rejected: evicted.length, quarantined: kept.length });
      expect(await storeDigest(rxSmall.instance, db)).toBe(before);
      await expectNotHeld(rxSmall.instance, db, orphans.map((o) => o.id));

      const promoted = await rxSmall.instance.ingest(db, [p], { from: "origin" });
      expect(promoted.stored[0]).toBe(p.id);
      expect([...promoted.stored.slice(1)].sort()).toEqual(kept.map((o) => o.id).sort());
      await expectNotHeld(rxSmall.instance, db, evicted.map((o) => o.id));
      expect(rxSmall.instance.quarantineStatus("flood").entries).toBe(0);
    });
  }

  it(`entriesPerPeer = ${N}: orphans sent one per batch evict the oldest arrival once the ${N + 1}th arrives`, async () => {
    const { db, root, p, orphans } = await siblings(N + 1);
    const rx = await makeNode(3, { quarantine: { entriesPerPeer: N } });
    expectAllStored(await rx.instance.ingest(db, [root], { from: "origin" }));
    for (const [i, o] of orphans.entries()) {
      rx.clock.advance(1000);
      expect(verdictOf(await rx.instance.ingest(db, [o], { from: "flood" }), o.id).status).toBe("quarantined");
      expect(rx.instance.quarantineStatus("flood")).toMatchObject({ entries: Math.min(i + 1, N), evicted: Math.max(0, i + 1 - N) });
    }
    const promoted = await rx.instance.ingest(db, [p], { from: "origin" });
    expect([...promoted.stored].sort()).toEqual([p, ...orphans.slice(1)].map((e) => e.id).sort());
    await expectNotHeld(rx.instance, db, [(orphans[0] as Entry).id]);
  });

  for (const count of [N - 1, N, N + 1]) {
    it(`bytesPerPeer = ${N} entries' bytes: ${count} orphans keep ${Math.min(count, N)} and evict ${Math.max(0, count - N)}`, async () => {
      const { db, root, orphans } = await siblings(count);
      const size = (orphans[0] as Entry).encodedLength;
      const rx = await makeNode(3, { quarantine: { bytesPerPeer: N * size } });
      expectAllStored(await rx.instance.ingest(db, [root], { from: "origin" }));
      const before = await storeDigest(rx.instance, db);
      const result = await rx.instance.ingest(db, orphans, { from: "flood" });
      const evicted = Math.max(0, count - N);
      expect(result.verdicts.map((v) => v.status)).toEqual(orphans.map((_, i) => (i < evicted ? "rejected" : "quarantined")));
      expect(rx.instance.quarantineStatus("flood")).toEqual({ entries: count - evicted, bytes: (count - evicted) * size, evicted, expired: 0 });
      expect(await storeDigest(rx.instance, db)).toBe(before);
    });
  }

  it("an entry larger than the whole byte budget is not kept at all", async () => {
    const { db, root, orphans } = await siblings(1);
    const orphan = orphans[0] as Entry;
    const rx = await makeNode(3, { quarantine: { bytesPerPeer: orphan.encodedLength - 1 } });
    expectAllStored(await rx.instance.ingest(db, [root], { from: "origin" }));
    const result = await rx.instance.ingest(db, [orphan], { from: "flood" });
    expectRejected(result, orphan.id, "LIMIT_EXCEEDED");
    expect(rx.instance.quarantineStatus("flood")).toMatchObject({ entries: 0, bytes: 0, evicted: 1 });
  });
});

describe("quarantine: per-peer isolation", () => {
  it("peer A's flood does not evict peer B's waiting entries, even the ones A also sent", async () => {
    const { db, root, p, orphans } = await siblings(12);
    const rx = await makeNode(3, { quarantine: { entriesPerPeer: 3 } });
    expectAllStored(await rx.instance.ingest(db, [root], { from: "origin" }));
    const fromB = orphans.slice(0, 2);
    const fromA = orphans.slice(2);
    expect((await rx.instance.ingest(db, fromB, { from: "B" })).quarantined).toBe(2);

    // A sends B's entries too, then floods: A's own queue overflows, B's does not move.
    const flood = await rx.instance.ingest(db, [...fromB, ...fromA], { from: "A" });
    // B's two entries leave A's queue but still wait in B's, so A's verdict on them stays
    // `quarantined`; A's seven oldest own entries are rejected.
    expect(flood.verdicts.map((v) => v.status)).toEqual([
      ...fromB.map(() => "quarantined"),
      ...fromA.map((_, i) => (i < 7 ? "rejected" : "quarantined")),
    ]);
    expect(rx.instance.quarantineStatus("B")).toMatchObject({ entries: 2 });
    expect(rx.instance.quarantineStatus("A")).toMatchObject({ entries: 3, evicted: 9 });
    expect(rx.instance.peerStats("A").rejected).toBe(7);
    expect(rx.instance.peerStats("B").rejected).toBe(0);

    // Both of B's entries (evicted from A's queue) are still promoted when P arrives.
    const promoted = await rx.instance.ingest(db, [p], { from: "B" });
    const kept = [...fromB, ...fromA.slice(-3)].map((o) => o.id);
    expect([...promoted.stored].sort()).toEqual([p.id, ...kept].sort());
    expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it("entries from several peers waiting for each other are promoted together, once", async () => {
    const server = await makeServer(1);
    const db = server.db.id;
    const chain: Entry[] = [];
    for (let i = 0; i < 4; i++) {
      const txn = await server.db.newTransaction();
      (await txn.docStore("notes")).set("i", i);
      chain.push((await server.db.entry(await txn.commit())) as Entry);
    }
    const root = (await server.db.entry(db)) as Entry;
    const rx = await receiverWith(2, db, [root]);
    const [c0, c1, c2, c3] = chain as [Entry, Entry, Entry, Entry];
    expect((await rx.instance.ingest(db, [c3], { from: "A" })).quarantined).toBe(1);
    expect((await rx.instance.ingest(db, [c2], { from: "B" })).quarantined).toBe(1);
    expect((await rx.instance.ingest(db, [c1], { from: "C" })).quarantined).toBe(1);
    expect(rx.events).toHaveLength(1);
    const result = await rx.instance.ingest(db, [c0], { from: "D" });
    expect(result.stored).toEqual(chain.map((e) => e.id));
    expect(rx.events.slice(1)).toEqual([{ database: db, ids: chain.map((e) => e.id), source: "remote", peer: "D" }]);
    expect(await rx.backend.treeTips(db)).toEqual([c3.id]);
    expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 0 });
  });
});

describe("quarantine: TTL and verification at promotion", () => {
  it("each entry expires one hour after its own arrival, not after the last arrival", async () => {
    const { db, root, p, orphans } = await siblings(2);
    const rx = await receiverWith(2, db, [root]);
    const [early, late] = orphans as [Entry, Entry];
    await rx.instance.ingest(db, [early], { from: "A" });
    rx.clock.advance(HOUR / 2);
    await rx.instance.ingest(db, [late], { from: "A" });
    rx.clock.advance(HOUR / 2);
    expect(rx.instance.quarantineStatus("A")).toMatchObject({ entries: 1, expired: 1 });
    const result = await rx.instance.ingest(db, [p], { from: "A" });
    expect(result.stored).toEqual([p.id, late.id]);
    await expectNotHeld(rx.instance, db, [early.id]);
  });

  it("a waiting entry that fails verification when its parent arrives is rejected, never visible, leaves the quarantine, and counts against the peer that sent it (U5)", async () => {
    const { server, db, root, p, orphans } = await siblings(3);
    const rx = await receiverWith(2, db, [root]);
    const bad = withSignatureBitFlipped(orphans[0] as Entry, 9);
    const good = orphans[1] as Entry;
    // A child of the bad entry, sent by a third peer: rejected with it.
    const badChild = forgeEntry({
      root: db,
      pool: [root, p, bad],
      parents: [bad.id],
      writes: { notes: docWith("c", 1) },
      signer: server.admin,
    });
    expect((await rx.instance.ingest(db, [bad, good], { from: "A" })).quarantined).toBe(2);
    expect((await rx.instance.ingest(db, [badChild], { from: "C" })).quarantined).toBe(1);
    const result = await rx.instance.ingest(db, [p], { from: "B" });
    expect(result.stored).toEqual([p.id, good.id]);
    expect(result.verdicts).toEqual([{ id: p.id, status: "stored" }]);
    await expectNotHeld(rx.instance, db, [bad.id, badChild.id]);
    expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 0, bytes: 0 });
    expect(await rx.backend.treeTips(db)).toEqual([good.id]);
    expect(rx.instance.peerStats("A")).toMatchObject({ rejected: 1, quarantined: 2 });
    expect(rx.instance.peerStats("C")).toMatchObject({ rejected: 1, quarantined: 1 });
    expect(rx.instance.peerStats("B")).toMatchObject({ rejected: 0, stored: 1 });
  });

  it("an entry waiting for its pinned settings entry (not a parent) is promoted when that arrives", async () => {
    const server = await makeServer(1);
    const db = server.db.id;
    const k = keyFromSeed(12);
    const grant = await commitGrant(server.db, k.publicKey, write(1));
    const all = await server.db.entries();
    const root = all[0] as Entry;
    const rx = await receiverWith(2, db, [root]);
    // K writes on the root but pins the grant: valid once the grant is held.
    const byK = forgeEntry({ root: db, pool: all, parents: [db], pin: [grant.id], writes: { notes: docWith("k", 1) }, signer: k });
    expect(byK.parents).toEqual([db]);
    expect(verdictOf(await rx.instance.ingest(db, [byK], { from: "A" }), byK.id).status).toBe("quarantined");
    const result = await rx.instance.ingest(db, [grant], { from: "A" });
    expect(result.stored).toEqual([grant.id, byK.id]);
    expect(await rx.backend.treeTips(db)).toEqual([grant.id, byK.id].sort());
  });
});

describe("waking quarantined entries", () => {
  it("re-examines only the entries an arrival can let through, not the whole quarantine", async () => {
    const server = await makeServer(3, "wake");
    const { db } = server;
    const chain: Entry[] = [];
    for (let i = 0; i < 60; i++) {
      await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("i", i));
    }
    chain.push(...(await db.entries()));
    const node = await makeNode(31);
    let lookups = 0;
    const backend = node.instance.backend;
    const hasEntry = backend.hasEntry.bind(backend);
    backend.hasEntry = async (id: ID) => {
      lookups++;
      return hasEntry(id);
    };
    // The root and the first entry arrive; entries 11..60 arrive without 2..10: they wait.
    expectAllStored(await node.instance.ingest(db.id, chain.slice(0, 2), { from: "a" }));
    const waiting = await node.instance.ingest(db.id, chain.slice(11), { from: "a" });
    expect(waiting.quarantined).toBe(chain.length - 11);
    // An unrelated arrival (entry 2, whose child 3 is also missing) wakes nothing.
    lookups = 0;
    expectAllStored(await node.instance.ingest(db.id, chain.slice(2, 3), { from: "b" }));
    expect(lookups).toBeLessThan(10);
    // The missing run arrives: every waiting entry is promoted in the same pass.
    const rest = await node.instance.ingest(db.id, chain.slice(3, 11), { from: "b" });
    expect(rest.stored).toHaveLength(chain.length - 3);
    expect(node.instance.quarantineStatus().entries).toBe(0);
    expect(await node.instance.backend.treeTips(db.id)).toEqual(await db.tips());
  });
});
