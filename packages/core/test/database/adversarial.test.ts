/**
 * Adversarial entries (reliability.md table 2.2, rows E1–E13) against the "verify before
 * visible" ingest path (DESIGN 4.2). A "server" commits valid entries through the normal API;
 * bad entries are forged by hand from them; a "receiver" ingests them as if a peer sent them.
 *
 * For every rejection the universal criteria are checked where they apply in-process:
 * - U1: the verdict carries a typed error with a stable `code`;
 * - U2: the receiver's digest (tips, reachable entries with status, counts, roots, settings
 *   tips, instance record) is unchanged, no backend write happened and no event fired;
 * - U3: a valid entry sent next by the same peer is stored;
 * - U5: `peerStats(peer).rejected` counts the rejected entries.
 */
import { describe, expect, it } from "vitest";
import {
  Doc,
  Entry,
  EntryBuilder,
  LIMITS,
  READ,
  SETTINGS_STORE,
  UNSIGNED_KEY,
  admin,
  authKeyToDoc,
  checkEntryId,
  decodeWireEntry,
  docToJsonBytes,
  encodeWireEntry,
  idFromDagCbor,
  parseWireEntry,
  utf8,
  write,
  type ID,
  type IngestResult,
} from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { docWith, forgeEntry, withDataBitFlipped, withSignatureBitFlipped, withStoreData, wireOf } from "../../src/testing/index.js";
import { commitGrant, commitNote, commitRevoke, expectAllStored, makeServer, receiverWith, type Server } from "./support/fixture.js";
import {
  countingEd25519,
  expectNotHeld,
  expectRejected,
  keyFromSeed,
  makeNode,
  permutations,
  storeDigest,
  verdictOf,
  verdictRows,
  type Node,
} from "./support/harness.js";

const HOUR = 60 * 60 * 1000;

/** Ingests entries that must all be rejected with `code`, and checks U2 and U5 around it. */
async function ingestRejected(
  rx: Node,
  db: ID,
  peer: string,
  entries: readonly Entry[],
  code: string,
  message?: RegExp,
): Promise<IngestResult> {
  const before = await storeDigest(rx.instance, db);
  const puts = rx.backend.puts.length;
  const events = rx.events.length;
  const rejected = rx.instance.peerStats(peer).rejected;
  const result = await rx.instance.ingest(db, entries, { from: peer });
  for (const entry of entries) expectRejected(result, entry.id, code, message);
  expect(result.stored).toEqual([]);
  expect(result.rejected).toBe(entries.length);
  expect(await storeDigest(rx.instance, db)).toBe(before);
  expect(rx.backend.puts.length, "no backend write").toBe(puts);
  expect(rx.events.length, "no write event").toBe(events);
  expect(rx.instance.peerStats(peer).rejected).toBe(rejected + entries.length);
  await expectNotHeld(rx.instance, db, entries.map((e) => e.id));
  return result;
}

/** U3: a valid entry (by the Admin) built on the receiver's tips and sent next by the same peer is stored. */
async function expectStillUsable(server: Server, rx: Node, peer: string): Promise<void> {
  const db = server.db.id;
  const tips = await rx.backend.treeTips(db);
  const pool = await rx.backend.ancestors(db, tips);
  const entry = forgeEntry({ root: db, pool, parents: tips, writes: { notes: docWith("after", "ok") }, signer: server.admin });
  const result = await rx.instance.ingest(db, [entry], { from: peer });
  expect(verdictOf(result, entry.id).status).toBe("stored");
  expect(await rx.backend.treeTips(db)).toContain(entry.id);
}

/** A server with two notes committed, and a receiver holding all of it. */
async function synced(serverSeed = 1, receiverSeed = 2): Promise<{ server: Server; rx: Node; all: Entry[] }> {
  const server = await makeServer(serverSeed);
  await commitNote(server.db, "a", 1);
  await commitNote(server.db, "b", 2);
  const all = await server.db.entries();
  const rx = await receiverWith(receiverSeed, server.db.id, all);
  return { server, rx, all };
}

describe("E1: claimed ID differs from the hash of the content", () => {
  it("E1: an altered copy of X (signature not redone) is rejected under its recomputed ID; X's child waits invisibly", async () => {
    const server = await makeServer(1);
    const db = server.db.id;
    await commitNote(server.db, "a", 1);
    const x = await commitNote(server.db, "b", 2);
    const c = await commitNote(server.db, "c", 3);
    const all = await server.db.entries();
    const rx = await receiverWith(2, db, all.filter((e) => e.id !== x.id && e.id !== c.id));

    // The altered copy as a peer sends it on the wire: notes data changed, signature kept.
    const wire = wireOf(x);
    const notes = wire.subtrees.find((s) => s.name === "notes");
    if (notes === undefined) throw new Error("x writes notes");
    notes["data"] = Array.from(docToJsonBytes(docWith("b", "forged")));
    const altered = decodeWireEntry(wire);
    expect(altered.sig.sig).toBe(x.sig.sig);
    expect(altered.id).not.toBe(x.id);
    expectCode(() => checkEntryId(altered, x.id), "ID_MISMATCH");
    expect(() => checkEntryId(x, x.id)).not.toThrow();

    const before = await storeDigest(rx.instance, db);
    const result = await rx.instance.ingest(db, [altered, c], { from: "peerE1" });
    expectRejected(result, altered.id, "BAD_SIGNATURE", /does not verify/);
    expect(verdictOf(result, c.id).status).toBe("quarantined");
    expect(result.stored).toEqual([]);
    expect(await storeDigest(rx.instance, db)).toBe(before);
    await expectNotHeld(rx.instance, db, [altered.id, x.id, c.id]);
    expect(rx.instance.peerStats("peerE1")).toMatchObject({ rejected: 1, quarantined: 1, stored: 0 });
    expect(rx.instance.quarantineStatus("peerE1").entries).toBe(1);

    // U3: the genuine X arrives from the same peer; X is stored and C promoted, parents first.
    const fixed = await rx.instance.ingest(db, [x], { from: "peerE1" });
    expect(fixed.stored).toEqual([x.id, c.id]);
    expect(await rx.backend.treeTips(db)).toEqual(await server.db.tips());
    expect(rx.instance.quarantineStatus("peerE1").entries).toBe(0);
  });
});

