import { runTransportConformance } from "@eidetica/transport-conformance";
import { InProcessTransport, type Registry } from "./example-transport.js";

runTransportConformance({
  name: "InProcessTransport (the README example)",
  setup: () => {
    const registry: Registry = new Map();
    return {
      makeTransport: () => new InProcessTransport(registry),
      unreachableAddress: () => ({ transportType: "inproc", address: "nobody" }),
      activeHandles: () => registry.size,
    };
  },
});
