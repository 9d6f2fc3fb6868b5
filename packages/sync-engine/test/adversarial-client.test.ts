/**
 * Adversarial entries received as a client (reliability.md 2.2, rows E1–E4 and E6–E13;
 * section 4 "Adversarial entry corpus ... as client"). A malicious server (a `MockTransport`
 * serving a hand-written handler, test/support/malicious.ts) proves its key in every
 * handshake, so the client accepts it as a peer, and answers `SyncTree` with forged
 * `Bootstrap` and `Incremental` pages built from an honest server's real history.
 *
 * Checked for every refusal:
 * - U1: `sync.bootstrap` / `sync.syncWithPeer` rejects with a typed error
 *   (`ENTRIES_REJECTED`, `SYNC_PROTOCOL`, or `TRANSPORT` for what the client's decoder refuses);
 * - U2: nothing of the bad page is stored or readable (store digest unchanged; a refused
 *   bootstrap leaves the database unlisted and unopenable, with no write event, no sync
 *   settings and no relationship); `entry:rejected` names each refused entry;
 * - U3: an honest server afterwards bootstraps or syncs the database completely.
 *
 * E5 (revocation on a concurrent branch) is covered as server only: the rule is the same
 * ingest, and adversarial-server.test.ts tests both arrival orders.
 */
import {
  Doc,
  EntryBuilder,
  LIMITS,
  SETTINGS_STORE,
  UNSIGNED_KEY,
  admin,
  authKeyToDoc,
  decodeWireEntry,
  docToJsonBytes,
  idFromDagCbor,
  sortedUniqueIds,
  utf8,
  write,
  type Database,
  type Entry,
  type ID,
  type SigningKey,
  type WriteEvent,
} from "@eidetica/core";
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
  withStoreData,
  wireOf,
} from "./support/forge.js";
import { bootstrapAnswer, incrementalAnswer, maliciousServer, scripted, type MaliciousServer } from "./support/malicious.js";
import { keyFromSeed, world, type Node, type World } from "./support/world.js";

const HOUR = 60 * 60 * 1000;

/** An honest server with a database of eight entries, a client allowed to read it, and a malicious server. */
interface Setup {
  readonly w: World;
  readonly honest: Node;
  readonly client: Node;
  readonly db: Database;
  /** The honest history, parents first (the root first). */
  readonly all: readonly Entry[];
  readonly root: Entry;
  /** A key with Write(5) (a legitimate writer whose entries the forger copies). */
  readonly writer: SigningKey;
  readonly evil: MaliciousServer;
  /** What the client announced. */
  readonly writes: WriteEvent[];
  readonly rejected: SyncEventMap["entry:rejected"][];
  readonly received: SyncEventMap["entry:received"][];
  readonly errors: SyncEventMap["sync:error"][];
}

async function setup(seed: number): Promise<Setup> {
  const w = world(seed);
  const honest = await w.node("honest");
  const client = await w.node("client");
  const writer = keyFromSeed(11);
  const db = await honest.instance.createDatabase({ name: "adversarial" });
  await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: write(5), status: "Active" }));
  await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(writer.publicKey, { permission: write(5), status: "Active" }));
  for (let i = 0; i < 5; i++) await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`n${i}`, i));
  await honest.sync.enableSync(db.id);
  const all = await db.entries();
  expect(all).toHaveLength(8);
  const root = all[0] as Entry;
  expect(root.id).toBe(db.id);
  const evil = await maliciousServer(w.network, "evil", keyFromSeed(77), () => incrementalAnswer(db.id, [], []));
  const writes: WriteEvent[] = [];
  const rejected: SyncEventMap["entry:rejected"][] = [];
  const received: SyncEventMap["entry:received"][] = [];
  const errors: SyncEventMap["sync:error"][] = [];
  client.instance.onWrite((e) => {
    writes.push(e);
  });
  client.sync.events.on("entry:rejected", (e) => rejected.push(e));
  client.sync.events.on("entry:received", (e) => received.push(e));
  client.sync.events.on("sync:error", (e) => errors.push(e));
  return { w, honest, client, db, all, root, writer, evil, writes, rejected, received, errors };
}

/** The bootstrap from the malicious server. */
function bootstrapFromEvil(c: Setup): Promise<unknown> {
  return c.client.sync.bootstrap(c.evil.address, { database: c.db.id });
}

/**
 * A refused bootstrap: the typed error, the database neither listed nor openable, no write
 * event, no sync settings or relationship for it, one `sync:error`.
 */
async function expectRefusedBootstrap(c: Setup, code: string, message: RegExp, held = 0): Promise<void> {
  const errors = c.errors.length;
  const error = await bootstrapFromEvil(c).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error, "the bootstrap must fail").toBeDefined();
  expect(error?.code).toBe(code);
  expect(error?.message).toMatch(message);
  await expectNotVisible(c, held);
  expect(c.errors.slice(errors).map((e) => [e.database, e.peer, e.error.code])).toEqual([[c.db.id, c.evil.key.publicKey, code]]);
}

