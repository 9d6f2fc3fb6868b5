/**
 * Adversarial entries pushed to a server (reliability.md 2.2, rows E1–E12; section 4
 * "Adversarial entry corpus ... as server"). A legitimate peer (transport-proven key,
 * handshaken, the database sync-enabled on the server) pushes forged entries with
 * `SendEntries` over the simulated network, so every push crosses the real protocol codec.
 *
 * For every refusal the universal criteria are checked where they apply in-process:
 * - U1: the answer is a typed `Error` (`rejected: …`, `bad_request: …`, `not_found: …`,
 *   `limit_exceeded: …`), parsed with `parseWireError`;
 * - U2: the server's store digest (tips, reachable entries with status, entry count, roots,
 *   settings tips), its peers and relationships are unchanged; no write event and no
 *   `entry:received` fired; each rejected entry fired `entry:rejected`;
 * - U3: a valid push sent next by the same peer is accepted and visible;
 * - U5: the refusal counted against the sender (one penalty delay recorded on the node's timers).
 *
 * E13 (bootstrap responses) does not apply to pushes; see adversarial-client.test.ts.
 */
import {
  Doc,
  LIMITS,
  READ,
  SETTINGS_STORE,
  Transaction,
  UNSIGNED_KEY,
  admin,
  authKeyToDoc,
  decodeWireEntry,
  docToJsonBytes,
  idFromDagCbor,
  sortedUniqueIds,
  utf8,
  write,
  EntryBuilder,
  type Database,
  type Entry,
  type ID,
  type SigningKey,
  type WriteEvent,
} from "@eidetica/core";
import { parseWireError, type SyncResponse, type WireErrorCode } from "@eidetica/protocol";
import type { SyncEventMap } from "@eidetica/sync-engine";
import { describe, expect, it } from "vitest";
import {
  docOfLength,
  docWith,
  expectNotHeld,
  forgeEntry,
  rawEntry,
  storeDigest,
  withDataBitFlipped,
  withSignatureBitFlipped,
  wireOf,
} from "./support/forge.js";
import { keyFromSeed, world, type Node, type World } from "./support/world.js";

const HOUR = 60 * 60 * 1000;
/** The default penalty steps (README "Misbehaving senders"): the delay before the n-th invalid answer. */
const STEP_DELAYS = [200, 200, 500, 500, 500, 1_000, 1_000, 1_000, 1_000, 1_000];

/** A server serving one database, and a handshaken client whose transport proves its key. */
interface Setup {
  readonly w: World;
  readonly server: Node;
  readonly client: Node;
  readonly db: Database;
  /** The database's creator and Admin (used by the server for its own commits). */
  readonly owner: SigningKey;
  /** A key with Write(5): what a legitimate pusher signs with. */
  readonly writer: SigningKey;
}

async function setup(seed: number): Promise<Setup> {
  const w = world(seed);
  const server = await w.node("server");
  const client = await w.node("client");
  const owner = keyFromSeed(3);
  const writer = keyFromSeed(11);
  const db = await server.instance.createDatabase({ name: "adversarial", signingKey: owner });
  await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(writer.publicKey, { permission: write(5), status: "Active" }));
  await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("a", 1));
  await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("b", 2));
  await server.sync.enableSync(db.id);
  await client.sync.connect(server.address);
  expect(server.sync.store.peers.has(client.instance.id), "the client is a handshaken peer").toBe(true);
  return { w, server, client, db, owner, writer };
}

/** Pushes over the network, as the client's transport sends it; the raw answer. */
function push(s: Setup, entries: readonly Entry[], to: Node = s.server): Promise<SyncResponse> {
  return s.client.transport.sendRequest(to.address, { kind: "SendEntries", entries });
}

/** The code and message of an `Error` answer. */
function errorOf(response: SyncResponse): { code: WireErrorCode | undefined; message: string } {
  expect(response.kind, `expected an Error answer, got ${JSON.stringify(response)}`).toBe("Error");
  return parseWireError((response as { message: string }).message);
}

/** A valid note by the writer on the server's current tips. */
async function validNote(s: Setup, key: string, value: string | number): Promise<Entry> {
  return forgeEntry({ root: s.db.id, pool: await s.db.entries(), parents: await s.db.tips(), writes: { notes: docWith(key, value) }, signer: s.writer });
}

/** What the server exposes and emits, observed from now on. */
interface Watch {
  readonly digest: string;
  readonly records: string;
  readonly delays: number;
  readonly rejected: SyncEventMap["entry:rejected"][];
  readonly received: SyncEventMap["entry:received"][];
  readonly writes: WriteEvent[];
}

async function watch(s: Setup, node: Node = s.server, db: ID = s.db.id): Promise<Watch> {
  await node.sync.persist(); // cursors learned earlier are written now, not during the probe
  const rejected: SyncEventMap["entry:rejected"][] = [];
  const received: SyncEventMap["entry:received"][] = [];
  const writes: WriteEvent[] = [];
  node.sync.events.on("entry:rejected", (e) => rejected.push(e));
  node.sync.events.on("entry:received", (e) => received.push(e));
  node.instance.onWrite((e) => {
    if (e.database === db) writes.push(e);
  });
  return { digest: await storeDigest(node.backend, db), records: records(node), delays: node.timers.delays.length, rejected, received, writes };
}

function records(node: Node): string {
  return JSON.stringify([node.sync.store.peers.list(), node.sync.store.relationships.list(), node.sync.store.peers.list().map((p) => node.sync.store.cursors.ofPeer(p.pubkey))]);
}

