/**
 * Convergence of replicas (DESIGN 4.1 "merge never fails", 4.2 "verify before visible",
 * 4.8 "deterministic under test").
 *
 * The property: 3–5 replicas, each an Instance on its own MemoryBackend with a seeded random,
 * share one database; they commit random writes on forks (DocStore sets and deletes on nested
 * paths, Table inserts, sets and deletes, several stores at once, settings changes by the
 * admin, transactions committed at stale parents, concurrent first writes to brand-new stores)
 * and deliver random subsets of their entries to each other, shuffled or reversed, with
 * repeats, sometimes split so children arrive a batch before their parents. After everything is
 * delivered everywhere, every replica holds the same entries, tips and byte-identical store
 * states, each equal to the (height, ID) fold computed independently from the entries, and
 * every replica announced every entry exactly once.
 *
 * Replay a failure with `EIDETICA_SEED=<n>` (printed with the failure); the failing run's own
 * seed is printed too and can be replayed alone with `runConvergence(seed, newStats())`.
 */
import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  Doc,
  compareByHeightThenId,
  compareIds,
  docFromJson,
  docToJson,
  write,
  type Entry,
  type ID,
} from "../../src/index.js";
import { fcParams, testSeed } from "@eidetica/test-kit";
import { Replica } from "./replicas/replica.js";
import { newStats, runConvergence, type ConvergenceStats } from "./replicas/simulate.js";

/** Runs of the property; at least 1,000 by default (`EIDETICA_CONVERGENCE_RUNS` for a soak). */
const RUNS = Math.max(Number(process.env["EIDETICA_MIN"] ?? 1_000), Number(process.env["EIDETICA_CONVERGENCE_RUNS"] ?? 0) || 0);
const timings: [string, number][] = [];

afterAll(() => {
  if (timings.length === 0) return;
  console.log(`convergence timings (EIDETICA_SEED=${testSeed()}):\n${timings.map(([label, ms]) => `  ${label.padEnd(48)} ${(ms / 1000).toFixed(2).padStart(8)} s`).join("\n")}`);
});

describe("replicas converge", () => {
  it(
    `${RUNS} seeded random histories on 3-5 replicas end with identical entries, tips and states`,
    async () => {
      const stats: ConvergenceStats = newStats();
      const start = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          await runConvergence(seed, stats);
        }),
        // Each run is its own random scenario: shrinking the seed would not simplify it.
        { ...fcParams(RUNS), endOnFailure: true },
      );
      timings.push([`${RUNS} runs`, performance.now() - start]);
      console.log("convergence counters:", stats);

      // Every run completed, and the cases the property is about really happened.
      expect(stats.runs).toBe(RUNS);
      expect(stats.replicas).toBeGreaterThanOrEqual(3 * RUNS);
      expect(stats.commits).toBeGreaterThanOrEqual(8 * RUNS);
      expect(stats.forkedRuns, "runs with concurrent forks").toBeGreaterThan(RUNS / 2);
      expect(stats.mergeEntries, "merge entries").toBeGreaterThan(0);
      expect(stats.runsWithConcurrentFirstWrites, "runs with concurrent first writes to a store").toBeGreaterThan(RUNS / 2);
      expect(stats.outOfOrderBatches, "batches with children before parents").toBeGreaterThan(0);
      expect(stats.quarantined, "entries quarantined until their parents arrived").toBeGreaterThan(0);
      expect(stats.duplicateVerdicts, "duplicate deliveries").toBeGreaterThan(0);
      expect(stats.repeatedInBatch, "entries repeated inside a batch").toBeGreaterThan(0);
      expect(stats.staleCommits, "commits at stale parents").toBeGreaterThan(0);
      expect(stats.settingsCommits, "settings changes").toBeGreaterThan(0);
      expect(stats.multiStoreCommits, "commits to several stores").toBeGreaterThan(0);
      expect(stats.tableWrites, "table writes").toBeGreaterThan(0);
      expect(stats.deletes, "deletes").toBeGreaterThan(0);
      expect(stats.midRunStateChecks, "states checked during runs").toBeGreaterThan(0);
    },
    Math.max(240_000, RUNS * 250),
  );

  it("a run replays exactly from its seed, and different seeds give different histories", async () => {
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (testSeed() + i * 7919) % 2 ** 31);
    const outcomes = [];
    for (const seed of seeds) {
      const first = await runConvergence(seed, newStats());
      const second = await runConvergence(seed, newStats());
      expect(second.tips).toEqual(first.tips);
      expect([...second.states]).toEqual([...first.states]);
      outcomes.push(first.tips.join(","));
    }
    expect(new Set(outcomes).size).toBe(seeds.length);
  });
});

