/** HttpTransport passes the suite every transport runs: real fastify servers on loopback. */
import { createServer } from "node:net";
import { runTransportConformance } from "@eidetica/transport-conformance";
import { HttpTransport } from "@eidetica/transport-http";

/** A loopback port where nothing listens: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 1;
}

runTransportConformance({
  name: "HttpTransport (fastify on 127.0.0.1)",
  setup: () => ({
    makeTransport: () => new HttpTransport({ bind: "127.0.0.1:0", onHandlerError: () => undefined }),
    unreachableAddress: async () => ({ transportType: "http", address: `127.0.0.1:${await closedPort()}` }),
  }),
});
