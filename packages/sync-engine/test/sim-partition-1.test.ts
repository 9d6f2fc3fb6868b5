/**
 * The partition property (reliability F1, F4, section 4), part 1 of 2: links cut and healed at
 * random while 3-8 peers (mesh, line or star) write; every failed push is retried (never
 * dropped); after healing, the queued retries alone bring every peer to the same state, with
 * every acknowledged write everywhere. 1,000 seeds over the two parts.
 */
import { simulate } from "@eidetica/sync-engine/testing";
import { describe, it } from "vitest";
import { everySeed, seedsOf } from "./support/sim.js";

describe("partitions healed, recovery by retries only", () => {
  it("0 divergences, 0 acknowledged writes lost, 0 invalid entries", async () => {
    await everySeed("sim-partition-1.test.ts", seedsOf(1_000, 0, 2), (seed) => simulate({ seed, faults: { partitions: true }, recovery: "retry" }), (r) => [
      ...(r.injected.partitions === 0 ? ["I7: no link was cut"] : []),
      ...(r.injected.failedDuringFaults === 0 ? ["I7: no push failed"] : []),
    ]);
  }, 900_000);
});
