/** Helpers for the HTTP tests: a served transport with a recording handler, raw requests and raw sockets. */
import { connect, type Socket } from "node:net";
import { syncHandler, type RequestContext, type SyncHandler, type SyncRequest, type SyncResponse } from "@eidetica/protocol";
import { standardResponse } from "@eidetica/transport-conformance";
import { HttpTransport, type HttpTransportOptions } from "@eidetica/transport-http";
import { request } from "undici";
import { afterEach } from "vitest";

/** Every transport a test started, stopped after it. */
const started: HttpTransport[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stopServer()));
});

/** A served transport whose handler records what it got and answers as the conformance stub does. */
export async function served(options: HttpTransportOptions = {}, answer: (request: SyncRequest) => SyncResponse = standardResponse) {
  const calls: { request: SyncRequest; context: RequestContext }[] = [];
  const invalid: unknown[] = [];
  const errors: unknown[] = [];
  const handler: SyncHandler = {
    ...syncHandler(
      (req, context) => {
        calls.push({ request: req, context });
        return answer(req);
      },
      (error) => errors.push(error),
    ),
    async invalidRequest(error) {
      invalid.push(error);
    },
  };
  const transport = new HttpTransport({ bind: "127.0.0.1:0", onHandlerError: () => undefined, ...options });
  await transport.startServer(handler);
  started.push(transport);
  const address = transport.serverAddress();
  if (address === undefined) throw new Error("not serving");
  return { transport, address, hostPort: address.address, calls, invalid, errors };
}

/** POSTs `body` to `http://hostPort/path` and reads the reply as text. */
export async function post(hostPort: string, body: string | Uint8Array, headers: Record<string, string> = { "content-type": "application/json" }, path = "/api/v0") {
  const response = await request(`http://${hostPort}${path}`, { method: "POST", body, headers });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** A raw TCP connection to `hostPort`, with everything it received so far. */
export async function rawSocket(hostPort: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(":")), Number(hostPort.slice(hostPort.lastIndexOf(":") + 1))];
  const socket = connect({ host, port });
  let data = "";
  socket.on("data", (chunk) => (data += chunk.toString("latin1")));
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => data, closed };
}

/** Resolves when `check()` holds, polling every 10 ms, or rejects after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
