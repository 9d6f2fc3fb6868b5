/**
 * F12 (reliability.md section 3): disk full / write failure at a chosen write.
 *
 * Real `SQLITE_FULL`: after k (seeded) acknowledged writes the file is capped at its current
 * size with `SqliteBackend.setMaxPageCount` (`PRAGMA max_page_count`), so the next write that
 * needs a page fails inside SQLite exactly as on a full disk. `SQLITE_IOERR` is *simulated*
 * (SQLite cannot be made to raise one on demand): `IoErrorBackend` fails chosen `putEntries`
 * calls with a `StorageError` whose `storageCode` is `SQLITE_IOERR`.
 *
 * For both local commits (`withTransaction`) and peer pushes (`instance.ingest`, plain and
 * atomic), the tests check:
 * - the failure surfaces as a typed `StorageError` (`code` "STORAGE", `storageCode`);
 * - nothing is half-written: entry count, tips (main and per store), store states, a digest of
 *   every stored entry and status, write callbacks, quarantine and peer counters are unchanged,
 *   and a batch is stored entirely or not at all; after closing, a plain scan of the file finds
 *   every derived row consistent and exactly the acknowledged entries (byte-equal digest when
 *   nothing was acknowledged since);
 * - once space returns, writing and ingest succeed, the peer that pushed during the fault can
 *   push the same batch again, and every acknowledged write is still there.
 *
 * Replay with `EIDETICA_SEED=<n>`.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Instance,
  StorageError,
  isEideticaError,
  seededRandom,
  toHex,
  type Backend,
  type Database,
  type Entry,
  type ID,
  type WriteEvent,
} from "@eidetica/core";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteBackend } from "../src/index.js";
import { IoErrorBackend } from "./support/failing-backend.js";
import { scanFile } from "./support/scan.js";
import { seedHint, testSeed } from "@eidetica/test-kit";

const dir = mkdtempSync(join(tmpdir(), "eidetica-sqlite-disk-failure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hint = seedHint();
/** SQLite's default `max_page_count`: "space has returned". */
const NO_CAP = 4_294_967_294;

/** One node: a SqliteBackend file, the instance on it (maybe through a wrapper), one database. */
interface Node {
  readonly file: string;
  readonly sqlite: SqliteBackend;
  readonly instance: Instance;
  readonly db: Database;
  readonly events: WriteEvent[];
  /** Every entry acknowledged to a caller: the root, returned commits, stored ingests. */
  readonly acked: Set<ID>;
}

let files = 0;

async function createNode(label: string, wrap: (sqlite: SqliteBackend) => Backend = (s) => s): Promise<Node> {
  const file = join(dir, `${label}-${files++}.sqlite`);
  const sqlite = SqliteBackend.open(file);
  const instance = await Instance.create({ backend: wrap(sqlite) });
  const db = await instance.createDatabase({ name: label });
  const node: Node = { file, sqlite, instance, db, events: [], acked: new Set([db.id]) };
  instance.onWrite((event) => void node.events.push(event));
  return node;
}

/** The same file opened again (a restart), with the same acknowledged set. */
async function reopenNode(node: Node): Promise<Node> {
  const sqlite = SqliteBackend.open(node.file);
  const instance = await Instance.open({ backend: sqlite });
  expect(instance.id, `device key after reopening${hint}`).toBe(node.instance.id);
  const db = await instance.openDatabase(node.db.id);
  const reopened: Node = { ...node, sqlite, instance, db, events: [] };
  instance.onWrite((event) => void reopened.events.push(event));
  return reopened;
}

/** A small local commit, acknowledged. */
async function commit(node: Node, key: string, value: string): Promise<ID> {
  const id = await node.db.withTransaction(async (txn) => (await txn.docStore("kv")).set(key, value));
  node.acked.add(id);
  return id;
}

/** A value big enough (64 KiB) that storing it needs fresh pages. */
const big = (label: string) => `${label}:`.padEnd(64 * 1024, "z");

/** The error a promise rejects with (fails the test if it resolves). */
async function failureOf(promise: Promise<unknown>, what: string): Promise<unknown> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  expect(outcome.resolved, `${what} should have failed${hint}`).toBe(false);
  return outcome.resolved ? undefined : outcome.error;
}