describe("E2: signature missing or empty", () => {
  it("E2: in a database with auth, unsigned entries, a hint without a signature, an empty signature and a signature without a hint are BAD_SIGNATURE", async () => {
    const { server, rx, all } = await synced();
    const db = server.db.id;
    const base = { root: db, pool: all, parents: await server.db.tips(), writes: { notes: docWith("k", "v") } };
    const unsigned = forgeEntry(base);
    const signed = forgeEntry({ ...base, signer: server.admin });
    const pubkeyHint = { Direct: { hint: { pubkey: server.admin.publicKey } } };
    const cases: [string, Entry, RegExp][] = [
      ["unsigned", unsigned, /unsigned but the database requires signatures/],
      ["hint without signature", unsigned.withSigInfo({ key: pubkeyHint }), /key hint but no signature/],
      ["empty signature", unsigned.withSigInfo({ key: pubkeyHint, sig: "" }), /64 bytes, not 0/],
      ["signature without hint", unsigned.withSigInfo({ key: UNSIGNED_KEY, sig: signed.sig.sig as string }), /signature but no key hint/],
    ];
    expect(new Set(cases.map(([, e]) => e.id)).size).toBe(cases.length);
    for (const [, entry, message] of cases) await ingestRejected(rx, db, "peerE2", [entry], "BAD_SIGNATURE", message);
    expect(rx.instance.peerStats("peerE2").rejected).toBe(cases.length);

    // Positive control: the same content, signed, is stored.
    const result = await rx.instance.ingest(db, [signed], { from: "peerE2" });
    expect(verdictOf(result, signed.id).status).toBe("stored");
    await expectStillUsable(server, rx, "peerE2");
  });
});

describe("E3: signature invalid", () => {
  it("E3: one bit flipped in the signature or in the content gives BAD_SIGNATURE; the genuine entry is then stored", async () => {
    const { server, rx, all } = await synced();
    const db = server.db.id;
    const genuine = forgeEntry({
      root: db,
      pool: all,
      parents: await server.db.tips(),
      writes: { notes: docWith("title", "hello") },
      signer: server.admin,
    });
    const flipped = [
      ...[0, 7, 255, 256, 511].map((bit) => withSignatureBitFlipped(genuine, bit)),
      ...[0, 43, 8 * ((genuine.storeData("notes")?.length ?? 1) - 1)].map((bit) => withDataBitFlipped(genuine, "notes", bit)),
    ];
    for (const entry of flipped) {
      expect(entry.id).not.toBe(genuine.id);
      await ingestRejected(rx, db, "peerE3", [entry], "BAD_SIGNATURE", /does not verify/);
    }
    expect(rx.instance.peerStats("peerE3").rejected).toBe(flipped.length);

    const result = await rx.instance.ingest(db, [genuine], { from: "peerE3" });
    expect(verdictOf(result, genuine.id).status).toBe("stored");
    await expectStillUsable(server, rx, "peerE3");
  });
});

describe("E4: valid signature from a key without the needed grant", () => {
  it("E4: a key with no grant, a Read key, and a Write key changing _settings are UNAUTHORIZED; a Write key writing data is stored", async () => {
    const server = await makeServer(1);
    const db = server.db.id;
    const stranger = keyFromSeed(9);
    const reader = keyFromSeed(10);
    const writer = keyFromSeed(11);
    await commitGrant(server.db, reader.publicKey, READ);
    await commitGrant(server.db, writer.publicKey, write(5));
    const all = await server.db.entries();
    const rx = await receiverWith(2, db, all);
    const parents = await server.db.tips();
    const data = { notes: docWith("k", "v") };

    const byStranger = forgeEntry({ root: db, pool: all, parents, writes: data, signer: stranger });
    await ingestRejected(rx, db, "peerE4", [byStranger], "UNAUTHORIZED", /no active grant/);
    const byReader = forgeEntry({ root: db, pool: all, parents, writes: data, signer: reader });
    await ingestRejected(rx, db, "peerE4", [byReader], "UNAUTHORIZED", /holds Read; Write to change data/);
    const settingsByWriter = forgeEntry({
      root: db,
      pool: all,
      parents,
      writes: { [SETTINGS_STORE]: new Doc().set(`auth.keys.${writer.publicKey}`, authKeyToDoc({ permission: admin(0), status: "Active" })) },
      signer: writer,
    });
    await ingestRejected(rx, db, "peerE4", [settingsByWriter], "UNAUTHORIZED", /holds Write\(5\); Admin to change settings/);
    expect(rx.instance.peerStats("peerE4").rejected).toBe(3);
    expect(await (await rx.instance.openDatabase(db)).canAccess(writer.publicKey, admin(0))).toBe(false);

    // Positive control: the Write key writing data is stored.
    const byWriter = forgeEntry({ root: db, pool: all, parents, writes: data, signer: writer });
    const result = await rx.instance.ingest(db, [byWriter], { from: "peerE4" });
    expect(verdictOf(result, byWriter.id).status).toBe("stored");
    await expectStillUsable(server, rx, "peerE4");
  });
});

