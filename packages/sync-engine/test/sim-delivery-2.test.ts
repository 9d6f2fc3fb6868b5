/**
 * The delivery-order property (reliability F5-F7, section 4), part 2 of 2: pushes held with an
 * optimistic Ack are delivered in random order (children before parents), some twice (1 in
 * 4), some never (1 in 10); after the faults, anti-entropy alone repairs every loss within
 * ceil(log2 N) + 2 rounds, and every invariant holds. 1,000 seeds over the two parts.
 */
import { simulate } from "@eidetica/sync-engine/testing";
import { describe, expect, it } from "vitest";
import { everySeed, roundBound, seedsOf } from "./support/sim.js";

describe("delivery order, duplicates and silent loss", () => {
  it("0 divergences, 0 lost writes, 0 invalid entries; converged within the round bound", async () => {
    const reports = await everySeed("sim-delivery-2.test.ts", seedsOf(1_000, 1, 2), (seed) =>
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