function expectStorageError(error: unknown, storageCode: string, what: string): void {
  expect(error, `${what}: not a StorageError${hint}`).toBeInstanceOf(StorageError);
  expect(isEideticaError(error), `${what}: not an EideticaError${hint}`).toBe(true);
  expect(error, `${what}${hint}`).toMatchObject({ code: "STORAGE", storageCode });
}

/** Everything a failed write must leave unchanged, as seen through the node. */
async function snapshot(node: Node) {
  const backend = node.instance.backend;
  const id = node.db.id;
  const tips = await node.db.tips();
  const entries = await backend.ancestors(id, tips);
  const stores = [...new Set(entries.flatMap((e) => e.subtrees.map((s) => s.name)))].sort();
  const hash = createHash("sha256");
  for (const entry of entries) hash.update(`${entry.id}:${await backend.getStatus(entry.id)}:${toHex(entry.encode())}\n`);
  const storeTips: Record<string, ID[]> = {};
  for (const store of stores) storeTips[store] = await backend.storeTips(id, store);
  return {
    count: await backend.countEntries(id),
    reachable: entries.length,
    roots: await backend.allRoots(),
    tips,
    storeTips,
    entryDigest: hash.digest("hex"),
    kv: (await node.db.storeState("kv")).toPlain(),
    settings: (await node.db.settings()).toPlain(),
    events: node.events.length,
    quarantine: node.instance.quarantineStatus(),
    peer: { ...node.instance.peerStats("peer") },
  };
}

/** Every acknowledged entry is held and readable (re-hashed from the file). */
async function expectAcknowledged(node: Node, context: string): Promise<void> {
  node.sqlite.dropEntryCache();
  const lost: ID[] = [];
  for (const id of node.acked) if (!(await node.sqlite.hasEntry(id)) || (await node.sqlite.getEntry(id))?.id !== id) lost.push(id);
  expect(lost, `acknowledged entries lost ${context}${hint}`).toEqual([]);
}

/** Closes the node and scans the file: consistent, and holding exactly `expected`. */
async function closeAndScan(node: Node, expected: Iterable<ID>, context: string): Promise<string> {
  await node.instance.close();
  const scan = scanFile(node.file, `${context}${hint}`);
  expect([...scan.entries.keys()].sort(), `entries in the file ${context}${hint}`).toEqual([...new Set(expected)].sort());
  return scan.digest;
}

/** A second instance holding a copy of the node's DAG, writing with the node's (Admin) key. */
async function peerOf(node: Node, seed: number): Promise<Database> {
  const peer = await Instance.create({ random: seededRandom(seed) });
  await peer.backend.putEntries(await node.db.entries());
  return peer.openDatabase(node.db.id, { signingKey: node.instance.deviceKey });
}

/** Chained commits on the peer, with values of these lengths: a batch to push, parents first. */
async function peerBatch(peer: Database, label: string, lengths: readonly number[]): Promise<Entry[]> {
  const batch: Entry[] = [];
  for (const [i, length] of lengths.entries()) {
    const id = await peer.withTransaction(async (txn) => (await txn.docStore("kv")).set(`${label}-${i}`, `${label}-${i}:`.padEnd(length, "p")));
    const entry = await peer.instance.backend.getEntry(id);
    if (entry === undefined) throw new Error(`peer lost ${id}`);
    batch.push(entry);
  }
  return batch;
}

/** Pushes a batch that must be stored entirely; acknowledges it. */
async function pushOk(node: Node, batch: readonly Entry[], atomic: boolean): Promise<void> {
  const result = await node.instance.ingest(node.db.id, batch, { from: "peer", atomic });
  expect(result.verdicts.map((v) => v.status), `verdicts of the push${hint}`).toEqual(batch.map(() => "stored"));
  for (const entry of batch) node.acked.add(entry.id);
}