describe("E5: key revoked on a concurrent branch", () => {
  /**
   * root → G (Admin grants K Write) → branch A: V (Admin revokes K)
   *                                 → branch B: B1 → B2 (written by K, pinning G)
   * The documented rule (verify.ts): an entry is checked against the settings it pins, and may
   * not pin settings older than its parents'. K's B entries pin G, where K is active, and their
   * parents saw nothing newer, so they are valid in every delivery order.
   */
  async function scenario() {
    const server = await makeServer(1);
    const k = keyFromSeed(12);
    const g = await commitGrant(server.db, k.publicKey, write(1));
    const v = await commitRevoke(server.db, k.publicKey, [g.id]);
    const asK = server.db.withKey(k);
    const b1 = await commitNote(asK, "b", 1, [g.id]);
    const b2 = await commitNote(asK, "b", 2, [b1.id]);
    const all = await server.db.entries();
    const root = all.find((e) => e.id === server.db.id) as Entry;
    return { server, k, root, g, v, b1, b2, all };
  }

  it("E5: K's entries on the branch without the revocation are accepted whichever branch arrives first, with the same final tips and states", async () => {
    const { server, root, g, v, b1, b2 } = await scenario();
    const db = server.db.id;
    expect(b1.parents).toEqual([g.id]);
    const aFirst = await makeNode(20);
    const bFirst = await makeNode(21);
    const a1 = await aFirst.instance.ingest(db, [root, g, v], { from: "p" });
    const a2 = await aFirst.instance.ingest(db, [b1, b2], { from: "p" });
    const b1r = await bFirst.instance.ingest(db, [root, g, b1, b2], { from: "p" });
    const b2r = await bFirst.instance.ingest(db, [v], { from: "p" });
    for (const result of [a1, a2, b1r, b2r]) expectAllStored(result);
    expect(verdictRows(a2)).toEqual(verdictRows(b1r).slice(2));

    const expectedTips = await server.db.tips();
    expect(expectedTips).toEqual([b2.id, v.id].sort());
    expect(await aFirst.backend.treeTips(db)).toEqual(expectedTips);
    expect(await storeDigest(aFirst.instance, db, { withInstance: false })).toBe(
      await storeDigest(bFirst.instance, db, { withInstance: false }),
    );
    for (const store of ["notes", SETTINGS_STORE, "_index"]) {
      const left = (await (await aFirst.instance.openDatabase(db)).storeState(store)).toPlain();
      const right = (await (await bFirst.instance.openDatabase(db)).storeState(store)).toPlain();
      expect(left).toEqual(right);
      expect(left).toEqual((await server.db.storeState(store)).toPlain());
    }
    // The merged settings have K revoked.
    expect(await (await aFirst.instance.openDatabase(db)).canAccess(keyFromSeed(12).publicKey, write(1))).toBe(false);
  });

  it("E5: after the revocation is merged, K's entries on top of it are UNAUTHORIZED, and pinning the pre-revocation settings is UNAUTHORIZED too", async () => {
    const { server, k, all, g, v, b2 } = await scenario();
    const db = server.db.id;
    const rx = await receiverWith(22, db, all);

    // K writes a merge of both branches, pinning the merged settings (V): revoked there.
    const kMerge = forgeEntry({ root: db, pool: all, parents: [b2.id, v.id], writes: { notes: docWith("k", 1) }, signer: k });
    expect(kMerge.parents).toEqual([b2.id, v.id].sort());
    await ingestRejected(rx, db, "peerE5", [kMerge], "UNAUTHORIZED", /no active grant/);

    // The Admin merges; K then builds on that merge.
    const merge = await commitNote(server.db, "merged", 1);
    expect(merge.parents).toEqual([b2.id, v.id].sort());
    expect(verdictOf(await rx.instance.ingest(db, [merge], { from: "peerE5" }), merge.id).status).toBe("stored");
    const pool = [...all, merge];
    const kOnMerge = forgeEntry({ root: db, pool, parents: [merge.id], writes: { notes: docWith("k", 2) }, signer: k });
    await ingestRejected(rx, db, "peerE5", [kOnMerge], "UNAUTHORIZED", /no active grant/);

    // K builds on the revocation (or on the merge) but pins the old settings G.
    for (const parents of [[v.id], [merge.id]]) {
      const stale = forgeEntry({ root: db, pool, parents, pin: [g.id], writes: { notes: docWith("k", 3) }, signer: k });
      await ingestRejected(rx, db, "peerE5", [stale], "UNAUTHORIZED", /pins settings older than its parents'/);
    }
    expect(rx.instance.peerStats("peerE5").rejected).toBe(4);

    // Documented consequence of the rule: on branch B, whose history never saw the revocation,
    // K may still extend B2 pinning G (the revocation takes effect for descendants of V).
    const onB = forgeEntry({ root: db, pool, parents: [b2.id], writes: { notes: docWith("k", 4) }, signer: k });
    expect(verdictOf(await rx.instance.ingest(db, [onB], { from: "peerE5" }), onB.id).status).toBe("stored");
    await expectStillUsable(server, rx, "peerE5");
  });
});

describe("E6: entry of another database", () => {
  it("E6: entries of another database are WRONG_DATABASE and never filed under the claimed root", async () => {
    const server = await makeServer(1);
    const db1 = server.db;
    await commitNote(db1, "a", 1);
    const db2 = await server.node.instance.createDatabase({ name: "other" });
    const other = await commitNote(db2, "x", 1);
    const entries1 = await db1.entries();
    const entries2 = await db2.entries();
    const root2 = entries2.find((e) => e.isRoot) as Entry;
    const ed25519 = countingEd25519();
    const rx = await receiverWith(2, db1.id, entries1, { ed25519 });
    const verifies = ed25519.verifies;

    // db2's root and child given for db1: refused before any signature check.
    await ingestRejected(rx, db1.id, "peerE6", [root2, other], "WRONG_DATABASE", /belongs to another database/);
    expect(ed25519.verifies).toBe(verifies);
    expect(await rx.backend.countEntries(db2.id)).toBe(0);
    expect(await rx.instance.listDatabases()).toEqual([db1.id]);

    // db1's entries given for db2 (a root this receiver does not host).
    const before2 = await storeDigest(rx.instance, db2.id);
    const result = await rx.instance.ingest(db2.id, [await commitNote(db1, "b", 2)], { from: "peerE6" });
    expect(result.verdicts[0]?.status).toBe("rejected");
    expect(result.verdicts[0]?.error?.code).toBe("WRONG_DATABASE");
    expect(await storeDigest(rx.instance, db2.id)).toBe(before2);
    expect(await rx.backend.countEntries(db2.id)).toBe(0);
    expect(await rx.instance.listDatabases()).toEqual([db1.id]);
    expect(rx.instance.peerStats("peerE6").rejected).toBe(3);
    await expectStillUsable(server, rx, "peerE6");
  });

  it("E6: an entry claiming this database but naming another database's entry as parent, or pinning its settings, is rejected", async () => {
    const server = await makeServer(1);
    const db1 = server.db;
    const db2 = await server.node.instance.createDatabase({ name: "other" });
    await commitNote(db2, "x", 1);
    const entries1 = await db1.entries();
    const entries2 = await db2.entries();
    const rx = await makeNode(2);
    expectAllStored(await rx.instance.ingest(db1.id, entries1, { from: "origin" }));
    expectAllStored(await rx.instance.ingest(db2.id, entries2, { from: "origin" }));

    const foreignParent = forgeEntry({
      root: db1.id,
      pool: [...entries1, ...entries2],
      parents: await db2.tips(),
      pin: [db1.id],
      writes: { notes: docWith("k", "v") },
      signer: server.admin,
    });
    await ingestRejected(rx, db1.id, "peerE6", [foreignParent], "WRONG_DATABASE", /parent .* belongs to another database/);
    const foreignPin = forgeEntry({
      root: db1.id,
      pool: entries1,
      parents: [db1.id],
      pin: [db2.id],
      writes: { notes: docWith("k", "v") },
      signer: server.admin,
    });
    await ingestRejected(rx, db1.id, "peerE6", [foreignPin], "MALFORMED", /is not a settings entry of this database/);
    expect(await rx.backend.countEntries(db2.id)).toBe(entries2.length);
  });
});

describe("E7: orphan whose parent never arrives", () => {
  async function orphanSetup(quarantine?: { entriesPerPeer?: number; bytesPerPeer?: number }) {
    const server = await makeServer(1);
    const db = server.db.id;
    const p = await commitNote(server.db, "p", 1);
    const o1 = await commitNote(server.db, "o", 1);
    const o2 = await commitNote(server.db, "o", 2);
    const o3 = await commitNote(server.db, "o", 3);
    const root = (await server.db.entry(db)) as Entry;
    const rx = await makeNode(2, quarantine === undefined ? {} : { quarantine });
    expectAllStored(await rx.instance.ingest(db, [root], { from: "origin" }));
    return { server, db, p, o1, o2, o3, rx };
  }

  it("E7: an orphan waits invisibly and is dropped after the 1 h TTL; the digest equals the one before the push", async () => {
    const { server, db, p, o1, rx } = await orphanSetup();
    const before = await storeDigest(rx.instance, db);
    const rxDb = await rx.instance.openDatabase(db);
    const result = await rx.instance.ingest(db, [o1], { from: "peerE7" });
    expect(verdictOf(result, o1.id).status).toBe("quarantined");
    expect(rx.instance.peerStats("peerE7").quarantined).toBe(1);
    expect(await storeDigest(rx.instance, db)).toBe(before);
    await expectNotHeld(rx.instance, db, [o1.id]);
    expect(await rxDb.entry(o1.id)).toBeUndefined();
    expect((await rxDb.entries()).map((e) => e.id)).toEqual([db]);
    expect((await rxDb.storeState("notes")).toPlain()).toEqual({});
    expect(rx.events).toHaveLength(1); // the root only

    rx.clock.advance(HOUR - 1);
    expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 1, expired: 0 });
    rx.clock.advance(1);
    expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 0, bytes: 0, expired: 1, evicted: 0 });
    expect(await storeDigest(rx.instance, db)).toBe(before);

    // The parent arriving after expiry does not bring the dropped orphan back.
    const late = await rx.instance.ingest(db, [p], { from: "peerE7" });
    expect(late.stored).toEqual([p.id]);
    await expectNotHeld(rx.instance, db, [o1.id]);
    await expectStillUsable(server, rx, "peerE7");
  });

  it("E7: eviction by count (entriesPerPeer = 2) drops the oldest orphan; the digest is unchanged", async () => {
    const { db, p, o1, o2, o3, rx } = await orphanSetup({ entriesPerPeer: 2 });
    const before = await storeDigest(rx.instance, db);
    const result = await rx.instance.ingest(db, [o1, o2, o3], { from: "peerE7" });
    expectRejected(result, o1.id, "LIMIT_EXCEEDED");
    expect(verdictOf(result, o2.id).status).toBe("quarantined");
    expect(verdictOf(result, o3.id).status).toBe("quarantined");
    expect(rx.instance.quarantineStatus("peerE7")).toMatchObject({ entries: 2, evicted: 1 });
    expect(rx.instance.peerStats("peerE7").rejected).toBe(1);
    expect(await storeDigest(rx.instance, db)).toBe(before);
    await expectNotHeld(rx.instance, db, [o1.id, o2.id, o3.id]);

    // The parent arrives: P is stored; O2 and O3 still wait for the evicted O1.
    const next = await rx.instance.ingest(db, [p], { from: "peerE7" });
    expect(next.stored).toEqual([p.id]);
    expect(rx.instance.quarantineStatus("peerE7").entries).toBe(2);
    // O1 resent: the whole chain is promoted.
    const resent = await rx.instance.ingest(db, [o1], { from: "peerE7" });
    expect(resent.stored).toEqual([o1.id, o2.id, o3.id]);
  });

  it("E7: eviction by bytes drops the oldest orphan; the digest is unchanged", async () => {
    const probe = await orphanSetup();
    const limit = probe.o1.encodedLength + probe.o2.encodedLength + probe.o3.encodedLength - 1;
    const { db, o1, o2, o3, rx } = await orphanSetup({ bytesPerPeer: limit });
    expect(o1.id).toBe(probe.o1.id);
    const before = await storeDigest(rx.instance, db);
    const result = await rx.instance.ingest(db, [o1, o2, o3], { from: "peerE7" });
    expect(verdictOf(result, o1.id).status).toBe("rejected");
    expect(verdictOf(result, o2.id).status).toBe("quarantined");
    expect(verdictOf(result, o3.id).status).toBe("quarantined");
    const status = rx.instance.quarantineStatus("peerE7");
    expect(status).toMatchObject({ entries: 2, bytes: o2.encodedLength + o3.encodedLength, evicted: 1 });
    expect(status.bytes).toBeLessThanOrEqual(limit);
    expect(await storeDigest(rx.instance, db)).toBe(before);
  });

  it("E7: when the parent arrives before expiry the orphan is promoted, and one remote event names both", async () => {
    const { db, p, o1, rx } = await orphanSetup();
    expect(verdictOf(await rx.instance.ingest(db, [o1], { from: "peerE7" }), o1.id).status).toBe("quarantined");
    const events = rx.events.length;
    rx.clock.advance(HOUR - 1);
    const result = await rx.instance.ingest(db, [p], { from: "peerE7b" });
    expect(result.verdicts).toEqual([{ id: p.id, status: "stored" }]);
    expect(result.stored).toEqual([p.id, o1.id]);
    expect(rx.events.slice(events)).toEqual([{ database: db, ids: [p.id, o1.id], source: "remote", peer: "peerE7b" }]);
    expect(await rx.backend.treeTips(db)).toEqual([o1.id]);
    expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 0, expired: 0 });
  });
});

