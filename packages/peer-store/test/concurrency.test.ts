/**
 * No duplicate records and no lost updates under concurrency (reliability I6, R7): many
 * callers racing on the same peer, relationship and request, in seeded random orders.
 */
import { READ, seededRandom, write } from "@eidetica/core";
import { seedHint, testSeed } from "@eidetica/test-kit";
import { describe, expect, it } from "vitest";
import { dbOf, http, keyOf, openStore, reopen } from "./support.js";

/** `items` in a seeded random order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextU32() % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("concurrent writers", () => {
  it("50 racing registrations of one peer with different addresses make one record holding all 50 addresses", async () => {
    for (let round = 0; round < 5; round++) {
      const { store, backend, clock } = await openStore({ seed: round + 1 });
      const calls = shuffled(
        Array.from({ length: 50 }, (_, i) => () => store.peers.register(keyOf(1), { addresses: [http(`127.0.0.1:${2_000 + i}`)] })),
        testSeed() + round,
      );
      await Promise.all(calls.map((call) => call()));
      expect(store.peers.list(), seedHint()).toHaveLength(1);
      expect(store.peers.get(keyOf(1))?.addresses).toHaveLength(50);
      // The persisted copy agrees with the mirror.
      const restarted = await reopen(backend, clock);
      expect(restarted.peers.get(keyOf(1))?.addresses).toHaveLength(50);
    }
  });

  it("racing relationship adds, cursor sets and failure counts lose nothing and duplicate nothing", async () => {
    const { store, backend, clock } = await openStore();
    await Promise.all([1, 2, 3].map((n) => store.peers.register(keyOf(n))));
    const work = [];
    for (const n of [1, 2, 3]) {
      for (let repeat = 0; repeat < 5; repeat++) work.push(() => store.relationships.add(keyOf(n), dbOf("shared")));
      for (let f = 0; f < 10; f++) work.push(() => store.peers.recordFailure(keyOf(n), `failure ${f}`));
    }
    await Promise.all(shuffled(work, testSeed()).map((call) => call()));
    expect(store.relationships.peersOf(dbOf("shared")), seedHint()).toEqual([keyOf(1), keyOf(2), keyOf(3)].sort());
    for (const n of [1, 2, 3]) expect(store.peers.get(keyOf(n))?.connectionAttempts).toBe(10);
    const restarted = await reopen(backend, clock);
    expect(restarted.relationships.list()).toHaveLength(3);
  });

  it("a repeated bootstrap request, even sent concurrently, is one pending request; another permission is another", async () => {
    const { store } = await openStore();
    const request = { database: dbOf("db"), requestingKey: keyOf(5), keyName: "laptop", permission: write(5), peerKey: null, peerAddress: null, metadata: null };
    const ids = await Promise.all(Array.from({ length: 10 }, () => store.requests.add(request)));
    expect(new Set(ids.map((r) => r.id)).size).toBe(1);
    const other = await store.requests.add({ ...request, permission: READ });
    expect(other.id).not.toBe(ids[0]?.id);
    expect(store.requests.list({ state: "pending" })).toHaveLength(2);
  });
});