describe("SqliteBackend on a full disk: real SQLITE_FULL (F12)", () => {
  it("a commit that hits SQLITE_FULL throws a typed StorageError, changes nothing, and succeeds once space returns", async () => {
    const rng = seededRandom(testSeed() + 1);
    const node = await createNode("commit-full");
    const k = 1 + (rng.nextU32() % 6);
    for (let i = 0; i < k; i++) await commit(node, `before-${i}`, `v${i}`);
    node.sqlite.setMaxPageCount(1);
    const before = await snapshot(node);

    // The k+1-th write fails, and keeps failing while the disk is full.
    for (const attempt of [1, 2]) {
      const error = await failureOf(
        node.db.withTransaction(async (txn) => (await txn.docStore("kv")).set("big", big("during"))),
        `commit attempt ${attempt} on a full disk`,
      );
      expectStorageError(error, "SQLITE_FULL", `commit attempt ${attempt}`);
      expect(await snapshot(node), `state after failed commit attempt ${attempt}${hint}`).toEqual(before);
    }
    await expectAcknowledged(node, "while the disk is full");

    // Space returns: the same write succeeds, on top of the unchanged tips.
    node.sqlite.setMaxPageCount(NO_CAP);
    const id = await commit(node, "big", big("after"));
    const entry = await node.db.entry(id);
    expect(entry?.parents, `parents of the commit after the fault${hint}`).toEqual(before.tips);
    expect(await node.db.tips(), `tips after the commit${hint}`).toEqual([id]);
    expect((await node.db.storeState("kv")).getText("big"), `state after the commit${hint}`).toBe(big("after"));
    expect(node.events.at(-1)?.ids, `write event of the commit${hint}`).toEqual([id]);
    expect(node.events.length, `write events: none for the failed attempts${hint}`).toBe(before.events + 1);
    await expectAcknowledged(node, "after space returned");
    await closeAndScan(node, node.acked, "after the commit fault");
  });

  it("commits against a tight cap either take effect entirely (ID, tip, event) or not at all", async () => {
    const rng = seededRandom(testSeed() + 2);
    const node = await createNode("commit-tight");
    // A kv state of some KiB, so its cached copy needs more pages than a one-key entry.
    for (let i = 0; i < 150; i++) await commit(node, `k${i}`, `v${i}`);
    let failed = 0;
    let storedWithDroppedCache = 0;
    for (let attempt = 0; attempt < 120 && (failed === 0 || storedWithDroppedCache === 0); attempt++) {
      const context = `attempt ${attempt}`;
      node.sqlite.setMaxPageCount(node.sqlite.setMaxPageCount(1) + (rng.nextU32() % 3));
      const before = await snapshot(node);
      const dropped = node.sqlite.droppedStateWrites;
      const key = `tight-${attempt}`;
      const outcome = await node.db.withTransaction(async (txn) => (await txn.docStore("kv")).set(key, "x")).then(
        (id) => ({ id }),
        (error: unknown) => ({ error }),
      );
      if ("error" in outcome) {
        failed++;
        expectStorageError(outcome.error, "SQLITE_FULL", context);
        expect(await snapshot(node), `state after the failed ${context}${hint}`).toEqual(before);
      } else {
        node.acked.add(outcome.id);
        if (node.sqlite.droppedStateWrites > dropped) storedWithDroppedCache++;
        expect(await node.db.tips(), `tips after ${context}${hint}`).toEqual([outcome.id]);
        expect(await node.sqlite.countEntries(node.db.id), `count after ${context}${hint}`).toBe(before.count + 1);
        expect(node.events.at(-1)?.ids, `write event of ${context}${hint}`).toEqual([outcome.id]);
        expect(node.events.length, `events after ${context}${hint}`).toBe(before.events + 1);
        expect((await node.db.storeState("kv")).getText(key), `state after ${context}${hint}`).toBe("x");
      }
    }
    // Non-vacuity: both a clean failure and a durable entry whose cached state did not fit.
    expect(failed, `commits that failed on the full disk${hint}`).toBeGreaterThan(0);
    expect(storedWithDroppedCache, `commits stored while their cached state was dropped${hint}`).toBeGreaterThan(0);

    node.sqlite.setMaxPageCount(NO_CAP);
    const id = await commit(node, "after", "space");
    expect(await node.db.tips(), `tips once space returned${hint}`).toEqual([id]);
    await expectAcknowledged(node, "after space returned");
    await closeAndScan(node, node.acked, "after the tight-cap commits");
  });

  it("a push that hits SQLITE_FULL stores none of its batch and counts nothing; the peer's retry succeeds once space returns", async () => {
    const seed = testSeed() + 3;
    const rng = seededRandom(seed);
    const node = await createNode("ingest-full");
    const k = 1 + (rng.nextU32() % 6);
    for (let i = 0; i < k; i++) await commit(node, `before-${i}`, `v${i}`);
    const peer = await peerOf(node, seed);
    // Small entries first and a 128 KiB one last, with room for the small ones only (16 spare
    // pages of 4 KiB): the batch fails part-way through, and none of it may stay.
    const lengths = [...Array.from({ length: 1 + (rng.nextU32() % 4) }, () => 100), 128 * 1024];
    const batch = await peerBatch(peer, "pushed", lengths);
    node.sqlite.setMaxPageCount(node.sqlite.setMaxPageCount(1) + 16);
    const before = await snapshot(node);

    // The sender gets no acknowledgement, plain or atomic, as long as the disk is full.
    for (const atomic of [false, true, false]) {
      const error = await failureOf(node.instance.ingest(node.db.id, batch, { from: "peer", atomic }), `push (atomic ${atomic}) on a full disk`);
      expectStorageError(error, "SQLITE_FULL", `push (atomic ${atomic})`);
      const held = [];
      for (const entry of batch) if (await node.sqlite.hasEntry(entry.id)) held.push(entry.id);
      expect(held, `entries of the failed batch that are held${hint}`).toEqual([]);
      expect(await snapshot(node), `state after the failed push (atomic ${atomic})${hint}`).toEqual(before);
    }

    // Space returns: the same batch pushed again is stored entirely; local writes work too.
    node.sqlite.setMaxPageCount(NO_CAP);
    await pushOk(node, batch, false);
    expect(node.events.at(-1), `write event of the push${hint}`).toEqual({ database: node.db.id, ids: batch.map((e) => e.id), source: "remote", peer: "peer" });
    expect(node.instance.peerStats("peer"), `peer counters${hint}`).toMatchObject({ stored: batch.length, rejected: 0, quarantined: 0 });
    expect(await node.db.tips(), `tips after the push${hint}`).toEqual([(batch.at(-1) as Entry).id]);
    const id = await commit(node, "after", "space");
    expect(await node.db.tips(), `tips after a local commit${hint}`).toEqual([id]);
    const kv = await node.db.storeState("kv");
    for (const [i, length] of lengths.entries()) expect(kv.getText(`pushed-${i}`)?.length, `pushed value ${i}${hint}`).toBe(length);
    await expectAcknowledged(node, "after space returned");
    await closeAndScan(node, node.acked, "after the push fault");
  });

  it("after failed writes the closed file is byte-for-byte unchanged, reopens, and takes the writes again", async () => {
    const seed = testSeed() + 4;
    const rng = seededRandom(seed);
    let node = await createNode("restart-full");
    const k = 1 + (rng.nextU32() % 6);
    for (let i = 0; i < k; i++) await commit(node, `before-${i}`, `v${i}`);
    const peer = await peerOf(node, seed);
    const batch = await peerBatch(peer, "pushed", Array.from({ length: 2 + (rng.nextU32() % 5) }, () => 16 * 1024));
    const digestBefore = await closeAndScan(node, node.acked, "before the fault");

    node = await reopenNode(node);
    node.sqlite.setMaxPageCount(1);
    const commitError = await failureOf(
      node.db.withTransaction(async (txn) => (await txn.docStore("kv")).set("big", big("during"))),
      "commit on a full disk",
    );
    expectStorageError(commitError, "SQLITE_FULL", "commit");
    const pushError = await failureOf(node.instance.ingest(node.db.id, batch, { from: "peer", atomic: true }), "push on a full disk");
    expectStorageError(pushError, "SQLITE_FULL", "push");
    expect(await closeAndScan(node, node.acked, "after the failed writes"), `file digest after the failed writes${hint}`).toBe(digestBefore);

    // Restarted with space: the peer pushes again and the local write is redone.
    node = await reopenNode(node);
    await pushOk(node, batch, true);
    const id = await commit(node, "big", big("after"));
    expect(await node.db.tips(), `tips after the restart${hint}`).toEqual([id]);
    await expectAcknowledged(node, "after the restart");
    await closeAndScan(node, node.acked, "after the restart");
  });
});

