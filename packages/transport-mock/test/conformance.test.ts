/** The mock passes the suite every transport runs, in real time and in auto-run virtual time, and so does a ForwardingTransport around it. */
import { runTransportConformance } from "@eidetica/transport-conformance";
import { ForwardingTransport } from "@eidetica/protocol";
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

runTransportConformance({
  name: "ForwardingTransport over MockTransport (a wrapper passes the suite untouched)",
  setup: () => {
    const network = new SimNetwork({ seed: 3, time: { mode: "virtual", autoRun: true } });
    return {
      makeTransport: () => new ForwardingTransport(new MockTransport(network, { onHandlerError: () => undefined })),
      unreachableAddress: () => SimNetwork.address("nobody-here"),
      activeHandles: () => network.activeHandles(),
      teardown: () => network.close(),
    };
  },
});