/** U2: nothing visible changed on the server since `before`. */
async function expectUnchanged(s: Setup, before: Watch, node: Node = s.server, db: ID = s.db.id): Promise<void> {
  await node.sync.persist();
  expect(await storeDigest(node.backend, db), "store digest unchanged").toBe(before.digest);
  expect(records(node), "peers and relationships unchanged").toBe(before.records);
  expect(before.received, "no entry:received").toEqual([]);
  expect(before.writes, "no write event").toEqual([]);
}

/** U5: exactly `n` more invalid requests were counted (each answered after its step's delay). */
function expectPenalised(s: Setup, before: Watch, n = 1): void {
  const delays = s.server.timers.delays.slice(before.delays);
  expect(delays, "one penalty delay per invalid request").toHaveLength(n);
  expect(s.server.timers.delays).toEqual(STEP_DELAYS.slice(0, s.server.timers.delays.length));
}

/**
 * Pushes `entries`, which must all be rejected with `code` (entry messages matching `message`):
 * `rejected: …` answer, one `entry:rejected` per entry, U2 and U5.
 */
async function pushRejected(s: Setup, entries: readonly Entry[], code: string, message?: RegExp): Promise<void> {
  const before = await watch(s);
  const answer = errorOf(await push(s, entries));
  expect(answer.code).toBe("rejected");
  expect(answer.message).toMatch(new RegExp(`^${entries.length} of ${entries.length} entries rejected \\(the others were accepted\\); first: \\S+: ${code}$`));
  expect(before.rejected.map((e) => [e.id, e.error.code])).toEqual(entries.map((e) => [e.id, code]));
  for (const event of before.rejected) {
    expect(event).toMatchObject({ peer: s.client.instance.id, database: s.db.id });
    if (message !== undefined) expect(event.error.message).toMatch(message);
  }
  await expectUnchanged(s, before);
  await expectNotHeld(s.server.instance, s.db.id, entries.map((e) => e.id));
  expectPenalised(s, before);
}

/** Pushes raw `entries` the server's decoder must refuse: `bad_request`, U2, U5. */
async function pushUndecodable(s: Setup, entries: readonly Entry[], message: RegExp): Promise<void> {
  const before = await watch(s);
  const undecodable = s.server.sync.handler.stats().undecodable;
  const answer = errorOf(await push(s, entries));
  expect(answer.code).toBe("bad_request");
  expect(answer.message).toMatch(/^invalid request: /);
  expect(answer.message).toMatch(message);
  expect(s.server.sync.handler.stats().undecodable).toBe(undecodable + 1);
  expect(before.rejected).toEqual([]);
  await expectUnchanged(s, before);
  expectPenalised(s, before);
}

/** U3: a valid push sent next by the same peer is acknowledged and visible. */
async function expectStillAccepts(s: Setup, key = "after"): Promise<void> {
  const entry = await validNote(s, key, "ok");
  const before = await watch(s);
  expect(await push(s, [entry])).toEqual({ kind: "Ack" });
  expect(await s.db.tips()).toEqual([entry.id]);
  expect((await s.db.storeState("notes")).toPlain()).toMatchObject({ [key]: "ok" });
  expect(before.received).toEqual([{ peer: s.client.instance.id, database: s.db.id, ids: [entry.id] }]);
  expect(before.rejected).toEqual([]);
}

describe("as server, E1: altered content (IDs are never on the wire: the recomputed ID differs)", () => {
  it("E1: an altered copy of X (signature kept) is rejected under its own ID; X's child waits invisibly; the genuine X then promotes it", async () => {
    const s = await setup(1);
    const x = await validNote(s, "b", "genuine");
    const c = forgeEntry({ root: s.db.id, pool: [...(await s.db.entries()), x], parents: [x.id], writes: { notes: docWith("c", 3) }, signer: s.writer });
    const wire = wireOf(x);
    const notes = wire.subtrees.find((t) => t["name"] === "notes");
    if (notes === undefined) throw new Error("x writes notes");
    notes["data"] = Array.from(docToJsonBytes(docWith("b", "forged")));
    const altered = decodeWireEntry(wire);
    expect(altered.sig.sig).toBe(x.sig.sig);
    expect(altered.id).not.toBe(x.id);

    await pushRejected(s, [altered], "BAD_SIGNATURE", /does not verify/);

    // With X's genuine child in the same push: the child waits (its parent X is not held).
    const before = await watch(s);
    const answer = errorOf(await push(s, [altered, c]));
    expect(answer).toEqual({ code: "rejected", message: `1 of 2 entries rejected (the others were accepted); first: ${altered.id}: BAD_SIGNATURE` });
    expect(before.rejected.map((e) => e.id)).toEqual([altered.id]);
    await expectUnchanged(s, before);
    await expectNotHeld(s.server.instance, s.db.id, [altered.id, x.id, c.id]);
    expect(s.server.instance.quarantineStatus(s.client.instance.id).entries).toBe(1);
    expectPenalised(s, before);

    // U3: the genuine X from the same peer: X is stored and C promoted, parents first.
    const fixed = await watch(s);
    expect(await push(s, [x])).toEqual({ kind: "Ack" });
    expect(fixed.received).toEqual([{ peer: s.client.instance.id, database: s.db.id, ids: [x.id, c.id] }]);
    expect(await s.db.tips()).toEqual([c.id]);
    expect((await s.db.storeState("notes")).toPlain()).toMatchObject({ b: "genuine", c: 3 });
    await expectStillAccepts(s);
  });
});

