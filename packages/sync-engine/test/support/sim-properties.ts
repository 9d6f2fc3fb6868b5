/**
 * The two PR-tier simulation properties of reliability section 4, each split over two test
 * files (`part` 0 and 1) so vitest runs the halves in parallel. 1,000 seeds per property by
 * default (`SIM_SEEDS` for more, `SIM_SEED` to replay one).
 */
import { simulate } from "@eidetica/sync-engine/testing";
import { describe, expect, it } from "vitest";
import { everySeed, roundBound, seedsOf } from "./sim.js";

/**
 * Delivery order (F5-F7): pushes held with an optimistic Ack are delivered in random order
 * (children before parents), some twice (1 in 4), some never (1 in 10); after the faults,
 * anti-entropy alone repairs every loss within ceil(log2 N) + 2 rounds, and every invariant holds.
 */
export function deliveryProperty(file: string, part: 0 | 1): void {
  describe("delivery order, duplicates and silent loss", () => {
    it("0 divergences, 0 lost writes, 0 invalid entries; converged within the round bound", async () => {
      const reports = await everySeed(file, seedsOf(1_000, part, 2), (seed) =>
        simulate({ seed, faults: { delivery: { duplicateRate: 0.25, dropRate: 0.1 } }, recovery: "anti-entropy" }),
        (r) => [
          ...(r.injected.courier.held === 0 ? ["I7: no push was held"] : []),
          ...(r.rounds > roundBound(r.peers) ? [`${r.rounds} anti-entropy rounds for ${r.peers} peers, above ${roundBound(r.peers)}`] : []),
        ],
      );
      // Non-vacuous over the run: every kind of delivery fault happened.
      const sum = (pick: (r: (typeof reports)[number]) => number) => reports.reduce((n, r) => n + pick(r), 0);
      expect(sum((r) => r.injected.courier.reordered)).toBeGreaterThan(0);
      expect(sum((r) => r.injected.courier.duplicated)).toBeGreaterThan(0);
      expect(sum((r) => r.injected.courier.dropped)).toBeGreaterThan(0);
      expect(sum((r) => r.rounds)).toBeGreaterThan(0);
    }, 900_000);
  });
}

/**
 * Partitions (F1, F4): links cut and healed at random while 3-8 peers (mesh, line or star)
 * write; every failed push is retried (never dropped); after healing, the queued retries
 * alone bring every peer to the same state, with every acknowledged write everywhere.
 */
export function partitionProperty(file: string, part: 0 | 1): void {
  describe("partitions healed, recovery by retries only", () => {
    it("0 divergences, 0 acknowledged writes lost, 0 invalid entries", async () => {
      await everySeed(file, seedsOf(1_000, part, 2), (seed) => simulate({ seed, faults: { partitions: true }, recovery: "retry" }), (r) => [
        ...(r.injected.partitions === 0 ? ["I7: no link was cut"] : []),
        ...(r.injected.failedDuringFaults === 0 ? ["I7: no push failed"] : []),
      ]);
    }, 900_000);
  });
}
