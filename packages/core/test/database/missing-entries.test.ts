/**
 * missingEntries (DESIGN 4.3): on random forked histories built by real commits, the fast
 * walk gives exactly the backend's exact difference, in the same order, whatever tips the
 * peer reports (held, unknown, duplicated), and with a tiny walk limit too (the fallback).
 */
import { describe, expect, it } from "vitest";
import { Instance, MemoryBackend, Transaction, idFromDagCbor, manualClock, missingEntries, seededRandom, utf8, type ID } from "../../src/index.js";
import { seedHint, testSeed } from "@eidetica/test-kit";

async function forkedHistory(seed: number, commits: number) {
  const random = seededRandom(seed);
  const backend = new MemoryBackend();
  const instance = await Instance.create({ backend, random: seededRandom(seed + 1), clock: manualClock() });
  const db = await instance.createDatabase({ name: "forks" });
  const ids: ID[] = [db.id];
  for (let i = 0; i < commits; i++) {
    // Parents: one to three entries picked among the last ten (forks and merges).
    const parents = new Set<ID>();
    const count = 1 + (random.nextU32() % 3);
    for (let p = 0; p < count; p++) parents.add(ids[Math.max(0, ids.length - 1 - (random.nextU32() % 10))] as ID);
    const txn = await Transaction.begin(db, [...parents]);
    (await txn.docStore("s")).set(`k${i}`, i);
    ids.push(await txn.commit());
  }
  return { backend, db, ids, random };
}

describe("missingEntries", () => {
  it("equals the exact difference on 200 random forked histories, for random peer tips", async () => {
    const base = testSeed();
    for (let round = 0; round < 200; round++) {
      const { backend, db, ids, random } = await forkedHistory(base + round, 10 + (round % 40));
      const pick = () => ids[random.nextU32() % ids.length] as ID;
      const ours = await db.tips();
      const peer = Array.from({ length: random.nextU32() % 4 }, pick);
      if (random.nextU32() % 3 === 0) peer.push(idFromDagCbor(utf8(`unknown ${round}`)));
      const expected = (await backend.ancestors(db.id, ours, { exclude: peer })).map((e) => e.id);
      const fast = (await missingEntries(backend, db.id, ours, peer)).map((e) => e.id);
      expect(fast, `round ${round}${seedHint()}`).toEqual(expected);
      const limited = (await missingEntries(backend, db.id, ours, peer, { walkLimit: 2 })).map((e) => e.id);
      expect(limited, `round ${round} (fallback)${seedHint()}`).toEqual(expected);
    }
  });

  it("visits only the difference: one new entry on a long chain reads a handful of entries", async () => {
    const backend = new MemoryBackend();
    const instance = await Instance.create({ backend, random: seededRandom(3), clock: manualClock() });
    const db = await instance.createDatabase({ name: "chain" });
    for (let i = 0; i < 2_000; i++) await db.withTransaction(async (txn) => (await txn.docStore("s")).set("n", i));
    const peerTips = await db.tips();
    const last = await db.withTransaction(async (txn) => (await txn.docStore("s")).set("n", -1));
    let reads = 0;
    const counting = new Proxy(backend, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name === "getEntries") return (ids: readonly ID[]) => ((reads += ids.length), target.getEntries(ids));
        if (name === "ancestors") return () => Promise.reject(new Error("the fast walk must not fall back here"));
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    expect((await missingEntries(counting, db.id, await db.tips(), peerTips)).map((e) => e.id)).toEqual([last]);
    expect(reads).toBeLessThanOrEqual(4);
  });

  it("with no peer tip held, it is the whole history (a bootstrap); our unknown tips give nothing", async () => {
    const { backend, db } = await forkedHistory(7, 12);
    const all = (await backend.ancestors(db.id, await db.tips())).map((e) => e.id);
    expect((await missingEntries(backend, db.id, await db.tips(), [])).map((e) => e.id)).toEqual(all);
    expect(await missingEntries(backend, db.id, [idFromDagCbor(utf8("nothing"))], [db.id])).toEqual([]);
  });
});