describe("as server, E2: signature missing or empty", () => {
  it("E2: unsigned, a hint without a signature, an empty signature, a signature without a hint: each BAD_SIGNATURE, nothing stored", async () => {
    const s = await setup(2);
    const base = { root: s.db.id, pool: await s.db.entries(), parents: await s.db.tips(), writes: { notes: docWith("k", "v") } };
    const unsigned = forgeEntry(base);
    const signed = forgeEntry({ ...base, signer: s.writer });
    const hint = { Direct: { hint: { pubkey: s.writer.publicKey } } };
    const cases: [Entry, RegExp][] = [
      [unsigned, /unsigned but the database requires signatures/],
      [unsigned.withSigInfo({ key: hint }), /key hint but no signature/],
      [unsigned.withSigInfo({ key: hint, sig: "" }), /64 bytes, not 0/],
      [unsigned.withSigInfo({ key: UNSIGNED_KEY, sig: signed.sig.sig as string }), /signature but no key hint/],
    ];
    expect(new Set(cases.map(([e]) => e.id)).size).toBe(cases.length);
    for (const [entry, message] of cases) await pushRejected(s, [entry], "BAD_SIGNATURE", message);
    expect(s.server.timers.delays).toEqual([200, 200, 500, 500]);

    // Positive control: the same content, signed.
    expect(await push(s, [signed])).toEqual({ kind: "Ack" });
    expect(await s.db.tips()).toEqual([signed.id]);
    await expectStillAccepts(s);
  });
});

describe("as server, E3: signature invalid", () => {
  it("E3: one bit flipped in the signature or the content: BAD_SIGNATURE each time, counted against the peer; the genuine entry is then stored", async () => {
    const s = await setup(3);
    const genuine = await validNote(s, "title", "hello");
    const dataBits = 8 * ((genuine.storeData("notes")?.length ?? 1) - 1);
    const flipped = [
      ...[0, 7, 255, 256, 511].map((bit) => withSignatureBitFlipped(genuine, bit)),
      ...[0, 43, dataBits].map((bit) => withDataBitFlipped(genuine, "notes", bit)),
    ];
    for (const entry of flipped) {
      expect(entry.id).not.toBe(genuine.id);
      await pushRejected(s, [entry], "BAD_SIGNATURE", /does not verify/);
    }
    expect(s.server.timers.delays).toEqual(STEP_DELAYS.slice(0, flipped.length));
    expect(s.server.sync.handler.stats()).toMatchObject({ pushes: flipped.length, errors: flipped.length, internalErrors: 0 });

    expect(await push(s, [genuine])).toEqual({ kind: "Ack" });
    expect(await s.db.tips()).toEqual([genuine.id]);
    await expectStillAccepts(s);
  });
});

describe("as server, E4: valid signature from a key without the needed grant", () => {
  it("E4: a key with no grant, a Read key, a Write key changing _settings: UNAUTHORIZED; the Write key writing data is stored", async () => {
    const s = await setup(4);
    const stranger = keyFromSeed(9);
    const reader = keyFromSeed(10);
    await s.db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(reader.publicKey, { permission: READ, status: "Active" }));
    const pool = await s.db.entries();
    const parents = await s.db.tips();
    const data = { notes: docWith("k", "v") };

    await pushRejected(s, [forgeEntry({ root: s.db.id, pool, parents, writes: data, signer: stranger })], "UNAUTHORIZED", /no active grant/);
    await pushRejected(s, [forgeEntry({ root: s.db.id, pool, parents, writes: data, signer: reader })], "UNAUTHORIZED", /holds Read; Write to change data/);
    const escalate = forgeEntry({
      root: s.db.id,
      pool,
      parents,
      writes: { [SETTINGS_STORE]: new Doc().set(`auth.keys.${s.writer.publicKey}`, authKeyToDoc({ permission: admin(0), status: "Active" })) },
      signer: s.writer,
    });
    await pushRejected(s, [escalate], "UNAUTHORIZED", /holds Write\(5\); Admin to change settings/);
    expect(await s.db.canAccess(s.writer.publicKey, admin(0))).toBe(false);

    // Positive control: the Write key writing data.
    expect(await push(s, [forgeEntry({ root: s.db.id, pool, parents, writes: data, signer: s.writer })])).toEqual({ kind: "Ack" });
    await expectStillAccepts(s);
  });
});