/** The database is not visible on the client; exactly `held` of its entries wait, invisible. */
async function expectNotVisible(c: Setup, held: number): Promise<void> {
  expect(await c.client.instance.listDatabases()).toEqual([c.client.sync.store.databaseId]);
  await expect(c.client.instance.openDatabase(c.db.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  // Entries held stay marked incomplete (a later bootstrap resumes); with none, no mark is left.
  expect(c.client.instance.isIncomplete(c.db.id)).toBe(held > 0);
  expect(await c.client.backend.countEntries(c.db.id)).toBe(held);
  expect(c.writes.filter((e) => e.database === c.db.id), "no write event").toEqual([]);
  expect(c.client.sync.store.databases.list().map((d) => d.database)).not.toContain(c.db.id);
  expect(c.client.sync.store.relationships.list()).toEqual([]);
  expect(await c.client.sync.handle(c.db.id).status()).toMatchObject({ hasLocalData: false });
}

/** U3 after a refused bootstrap: the honest server completes it; the copy equals the original. */
async function expectHonestBootstrap(c: Setup, received = c.all.length): Promise<void> {
  const result = await c.client.sync.bootstrap(c.honest.sync.createTicket(c.db.id));
  expect(result.received).toBe(received);
  expect(await c.client.instance.listDatabases()).toContain(c.db.id);
  expect(c.client.instance.isIncomplete(c.db.id)).toBe(false);
  await expectSameAsHonest(c);
}

async function expectSameAsHonest(c: Setup): Promise<void> {
  const copy = await c.client.instance.openDatabase(c.db.id);
  expect(await copy.tips()).toEqual(await c.db.tips());
  expect((await copy.entries()).map((e) => e.id)).toEqual((await c.db.entries()).map((e) => e.id));
  for (const store of ["notes", SETTINGS_STORE]) expect((await copy.storeState(store)).toPlain()).toEqual((await c.db.storeState(store)).toPlain());
}

/** The client holds the database (bootstrapped from the honest server). */
async function heldSetup(seed: number): Promise<Setup & { readonly copy: Database }> {
  const c = await setup(seed);
  await c.client.sync.bootstrap(c.honest.sync.createTicket(c.db.id));
  return { ...c, copy: await c.client.instance.openDatabase(c.db.id) };
}

/** A valid note by the writer on the honest tips (not committed anywhere). */
async function validNote(c: Setup, key: string, value: string | number, parents?: readonly ID[], pool: readonly Entry[] = c.all): Promise<Entry> {
  return forgeEntry({ root: c.db.id, pool, parents: parents ?? (await c.db.tips()), writes: { notes: docWith(key, value) }, signer: c.writer });
}

/**
 * A refused sync with the malicious server of a database the client holds: the typed error,
 * the client's store digest unchanged, no write event, the malicious peer's cursor unchanged, its
 * failure recorded.
 */
async function expectRefusedSync(c: Setup, code: string, message: RegExp): Promise<void> {
  const digest = await storeDigest(c.client.backend, c.db.id);
  const writes = c.writes.filter((e) => e.database === c.db.id).length;
  const received = c.received.length;
  const cursor = c.client.sync.store.cursors.get(c.evil.key.publicKey, c.db.id);
  const error = await c.client.sync.syncWithPeer(c.evil.address, c.db.id).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error, "the sync must fail").toBeDefined();
  expect(error?.code).toBe(code);
  expect(error?.message).toMatch(message);
  expect(await storeDigest(c.client.backend, c.db.id), "store digest unchanged").toBe(digest);
  expect(c.writes.filter((e) => e.database === c.db.id).length, "no write event").toBe(writes);
  expect(c.received.length, "no entry:received").toBe(received);
  expect(c.client.sync.store.cursors.get(c.evil.key.publicKey, c.db.id), "cursor unchanged").toEqual(cursor);
  expect(c.client.sync.store.peers.get(c.evil.key.publicKey)?.lastError).toMatch(new RegExp(`^${code}: `));
}

/** U3 for a held database: the honest server's next entry arrives, and both sides agree. */
async function expectHonestSync(c: Setup): Promise<void> {
  await c.db.withTransaction(async (txn) => (await txn.docStore("notes")).set("honest", "after"));
  const report = await c.client.sync.syncWithPeer(c.honest.address, c.db.id);
  expect(report.received).toBeGreaterThanOrEqual(1);
  await expectSameAsHonest(c);
}

/** The evil server answers the bootstrap with `page` (after the root), then claims the honest tips. */
async function evilBootstrapPage(c: Setup, page: readonly Entry[], root: Entry = c.root): Promise<void> {
  c.evil.script(scripted(c.db.id, await c.db.tips(), [bootstrapAnswer(c.db.id, root, page)]));
}

/** The evil server answers the first incremental request with `page`, claiming `tips`, then an empty page. */
function evilIncremental(c: Setup, page: readonly Entry[], tips: readonly ID[]): void {
  c.evil.script(scripted(c.db.id, tips, [incrementalAnswer(c.db.id, tips, page)]));
}

/** A fresh client whose bootstrap page from the malicious server carries `extra` after the genuine history. */
async function expectRefusedBootstrapWith(seed: number, extra: (c: Setup) => Promise<Entry>, code: string, message: RegExp): Promise<void> {
  const c = await setup(seed);
  const entry = await extra(c);
  await evilBootstrapPage(c, [...c.all.slice(1), entry]);
  await expectRefusedBootstrap(c, code, message);
  await expectNotHeld(c.client.instance, c.db.id, c.all.map((e) => e.id));
  await expectHonestBootstrap(c);
}

describe("as client, E1: altered content (the recomputed ID differs from the genuine one)", () => {
  it("E1: an altered copy of a history entry in the bootstrap page refuses the page: nothing stored, not listed; then an honest bootstrap", async () => {
    const c = await setup(1);
    const x = c.all[4] as Entry;
    const wire = wireOf(x);
    const notes = wire.subtrees.find((t) => t["name"] === "notes");
    if (notes === undefined) throw new Error("x writes notes");
    notes["data"] = Array.from(docToJsonBytes(docWith("n1", "forged")));
    const altered = decodeWireEntry(wire);
    expect(altered.id).not.toBe(x.id);
    await evilBootstrapPage(c, c.all.slice(1).map((e) => (e === x ? altered : e)));
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", new RegExp(`entries from ${c.evil.key.publicKey} were rejected \\(the page was refused whole\\); first: ${altered.id}: BAD_SIGNATURE`));
    await expectNotHeld(c.client.instance, c.db.id, c.all.map((e) => e.id));
    expect(c.rejected.find((e) => e.id === altered.id)).toMatchObject({ peer: c.evil.key.publicKey, database: c.db.id, error: { code: "BAD_SIGNATURE" } });
    await expectHonestBootstrap(c);
  });

  it("E1: an altered copy in an incremental page is rejected; nothing changes; an honest sync then works", async () => {
    const c = await heldSetup(2);
    const x = await validNote(c, "x", "genuine");
    const wire = wireOf(x);
    (wire.subtrees.find((t) => t["name"] === "notes") as Record<string, unknown>)["data"] = Array.from(docToJsonBytes(docWith("x", "forged")));
    const altered = decodeWireEntry(wire);
    evilIncremental(c, [altered], [altered.id]);
    await expectRefusedSync(c, "ENTRIES_REJECTED", new RegExp(`first: ${altered.id}: BAD_SIGNATURE`));
    await expectNotHeld(c.client.instance, c.db.id, [altered.id, x.id]);
    await expectHonestSync(c);
  });
});

describe("as client, E2: signature missing or empty", () => {
  it("E2: unsigned, hint without signature, empty signature, signature without hint: each refused as BAD_SIGNATURE, in a bootstrap page and an incremental page", async () => {
    const c = await heldSetup(3);
    const base = { root: c.db.id, pool: c.all, parents: await c.db.tips(), writes: { notes: docWith("k", "v") } };
    const unsigned = forgeEntry(base);
    const signed = forgeEntry({ ...base, signer: c.writer });
    const hint = { Direct: { hint: { pubkey: c.writer.publicKey } } };
    const cases = [
      unsigned,
      unsigned.withSigInfo({ key: hint }),
      unsigned.withSigInfo({ key: hint, sig: "" }),
      unsigned.withSigInfo({ key: UNSIGNED_KEY, sig: signed.sig.sig as string }),
    ];
    for (const entry of cases) {
      evilIncremental(c, [entry], [entry.id]);
      await expectRefusedSync(c, "ENTRIES_REJECTED", new RegExp(`first: ${entry.id}: BAD_SIGNATURE`));
      await expectNotHeld(c.client.instance, c.db.id, [entry.id]);
    }
    expect(c.rejected.map((e) => e.id)).toEqual(cases.map((e) => e.id));
    await expectHonestSync(c);

    // In a bootstrap page (another client): the unsigned entry refuses the whole page.
    const fresh = await setup(3);
    await evilBootstrapPage(fresh, [...fresh.all.slice(1), forgeEntry({ ...base, pool: fresh.all })]);
    await expectRefusedBootstrap(fresh, "ENTRIES_REJECTED", /BAD_SIGNATURE/);
    await expectHonestBootstrap(fresh);
  });
});

describe("as client, E3: signature invalid", () => {
  it("E3: a bit flipped in a signature (bootstrap page) or in content (incremental page) is BAD_SIGNATURE; nothing stored", async () => {
    const c = await setup(4);
    for (const bit of [0, 255, 511]) {
      const forged = withSignatureBitFlipped(c.all[3] as Entry, bit);
      await evilBootstrapPage(c, c.all.slice(1).map((e, i) => (i === 2 ? forged : e)));
      await expectRefusedBootstrap(c, "ENTRIES_REJECTED", new RegExp(`first: ${forged.id}: BAD_SIGNATURE`));
    }
    await expectHonestBootstrap(c);

    const genuine = await validNote(c, "title", "hello");
    const flipped = withDataBitFlipped(genuine, "notes", 43);
    evilIncremental(c, [flipped], [flipped.id]);
    await expectRefusedSync(c, "ENTRIES_REJECTED", new RegExp(`first: ${flipped.id}: BAD_SIGNATURE`));
    // Positive control: the genuine entry from the same malicious server is stored.
    evilIncremental(c, [genuine], [genuine.id]);
    expect(await c.client.sync.syncWithPeer(c.evil.address, c.db.id)).toMatchObject({ received: 1 });
    expect(await c.client.backend.treeTips(c.db.id)).toEqual([genuine.id]);
  });
});

describe("as client, E4: valid signature from a key without the needed grant", () => {
  it("E4: a stranger's entry and a writer's settings change are UNAUTHORIZED; nothing stored", async () => {
    const c = await heldSetup(5);
    const parents = await c.db.tips();
    const byStranger = forgeEntry({ root: c.db.id, pool: c.all, parents, writes: { notes: docWith("k", "v") }, signer: keyFromSeed(9) });
    evilIncremental(c, [byStranger], [byStranger.id]);
    await expectRefusedSync(c, "ENTRIES_REJECTED", new RegExp(`first: ${byStranger.id}: UNAUTHORIZED .*no active grant`));
    const escalate = forgeEntry({
      root: c.db.id,
      pool: c.all,
      parents,
      writes: { [SETTINGS_STORE]: new Doc().set(`auth.keys.${c.writer.publicKey}`, authKeyToDoc({ permission: admin(0), status: "Active" })) },
      signer: c.writer,
    });
    evilIncremental(c, [escalate], [escalate.id]);
    await expectRefusedSync(c, "ENTRIES_REJECTED", /UNAUTHORIZED .*Admin to change settings/);
    expect(await c.copy.canAccess(c.writer.publicKey, admin(0))).toBe(false);
    expect(c.client.instance.peerStats(c.evil.key.publicKey).rejected).toBe(2);
    await expectHonestSync(c);

    // In a bootstrap page: the stranger's entry refuses the whole page.
    await expectRefusedBootstrapWith(
      5,
      async (f) => forgeEntry({ root: f.db.id, pool: f.all, parents: await f.db.tips(), writes: { notes: docWith("k", "v") }, signer: keyFromSeed(9) }),
      "ENTRIES_REJECTED",
      /refused whole\); first: \S+: UNAUTHORIZED/,
    );
  });
});