describe("concurrent first writes to the same new store (the Rust NoCommonAncestor case)", () => {
  /** The state of `store` folded here from the entries: (store height, ID) order, `Doc.merge`. */
  function foldByHand(entries: readonly Entry[], store: string): Doc {
    const ordered = entries
      .filter((entry) => entry.hasStore(store))
      .map((entry) => ({ id: entry.id, height: entry.storeHeight(store), entry }))
      .sort(compareByHeightThenId);
    let state = new Doc();
    for (const { entry } of ordered) {
      const data = entry.storeData(store);
      if (data !== undefined && data.length > 0) state = state.merge(docFromJson(data));
    }
    return state;
  }

  it("two forks that each create the store merge to the (height, ID)-ordered fold", async () => {
    const a = await Replica.create("a", 101n);
    const b = await Replica.create("b", 202n);
    a.db = await a.instance.createDatabase({ name: "forks" });
    await a.commit(async (txn) => (await txn.settings()).setAuthKey(b.instance.id, { permission: write(10), status: "Active" }));
    expect((await b.instance.ingest(a.db.id, await a.db.entries(), { from: "a" })).rejected).toBe(0);
    b.db = await b.instance.openDatabase(a.db.id);

    // Both forks start at the grant entry; neither has the store "fresh" (nor `_index`).
    const base = await a.db.tips();
    expect(await b.db.tips()).toEqual(base);
    const a1 = await a.commit(async (txn) => {
      const fresh = await txn.docStore("fresh");
      fresh.set("k", "from-a");
      fresh.set("k2", "a1");
      fresh.set("onlyA", 1);
      fresh.set("n.x", "a");
    });
    const a2 = await a.commit(async (txn) => (await txn.docStore("fresh")).set("k2", "a2"));
    const b1 = await b.commit(async (txn) => {
      const fresh = await txn.docStore("fresh");
      fresh.set("k", "from-b");
      fresh.set("k2", "b1");
      fresh.set("onlyB", 2);
      fresh.set("n.y", "b");
    });
    const entryOf = async (replica: Replica, id: ID) => (await replica.db.entry(id)) as Entry;
    const [ea1, ea2, eb1] = [await entryOf(a, a1), await entryOf(a, a2), await entryOf(b, b1)];
    // Both first writes have no store parent: there is no common ancestor in the store.
    expect(ea1.storeParents("fresh")).toEqual([]);
    expect(eb1.storeParents("fresh")).toEqual([]);
    expect(ea1.storeParents("_index")).toEqual([]);
    expect(eb1.storeParents("_index")).toEqual([]);
    expect(ea1.parents).toEqual(base);
    expect(eb1.parents).toEqual(base);
    expect(ea1.storeHeight("fresh")).toBe(eb1.storeHeight("fresh"));

    // Exchange, each side in child-first order.
    const fromA = (await a.db.entries()).reverse();
    const fromB = (await b.db.entries()).reverse();
    expect((await b.db.ingest(fromA, { from: "a" })).rejected).toBe(0);
    expect((await a.db.ingest(fromB, { from: "b" })).rejected).toBe(0);

    const entries = await a.db.entries();
    const expected = foldByHand(entries, "fresh");
    const winner = compareIds(a1, b1) > 0 ? "from-a" : "from-b";
    expect(expected.toPlain()).toEqual({ k: winner, k2: "a2", onlyA: 1, onlyB: 2, n: { x: "a", y: "b" } });
    for (const replica of [a, b]) {
      expect(await replica.db.tips()).toEqual([a2, b1].sort(compareIds));
      expect(await replica.instance.backend.storeTips(replica.db.id, "fresh")).toEqual([a2, b1].sort(compareIds));
      expect(docToJson(await replica.db.storeState("fresh"))).toBe(docToJson(expected));
      expect(docToJson(await replica.db.storeState("_index"))).toBe(docToJson(foldByHand(entries, "_index")));
      expect((await replica.db.storeState("_index")).getText("fresh.type")).toBe("docstore:v0");
      expect((await replica.db.docStore("fresh")).get("k")).toBe(winner);
    }
    expect(eb1.id).toBe(b1);
    expect(ea2.storeParents("fresh")).toEqual([a1]);

    // A write on top merges both forks of the store; both sides still agree with the fold.
    const merged = await b.commit(async (txn) => {
      const fresh = await txn.docStore("fresh");
      expect(fresh.get("onlyA")).toBe(1);
      fresh.set("after", true);
    });
    const mergedEntry = await entryOf(b, merged);
    expect([...mergedEntry.storeParents("fresh")].sort(compareIds)).toEqual([a2, b1].sort(compareIds));
    expect((await a.db.ingest([mergedEntry], { from: "b" })).stored).toEqual([merged]);
    const all = await a.db.entries();
    for (const replica of [a, b]) {
      expect(await replica.db.tips()).toEqual([merged]);
      expect(docToJson(await replica.db.storeState("fresh"))).toBe(docToJson(foldByHand(all, "fresh")));
    }
    expect((await a.db.storeState("fresh")).toPlain()).toEqual({ k: winner, k2: "a2", onlyA: 1, onlyB: 2, n: { x: "a", y: "b" }, after: true });
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
  });

  it("concurrent first writes that land at different heights fold by height before ID", async () => {
    const a = await Replica.create("a", 303n);
    const b = await Replica.create("b", 404n);
    a.db = await a.instance.createDatabase();
    await a.commit(async (txn) => (await txn.settings()).setAuthKey(b.instance.id, { permission: write(10), status: "Active" }));
    await b.instance.ingest(a.db.id, await a.db.entries(), { from: "a" });
    b.db = await b.instance.openDatabase(a.db.id);

    // a moves the database on without touching "late"; then both write "late" first.
    for (let i = 0; i < 3; i++) await a.commit(async (txn) => (await txn.docStore("other")).set("i", i));
    const aLate = await a.commit(async (txn) => (await txn.table<{ v: string }>("late")).set("row", { v: "a" }));
    const bLate = await b.commit(async (txn) => (await txn.table<{ v: string }>("late")).set("row", { v: "b" }));
    const aEntry = (await a.db.entry(aLate)) as Entry;
    const bEntry = (await b.db.entry(bLate)) as Entry;
    expect(aEntry.storeHeight("late")).toBeGreaterThan(bEntry.storeHeight("late"));

    await a.db.ingest(await b.db.entries(), { from: "b" });
    await b.db.ingest((await a.db.entries()).reverse(), { from: "a" });
    const entries = await a.db.entries();
    const expected = docToJson(foldByHand(entries, "late"));
    for (const replica of [a, b]) {
      expect(docToJson(await replica.db.storeState("late"))).toBe(expected);
      // a's write is higher, so it wins whatever the IDs.
      expect((await replica.db.table<{ v: string }>("late")).get("row")).toEqual({ v: "a" });
    }
  });
});

describe("write events", () => {
  it("a commit that reproduces an entry already held is announced once", async () => {
    const a = await Replica.create("a", 505n);
    a.db = await a.instance.createDatabase();
    // Two transactions at the same parents with the same write by the same key: the same entry.
    const first = await a.db.newTransaction();
    const second = await a.db.newTransaction();
    (await first.docStore("s")).set("k", 1);
    (await second.docStore("s")).set("k", 1);
    const id1 = await a.commitPending(first);
    const id2 = await a.commitPending(second);
    expect(id2).toBe(id1);
    expect(await a.db.tips()).toEqual([id1]);
    expect(a.problems).toEqual([]);
    expect(a.counts.get(id1)).toEqual({ local: 1, remote: 0 });
    // A different write on top is a new entry, announced once too.
    const third = await a.db.withTransaction(async (txn) => (await txn.docStore("s")).set("k", 2));
    expect(a.counts.get(third)).toEqual({ local: 1, remote: 0 });
  });
});
