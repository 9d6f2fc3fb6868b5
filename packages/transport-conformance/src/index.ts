/**
 * @eidetica/transport-conformance: the suite every Eidetica `SyncTransport` runs, ours and
 * third-party, with vitest (a peer dependency). Call {@link runTransportConformance} from a
 * test file with a setup that makes transports able to reach each other.
 *
 * @example
 * ```ts
 * import { runTransportConformance } from "@eidetica/transport-conformance";
 * import { InProcessTransport } from "./example-transport.js";
 *
 * runTransportConformance({
 *   name: "InProcessTransport",
 *   setup: () => {
 *     const registry = new Map();
 *     return { makeTransport: () => new InProcessTransport(registry) };
 *   },
 * });
 * ```
 * @packageDocumentation
 */
export { runTransportConformance } from "./suite.js";
export type { ConformanceSetup, TransportConformanceOptions } from "./types.js";
export {
  FIXTURE_TIME_MS,
  conformanceFixtures,
  entriesOfWireSize,
  incrementalBytes,
  incrementalOf,
  sendEntriesBytes,
  type ConformanceFixtures,
} from "./fixtures.js";
export { HANG, StubHandler, hangingRequest, standardResponse, type Responder, type StubCall } from "./stub.js";