describe("as client, E6: entries of another database", () => {
  it("E6: another database's entries in an incremental page are WRONG_DATABASE and never filed; a page for another tree ID is SYNC_PROTOCOL", async () => {
    const c = await heldSetup(6);
    const db2 = await c.honest.instance.createDatabase({ name: "other" });
    await db2.withTransaction(async (txn) => (await txn.docStore("notes")).set("x", 1));
    const entries2 = await db2.entries();
    evilIncremental(c, entries2, await db2.tips());
    await expectRefusedSync(c, "ENTRIES_REJECTED", /WRONG_DATABASE/);
    expect(c.rejected.map((e) => [e.id, e.error.code])).toEqual(entries2.map((e) => [e.id, "WRONG_DATABASE"]));
    expect(await c.client.backend.countEntries(db2.id)).toBe(0);
    expect(await c.client.instance.listDatabases()).not.toContain(db2.id);

    // Even when the client holds that other database, the entry is not filed under it.
    expect((await c.client.instance.ingest(db2.id, entries2.slice(0, 1), { from: "setup" })).stored).toEqual([db2.id]);
    const digest2 = await storeDigest(c.client.backend, db2.id);
    evilIncremental(c, entries2.slice(1), await db2.tips());
    await expectRefusedSync(c, "ENTRIES_REJECTED", new RegExp(`first: ${entries2[1]?.id}: WRONG_DATABASE`));
    expect(await storeDigest(c.client.backend, db2.id)).toBe(digest2);
    expect(await c.client.backend.countEntries(db2.id)).toBe(1);

    c.evil.script(() => ({ kind: "Incremental", incremental: { treeId: db2.id, theirTips: [], missingEntries: entries2 } }));
    await expectRefusedSync(c, "SYNC_PROTOCOL", new RegExp(`answered an incremental request for ${c.db.id} with Incremental`));
    expect(await c.client.backend.countEntries(db2.id)).toBe(1);
    await expectHonestSync(c);
  });
});

