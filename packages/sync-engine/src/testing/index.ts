/**
 * `@eidetica/sync-engine/testing`: the seeded simulation harness, for this project's tests and
 * yours: many peers on a `SimNetwork` in virtual time, one seed for every choice, faults
 * (partitions, one-way cuts, flapping links, reordered, duplicated and lost pushes, clock
 * skew, churn) and the invariants to check after quiescence; while the faults last, no
 * retry queue may hold more than 2 jobs per peer and database (F3) and no entry may be
 * announced twice (F6). Needs `@eidetica/transport-mock` (a peer dependency).
 *
 * @example
 * ```ts
 * import { simulate } from "@eidetica/sync-engine/testing";
 *
 * const report = await simulate({ seed: 1, faults: { partitions: true }, recovery: "retry" });
 * if (report.violations.length > 0) throw new Error(report.violations.join("\n"));
 * ```
 * @packageDocumentation
 */
export { SimCluster, type ClusterOptions, type SimPeer } from "./cluster.js";
export { Courier, CourierQueue, type CourierCounts, type HeldPush } from "./courier.js";
export { checkInvariants, type InvariantReport } from "./invariants.js";
export { simulate, type FaultPlan, type SimulationOptions, type SimulationReport } from "./simulate.js";
export { edgesOf, type Topology } from "./topology.js";
export { commitToVisible, whenStored } from "./latency.js";
