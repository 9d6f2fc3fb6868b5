/**
 * A 100,000-entry chain on the default stack (reliability R2, DESIGN 6: every DAG walk is
 * iterative): built through real, signed and verified commits; read at the tip; ingested by a
 * fresh replica in 10,000-entry batches, partly child-first and through the quarantine; and
 * read cold by fresh Instances that have no cached state.
 *
 * Timings are printed, never asserted (DESIGN 6); the per-test timeouts only guard against a
 * path gone quadratic. The tests share one history and run in order.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  Instance,
  compareIds,
  docToJson,
  manualClock,
  seededRandom,
  type Database,
  type Entry,
  type ID,
  type WriteEvent,
} from "../../src/index.js";
import { CountingBackend } from "./replicas/counting-backend.js";

/** Entries in the chain: the root and N - 1 commits. */
const N = 100_000;
const BATCH = 10_000;
const STORE = "log";
const timings: [string, number, string][] = [];

async function timed<T>(label: string, run: () => Promise<T>, per?: (result: T, ms: number) => string): Promise<T> {
  const start = performance.now();
  const result = await run();
  const ms = performance.now() - start;
  timings.push([label, ms, per?.(result, ms) ?? ""]);
  return result;
}

afterAll(() => {
  const lines = timings.map(([label, ms, note]) => `  ${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${note}`);
  console.log(`long-history timings (${N.toLocaleString("en")} entries):\n${lines.join("\n")}`);
});

/** The state the chain must end with: commit i sets `n` = i and every 1,000th also `marks.m<i/1000>`. */
function expectedState(): unknown {
  const marks: Record<string, number> = {};
  for (let i = 1000; i < N; i += 1000) marks[`m${i / 1000}`] = i;
  return { n: N - 1, marks };
}