describe("as client, E7: orphan whose parent never arrives", () => {
  it("E7: an orphan in an incremental page is SYNC_PROTOCOL; it waits invisibly and expires; nothing changes", async () => {
    const c = await heldSetup(7);
    const p = await validNote(c, "p", 1);
    const o = await validNote(c, "o", 1, [p.id], [...c.all, p]);
    evilIncremental(c, [o], [o.id]);
    await expectRefusedSync(c, "SYNC_PROTOCOL", /sent 1 entries without the parents they need/);
    await expectNotHeld(c.client.instance, c.db.id, [o.id, p.id]);
    expect(c.client.instance.quarantineStatus(c.evil.key.publicKey).entries).toBe(1);
    const digest = await storeDigest(c.client.backend, c.db.id);
    c.w.clock.advance(HOUR);
    expect(c.client.instance.quarantineStatus(c.evil.key.publicKey)).toMatchObject({ entries: 0, expired: 1 });
    expect(await storeDigest(c.client.backend, c.db.id)).toBe(digest);
    await expectHonestSync(c);
  });

  it("E7: an orphan in a bootstrap page refuses the page whole; nothing waits in quarantine", async () => {
    const c = await setup(8);
    await evilBootstrapPage(c, c.all.slice(1).filter((_, i) => i !== 2));
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", /BATCH_REJECTED/);
    expect(c.client.instance.quarantineStatus()).toMatchObject({ entries: 0 });
    await expectHonestBootstrap(c);
  });
});