describe("E8: self-parent, duplicate parent, cycle", () => {
  it("E8: a parent listed twice is MALFORMED at decode (canonical form); the builder de-duplicates", async () => {
    const { server, all } = await synced();
    const tip = (await server.db.tips())[0] as ID;
    const entry = forgeEntry({ root: server.db.id, pool: all, parents: [tip], writes: { notes: docWith("k", "v") }, signer: server.admin });
    const wire = wireOf(entry);
    wire.tree["parents"] = [tip, tip];
    const error = expectCode(() => decodeWireEntry(wire), "MALFORMED");
    expect(error.message).toMatch(/tree\.parents\[1\].*without duplicates/);
    const storeWire = wireOf(entry);
    const notes = storeWire.subtrees.find((s) => s.name === "notes");
    if (notes === undefined) throw new Error("entry writes notes");
    notes["parents"] = [tip, tip];
    expectCode(() => decodeWireEntry(storeWire), "MALFORMED");
    expectCode(() => parseWireEntry(JSON.stringify(wire)), "MALFORMED");
    // Positive control: the untouched wire form decodes to the same entry.
    expect(decodeWireEntry(wireOf(entry)).id).toBe(entry.id);
    const built = new EntryBuilder(server.db.id).parents([tip, tip]).height(9).build();
    expect(built.parents).toEqual([tip]);
  });

  it("E8: an entry naming a parent that does not exist waits in quarantine, invisible, and expires", async () => {
    const { server, rx, all } = await synced();
    const db = server.db.id;
    const ghost = idFromDagCbor(utf8("an entry nobody has"));
    const entry = forgeEntry({
      root: db,
      pool: all,
      parents: [...(await server.db.tips()), ghost],
      height: 10,
      pin: [db],
      writes: { notes: docWith("k", "v") },
      signer: server.admin,
    });
    const before = await storeDigest(rx.instance, db);
    const result = await rx.instance.ingest(db, [entry], { from: "peerE8" });
    expect(verdictOf(result, entry.id).status).toBe("quarantined");
    expect(await storeDigest(rx.instance, db)).toBe(before);
    await expectNotHeld(rx.instance, db, [entry.id, ghost]);
    rx.clock.advance(HOUR);
    expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 0, expired: 1 });
    expect(await storeDigest(rx.instance, db)).toBe(before);
    await expectStillUsable(server, rx, "peerE8");
  });

  it("E8: an entry cannot name itself (its ID changes) and a cycle of claimed IDs cannot form: such entries just wait", async () => {
    const { server, rx, all } = await synced();
    const db = server.db.id;
    const tips = await server.db.tips();
    const base = { root: db, pool: all, writes: { notes: docWith("k", "v") }, signer: server.admin };
    // Try to reach a fixed point: rebuild an entry naming its own ID as a parent.
    let entry = forgeEntry({ ...base, parents: tips });
    const named = new Set<ID>();
    for (let i = 0; i < 5; i++) {
      named.add(entry.id);
      entry = forgeEntry({ ...base, parents: [...tips, entry.id], height: 10, pin: [db] });
      expect(named.has(entry.id)).toBe(false);
      expect(entry.parents).not.toContain(entry.id);
    }
    // A "cycle": B names A; A' is rebuilt to name B, so A' is not A and B still waits for A.
    const a = forgeEntry({ ...base, parents: tips });
    const b = forgeEntry({ ...base, pool: [...all, a], parents: [a.id], writes: { notes: docWith("k", "b") } });
    const aPrime = forgeEntry({ ...base, parents: [b.id], height: b.height + 1, pin: [db] });
    expect(aPrime.id).not.toBe(a.id);

    const before = await storeDigest(rx.instance, db);
    const result = await rx.instance.ingest(db, [entry, aPrime, b], { from: "peerE8" });
    expect(result.verdicts.map((v) => v.status)).toEqual(["quarantined", "quarantined", "quarantined"]);
    expect(await storeDigest(rx.instance, db)).toBe(before);
    await expectNotHeld(rx.instance, db, [entry.id, aPrime.id, b.id, a.id]);

    // When the genuine A arrives, B is promoted, and A' (whose parent B is now held) too.
    const promoted = await rx.instance.ingest(db, [a], { from: "peerE8" });
    expect(promoted.stored).toEqual([a.id, b.id, aPrime.id]);
    expect(rx.instance.quarantineStatus("peerE8").entries).toBe(1); // the self-naming one still waits
  });
});