describe("SqliteBackend behind a failing write: simulated SQLITE_IOERR (F12)", () => {
  it("the k-th putEntries failing fails the commit with a typed error and no trace; the retry succeeds", async () => {
    const rng = seededRandom(testSeed() + 5);
    // putEntries #1 stores the root; commits k-1 of them first; the k-th and next calls fail.
    const k = 2 + (rng.nextU32() % 6);
    let wrapper: IoErrorBackend | undefined;
    const node = await createNode("commit-ioerr", (sqlite) => (wrapper = new IoErrorBackend(sqlite, [k, k + 1])));
    const failing = wrapper as IoErrorBackend;
    for (let i = 2; i < k; i++) await commit(node, `before-${i}`, `v${i}`);
    expect(failing.putCalls, `putEntries calls before the fault${hint}`).toBe(k - 1);
    const before = await snapshot(node);

    for (const attempt of [1, 2]) {
      const error = await failureOf(
        node.db.withTransaction(async (txn) => (await txn.docStore("kv")).set("during", `attempt ${attempt}`)),
        `commit attempt ${attempt} with an I/O error`,
      );
      expectStorageError(error, "SQLITE_IOERR", `commit attempt ${attempt}`);
      expect(await snapshot(node), `state after failed commit attempt ${attempt}${hint}`).toEqual(before);
    }
    expect(failing.failures, `injected failures${hint}`).toBe(2);

    const id = await commit(node, "during", "retried");
    expect(await node.db.tips(), `tips after the retry${hint}`).toEqual([id]);
    expect(node.events.at(-1)?.ids, `write event of the retry${hint}`).toEqual([id]);
    expect(node.events.length, `write events${hint}`).toBe(before.events + 1);
    await expectAcknowledged(node, "after the retry");
    await closeAndScan(node, node.acked, "after the I/O errors");
  });

  it("the k-th putEntries failing fails the push with a typed error, stores and counts nothing; the peer's retry succeeds", async () => {
    const seed = testSeed() + 6;
    const rng = seededRandom(seed);
    const k = 2 + (rng.nextU32() % 6);
    let wrapper: IoErrorBackend | undefined;
    const node = await createNode("ingest-ioerr", (sqlite) => (wrapper = new IoErrorBackend(sqlite, [k, k + 1])));
    const failing = wrapper as IoErrorBackend;
    for (let i = 2; i < k; i++) await commit(node, `before-${i}`, `v${i}`);
    const peer = await peerOf(node, seed);
    const batch = await peerBatch(peer, "pushed", Array.from({ length: 2 + (rng.nextU32() % 5) }, () => 1_000));
    const before = await snapshot(node);

    for (const atomic of [false, true]) {
      const error = await failureOf(node.instance.ingest(node.db.id, batch, { from: "peer", atomic }), `push (atomic ${atomic}) with an I/O error`);
      expectStorageError(error, "SQLITE_IOERR", `push (atomic ${atomic})`);
      expect(await snapshot(node), `state after the failed push (atomic ${atomic})${hint}`).toEqual(before);
    }
    expect(failing.failures, `injected failures${hint}`).toBe(2);

    await pushOk(node, batch, false);
    expect(node.instance.peerStats("peer"), `peer counters${hint}`).toMatchObject({ stored: batch.length, rejected: 0, quarantined: 0 });
    expect(await node.db.tips(), `tips after the retried push${hint}`).toEqual([(batch.at(-1) as Entry).id]);
    await expectAcknowledged(node, "after the retried push");
    await closeAndScan(node, node.acked, "after the I/O errors");
  });
});