describe("as client, E8: duplicate parent, nonexistent parent", () => {
  it("E8: a parent listed twice is refused by the client's decoder (TRANSPORT protocol); a nonexistent parent waits invisibly (SYNC_PROTOCOL)", async () => {
    const c = await heldSetup(9);
    const entry = await validNote(c, "k", "v");
    const [tip] = await c.db.tips();
    const dup = rawEntry(entry, { parents: [tip as ID, tip as ID] });
    evilIncremental(c, [dup], [entry.id]);
    await expectRefusedSync(c, "TRANSPORT", /invalid response: .*parents must be sorted by ID without duplicates/);
    expect(c.rejected).toEqual([]);

    const ghost = idFromDagCbor(utf8("an entry nobody has"));
    const pin = await c.client.backend.storeTips(c.db.id, SETTINGS_STORE);
    const orphan = forgeEntry({ root: c.db.id, pool: c.all, parents: [tip as ID, ghost], height: 20, pin, writes: { notes: docWith("k", "v") }, signer: c.writer });
    evilIncremental(c, [orphan], [orphan.id]);
    await expectRefusedSync(c, "SYNC_PROTOCOL", /without the parents they need/);
    await expectNotHeld(c.client.instance, c.db.id, [orphan.id, ghost]);

    // In a bootstrap page (another client): the decoder refuses before anything is stored.
    const fresh = await setup(9);
    await evilBootstrapPage(fresh, [...fresh.all.slice(1), dup]);
    await expectRefusedBootstrap(fresh, "TRANSPORT", /invalid response: /);
    await expectHonestBootstrap(fresh);
    await expectHonestSync(c);
  });
});

describe("as client, E9: duplicate entries", () => {
  it("E9: a page repeating an entry stores it once with one event; a page of entries already held moves nothing and is SYNC_PROTOCOL", async () => {
    const c = await heldSetup(10);
    const x = await validNote(c, "x", 1);
    const writes = c.writes.filter((e) => e.database === c.db.id).length;
    const received = c.received.length;
    evilIncremental(c, [x, x], [x.id]);
    expect(await c.client.sync.syncWithPeer(c.evil.address, c.db.id)).toMatchObject({ received: 1, sent: 0 });
    expect(c.writes.filter((e) => e.database === c.db.id).slice(writes).map((e) => e.ids)).toEqual([[x.id]]);
    expect(c.received.slice(received).map((e) => e.ids)).toEqual([[x.id]]);

    // Entries the client holds, again and again, claiming a tip never sent: no progress, refused.
    const ghost = idFromDagCbor(utf8("a tip nobody has"));
    c.evil.script(() => incrementalAnswer(c.db.id, [ghost], [c.all[3] as Entry, x]));
    await expectRefusedSync(c, "SYNC_PROTOCOL", /moves nothing forward/);
    expect(c.rejected).toEqual([]);

    // A bootstrap page with repeats (another client) is stored once.
    const fresh = await setup(10);
    await evilBootstrapPage(fresh, [...fresh.all.slice(1), fresh.root, ...fresh.all.slice(1)]);
    expect(await bootstrapFromEvil(fresh)).toMatchObject({ received: fresh.all.length });
    expect(fresh.writes.filter((e) => e.database === fresh.db.id)).toEqual([]);
    await expectSameAsHonest(fresh);
  });
});