describe("as server, E5: key revoked on a concurrent branch (packages/core/README.md, 'Revocation across concurrent branches')", () => {
  /**
   * root … T → G (Admin grants K Write) → branch A: V (Admin revokes K)
   *                                     → branch B: B1 → B2 (written by K, pinning G)
   * Authored on the client's own copy of the database, pushed to two servers in both orders.
   */
  async function scenario() {
    const s = await setup(5);
    const second = await s.w.node("server2");
    expect((await second.instance.ingest(s.db.id, await s.db.entries(), { from: "setup" })).rejected).toBe(0);
    await second.sync.enableSync(s.db.id);
    await s.client.sync.connect(second.address);

    // The client's copy, on which the Admin and K author their entries.
    expect((await s.client.instance.ingest(s.db.id, await s.db.entries(), { from: "setup" })).rejected).toBe(0);
    const copy = await s.client.instance.openDatabase(s.db.id, { signingKey: s.owner });
    const k = keyFromSeed(12);
    const commit = async (db: Database, parents: readonly ID[], change: (txn: Transaction) => Promise<void>): Promise<Entry> => {
      const txn = await Transaction.begin(db, parents);
      await change(txn);
      return (await db.entry(await txn.commit())) as Entry;
    };
    const [t] = await copy.tips();
    const g = await commit(copy, [t as ID], async (txn) => (await txn.settings()).setAuthKey(k.publicKey, { permission: write(1), status: "Active" }));
    const v = await commit(copy, [g.id], async (txn) => (await txn.settings()).revokeKey(k.publicKey));
    const asK = copy.withKey(k);
    const b1 = await commit(asK, [g.id], async (txn) => (await txn.docStore("notes")).set("k", 1));
    const b2 = await commit(asK, [b1.id], async (txn) => (await txn.docStore("notes")).set("k", 2));
    return { s, second, copy, k, g, v, b1, b2 };
  }

  it("E5: K's entries on the branch without the revocation are accepted in both arrival orders, with the same tips, digest and states", async () => {
    const { s, second, copy, g, v, b1, b2 } = await scenario();
    // Server 1: the revocation first, then K's branch.
    expect(await push(s, [g, v])).toEqual({ kind: "Count", count: 2 });
    expect(await push(s, [b1, b2])).toEqual({ kind: "Count", count: 2 });
    // Server 2: K's branch first, then the revocation.
    expect(await push(s, [g, b1, b2], second)).toEqual({ kind: "Count", count: 3 });
    expect(await push(s, [v], second)).toEqual({ kind: "Ack" });

    const expectedTips = sortedUniqueIds([b2.id, v.id]);
    expect(await copy.tips()).toEqual(expectedTips);
    expect(await s.db.tips()).toEqual(expectedTips);
    expect(await second.backend.treeTips(s.db.id)).toEqual(expectedTips);
    const digestOf = async (node: Node) => JSON.parse(await storeDigest(node.backend, s.db.id)) as Record<string, unknown>;
    const [one, two] = [await digestOf(s.server), await digestOf(second)];
    expect({ ...one, roots: null }).toEqual({ ...two, roots: null });
    const secondDb = await second.instance.openDatabase(s.db.id);
    for (const store of ["notes", SETTINGS_STORE, "_index"]) {
      const left = (await s.db.storeState(store)).toPlain();
      expect((await secondDb.storeState(store)).toPlain()).toEqual(left);
      expect((await copy.storeState(store)).toPlain()).toEqual(left);
    }
    // The merged settings have K revoked.
    expect(await s.db.canAccess(keyFromSeed(12).publicKey, write(1))).toBe(false);
  });

  it("E5: once the revocation is an ancestor, K's entries are UNAUTHORIZED, also when pinning the old settings; on branch B K may still write", async () => {
    const { s, k, g, v, b1, b2 } = await scenario();
    expect(await push(s, [g, v, b1, b2])).toEqual({ kind: "Count", count: 4 });
    const pool = await s.db.entries();

    // K merges both branches: the merged settings (V) have K revoked.
    const kMerge = forgeEntry({ root: s.db.id, pool, parents: [b2.id, v.id], writes: { notes: docWith("k", 3) }, signer: k });
    await pushRejected(s, [kMerge], "UNAUTHORIZED", /no active grant/);
    // K builds on the revocation but pins the old settings G.
    const stale = forgeEntry({ root: s.db.id, pool, parents: [v.id], pin: [g.id], writes: { notes: docWith("k", 4) }, signer: k });
    await pushRejected(s, [stale], "UNAUTHORIZED", /pins settings older than its parents'/);

    // The documented consequence: on branch B (which never saw V) K may still extend B2.
    const onB = forgeEntry({ root: s.db.id, pool, parents: [b2.id], writes: { notes: docWith("k", 5) }, signer: k });
    expect(await push(s, [onB])).toEqual({ kind: "Ack" });
    expect(await s.db.tips()).toEqual(sortedUniqueIds([onB.id, v.id]));
    await expectStillAccepts(s);
  });
});

describe("as server, E6: entries of another database, or of a database the server does not serve", () => {
  it("E6: a database held but not served, one not held at all, and a push mixing one with a served database: not_found, nothing stored anywhere", async () => {
    const s = await setup(6);
    const db2 = await s.server.instance.createDatabase({ name: "not served", signingKey: s.owner });
    const db2Entry = forgeEntry({ root: db2.id, pool: await db2.entries(), parents: await db2.tips(), writes: { notes: docWith("x", 1) }, signer: s.owner });
    const db3 = await s.client.instance.createDatabase({ name: "foreign" });
    const db3Entries = [...(await db3.entries()), await (async () => {
      await db3.withTransaction(async (txn) => (await txn.docStore("notes")).set("y", 1));
      return (await db3.entry((await db3.tips())[0] as ID)) as Entry;
    })()];
    const valid = await validNote(s, "k", "v");

    for (const [entries, missing] of [
      [[db2Entry], db2.id],
      [db3Entries, db3.id],
      [[valid, db2Entry], db2.id],
    ] as [Entry[], ID][]) {
      const before = await watch(s);
      const before2 = await storeDigest(s.server.backend, db2.id);
      expect(errorOf(await push(s, entries))).toEqual({ code: "not_found", message: `Tree not found: ${missing}` });
      await expectUnchanged(s, before);
      expect(await storeDigest(s.server.backend, db2.id)).toBe(before2);
      expect(await s.server.backend.countEntries(db3.id)).toBe(0);
      await expectNotHeld(s.server.instance, s.db.id, entries.map((e) => e.id));
      expect(before.rejected).toEqual([]);
    }
    expect([...(await s.server.instance.listDatabases())].sort()).toEqual([s.server.sync.store.databaseId, s.db.id, db2.id].sort());

    // A database whose sync was disabled is not served either; enabled again, it is.
    await s.server.sync.disableSync(s.db.id);
    expect(errorOf(await push(s, [valid]))).toEqual({ code: "not_found", message: `Tree not found: ${s.db.id}` });
    await expectNotHeld(s.server.instance, s.db.id, [valid.id]);
    await s.server.sync.enableSync(s.db.id);
    expect(await push(s, [valid])).toEqual({ kind: "Ack" });
    await expectStillAccepts(s);
  });

  it("E6: the server's own _sync database and a database it is still bootstrapping (even with sync enabled) are not served: not_found", async () => {
    const s = await setup(21);
    // The peer store: entries claiming it are refused whole.
    const syncDb = s.server.sync.store.databaseId;
    const syncEntries = await (await s.server.instance.openDatabase(syncDb)).entries();
    const syncDigest = await storeDigest(s.server.backend, syncDb);
    const intoSync = forgeEntry({ root: syncDb, pool: syncEntries, parents: await s.server.backend.treeTips(syncDb), writes: { peers: docWith("evil", true) }, signer: s.server.instance.deviceKey });
    expect(errorOf(await push(s, [intoSync]))).toEqual({ code: "not_found", message: `Tree not found: ${syncDb}` });
    expect(await storeDigest(s.server.backend, syncDb)).toBe(syncDigest);
    expect(await s.server.backend.hasEntry(intoSync.id)).toBe(false);

    // A database being bootstrapped: marked incomplete, its root held, sync enabled in the store.
    const elsewhere = await s.client.instance.createDatabase({ name: "partial", signingKey: s.owner });
    const root = (await elsewhere.entries())[0] as Entry;
    await s.server.instance.beginBootstrap(elsewhere.id);
    expect((await s.server.instance.ingest(elsewhere.id, [root], { from: "setup", atomic: true })).stored).toEqual([elsewhere.id]);
    await s.server.sync.store.databases.set(elsewhere.id, { syncEnabled: true, syncOnCommit: true, intervalSeconds: null, properties: {} });
    const partialDigest = await storeDigest(s.server.backend, elsewhere.id);
    const next = forgeEntry({ root: elsewhere.id, pool: [root], parents: [root.id], writes: { notes: docWith("x", 1) }, signer: s.owner });
    expect(errorOf(await push(s, [next]))).toEqual({ code: "not_found", message: `Tree not found: ${elsewhere.id}` });
    expect(await storeDigest(s.server.backend, elsewhere.id)).toBe(partialDigest);
    expect(await s.server.instance.listDatabases()).not.toContain(elsewhere.id);
    await expectStillAccepts(s);
  });

  it("E6: an entry of this database naming another database's entry as parent is WRONG_DATABASE; pinning its settings is MALFORMED", async () => {
    const s = await setup(7);
    const db2 = await s.server.instance.createDatabase({ name: "other", signingKey: s.owner });
    await db2.withTransaction(async (txn) => (await txn.docStore("notes")).set("x", 1));
    const pool = [...(await s.db.entries()), ...(await db2.entries())];
    const pin = await s.server.backend.storeTips(s.db.id, SETTINGS_STORE);
    const foreignParent = forgeEntry({ root: s.db.id, pool, parents: await db2.tips(), pin, writes: { notes: docWith("k", "v") }, signer: s.writer });
    await pushRejected(s, [foreignParent], "WRONG_DATABASE", /belongs to another database/);
    const foreignPin = forgeEntry({ root: s.db.id, pool, parents: await s.db.tips(), pin: [db2.id], writes: { notes: docWith("k", "v") }, signer: s.writer });
    await pushRejected(s, [foreignPin], "MALFORMED", /is not a settings entry of this database/);
    expect(await s.server.backend.countEntries(db2.id)).toBe(2);
    await expectStillAccepts(s);
  });
});

describe("as server, E7: orphan whose parent never arrives", () => {
  it("E7: an orphan is acknowledged but waits invisibly, expires after 1 h, and the digest is the one before the push", async () => {
    const s = await setup(8);
    const p = await validNote(s, "p", 1);
    const o = forgeEntry({ root: s.db.id, pool: [...(await s.db.entries()), p], parents: [p.id], writes: { notes: docWith("o", 1) }, signer: s.writer });
    const before = await watch(s);
    expect(await push(s, [o])).toEqual({ kind: "Ack" });
    await expectUnchanged(s, before);
    await expectNotHeld(s.server.instance, s.db.id, [o.id]);
    expect(await s.db.entry(o.id)).toBeUndefined();
    expect((await s.db.storeState("notes")).toPlain()).toEqual({ a: 1, b: 2 });
    expect(before.rejected).toEqual([]);
    expect(s.server.timers.delays).toEqual([]);
    expect(s.server.instance.quarantineStatus(s.client.instance.id)).toMatchObject({ entries: 1, expired: 0 });

    s.w.clock.advance(HOUR);
    expect(s.server.instance.quarantineStatus(s.client.instance.id)).toMatchObject({ entries: 0, expired: 1 });
    await expectUnchanged(s, before);
    // The parent arriving after expiry does not bring the dropped orphan back.
    expect(await push(s, [p])).toEqual({ kind: "Ack" });
    await expectNotHeld(s.server.instance, s.db.id, [o.id]);
    expect(await s.db.tips()).toEqual([p.id]);
    await expectStillAccepts(s);
  });

  it("E7: when the parent arrives before expiry the orphan is promoted with it", async () => {
    const s = await setup(9);
    const p = await validNote(s, "p", 1);
    const o = forgeEntry({ root: s.db.id, pool: [...(await s.db.entries()), p], parents: [p.id], writes: { notes: docWith("o", 1) }, signer: s.writer });
    expect(await push(s, [o])).toEqual({ kind: "Ack" });
    s.w.clock.advance(HOUR - 1);
    const before = await watch(s);
    expect(await push(s, [p])).toEqual({ kind: "Ack" });
    expect(before.received).toEqual([{ peer: s.client.instance.id, database: s.db.id, ids: [p.id, o.id] }]);
    expect(await s.db.tips()).toEqual([o.id]);
  });
});

describe("as server, E8: duplicate parent, nonexistent parent, self-parent and cycles", () => {
  it("E8: a parent listed twice (main or store) is refused by the server's decoder: bad_request, nothing stored", async () => {
    const s = await setup(10);
    const entry = await validNote(s, "k", "v");
    const [tip] = await s.db.tips();
    await pushUndecodable(s, [rawEntry(entry, { parents: [tip as ID, tip as ID] })], /parents must be sorted by ID without duplicates/);
    await pushUndecodable(s, [rawEntry(entry, { store: { name: "notes", parents: [tip as ID, tip as ID] } })], /without duplicates/);
    // Positive control: the untouched entry.
    expect(await push(s, [entry])).toEqual({ kind: "Ack" });
    await expectStillAccepts(s);
  });

  it("E8: an entry naming a parent that does not exist waits invisibly and expires", async () => {
    const s = await setup(11);
    const ghost = idFromDagCbor(utf8("an entry nobody has"));
    const pin = await s.server.backend.storeTips(s.db.id, SETTINGS_STORE);
    const entry = forgeEntry({ root: s.db.id, pool: await s.db.entries(), parents: [...(await s.db.tips()), ghost], height: 10, pin, writes: { notes: docWith("k", "v") }, signer: s.writer });
    const before = await watch(s);
    expect(await push(s, [entry])).toEqual({ kind: "Ack" });
    await expectUnchanged(s, before);
    await expectNotHeld(s.server.instance, s.db.id, [entry.id, ghost]);
    s.w.clock.advance(HOUR);
    expect(s.server.instance.quarantineStatus()).toMatchObject({ entries: 0, expired: 1 });
    await expectUnchanged(s, before);
    await expectStillAccepts(s);
  });

  it("E8: an entry cannot name itself and a cycle of claimed IDs cannot form: such entries wait; the genuine parent promotes what depends on it", async () => {
    const s = await setup(12);
    const tips = await s.db.tips();
    const all = await s.db.entries();
    const pin = await s.server.backend.storeTips(s.db.id, SETTINGS_STORE);
    const base = { root: s.db.id, pool: all, writes: { notes: docWith("k", "v") }, signer: s.writer };
    let self = forgeEntry({ ...base, parents: tips });
    const named = new Set<ID>();
    for (let i = 0; i < 5; i++) {
      named.add(self.id);
      self = forgeEntry({ ...base, parents: [...tips, self.id], height: 10, pin });
      expect(named.has(self.id)).toBe(false);
      expect(self.parents).not.toContain(self.id);
    }
    const a = forgeEntry({ ...base, parents: tips });
    const b = forgeEntry({ ...base, pool: [...all, a], parents: [a.id], writes: { notes: docWith("k", "b") } });
    const aPrime = forgeEntry({ ...base, parents: [b.id], height: b.height + 1, pin });
    expect(aPrime.id).not.toBe(a.id);

    const before = await watch(s);
    expect(await push(s, [self, aPrime, b])).toEqual({ kind: "Count", count: 3 });
    await expectUnchanged(s, before);
    await expectNotHeld(s.server.instance, s.db.id, [self.id, aPrime.id, b.id, a.id]);

    const promoted = await watch(s);
    expect(await push(s, [a])).toEqual({ kind: "Ack" });
    expect(promoted.received.map((e) => e.ids)).toEqual([[a.id, b.id, aPrime.id]]);
    expect(s.server.instance.quarantineStatus(s.client.instance.id).entries).toBe(1); // the self-naming one
  });
});

describe("as server, E9: duplicate entries", () => {
  it("E9: a duplicate within a push and across pushes is stored once: one write, one event; a push of held entries changes nothing", async () => {
    const s = await setup(13);
    const x = await validNote(s, "x", 1);
    const first = await watch(s);
    expect(await push(s, [x, x])).toEqual({ kind: "Count", count: 2 });
    expect(first.received).toEqual([{ peer: s.client.instance.id, database: s.db.id, ids: [x.id] }]);
    expect(first.writes.map((e) => e.ids)).toEqual([[x.id]]);

    const again = await watch(s);
    const all = await s.db.entries();
    expect(await push(s, [x, ...all])).toEqual({ kind: "Count", count: all.length + 1 });
    await expectUnchanged(s, again);
    expect(again.rejected).toEqual([]);
    expect(s.server.timers.delays).toEqual([]);
    expect(s.server.instance.peerStats(s.client.instance.id)).toMatchObject({ stored: 1, duplicates: all.length + 2, rejected: 0 });
    await expectStillAccepts(s);
  });
});

describe("as server, E10: over-limit inputs (limit−1, limit, limit+1)", () => {
  it("E10: 63 and 64 parents are stored; 65 (main or store) is refused by the decoder: bad_request LIMIT_EXCEEDED, nothing stored", async () => {
    const s = await setup(14);
    const [t] = await s.db.tips();
    for (let i = 0; i < 65; i++) {
      const txn = await Transaction.begin(s.db, [t as ID]);
      (await txn.docStore("notes")).set(`branch ${i}`, i);
      await txn.commit();
    }
    const branches = await s.db.tips();
    expect(branches).toHaveLength(65);
    const pool = await s.db.entries();
    const merge = (parents: readonly ID[], key: string) =>
      forgeEntry({ root: s.db.id, pool, parents, writes: { notes: docWith(key, parents.length) }, signer: s.writer });
    const e63 = merge(branches.slice(0, 63), "m63");
    const e64 = merge(branches.slice(0, 64), "m64");
    expect(e64.parents).toHaveLength(64);

    await pushUndecodable(s, [rawEntry(e64, { parents: branches })], /parentsPerEntry is 65, above the limit of 64/);
    await pushUndecodable(s, [rawEntry(e64, { store: { name: "notes", parents: branches } })], /is 65, above the limit of 64/);
    await expectNotHeld(s.server.instance, s.db.id, [e63.id, e64.id]);

    expect(await push(s, [e63])).toEqual({ kind: "Ack" });
    expect(await push(s, [e64])).toEqual({ kind: "Ack" });
    expect(await s.server.backend.hasEntry(e63.id)).toBe(true);
    expect(await s.server.backend.hasEntry(e64.id)).toBe(true);
    expect(await s.db.tips()).toEqual(sortedUniqueIds([e63.id, e64.id, branches[64] as ID]));
  });

  it("E10: entries of 1 MiB − 1 and 1 MiB (encoded) are stored; 1 MiB + 1 is refused by the decoder before any verification", async () => {
    const s = await setup(15);
    const pool = await s.db.entries();
    const parents = await s.db.tips();
    const sized = (length: number) => forgeEntry({ root: s.db.id, pool, parents, writes: { notes: docOfLength("blob", length) }, signer: s.writer });
    const probe = sized(1_000_000);
    const atLimit = 1_000_000 + LIMITS.entryBytes - probe.encodedLength;
    const under = sized(atLimit - 1);
    const at = sized(atLimit);
    expect(under.encodedLength).toBe(LIMITS.entryBytes - 1);
    expect(at.encodedLength).toBe(LIMITS.entryBytes);
    const over = rawEntry(at, { store: { name: "notes", data: docToJsonBytes(docOfLength("blob", atLimit + 1)) } });

    await pushUndecodable(s, [over], /entryBytes is 1048577, above the limit of 1048576/);
    expect(await push(s, [under])).toEqual({ kind: "Ack" });
    expect(await push(s, [at])).toEqual({ kind: "Ack" });
    expect(await s.db.tips()).toEqual(sortedUniqueIds([under.id, at.id]));
    expect((await s.db.entry(at.id))?.encodedLength).toBe(LIMITS.entryBytes);
  });

  it("E10: more than 10,000 entries in one push: the decoder refuses 10,001 on the wire, ingest refuses 10,001 at the handler; 9,999 and 10,000 are accepted", async () => {
    const s = await setup(16);
    const context = { remoteAddress: s.client.address, transportType: "sim", peerKey: s.client.instance.id };
    const handle = (entries: readonly Entry[]) => s.server.sync.handler.handle({ kind: "SendEntries", entries }, context);

    // On the wire: small (invalid: no settings pin) entries so that 10,001 fit in one message.
    const tiny = new EntryBuilder(s.db.id).parents([s.db.id]).height(1).build();
    await pushUndecodable(s, new Array<Entry>(LIMITS.entriesPerMessage + 1).fill(tiny), /entriesPerMessage is 10001, above the limit of 10000/);
    // 10,000 pass the decoder and reach verification (which refuses the entry itself).
    const reached = await watch(s);
    const answer = errorOf(await push(s, new Array<Entry>(LIMITS.entriesPerMessage).fill(tiny)));
    expect(answer).toEqual({ code: "rejected", message: `1 of 10000 entries rejected (the others were accepted); first: ${tiny.id}: MALFORMED` });
    await expectUnchanged(s, reached);

    // At the handler (past any codec): ingest's own limit.
    const x1 = await validNote(s, "x", 1);
    const before = await watch(s);
    const over = errorOf(await handle(new Array<Entry>(LIMITS.entriesPerMessage + 1).fill(x1)));
    expect(over).toEqual({ code: "limit_exceeded", message: "entriesPerMessage is 10001, above the limit of 10000" });
    await expectUnchanged(s, before);
    await expectNotHeld(s.server.instance, s.db.id, [x1.id]);

    expect(await handle(new Array<Entry>(LIMITS.entriesPerMessage - 1).fill(x1))).toEqual({ kind: "Count", count: LIMITS.entriesPerMessage - 1 });
    const x2 = await validNote(s, "x", 2);
    expect(await handle(new Array<Entry>(LIMITS.entriesPerMessage).fill(x2))).toEqual({ kind: "Count", count: LIMITS.entriesPerMessage });
    expect(await s.db.tips()).toEqual([x2.id]);
    expect(before.received.map((e) => e.ids)).toEqual([[x1.id], [x2.id]]);
  });
});

describe("as server, E11: heights", () => {
  it("E11: a height not above every parent's (main or store) is MALFORMED; negative, fractional or ≥ 2^53 heights are refused by the server's decoder", async () => {
    const s = await setup(17);
    const tips = await s.db.tips();
    const all = await s.db.entries();
    const tip = all.find((e) => e.id === tips[0]) as Entry;
    expect(tip.height).toBeGreaterThanOrEqual(2);
    const base = { root: s.db.id, pool: all, parents: tips, writes: { notes: docWith("k", "v") }, signer: s.writer };
    for (const height of [tip.height, tip.height - 1, 0]) {
      await pushRejected(s, [forgeEntry({ ...base, height })], "MALFORMED", /height must be above every parent's/);
    }
    await pushRejected(s, [forgeEntry({ ...base, storeHeights: { notes: tip.storeHeight("notes") } })], "MALFORMED", /height in notes must be above every store parent's/);
    const valid = forgeEntry(base);
    // (A string height cannot be put on the wire this way: the sender's encoder writes numbers.)
    for (const [h, message] of [
      [-1, /expected a non-negative integer, found integer -1/],
      [1.5, /expected a non-negative integer, found a non-integer number/],
      [2 ** 53, /integer 9007199254740992 is above the largest supported value 9007199254740991/],
    ] as const) {
      await pushUndecodable(s, [rawEntry(valid, { height: h })], new RegExp(`/SendEntries/0/tree/h: ${message.source}`));
    }
    expect(await push(s, [valid])).toEqual({ kind: "Ack" });
    await expectStillAccepts(s);
  });

  it("E11: a far-future (timestamp-like) height above the parents is accepted and the merge is decided by (height, ID)", async () => {
    const s = await setup(18);
    const all = await s.db.entries();
    const tips = await s.db.tips();
    const future = 1_704_067_200_000 + 10 * 365 * 24 * HOUR;
    const base = { root: s.db.id, pool: all, parents: tips, signer: s.writer };
    const far = forgeEntry({ ...base, height: future, writes: { notes: docWith("winner", "far") } });
    const near = forgeEntry({ ...base, writes: { notes: docWith("winner", "near") } });
    const child = forgeEntry({ ...base, pool: [...all, far], parents: [far.id], writes: { notes: docWith("after", 1) } });
    expect(child.height).toBe(future + 1);
    expect(await push(s, [child, near, far])).toEqual({ kind: "Count", count: 3 });
    expect(await s.db.tips()).toEqual(sortedUniqueIds([child.id, near.id]));
    expect((await s.db.storeState("notes")).toPlain()).toMatchObject({ winner: "far", after: 1 });
  });
});

describe("as server, E12: a push mixing valid and invalid entries", () => {
  /** Valid independent V1, V2; invalid I (bad signature); C, a correctly signed child of I. */
  async function mixed(seed: number) {
    const s = await setup(seed);
    const all = await s.db.entries();
    const base = { root: s.db.id, pool: all, parents: await s.db.tips(), signer: s.writer };
    const v1 = forgeEntry({ ...base, writes: { notes: docWith("v1", 1) } });
    const v2 = forgeEntry({ ...base, writes: { other: docWith("v2", 2) } });
    const invalid = withSignatureBitFlipped(forgeEntry({ ...base, writes: { notes: docWith("i", 1) } }), 3);
    const child = forgeEntry({ ...base, pool: [...all, invalid], parents: [invalid.id], writes: { notes: docWith("c", 1) } });
    return { s, v1, v2, invalid, child };
  }

  it("E12: per-entry verdicts: the valid independent entries are stored, the invalid one and its child are rejected and reported", async () => {
    const { s, v1, v2, invalid, child } = await mixed(19);
    const before = await watch(s);
    const answer = errorOf(await push(s, [child, v1, invalid, v2]));
    expect(answer).toEqual({ code: "rejected", message: `2 of 4 entries rejected (the others were accepted); first: ${child.id}: MALFORMED` });
    expect(before.rejected.map((e) => [e.id, e.error.code])).toEqual([
      [child.id, "MALFORMED"],
      [invalid.id, "BAD_SIGNATURE"],
    ]);
    expect(before.rejected[0]?.error.message).toMatch(new RegExp(`depends on rejected entry ${invalid.id}`));
    expect(before.received).toHaveLength(1);
    expect([...(before.received[0]?.ids ?? [])].sort()).toEqual(sortedUniqueIds([v1.id, v2.id]));
    expect(await s.db.tips()).toEqual(sortedUniqueIds([v1.id, v2.id]));
    await expectNotHeld(s.server.instance, s.db.id, [invalid.id, child.id]);
    expectPenalised(s, before);
    await expectStillAccepts(s);
  });

  it("E12: the outcome is the same in every input order (24 orders, fresh servers from the same seed)", async () => {
    const reference = await mixed(20);
    const batch = (m: typeof reference) => [m.child, m.v1, m.invalid, m.v2];
    expect(errorOf(await push(reference.s, batch(reference))).code).toBe("rejected");
    const digest = await storeDigest(reference.s.server.backend, reference.s.db.id);
    const orders: Entry[][] = [];
    const permute = (items: Entry[], prefix: Entry[] = []): void => {
      if (items.length === 0) orders.push(prefix);
      items.forEach((item, i) => permute([...items.slice(0, i), ...items.slice(i + 1)], [...prefix, item]));
    };
    permute(batch(reference));
    expect(orders).toHaveLength(24);
    for (const order of orders) {
      const run = await mixed(20);
      const before = await watch(run.s);
      const answer = errorOf(await push(run.s, order));
      expect(answer.code).toBe("rejected");
      expect(answer.message).toMatch(/^2 of 4 entries rejected/);
      expect(Object.fromEntries(before.rejected.map((e) => [e.id, e.error.code]))).toEqual({ [reference.invalid.id]: "BAD_SIGNATURE", [reference.child.id]: "MALFORMED" });
      expect(await storeDigest(run.s.server.backend, run.s.db.id)).toBe(digest);
    }
  });
});