const rate = (count: number) => (_: unknown, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString("en")} entries/s`;

describe(`a ${N.toLocaleString("en")}-entry chain`, () => {
  const sourceBackend = new CountingBackend();
  let source: Instance;
  let db: Database;
  /** IDs in chain order: the root, then each commit. */
  const ids: ID[] = [];
  let entries: Entry[] = [];
  const replicaBackend = new CountingBackend();
  let replica: Instance;

  it("is built by 99,999 real commits, one small DocStore write each", async () => {
    source = await Instance.create({ backend: sourceBackend, clock: manualClock(), random: seededRandom(1) });
    db = await source.createDatabase({ name: "long" });
    ids.push(db.id);
    let lap = performance.now();
    await timed(
      `${(N - 1).toLocaleString("en")} commits`,
      async () => {
        for (let i = 1; i < N; i++) {
          const id = await db.withTransaction(async (txn) => {
            const log = await txn.docStore(STORE);
            log.set("n", i);
            if (i % 1000 === 0) log.set(`marks.m${i / 1000}`, i);
          });
          ids.push(id);
          if (i % BATCH === 0) {
            expect(await db.tips()).toEqual([id]);
            const now = performance.now();
            timings.push([`  commits ${i - BATCH + 1}-${i}`, now - lap, rate(BATCH)(undefined, now - lap)]);
            lap = now;
          }
        }
      },
      rate(N - 1),
    );
    expect(new Set(ids).size).toBe(N);
    expect(await source.backend.countEntries(db.id)).toBe(N);
  }, 240_000);

  it("has exactly the last entry as its tip, a parent chain, and the expected state at the tip", async () => {
    const last = ids[N - 1] as ID;
    expect(await db.tips()).toEqual([last]);
    entries = await timed("entries() of the whole chain", () => db.entries());
    expect(entries.map((entry) => entry.id)).toEqual(ids);
    entries.forEach((entry, i) => {
      expect(entry.height).toBe(i);
      if (i > 0) expect(entry.parents).toEqual([ids[i - 1]]);
    });
    const state = await timed("storeState at the tip (after commits)", () => db.storeState(STORE));
    expect(state.toPlain()).toEqual(expectedState());
    expect((await db.docStore(STORE)).getInt("n")).toBe(N - 1);
  }, 60_000);

  it("is ingested by a fresh replica: topological batches, child-first batches, quarantine, duplicates", async () => {
    replica = await Instance.create({ backend: replicaBackend, clock: manualClock(), random: seededRandom(2) });
    const announced = new Map<ID, number>();
    let outOfOrder = 0;
    let notRemote = 0;
    replica.onWrite((event: WriteEvent) => {
      if (event.source !== "remote" || event.peer !== "source") notRemote++;
      for (const id of event.ids) {
        const at = announced.size;
        // A chain is announced in chain order, each entry once.
        if (announced.has(id) || id !== ids[at]) outOfOrder++;
        announced.set(id, at);
      }
    });
    const ingest = (batch: readonly Entry[]) => replica.ingest(db.id, batch, { from: "source" });
    const tipsNow = () => replica.backend.treeTips(db.id);
    const topological = 8 * BATCH;

    // Entries 0 .. 79,999 in parents-first batches of 10,000.
    await timed(`ingest ${topological.toLocaleString("en")} entries, parents first`, async () => {
      for (let start = 0; start < topological; start += BATCH) {
        const result = await ingest(entries.slice(start, start + BATCH));
        expect(result.stored.length).toBe(BATCH);
        expect(result.quarantined + result.rejected + result.duplicates).toBe(0);
        expect(await tipsNow()).toEqual([ids[start + BATCH - 1]]);
      }
    }, rate(topological));

    // Entries 80,000 .. 89,999 as ten slices of 1,000, the last slice first, each reversed: all
    // wait in quarantine, invisible, until the first slice brings their missing parent.
    const slices = Array.from({ length: 10 }, (_, k) => entries.slice(topological + k * 1000, topological + (k + 1) * 1000).reverse());
    await timed("ingest 10,000 entries child-first through the quarantine", async () => {
      for (let k = 9; k >= 1; k--) {
        const result = await ingest(slices[k] as Entry[]);
        expect(result.quarantined).toBe(1000);
        expect(result.stored).toEqual([]);
        expect(replica.quarantineStatus().entries).toBe((10 - k) * 1000);
        expect(await tipsNow()).toEqual([ids[topological - 1]]);
        expect(await replica.backend.hasEntry(ids[topological + k * 1000] as ID)).toBe(false);
      }
      const result = await ingest(slices[0] as Entry[]);
      expect(result.verdicts.every((verdict) => verdict.status === "stored")).toBe(true);
      expect(result.stored).toEqual(ids.slice(topological, topological + BATCH));
      expect(replica.quarantineStatus().entries).toBe(0);
      expect(await tipsNow()).toEqual([ids[topological + BATCH - 1]]);
    }, rate(BATCH));

    // Entries 90,000 .. 99,999 in one batch, children first.
    await timed("ingest the last 10,000 entries in reverse order, one batch", async () => {
      const result = await ingest(entries.slice(N - BATCH).reverse());
      expect(result.stored).toEqual(ids.slice(N - BATCH));
      expect(result.quarantined + result.rejected + result.duplicates).toBe(0);
    }, rate(BATCH));

    // Re-delivered entries are duplicates: no second write, no second event.
    const again = await ingest(entries.filter((_, i) => i % 100 === 7));
    expect(again.duplicates).toBe(N / 100);
    expect(again.stored).toEqual([]);

    expect(await tipsNow()).toEqual(await db.tips());
    expect(await replica.backend.countEntries(db.id)).toBe(N);
    expect(announced.size).toBe(N);
    expect(outOfOrder, "entries announced out of chain order or twice").toBe(0);
    expect(notRemote).toBe(0);
    expect(replica.callbackErrors).toBe(0);
    expect(replica.peerStats("source")).toEqual({ stored: N - 9000, duplicates: N / 100, quarantined: 9000, rejected: 0 });
  }, 240_000);

  it("is read warm by a fresh Instance over the replica's backend: ingest cached the state it built", async () => {
    const warm = await Instance.open({ backend: replicaBackend, clock: manualClock(), random: seededRandom(5) });
    const readsBefore = replicaBackend.entryReads;
    const state = await (await warm.openDatabase(db.id)).storeState(STORE);
    expect(replicaBackend.entryReads - readsBefore).toBeLessThan(10);
    expect(docToJson(state)).toBe(docToJson(await db.storeState(STORE)));
  });

  it("is read cold by a fresh Instance over the replica's backend once its state cache is dropped", async () => {
    await replicaBackend.close(); // MemoryBackend.close drops cached states; entries and records stay.
    const cold = await Instance.open({ backend: replicaBackend, clock: manualClock(), random: seededRandom(3) });
    expect(cold.id).toBe(replica.id);
    const coldDb = await cold.openDatabase(db.id);
    expect(await coldDb.tips()).toEqual([ids[N - 1]]);
    const readsBefore = replicaBackend.entryReads;
    const state = await timed("cold storeState on the replica's backend", () => coldDb.storeState(STORE), rate(N - 1));
    // The read walked the whole chain: nothing was cached.
    expect(replicaBackend.entryReads - readsBefore).toBeGreaterThanOrEqual(N - 1);
    expect(state.toPlain()).toEqual(expectedState());
    const expected = docToJson(await db.storeState(STORE));
    expect(docToJson(state)).toBe(expected);
    // The replica itself agrees, and a commit on top (signed with the source's admin key, as
    // the same user on a second device would) sees the last value.
    const replicaDb = await replica.openDatabase(db.id, { signingKey: source.deviceKey });
    expect(docToJson(await replicaDb.storeState(STORE))).toBe(expected);
    expect(docToJson(await replicaDb.storeState("_index"))).toBe(docToJson(await db.storeState("_index")));
    const next = await replicaDb.withTransaction(async (txn) => {
      const log = await txn.docStore(STORE);
      expect(log.getInt("n")).toBe(N - 1);
      log.set("n", N);
    });
    expect(await replicaDb.tips()).toEqual([next]);
    expect((await replicaDb.storeState(STORE)).getInt("n")).toBe(N);
  }, 120_000);

  it("is read cold by a fresh Instance over the source backend after its state cache is dropped", async () => {
    await source.close(); // MemoryBackend.close drops cached states; entries and records stay.
    const cold = await Instance.open({ backend: sourceBackend, clock: manualClock(), random: seededRandom(4) });
    expect(cold.id).toBe(source.id);
    const coldDb = await cold.openDatabase(db.id);
    expect(await coldDb.tips()).toEqual([ids[N - 1]]);
    const readsBefore = sourceBackend.entryReads;
    const state = await timed("cold storeState on the source backend", () => coldDb.storeState(STORE), rate(N - 1));
    expect(sourceBackend.entryReads - readsBefore).toBeGreaterThanOrEqual(N - 1);
    expect(state.toPlain()).toEqual(expectedState());
    // A second read is served from what the first one cached.
    const readsMid = sourceBackend.entryReads;
    await timed("warm storeState on the source backend", () => coldDb.storeState(STORE));
    expect(sourceBackend.entryReads - readsMid).toBeLessThan(10);
    expect((await coldDb.entries()).map((entry) => entry.id).sort(compareIds)).toEqual([...ids].sort(compareIds));
  }, 120_000);
});
