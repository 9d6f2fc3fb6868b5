/**
 * IrohTransport passes the suite every transport runs: real iroh endpoints on loopback, relays
 * off (`presetMinimal`, `RelayMode.disabled()`, bound to 127.0.0.1:0), messages up to
 * Eidetica v0's 1 MiB. A peer that is gone shows only as a connect that never completes, so
 * the connect timeout is 1 s here and the suite's hang bound 4 s.
 */
import { runTransportConformance } from "@eidetica/transport-conformance";
import { IROH_MESSAGE_BYTES, IrohTransport } from "@eidetica/transport-iroh";
import { loopback, seedOf } from "./support/iroh.js";

let made = 0;
runTransportConformance({
  name: "IrohTransport (loopback, relays off)",
  setup: () => ({
    makeTransport: () => new IrohTransport({ ...loopback, secretKey: seedOf(++made), connectTimeoutMs: 1_000, onHandlerError: () => undefined }),
  }),
  failFastMs: 4_000,
  maxMessageBytes: IROH_MESSAGE_BYTES,
});