describe("E9: duplicate entries", () => {
  it("E9: a duplicate within a batch and across batches is `duplicate`: no second write, no second event, no second verification", async () => {
    const server = await makeServer(1);
    await commitNote(server.db, "a", 1);
    const all = await server.db.entries();
    const db = server.db.id;
    const ed25519 = countingEd25519();
    const rx = await receiverWith(2, db, all, { ed25519 });
    const x = await commitNote(server.db, "x", 1);
    const verifies = ed25519.verifies;
    const puts = rx.backend.puts.length;
    const events = rx.events.length;

    const first = await rx.instance.ingest(db, [x, x], { from: "peerE9" });
    expect(first.verdicts).toEqual([
      { id: x.id, status: "stored" },
      { id: x.id, status: "duplicate" },
    ]);
    expect(first.duplicates).toBe(1);
    expect(ed25519.verifies).toBe(verifies + 1);
    expect(rx.backend.puts.slice(puts)).toEqual([[x.id]]);
    expect(rx.events.slice(events)).toEqual([{ database: db, ids: [x.id], source: "remote", peer: "peerE9" }]);
    const digest = await storeDigest(rx.instance, db);

    // Across batches, including the same bytes decoded afresh and already-held history.
    const again = decodeWireEntry(JSON.parse(encodeWireEntry(x)));
    const second = await rx.instance.ingest(db, [again, ...all], { from: "peerE9" });
    expect(second.verdicts.every((v) => v.status === "duplicate")).toBe(true);
    expect(second.duplicates).toBe(all.length + 1);
    expect(second.stored).toEqual([]);
    expect(ed25519.verifies).toBe(verifies + 1);
    expect(rx.backend.puts.length).toBe(puts + 1);
    expect(rx.events.length).toBe(events + 1);
    expect(await storeDigest(rx.instance, db)).toBe(digest);
    expect(rx.instance.peerStats("peerE9")).toMatchObject({ stored: 1, duplicates: all.length + 2, rejected: 0 });
  });

  it("E9: an orphan sent twice occupies the quarantine once, and is written once when promoted", async () => {
    const server = await makeServer(1);
    const db = server.db.id;
    const p = await commitNote(server.db, "p", 1);
    const o = await commitNote(server.db, "o", 1);
    const rx = await receiverWith(2, db, [(await server.db.entry(db)) as Entry]);
    const first = await rx.instance.ingest(db, [o, o], { from: "peerE9" });
    expect(first.verdicts.map((v) => v.status)).toEqual(["quarantined", "duplicate"]);
    await rx.instance.ingest(db, [o], { from: "peerE9" });
    expect(rx.instance.quarantineStatus("peerE9")).toMatchObject({ entries: 1, bytes: o.encodedLength });
    const puts = rx.backend.puts.length;
    const events = rx.events.length;
    const promoted = await rx.instance.ingest(db, [p, o, p], { from: "peerE9" });
    expect(promoted.verdicts.map((v) => v.status)).toEqual(["stored", "stored", "duplicate"]);
    expect(promoted.stored).toEqual([p.id, o.id]);
    expect(rx.backend.puts.slice(puts)).toEqual([[p.id, o.id]]);
    expect(rx.events.slice(events).map((e) => e.ids)).toEqual([[p.id, o.id]]);
  });
});

