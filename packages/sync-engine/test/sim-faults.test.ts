/**
 * The other faults of reliability section 3, fewer seeds each (the nightly tier raises them
 * with SIM_SEEDS): one-way cuts (F2), flapping links (F3), clock skew (F14), churn (F15), and
 * partitions healed by anti-entropy alone within ceil(log2 N) + 2 rounds (F1's bound).
 */
import { simulate } from "@eidetica/sync-engine/testing";
import { describe, expect, it } from "vitest";
import { everySeed, roundBound, seedsOf } from "./support/sim.js";

const MINUTE = 60_000;

describe("faults beside partitions and delivery", () => {
  it("F1 bound: partitions healed by anti-entropy rounds only, within ceil(log2 N) + 2 rounds", async () => {
    const reports = await everySeed("sim-faults.test.ts", seedsOf(100), (seed) => simulate({ seed, faults: { partitions: true }, recovery: "anti-entropy" }), (r) =>
      r.rounds > roundBound(r.peers) ? [`${r.rounds} rounds for ${r.peers} peers, above ${roundBound(r.peers)}`] : [],
    );
    expect(reports.reduce((n, r) => n + r.injected.failedDuringFaults, 0)).toBeGreaterThan(0);
  }, 600_000);

  it("F2: links cut one way only (a peer that can send but not receive); recovery by retries", async () => {
    await everySeed("sim-faults.test.ts", seedsOf(100), (seed) => simulate({ seed, faults: { asymmetric: true }, recovery: "retry" }), (r) =>
      r.injected.partitions === 0 ? ["I7: no link was cut"] : [],
    );
  }, 600_000);

  it("F3: a link toggled at every step; recovery by retries, and no retry queue above 2 jobs per (peer, database) pair", async () => {
    await everySeed("sim-faults.test.ts", seedsOf(100), (seed) => simulate({ seed, faults: { flapping: true, partitions: true }, recovery: "retry" }), (r) =>
      r.injected.flaps === 0 ? ["I7: nothing flapped"] : [],
    );
  }, 600_000);

  it("F14: peers' clocks up to ±5 minutes apart and one jumping back an hour, with partitions: convergence unaffected (pushes carry no timestamp; the engine waits on monotonic time)", async () => {
    await everySeed("sim-faults.test.ts", seedsOf(50), (seed) => simulate({ seed, faults: { skewMs: 5 * MINUTE, clockJumpMs: 60 * MINUTE, partitions: true }, recovery: "retry" }), (r) =>
      r.injected.clockJumps === 0 ? ["I7: no clock jumped"] : [],
    );
  }, 600_000);

  it("F15: peers leave and rejoin with the same identity on a new address; relationships updated, not duplicated", async () => {
    await everySeed("sim-faults.test.ts", seedsOf(50), (seed) => simulate({ seed, faults: { churn: true }, recovery: "anti-entropy" }), (r) =>
      r.injected.rejoins === 0 ? ["I7: nobody rejoined"] : [],
    );
  }, 600_000);
});
