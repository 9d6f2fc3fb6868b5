/**
 * @eidetica/transport-mock: an in-process, seeded network for testing and simulating Eidetica
 * sync. {@link SimNetwork} carries real protocol bytes between {@link MockTransport}s with
 * latency on an injected clock, directed partitions, manual delivery (reorder, duplicate,
 * drop), seeded loss, a message-size limit, and counters of everything it injected.
 *
 * @example
 * ```ts
 * import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
 *
 * const network = new SimNetwork({ seed: 1, latency: { fixedMs: 50, jitterMs: 20 } });
 * const a = new MockTransport(network);
 * const b = new MockTransport(network);
 * await b.startServer(handler);
 * const pending = a.sendRequest(b.address, request);
 * await network.run(); // virtual time: delivers both ways, the clock moves 100–140 ms
 * await pending;
 * ```
 * @packageDocumentation
 */
export { SimNetwork } from "./network.js";
export { MockTransport, type MockTransportOptions } from "./transport.js";
export {
  SIM_KIND,
  type LatencyModel,
  type MessageInfo,
  type SimCounters,
  type SimEvent,
  type SimNetworkOptions,
  type SimNodeRef,
  type SimTime,
} from "./types.js";