describe("E10: over-limit inputs", () => {
  it("E10: 65 parents (main or store) is LIMIT_EXCEEDED at decode, checked before the IDs are even parsed; 64 decode", async () => {
    const { server, all } = await synced();
    const entry = forgeEntry({
      root: server.db.id,
      pool: all,
      parents: await server.db.tips(),
      writes: { notes: docWith("k", "v") },
      signer: server.admin,
    });
    const ids = Array.from({ length: 65 }, (_, i) => idFromDagCbor(utf8(`parent ${i}`)));
    const wire = wireOf(entry);
    wire.tree["parents"] = Array.from({ length: 65 }, () => "not an id");
    const error = expectCode(() => decodeWireEntry(wire), "LIMIT_EXCEEDED");
    expect(error).toMatchObject({ limit: "parentsPerEntry", max: 64, actual: 65 });
    const storeWire = wireOf(entry);
    (storeWire.subtrees.find((s) => s.name === "notes") as Record<string, unknown>)["parents"] = Array.from({ length: 65 }, () => 42);
    expectCode(() => decodeWireEntry(storeWire), "LIMIT_EXCEEDED");
    expectCode(() => new EntryBuilder(server.db.id).parents(ids).height(1).build(), "LIMIT_EXCEEDED");
    // At the limit: 64 well-formed parents decode.
    const at = wireOf(entry);
    at.tree["parents"] = ids.slice(0, 64);
    const sorted = new EntryBuilder(server.db.id).parents(ids.slice(0, 64)).height(1).build().parents;
    at.tree["parents"] = [...sorted];
    expect(decodeWireEntry(at).parents).toHaveLength(64);
  });

  it("E10: an entry over 1 MiB is LIMIT_EXCEEDED at decode (before the bytes are checked) and at build", async () => {
    const { server, all } = await synced();
    const entry = forgeEntry({
      root: server.db.id,
      pool: all,
      parents: await server.db.tips(),
      writes: { notes: docWith("k", "v") },
      signer: server.admin,
    });
    const wire = wireOf(entry);
    (wire.subtrees.find((s) => s.name === "notes") as Record<string, unknown>)["data"] = new Array(LIMITS.entryBytes + 1).fill(999);
    const error = expectCode(() => decodeWireEntry(wire), "LIMIT_EXCEEDED");
    expect(error).toMatchObject({ limit: "entryBytes", max: LIMITS.entryBytes });
    // Two stores of 600 KB each: every field is under the limit, the entry is not.
    const half = new Uint8Array(600 * 1024).fill(0x61);
    const split = wireOf(entry);
    split.subtrees = [
      { name: "a", parents: [], data: Array.from(half) },
      { name: "b", parents: [], data: Array.from(half) },
    ];
    expect(expectCode(() => decodeWireEntry(split), "LIMIT_EXCEEDED")).toMatchObject({ limit: "entryBytes" });
    expectCode(() => withStoreData(entry, "notes", new Uint8Array(LIMITS.entryBytes)), "LIMIT_EXCEEDED");
    // Positive control: the same entry with a 600 KB store decodes.
    const one = wireOf(entry);
    (one.subtrees.find((s) => s.name === "notes") as Record<string, unknown>)["data"] = Array.from(half);
    expect(decodeWireEntry(one).encodedLength).toBeGreaterThan(600 * 1024);
  });
});

describe("E10: too many entries in one push", () => {
  it("E10: more than 10,000 entries in one push is LIMIT_EXCEEDED before any verification; 10,000 is accepted", async () => {
    const server = await makeServer(1);
    const db = server.db.id;
    const x = await commitNote(server.db, "x", 1);
    const ed25519 = countingEd25519();
    const rx = await receiverWith(2, db, [(await server.db.entry(db)) as Entry], { ed25519 });
    const verifies = ed25519.verifies;
    const before = await storeDigest(rx.instance, db);
    const puts = rx.backend.puts.length;

    const over = new Array<Entry>(LIMITS.entriesPerMessage + 1).fill(x);
    await expect(rx.instance.ingest(db, over, { from: "peerE10" })).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      limit: "entriesPerMessage",
      max: LIMITS.entriesPerMessage,
      actual: LIMITS.entriesPerMessage + 1,
    });
    expect(ed25519.verifies).toBe(verifies);
    expect(rx.backend.puts.length).toBe(puts);
    expect(await storeDigest(rx.instance, db)).toBe(before);
    await expectNotHeld(rx.instance, db, [x.id]);
    expect(rx.instance.peerStats("peerE10").rejected).toBe(LIMITS.entriesPerMessage + 1);
    expect(rx.instance.quarantineStatus("peerE10").entries).toBe(0);

    // At the limit: accepted (one stored, the repeats are duplicates), verified once.
    const at = await rx.instance.ingest(db, new Array<Entry>(LIMITS.entriesPerMessage).fill(x), { from: "peerE10" });
    expect(at.stored).toEqual([x.id]);
    expect(at.duplicates).toBe(LIMITS.entriesPerMessage - 1);
    expect(ed25519.verifies).toBe(verifies + 1);
  });
});

