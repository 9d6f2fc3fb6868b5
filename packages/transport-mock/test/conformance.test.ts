/** The mock passes the suite every transport runs, in real time and in auto-run virtual time. */
import { runTransportConformance } from "@eidetica/transport-conformance";
import { MockTransport, SimNetwork, type SimNetworkOptions } from "@eidetica/transport-mock";

function simSetup(options: SimNetworkOptions) {
  return () => {
    const network = new SimNetwork(options);
    return {
      makeTransport: () => new MockTransport(network, { onHandlerError: () => undefined }),
      unreachableAddress: () => SimNetwork.address("nobody-here"),
      activeHandles: () => network.activeHandles(),
      teardown: () => network.close(),
    };
  };
}

runTransportConformance({
  name: "MockTransport (realtime, 1–3 ms latency)",
  setup: simSetup({ seed: 1, time: { mode: "realtime" }, latency: { fixedMs: 1, jitterMs: 2 } }),
});

runTransportConformance({
  name: "MockTransport (virtual time, autoRun, 5–25 ms latency)",
  setup: simSetup({ seed: 2, time: { mode: "virtual", autoRun: true }, latency: { fixedMs: 5, jitterMs: 20 } }),
});
