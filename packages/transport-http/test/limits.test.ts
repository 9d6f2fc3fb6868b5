/**
 * Hardening on loopback: a slow-loris connection trickling its headers is cut off within the
 * header timeout while an honest peer keeps syncing; connections above the per-address cap
 * are closed at once; an idle kept-alive connection is closed after the idle timeout; and the
 * client rejects a response above 4 MiB while reading it (an endless one included) and turns
 * every non-2xx status into a typed `TransportError`.
 */
import { createServer, type Server } from "node:http";
import { LIMITS, isEideticaError } from "@eidetica/core";
import { conformanceFixtures, entriesOfWireSize, sendEntriesBytes } from "@eidetica/transport-conformance";
import { HttpTransport } from "@eidetica/transport-http";
import { afterEach, describe, expect, it } from "vitest";
import { rawSocket, served, until } from "./support/http.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A plain Node server answering every request with `respond`; its `host:port`. */
async function rogue(respond: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(respond);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; failure: string; message: string }> {
  const error = await promise.then(
    () => expect.unreachable("the request must fail"),
    (e: unknown) => e,
  );
  expect(isEideticaError(error), `a typed error, got ${String(error)}`).toBe(true);
  return error as { code: string; failure: string; message: string };
}

describe("server limits", () => {
  it("slow-loris: a connection trickling headers is closed within the header timeout while an honest peer keeps syncing", async () => {
    const headerTimeoutMs = 1_000;
    const { address, hostPort } = await served({ server: { headerTimeoutMs } });
    const loris = await rawSocket(hostPort);
    const opened = performance.now();
    let closedAt: number | undefined;
    void loris.closed.then(() => (closedAt = performance.now()));
    const header = `POST /api/v0 HTTP/1.1\r\nHost: ${hostPort}\r\nX-Padding: ${"a".repeat(200)}`;
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < header.length && !loris.socket.destroyed) loris.socket.write(header[sent++] as string);
    }, 50);
    const honest = new HttpTransport();
    let answered = 0;
    try {
      while (closedAt === undefined && performance.now() - opened < 5 * headerTimeoutMs) {
        expect((await honest.sendRequest(address, conformanceFixtures().handshake)).kind).toBe("Handshake");
        answered++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      clearInterval(trickle);
      await honest.stopServer();
    }
    expect(closedAt, "the trickling connection was closed").toBeDefined();
    const lifetime = (closedAt as number) - opened;
    // Node checks the timeout every headerTimeoutMs / 4; the bound leaves room for a loaded
    // machine and still fails the defaults (a 30 s check, a 120 s request timeout).
    expect(lifetime).toBeLessThan(headerTimeoutMs * 2 + 1_000);
    expect(lifetime).toBeGreaterThanOrEqual(headerTimeoutMs * 0.9);
    expect(answered, "the honest peer was served throughout").toBeGreaterThan(5);
    expect(loris.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\{"Error":"bad_request: the request took too long"\}$/);
  });

  it("connections above the per-address cap are closed at once; closing one makes room", async () => {
    const { transport, hostPort, address } = await served({ server: { maxConnectionsPerAddress: 2 } });
    const first = await rawSocket(hostPort);
    const second = await rawSocket(hostPort);
    const third = await rawSocket(hostPort);
    await until(() => third.socket.destroyed || third.socket.readableEnded, 2_000, "the third connection to be closed");
    expect(transport.refusedConnections).toBe(1);
    expect(first.socket.destroyed || second.socket.destroyed).toBe(false);
    first.socket.destroy();
    second.socket.destroy();
    await Promise.all([first.closed, second.closed]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const client = new HttpTransport();
    expect((await client.sendRequest(address, conformanceFixtures().handshake)).kind).toBe("Handshake");
    await client.stopServer();
  });

  it("an idle kept-alive connection is closed after the idle timeout", async () => {
    const { hostPort } = await served({ server: { idleTimeoutMs: 300 } });
    const raw = await rawSocket(hostPort);
    const body = JSON.stringify({ SendEntries: [] });
    raw.socket.write(`POST /api/v0 HTTP/1.1\r\nHost: ${hostPort}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await until(() => raw.received().includes("\r\n\r\n"), 2_000, "the reply");
    const answered = performance.now();
    await raw.closed;
    const idle = performance.now() - answered;
    expect(idle).toBeGreaterThanOrEqual(250);
    expect(idle).toBeLessThan(2_000);
  });
});

describe("client limits", () => {
  it("a response declared above 4 MiB is refused (too_large) without reading it", async () => {
    const hostPort = await rogue((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(LIMITS.messageBytes + 1) });
      res.write("{");
    });
    const error = await failureOf(new HttpTransport().sendRequest({ transportType: "http", address: hostPort }, conformanceFixtures().handshake));
    expect([error.code, error.failure]).toEqual(["TRANSPORT", "too_large"]);
  });

  it("an endless response is rejected (too_large) once 4 MiB have been read: reading stops there", async () => {
    let written = 0;
    const hostPort = await rogue((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      res.on("close", () => undefined);
      pump();
    });
    const client = new HttpTransport();
    const error = await failureOf(client.sendRequest({ transportType: "http", address: hostPort }, conformanceFixtures().handshake));
    expect([error.code, error.failure]).toEqual(["TRANSPORT", "too_large"]);
    await client.stopServer();
    expect(written, "the server could not keep sending").toBeLessThan(64 * 1024 * 1024);
  });

  it("a non-2xx status is a typed TransportError carrying the server's Error text", async () => {
    const hostPort = await rogue((_req, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ Error: "retry_later: busy" }));
    });
    const other = await rogue((_req, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end("<h1>proxy error</h1>");
    });
    const client = new HttpTransport();
    const busy = await failureOf(client.sendRequest({ transportType: "http", address: hostPort }, conformanceFixtures().handshake));
    expect(busy.code).toBe("TRANSPORT");
    expect(busy.message).toContain("HTTP 503: busy");
    const html = await failureOf(client.sendRequest({ transportType: "http", address: other }, conformanceFixtures().handshake));
    expect([html.failure, html.message]).toEqual(["protocol", `http://${other} answered HTTP 500`]);
    await client.stopServer();
  });

  it("a request above 4 MiB is refused (too_large) before anything is sent", async () => {
    let requests = 0;
    const hostPort = await rogue((_req, res) => {
      requests++;
      res.end();
    });
    const entries = entriesOfWireSize(LIMITS.messageBytes + 1, sendEntriesBytes);
    const client = new HttpTransport();
    const error = await failureOf(client.sendRequest({ transportType: "http", address: hostPort }, { kind: "SendEntries", entries }));
    expect([error.code, error.failure]).toEqual(["TRANSPORT", "too_large"]);
    expect(requests).toBe(0);
  });
});