describe("as client, E10: over-limit inputs", () => {
  it("E10: 65 parents, an entry over 1 MiB and 10,001 entries are refused by the client's decoder; an entry of exactly 1 MiB and 10,000 entries decode", async () => {
    const c = await heldSetup(11);
    const tips = await c.db.tips();
    const ids = sortedUniqueIds(Array.from({ length: 65 }, (_, i) => idFromDagCbor(utf8(`parent ${i}`))));
    const entry = await validNote(c, "k", "v");
    evilIncremental(c, [rawEntry(entry, { parents: ids })], [entry.id]);
    await expectRefusedSync(c, "TRANSPORT", /invalid response: .*parentsPerEntry is 65, above the limit of 64/);

    const sized = (length: number) => forgeEntry({ root: c.db.id, pool: c.all, parents: tips, writes: { notes: docOfLength("blob", length) }, signer: c.writer });
    const probe = sized(1_000_000);
    const atLimit = 1_000_000 + LIMITS.entryBytes - probe.encodedLength;
    const at = sized(atLimit);
    expect(at.encodedLength).toBe(LIMITS.entryBytes);
    const over = rawEntry(at, { store: { name: "notes", data: docToJsonBytes(docOfLength("blob", atLimit + 1)) } });
    evilIncremental(c, [over], [at.id]);
    await expectRefusedSync(c, "TRANSPORT", /invalid response: .*entryBytes is 1048577, above the limit of 1048576/);

    const tiny = new EntryBuilder(c.db.id).parents([c.db.id]).height(1).build();
    evilIncremental(c, new Array<Entry>(LIMITS.entriesPerMessage + 1).fill(tiny), [tiny.id]);
    await expectRefusedSync(c, "TRANSPORT", /invalid response: .*entriesPerMessage is 10001, above the limit of 10000/);
    // 10,000 decode and reach verification, which refuses the entry itself.
    evilIncremental(c, new Array<Entry>(LIMITS.entriesPerMessage).fill(tiny), [tiny.id]);
    await expectRefusedSync(c, "ENTRIES_REJECTED", new RegExp(`1 of 10000 entries .* first: ${tiny.id}: MALFORMED`));
    expect(c.rejected).toHaveLength(1);

    // In a bootstrap page: the decoder refuses it before anything is stored.
    await expectRefusedBootstrapWith(11, async (f) => rawEntry(await validNote(f, "k", "v"), { parents: ids }), "TRANSPORT", /parentsPerEntry is 65/);

    // At the limit: the 1 MiB entry is received.
    evilIncremental(c, [at], [at.id]);
    expect(await c.client.sync.syncWithPeer(c.evil.address, c.db.id)).toMatchObject({ received: 1 });
    expect((await c.copy.entry(at.id))?.encodedLength).toBe(LIMITS.entryBytes);
  });
});

describe("as client, E11: heights", () => {
  it("E11: a height not above the parents' is MALFORMED, a negative height fails at decode; a far-future height is accepted", async () => {
    const c = await heldSetup(12);
    const tips = await c.db.tips();
    const tip = c.all.find((e) => e.id === tips[0]) as Entry;
    const base = { root: c.db.id, pool: c.all, parents: tips, writes: { notes: docWith("k", "v") }, signer: c.writer };
    const low = forgeEntry({ ...base, height: tip.height });
    evilIncremental(c, [low], [low.id]);
    await expectRefusedSync(c, "ENTRIES_REJECTED", new RegExp(`first: ${low.id}: MALFORMED .*height must be above every parent's`));
    evilIncremental(c, [rawEntry(forgeEntry(base), { height: -1 })], [low.id]);
    await expectRefusedSync(c, "TRANSPORT", /invalid response: .*tree\/h: expected a non-negative integer/);

    await expectRefusedBootstrapWith(
      12,
      async (f) => forgeEntry({ root: f.db.id, pool: f.all, parents: await f.db.tips(), height: 1, writes: { notes: docWith("k", "v") }, signer: f.writer }),
      "ENTRIES_REJECTED",
      /refused whole\); first: \S+: MALFORMED .*height must be above every parent's/,
    );

    const far = forgeEntry({ ...base, height: 1_704_067_200_000 + 10 * 365 * 24 * HOUR, writes: { notes: docWith("winner", "far") } });
    evilIncremental(c, [far], [far.id]);
    expect(await c.client.sync.syncWithPeer(c.evil.address, c.db.id)).toMatchObject({ received: 1 });
    expect((await c.copy.storeState("notes")).toPlain()).toMatchObject({ winner: "far" });
  });
});