describe("E11: heights", () => {
  it("E11: a height not above every parent's (main or store) is MALFORMED; negative, fractional or ≥ 2^53 heights fail at decode", async () => {
    const { server, rx, all } = await synced();
    const db = server.db.id;
    const tips = await server.db.tips();
    const tip = all.find((e) => e.id === tips[0]) as Entry;
    expect(tip.height).toBeGreaterThanOrEqual(2);
    const base = { root: db, pool: all, parents: tips, writes: { notes: docWith("k", "v") }, signer: server.admin };
    for (const height of [tip.height, tip.height - 1, 0]) {
      await ingestRejected(rx, db, "peerE11", [forgeEntry({ ...base, height })], "MALFORMED", /height must be above every parent's/);
    }
    const storeParentHeight = tip.storeHeight("notes");
    await ingestRejected(
      rx,
      db,
      "peerE11",
      [forgeEntry({ ...base, storeHeights: { notes: storeParentHeight } })],
      "MALFORMED",
      /height in notes must be above every store parent's/,
    );
    const valid = forgeEntry(base);
    for (const h of [-1, 1.5, 2 ** 53, "3"]) {
      const wire = wireOf(valid);
      wire.tree["h"] = h;
      expectCode(() => decodeWireEntry(wire), "MALFORMED");
    }
    expect(verdictOf(await rx.instance.ingest(db, [valid], { from: "peerE11" }), valid.id).status).toBe("stored");
  });

  it("E11: a far-future (timestamp-like) height above the parents is accepted; the merge is decided by (height, ID), the same in every arrival order", async () => {
    const { server, all } = await synced();
    const db = server.db.id;
    const tips = await server.db.tips();
    const future = 1_704_067_200_000 + 10 * 365 * 24 * HOUR;
    const base = { root: db, pool: all, parents: tips, signer: server.admin };
    const far = forgeEntry({ ...base, height: future, writes: { notes: docWith("winner", "far") } });
    const near = forgeEntry({ ...base, writes: { notes: docWith("winner", "near") } });
    const child = forgeEntry({ ...base, pool: [...all, far], parents: [far.id], writes: { notes: docWith("after", 1) } });
    expect(child.height).toBe(future + 1);

    const digests: string[] = [];
    const states: unknown[] = [];
    for (const [i, order] of permutations([far, near, child]).entries()) {
      const rx = await receiverWith(30 + i, db, all);
      await rx.instance.ingest(db, order, { from: "peerE11" });
      expect(await rx.backend.countEntries(db)).toBe(all.length + 3);
      digests.push(await storeDigest(rx.instance, db, { withInstance: false }));
      states.push((await (await rx.instance.openDatabase(db)).storeState("notes")).toPlain());
    }
    expect(new Set(digests).size).toBe(1);
    expect(new Set(states.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(states[0]).toMatchObject({ winner: "far", after: 1 });
  });
});

describe("E11: heights at the top of the range (known gap)", () => {
  /*
   * KNOWN GAP, documented here rather than hidden: heights are only bounded by 2^53 - 1, so a key
   * with Write access can publish an entry at height 2^53 - 1. It is valid and becomes a tip,
   * but no entry can ever name it as a parent (a child needs a larger height, which is not a
   * safe integer), so every later commit at the tips fails on every replica. When heights get
   * an upper bound (or such entries are refused), change this test to expect that instead.
   */
  it("E11 known gap: an entry at height 2^53 - 1 is accepted and then no commit can be built on the tips", async () => {
    const { server, rx } = await synced();
    const db = server.db.id;
    const rxDb = (await rx.instance.openDatabase(db)).withKey(server.admin);
    // Positive control: a commit on the receiver works before.
    await rxDb.withTransaction(async (txn) => (await txn.docStore("notes")).set("before", 1));
    const pool = await rx.backend.ancestors(db, await rx.backend.treeTips(db));
    const top = forgeEntry({
      root: db,
      pool,
      parents: await rx.backend.treeTips(db),
      height: Number.MAX_SAFE_INTEGER,
      writes: { notes: docWith("k", 1) },
      signer: server.admin,
    });
    expect(verdictOf(await rx.instance.ingest(db, [top], { from: "peerE11" }), top.id).status).toBe("stored");
    expect(await rx.backend.treeTips(db)).toEqual([top.id]);
    await expect(rxDb.withTransaction(async (txn) => (await txn.docStore("notes")).set("after", 1))).rejects.toMatchObject({
      code: "MALFORMED",
      message: expect.stringMatching(/tree\.h/),
    });
  });
});

describe("E12: a batch mixing valid and invalid entries", () => {
  /** Valid independent V1, V2; invalid I (bad signature); C, a correctly signed child of I. */
  async function mixed(receiverSeed: number) {
    const { server, rx, all } = await synced(1, receiverSeed);
    const db = server.db.id;
    const base = { root: db, pool: all, parents: await server.db.tips(), signer: server.admin };
    const v1 = forgeEntry({ ...base, writes: { notes: docWith("v1", 1) } });
    const v2 = forgeEntry({ ...base, writes: { other: docWith("v2", 2) } });
    const invalid = withSignatureBitFlipped(forgeEntry({ ...base, writes: { notes: docWith("i", 1) } }), 3);
    const child = forgeEntry({ ...base, pool: [...all, invalid], parents: [invalid.id], writes: { notes: docWith("c", 1) } });
    return { server, rx, db, v1, v2, invalid, child };
  }

  it("E12: per-entry verdicts: independent valid entries stored, the invalid one BAD_SIGNATURE, its child rejected naming it", async () => {
    const { server, rx, db, v1, v2, invalid, child } = await mixed(2);
    const before = await storeDigest(rx.instance, db);
    const puts = rx.backend.puts.length;
    const result = await rx.instance.ingest(db, [child, v1, invalid, v2], { from: "peerE12" });
    expect(result.verdicts.map((v) => v.id)).toEqual([child.id, v1.id, invalid.id, v2.id]);
    expect(verdictOf(result, v1.id).status).toBe("stored");
    expect(verdictOf(result, v2.id).status).toBe("stored");
    expectRejected(result, invalid.id, "BAD_SIGNATURE", /does not verify/);
    expectRejected(result, child.id, "MALFORMED", new RegExp(`depends on rejected entry ${invalid.id}`));
    expect(result).toMatchObject({ rejected: 2, quarantined: 0, duplicates: 0 });
    expect([...result.stored].sort()).toEqual([v1.id, v2.id].sort());
    expect(rx.backend.puts.length).toBe(puts + 1);
    await expectNotHeld(rx.instance, db, [invalid.id, child.id]);
    expect(await storeDigest(rx.instance, db)).not.toBe(before);
    expect(await rx.backend.treeTips(db)).toEqual([v1.id, v2.id].sort());
    expect(rx.instance.peerStats("peerE12")).toMatchObject({ stored: 2, rejected: 2 });
    await expectStillUsable(server, rx, "peerE12");
  });

  it("E12: the verdicts are the same across two runs and across every input order", async () => {
    const runOne = await mixed(2);
    const runTwo = await mixed(2);
    const batch = (m: typeof runOne) => [m.child, m.v1, m.invalid, m.v2];
    const first = await runOne.rx.instance.ingest(runOne.db, batch(runOne), { from: "p" });
    const second = await runTwo.rx.instance.ingest(runTwo.db, batch(runTwo), { from: "p" });
    expect(verdictRows(second)).toEqual(verdictRows(first));
    // Same seeds: even the receivers' device keys are the same.
    expect(await storeDigest(runTwo.rx.instance, runTwo.db)).toBe(await storeDigest(runOne.rx.instance, runOne.db));

    const byId = (rows: string[][]) => Object.fromEntries(rows.map(([id, ...rest]) => [id, rest]));
    const expected = byId(verdictRows(first));
    const digest = await storeDigest(runOne.rx.instance, runOne.db, { withInstance: false });
    const orders = permutations(batch(runOne));
    expect(orders).toHaveLength(24);
    for (const [i, order] of orders.entries()) {
      const run = await mixed(100 + i);
      const result = await run.rx.instance.ingest(run.db, order, { from: "p" });
      expect(result.verdicts.map((v) => v.id)).toEqual(order.map((e) => e.id));
      expect(byId(verdictRows(result))).toEqual(expected);
      expect(await storeDigest(run.rx.instance, run.db, { withInstance: false })).toBe(digest);
    }
  });
});

describe("E13: bootstrap-like batches to an empty receiver", () => {
  async function history() {
    const server = await makeServer(1);
    for (let i = 0; i < 6; i++) await commitNote(server.db, `n${i}`, i);
    const all = await server.db.entries();
    return { server, db: server.db.id, all };
  }

  it("E13a: a batch whose root entry is wrong (another database's root, or a forged root) leaves nothing visible and no database listed", async () => {
    const { server, db, all } = await history();
    const otherRoot = (await (await server.node.instance.createDatabase({ name: "other" })).entries())[0] as Entry;
    const attacker = keyFromSeed(66);
    // A root claiming to be this database but granting the attacker: its ID is not `db`.
    const forgedRoot = (() => {
      const genuine = all[0] as Entry;
      expect(genuine.id).toBe(db);
      const settings = new Doc()
        .set("name", "adversarial")
        .set(`auth.keys.${attacker.publicKey}`, authKeyToDoc({ permission: admin(0), status: "Active" }));
      return withStoreData(genuine, SETTINGS_STORE, docToJsonBytes(settings));
    })();
    for (const root of [otherRoot, forgedRoot]) {
      const rx = await makeNode(2);
      const before = await storeDigest(rx.instance, db);
      const result = await rx.instance.ingest(db, [root, ...all.slice(1)], { from: "peerE13" });
      expectRejected(result, root.id, "WRONG_DATABASE");
      expect(result.verdicts.slice(1).map((v) => v.status)).toEqual(all.slice(1).map(() => "quarantined"));
      expect(result.stored).toEqual([]);
      expect(await rx.instance.listDatabases()).toEqual([]);
      expect(await storeDigest(rx.instance, db)).toBe(before);
      expect(await rx.backend.countEntries(root.rootId)).toBe(0);
      await expect(rx.instance.openDatabase(db)).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect(rx.events).toEqual([]);
      // The waiting entries expire; nothing was ever visible.
      rx.clock.advance(HOUR);
      expect(rx.instance.quarantineStatus()).toMatchObject({ entries: 0, expired: all.length - 1 });
      expect(await storeDigest(rx.instance, db)).toBe(before);
    }
  });

  it("E13b: with a middle entry missing, only the verified ancestor-closed prefix becomes visible (the database is listed); the rest waits in quarantine until the gap is filled", async () => {
    const { server, db, all } = await history();
    const gap = 3;
    const missing = all[gap] as Entry;
    const rx = await makeNode(2);
    const result = await rx.instance.ingest(db, all.filter((e) => e !== missing), { from: "peerE13" });
    const prefix = all.slice(0, gap).map((e) => e.id);
    const rest = all.slice(gap + 1).map((e) => e.id);
    expect(result.stored).toEqual(prefix);
    for (const id of rest) expect(verdictOf(result, id).status).toBe("quarantined");
    expect(await rx.instance.listDatabases()).toEqual([db]);
    expect(await rx.backend.treeTips(db)).toEqual([prefix[prefix.length - 1]]);
    // The visible part is ancestor-closed: every parent of a held entry is held.
    for (const entry of await rx.backend.ancestors(db, await rx.backend.treeTips(db))) {
      for (const parent of entry.parents) expect(await rx.backend.hasEntry(parent)).toBe(true);
    }
    await expectNotHeld(rx.instance, db, [missing.id, ...rest]);
    const filled = await rx.instance.ingest(db, [missing], { from: "peerE13" });
    expect(filled.stored).toEqual([missing.id, ...rest]);
    expect(await rx.backend.treeTips(db)).toEqual(await server.db.tips());
  });

  it("E13b (bootstrap, atomic): with a middle entry missing nothing becomes visible, nothing waits, the database is not listed", async () => {
    const { db, all } = await history();
    const missing = all[3] as Entry;
    const rx = await makeNode(2);
    const before = await storeDigest(rx.instance, db);
    const result = await rx.instance.ingest(db, all.filter((e) => e !== missing), { from: "peerE13", atomic: true });
    expect(result.stored).toEqual([]);
    expect(result.verdicts.map((v) => [v.status, v.error?.code])).toEqual(
      all.filter((e) => e !== missing).map(() => ["rejected", "BATCH_REJECTED"]),
    );
    expect(await storeDigest(rx.instance, db)).toBe(before);
    expect(await rx.instance.listDatabases()).toEqual([]);
    expect(rx.instance.quarantineStatus().entries).toBe(0);
    expect(rx.events).toEqual([]);
    // The complete history, all or nothing, is stored whole.
    const complete = await rx.instance.ingest(db, [...all].reverse(), { from: "peerE13", atomic: true });
    expect(complete.stored).toEqual(all.map((e) => e.id));
    expect(await rx.instance.listDatabases()).toEqual([db]);
  });

  it("E13c (bootstrap, atomic): an extra entry of another database refuses the whole batch", async () => {
    const { server, db, all } = await history();
    const db2 = await server.node.instance.createDatabase({ name: "other" });
    const extra = await commitNote(db2, "x", 1);
    const rx = await makeNode(2);
    const before = await storeDigest(rx.instance, db);
    const result = await rx.instance.ingest(db, [...all, extra], { from: "peerE13", atomic: true });
    expectRejected(result, extra.id, "WRONG_DATABASE");
    for (const entry of all) expectRejected(result, entry.id, "BATCH_REJECTED");
    expect(await storeDigest(rx.instance, db)).toBe(before);
    expect(await rx.instance.listDatabases()).toEqual([]);
  });

  it("E13a (bootstrap, atomic): a forged entry in the batch refuses it whole", async () => {
    const { db, all } = await history();
    const rx = await makeNode(2);
    const forged = withSignatureBitFlipped(all[2] as Entry, 9);
    const result = await rx.instance.ingest(db, [...all.slice(0, 2), forged, ...all.slice(3)], { from: "peerE13", atomic: true });
    expectRejected(result, forged.id, "BAD_SIGNATURE");
    expect(result.stored).toEqual([]);
    expect(await rx.instance.listDatabases()).toEqual([]);
  });

  it("E13c: an extra entry of another database in the batch is WRONG_DATABASE; the rest is stored", async () => {
    const { server, db, all } = await history();
    const db2 = await server.node.instance.createDatabase({ name: "other" });
    const extra = await commitNote(db2, "x", 1);
    const rx = await makeNode(2);
    const batch = [...all.slice(0, 3), extra, ...all.slice(3)];
    const result = await rx.instance.ingest(db, batch, { from: "peerE13" });
    expectRejected(result, extra.id, "WRONG_DATABASE");
    expect(result.stored).toEqual(all.map((e) => e.id));
    expect(await rx.instance.listDatabases()).toEqual([db]);
    expect(await rx.backend.countEntries(db2.id)).toBe(0);
    expect(await rx.backend.hasEntry(extra.id)).toBe(false);
    expect(await rx.backend.treeTips(db)).toEqual(await server.db.tips());
    expect(rx.instance.peerStats("peerE13")).toMatchObject({ stored: all.length, rejected: 1 });
  });
});
