/**
 * {@link simulate}: one seeded run of a cluster under faults (reliability section 3): random
 * writes on random peers while links are cut, flap or run one way, pushes are reordered,
 * duplicated or silently lost, clocks are skewed, and peers leave and come back; then the
 * faults end, the cluster recovers (by retries alone, or by anti-entropy rounds) and the
 * invariants are checked.
 */
import type { EngineOptions } from "../engine/engine.js";
import { SimCluster } from "./cluster.js";
import type { CourierCounts } from "./courier.js";
import { checkInvariants } from "./invariants.js";
import type { Topology } from "./topology.js";

/** The faults a run may inject. */
export interface FaultPlan {
  /** F1: links cut and healed (both ways) during the writes. */
  readonly partitions?: boolean;
  /** F2: links cut one way only. */
  readonly asymmetric?: boolean;
  /** F3: a link toggled at every step. */
  readonly flapping?: boolean;
  /**
   * F5-F7: pushes held with an optimistic Ack and then delivered in a random order (child
   * before parent), some twice (duplicateRate), some never (dropRate).
   */
  readonly delivery?: { readonly duplicateRate: number; readonly dropRate: number };
  /** F14: each peer's clock offset drawn from ±`skewMs`. */
  readonly skewMs?: number;
  /** F14: halfway through the writes, one peer's clock jumps back by this much. */
  readonly clockJumpMs?: number;
  /** F15: peers leave and come back with the same identity on a new address. */
  readonly churn?: boolean;
}

/** Options of {@link simulate}. */
export interface SimulationOptions {
  readonly seed: number;
  /** Peers, default 3 to 8 from the seed. */
  readonly peers?: number;
  /** Default: from the seed. */
  readonly topology?: Topology;
  /** Writes during the faults; default 20. */
  readonly writes?: number;
  readonly faults: FaultPlan;
  /**
   * How the cluster recovers once the faults end: `retry`, only the engines' queued retries
   * (flushed, backoff or not); `anti-entropy`, only anti-entropy rounds (no retries: a failed
   * push is handed to anti-entropy at once), counted.
   */
  readonly recovery: "retry" | "anti-entropy";
}

/** What a run did and found. */
export interface SimulationReport {
  readonly seed: number;
  readonly peers: number;
  readonly topology: Topology;
  readonly writes: number;
  /** Faults injected, by kind: a property asserts the kind it tests is above 0 (I7). */
  readonly injected: {
    readonly partitions: number;
    readonly flaps: number;
    readonly rejoins: number;
    readonly clockJumps: number;
    readonly courier: CourierCounts;
    readonly failedDuringFaults: number;
  };
  /** Anti-entropy rounds after the faults until the tips agreed (anti-entropy recovery). */
  readonly rounds: number;
  /** Entries each peer holds at the end. */
  readonly entries: number;
  readonly violations: readonly string[];
}

const TOPOLOGIES: readonly Topology[] = ["mesh", "line", "star"];

/**
 * Runs one seeded simulation; the same options give the same run.
 *
 * @example
 * ```ts
 * const report = await simulate({ seed: 42, faults: { partitions: true }, recovery: "retry" });
 * report.violations; // [] when every invariant holds
 * ```
 */