describe("as client, E12: a page mixing valid and invalid entries", () => {
  async function mixed(c: Setup) {
    const base = { root: c.db.id, pool: c.all, parents: await c.db.tips(), signer: c.writer };
    const v1 = forgeEntry({ ...base, writes: { notes: docWith("v1", 1) } });
    const v2 = forgeEntry({ ...base, writes: { other: docWith("v2", 2) } });
    const invalid = withSignatureBitFlipped(forgeEntry({ ...base, writes: { notes: docWith("i", 1) } }), 3);
    const child = forgeEntry({ ...base, pool: [...c.all, invalid], parents: [invalid.id], writes: { notes: docWith("c", 1) } });
    return { v1, v2, invalid, child };
  }

  it("E12: in an incremental page, the valid independent entries are stored and the invalid one and its child refused (documented per-entry verdicts)", async () => {
    const c = await heldSetup(13);
    const { v1, v2, invalid, child } = await mixed(c);
    evilIncremental(c, [child, v1, invalid, v2], [child.id, v1.id, v2.id]);
    const error = await c.client.sync.syncWithPeer(c.evil.address, c.db.id).catch((e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({
      code: "ENTRIES_REJECTED",
      message: `2 of 4 entries from ${c.evil.key.publicKey} were rejected; first: ${child.id}: MALFORMED depends on rejected entry ${invalid.id}`,
    });
    expect(c.rejected.map((e) => [e.id, e.error.code])).toEqual([
      [child.id, "MALFORMED"],
      [invalid.id, "BAD_SIGNATURE"],
    ]);
    expect(await c.client.backend.treeTips(c.db.id)).toEqual(sortedUniqueIds([v1.id, v2.id]));
    await expectNotHeld(c.client.instance, c.db.id, [invalid.id, child.id]);
    expect((await c.copy.storeState("notes")).toPlain()).toMatchObject({ v1: 1 });
  });

  it("E12: in a bootstrap page, a mixed page stores nothing (all or nothing); the honest bootstrap then works", async () => {
    const c = await setup(14);
    const { v1, v2, invalid, child } = await mixed(c);
    await evilBootstrapPage(c, [...c.all.slice(1), child, v1, invalid, v2]);
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", new RegExp(`^12 of 12 entries .* \\(the page was refused whole\\); first: ${child.id}: MALFORMED depends on rejected entry ${invalid.id}$`));
    expect(c.rejected.filter((e) => e.error.code !== "BATCH_REJECTED").map((e) => [e.id, e.error.code])).toEqual([
      [child.id, "MALFORMED"],
      [invalid.id, "BAD_SIGNATURE"],
    ]);
    await expectNotHeld(c.client.instance, c.db.id, [v1.id, v2.id, invalid.id, child.id, ...c.all.map((e) => e.id)]);
    await expectHonestBootstrap(c);
  });
});

describe("as client, E13: refused bootstraps never make the database appear", () => {
  it("E13: a wrong root (another database's, a forged one, a non-root entry, another tree ID, not a Bootstrap answer) is SYNC_PROTOCOL with nothing stored", async () => {
    const c = await setup(15);
    const db2 = await c.honest.instance.createDatabase({ name: "other" });
    const root2 = (await db2.entries())[0] as Entry;
    const attacker = keyFromSeed(66);
    const settings = new Doc().set("name", "adversarial").set(`auth.keys.${attacker.publicKey}`, authKeyToDoc({ permission: admin(0), status: "Active" }));
    const forgedRoot = withStoreData(c.root, SETTINGS_STORE, docToJsonBytes(settings));
    expect(forgedRoot.id).not.toBe(c.db.id);
    const rest = c.all.slice(1);
    const answers = [
      bootstrapAnswer(c.db.id, root2, rest),
      bootstrapAnswer(c.db.id, forgedRoot, rest),
      bootstrapAnswer(c.db.id, c.all[1] as Entry, c.all.slice(2)),
      bootstrapAnswer(db2.id, root2, []),
    ];
    for (const answer of answers) {
      c.evil.script(scripted(c.db.id, [], [answer]));
      const sent = answer.kind === "Bootstrap" ? answer.bootstrap.rootEntry.id : "";
      await expectRefusedBootstrap(c, "SYNC_PROTOCOL", new RegExp(`the peer sent ${sent} as the root of ${c.db.id}`));
    }
    c.evil.script(scripted(c.db.id, [], [incrementalAnswer(c.db.id, await c.db.tips(), c.all)]));
    await expectRefusedBootstrap(c, "SYNC_PROTOCOL", /answered a bootstrap request with Incremental/);
    for (const id of [db2.id, forgedRoot.id]) expect(await c.client.backend.countEntries(id)).toBe(0);
    expect(await c.client.backend.allRoots()).toEqual([c.client.sync.store.databaseId]);
    expect(c.received).toEqual([]);
    await expectHonestBootstrap(c);
  });

  it("E13: a truncated history (a middle entry missing), an extra entry of another database and a second forged root refuse the page whole", async () => {
    const c = await setup(16);
    await evilBootstrapPage(c, c.all.slice(1).filter((_, i) => i !== 3));
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", /refused whole/);
    const db2 = await c.honest.instance.createDatabase({ name: "other" });
    await db2.withTransaction(async (txn) => (await txn.docStore("notes")).set("x", 1));
    const extra = (await db2.entries())[1] as Entry;
    await evilBootstrapPage(c, [...c.all.slice(1, 4), extra, ...c.all.slice(4)]);
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", new RegExp(`first: ${extra.id}: WRONG_DATABASE`));
    expect(await c.client.backend.countEntries(db2.id)).toBe(0);
    // A second, forged "root" among the entries (its ID is not the database's).
    const attacker = keyFromSeed(66);
    const forgedRoot = withStoreData(
      c.root,
      SETTINGS_STORE,
      docToJsonBytes(new Doc().set("name", "adversarial").set(`auth.keys.${attacker.publicKey}`, authKeyToDoc({ permission: admin(0), status: "Active" }))),
    );
    await evilBootstrapPage(c, [forgedRoot, ...c.all.slice(1)]);
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", new RegExp(`first: ${forgedRoot.id}: WRONG_DATABASE`));
    expect(await c.client.backend.countEntries(forgedRoot.id)).toBe(0);
    expect(await c.client.backend.allRoots()).toEqual([c.client.sync.store.databaseId]);
    await expectNotHeld(c.client.instance, c.db.id, [extra.id, forgedRoot.id, ...c.all.map((e) => e.id)]);
    await expectHonestBootstrap(c);
  });

  it("E13: a server that claims tips it never sends leaves the database incomplete and invisible; the honest server then completes it", async () => {
    const c = await setup(17);
    const page = c.all.slice(1, 4);
    c.evil.script(scripted(c.db.id, await c.db.tips(), [bootstrapAnswer(c.db.id, c.root, page)]));
    await expectRefusedBootstrap(c, "SYNC_PROTOCOL", /never arrived; the bootstrap stays incomplete/, 4);
    // What was stored waits, invisible.
    for (const e of [c.root, ...page]) expect(await c.client.backend.hasEntry(e.id)).toBe(true);
    await expectHonestBootstrap(c, c.all.length - 4);
  });

  it("E13: a multi-page bootstrap whose second page is forged: nothing visible; resuming from the honest server completes it", async () => {
    const c = await setup(18);
    const page1 = c.all.slice(1, 4);
    const forged = withSignatureBitFlipped(c.all[5] as Entry, 17);
    const page2 = [c.all[4] as Entry, forged, ...c.all.slice(6)];
    c.evil.script(scripted(c.db.id, await c.db.tips(), [bootstrapAnswer(c.db.id, c.root, page1), incrementalAnswer(c.db.id, await c.db.tips(), page2)]));
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", new RegExp(`the page was refused whole\\); first: ${forged.id}: BAD_SIGNATURE`), 4);
    expect(c.evil.syncTrees.map((r) => r.ourTips)).toEqual([[], [page1[2]?.id]]);
    // The second page stored nothing, not even its valid entries.
    await expectNotHeld(c.client.instance, c.db.id, page2.map((e) => e.id).concat(c.all[5]?.id as ID));
    expect(c.client.instance.quarantineStatus()).toMatchObject({ entries: 0 });
    // Resuming from the honest server brings exactly the rest.
    await expectHonestBootstrap(c, c.all.length - 4);
    expect(c.writes.filter((e) => e.database === c.db.id)).toEqual([]);
  });

  it("E13: no entry:received event announces entries that never became visible (a bootstrap refused after its first page)", async () => {
    const c = await setup(19);
    const page1 = c.all.slice(1, 4);
    const forged = withSignatureBitFlipped(c.all[5] as Entry, 17);
    c.evil.script(scripted(c.db.id, await c.db.tips(), [bootstrapAnswer(c.db.id, c.root, page1), incrementalAnswer(c.db.id, await c.db.tips(), [c.all[4] as Entry, forged])]));
    await expectRefusedBootstrap(c, "ENTRIES_REJECTED", /BAD_SIGNATURE/, 4);
    // `entry:received`: "Entries from a peer became visible here" (src/events.ts); none did.
    expect(c.received.filter((e) => e.database === c.db.id), "entry:received for entries of an invisible database").toEqual([]);
  });
});