export async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const pick = seededPick(options.seed);
  const peers = options.peers ?? 3 + pick(6);
  const topology = options.topology ?? (TOPOLOGIES[pick(3)] as Topology);
  const writes = options.writes ?? 20;
  const { faults } = options;
  const engine: EngineOptions = options.recovery === "retry" ? { maxAttempts: Number.MAX_SAFE_INTEGER } : { maxAttempts: 0, fallbackIntervalSeconds: 1e9 };
  const skew = faults.skewMs;
  const cluster = await SimCluster.create({
    seed: options.seed,
    peers,
    topology,
    engine,
    courier: faults.delivery !== undefined,
    ...(skew === undefined ? {} : { skewMs: () => pick(2 * skew + 1) - skew }),
  });
  const injected = { partitions: 0, flaps: 0, rejoins: 0, clockJumps: 0, failedDuringFaults: 0 };
  let failures = 0;
  // F6: each entry becomes visible on a peer once, whatever was delivered twice.
  const seen = new Map<number, Set<string>>();
  const announcedTwice: string[] = [];
  const queueOverflows: string[] = [];
  cluster.watch((peer) => {
    const ids = seen.get(peer.index) ?? new Set<string>();
    seen.set(peer.index, ids);
    peer.sync.events.on("sync:error", () => failures++);
    peer.sync.events.on("entry:received", (event) => {
      for (const id of event.ids) if (ids.has(id)) announcedTwice.push(`F6: ${peer.name} announced ${id} twice`);
      else ids.add(id);
    });
  });
  await cluster.start();
  cluster.capturing = faults.delivery !== undefined;
  const edge = () => cluster.edges[pick(cluster.edges.length)] as readonly [number, number];
  // Every run injects what it tests (I7): a cut link with a write behind it, first of all.
  if (faults.partitions === true || faults.asymmetric === true || faults.flapping === true) {
    const [a, b] = edge();
    cluster.partition(a, b, faults.partitions !== true);
    injected.partitions++;
    await cluster.write(a);
  }
  if (faults.churn === true) {
    await cluster.write(0);
    await cluster.rejoin(pick(peers));
    injected.rejoins++;
  }
  for (let step = 0; step < writes * 2; step++) {
    if (faults.clockJumpMs !== undefined && step === writes) {
      cluster.shiftClock(pick(peers), -faults.clockJumpMs);
      injected.clockJumps++;
    }
    const roll = pick(100);
    if (roll < 50) await cluster.write(pick(peers));
    else if (faults.partitions === true && roll < 65) {
      const [a, b] = edge();
      if (cluster.isPartitioned(a, b)) cluster.heal(a, b);
      else {
        cluster.partition(a, b);
        injected.partitions++;
      }
    } else if (faults.asymmetric === true && roll < 75) {
      const [a, b] = edge();
      cluster.partition(pick(2) === 0 ? a : b, pick(2) === 0 ? b : a, true);
      injected.partitions++;
    } else if (faults.delivery !== undefined && roll < 95 && cluster.courier.held.length > 0) {
      const index = pick(cluster.courier.held.length);
      const action = pick(1_000) / 1_000;
      if (action < faults.delivery.dropRate) cluster.courier.drop(index);
      else if (action < faults.delivery.dropRate + faults.delivery.duplicateRate) await cluster.courier.duplicate(index);
      else await cluster.courier.deliver(index);
    } else if (faults.churn === true && roll >= 95) {
      await cluster.rejoin(pick(peers));
      injected.rejoins++;
    }
    if (faults.flapping === true) {
      const [a, b] = edge();
      if (cluster.isPartitioned(a, b)) cluster.heal(a, b);
      else cluster.partition(a, b);
      injected.flaps++;
    }
    await turns(3);
    // F3: a retry queue never holds more than 2 jobs per (peer, database) pair it could serve.
    for (const peer of cluster.peers) {
      const bound = 2 * (peers - 1);
      if (peer.sync.engine.pending > bound) queueOverflows.push(`F3: ${peer.name} queued ${peer.sync.engine.pending} jobs, above ${bound}`);
    }
  }
  // The faults end.
  injected.failedDuringFaults = failures;
  cluster.healAll();
  cluster.capturing = false;
  await cluster.courier.deliverAll(cluster.random);
  let rounds = 0;
  if (options.recovery === "retry") await cluster.flushAll();
  else {
    await cluster.flushAll(1);
    while (rounds < 4 * peers && !(await agreed(cluster))) {
      await cluster.antiEntropyRound();
      rounds++;
    }
  }
  const report = await checkInvariants(cluster);
  const violations = [...report.violations, ...announcedTwice.slice(0, 5), ...queueOverflows.slice(0, 5)];
  await cluster.close();
  return { seed: options.seed, peers, topology, writes, injected: { ...injected, courier: { ...cluster.courier.counts } }, rounds, entries: report.entries, violations };
}

/** True if every peer has the same tips. */
async function agreed(cluster: SimCluster): Promise<boolean> {
  const tips = await Promise.all(cluster.peers.map(async (peer) => (await peer.instance.backend.treeTips(cluster.db)).join(",")));
  return tips.every((t) => t === tips[0]);
}

/** A seeded chooser: `pick(n)` is a whole number in [0, n). */
function seededPick(seed: number): (n: number) => number {
  let state = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return (n) => {
    // xorshift32: enough for choosing among a handful of actions, and replayable.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return n <= 1 ? 0 : state % n;
  };
}

/** Lets the network and the engines run a few turns of the event loop. */
function turns(n: number): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < n; i++) chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return chain;
}
