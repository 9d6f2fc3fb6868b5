/**
 * The server's answers on real fastify over loopback: Eidetica v0's shape (200 with a JSON
 * `SyncResponse`, errors as `{"Error": …}`), transport-level refusals with HTTP codes (400,
 * 413 with reading stopped at the limit, 415, 422, 404), no stack trace or path in any reply,
 * the remote address in the handler's context, and the bind address's real port.
 */
import { LIMITS, isEideticaError } from "@eidetica/core";
import { decodeResponse, encodeRequest, encodeResponse, syncHandler, wireError } from "@eidetica/protocol";
import { conformanceFixtures } from "@eidetica/transport-conformance";
import { HttpTransport, InvalidAddressError } from "@eidetica/transport-http";
import { describe, expect, it } from "vitest";
import { post, rawSocket, served, until } from "./support/http.js";

/** A reply that shows nothing of the server's insides. */
function expectClean(text: string): void {
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node:internal|\/work\/|\/src\/|\.ts:\d|FST_/);
}

/** The `Error` text of a reply body. */
function errorOf(text: string): string {
  const response = decodeResponse(text);
  if (response.kind !== "Error") throw new Error(`expected an Error response, got ${response.kind}`);
  return response.message;
}

describe("binding and addresses", () => {
  it("binding 127.0.0.1:0 reports the real port, and the handler sees the client's socket address", async () => {
    const { transport, address, hostPort, calls } = await served();
    expect(address.transportType).toBe("http");
    expect(hostPort).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(hostPort).not.toBe("127.0.0.1:0");
    const client = new HttpTransport();
    expect((await client.sendRequest(address, conformanceFixtures().handshake)).kind).toBe("Handshake");
    await client.stopServer();
    const context = calls[0]?.context;
    expect(context?.transportType).toBe("http");
    expect(context?.remoteAddress?.transportType).toBe("http");
    expect(context?.remoteAddress?.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(context?.peerKey, "an unsigned request proves no key").toBeUndefined();
    expect(transport.isServerRunning()).toBe(true);
  });

  it("IPv6 loopback works too, its address in brackets", async () => {
    const { hostPort, calls } = await served({ bind: "[::1]:0" });
    expect(hostPort).toMatch(/^\[::1\]:\d+$/);
    const client = new HttpTransport();
    expect((await client.sendRequest({ transportType: "http", address: hostPort }, conformanceFixtures().handshake)).kind).toBe("Handshake");
    await client.stopServer();
    expect(calls[0]?.context.remoteAddress?.address).toMatch(/^\[::1\]:\d+$/);
  });

  it("a client-only transport cannot serve, and a bad bind address is a typed error", async () => {
    await expect(new HttpTransport().startServer(conformanceHandler())).rejects.toMatchObject({ code: "INVALID_STATE" });
    expect(() => new HttpTransport({ bind: "localhost" })).toThrow(InvalidAddressError);
    expect(() => new HttpTransport({ bind: "127.0.0.1:70000" })).toThrow(InvalidAddressError);
  });

  it("a port already taken fails to start with a TransportError", async () => {
    const { hostPort } = await served();
    const second = new HttpTransport({ bind: hostPort });
    const error = await second.startServer(conformanceHandler()).catch((e: unknown) => e);
    expect(isEideticaError(error) && error.code).toBe("TRANSPORT");
    expect(second.isServerRunning()).toBe(false);
  });
});

describe("answers", () => {
  it("a handler's Error travels with status 200 as {\"Error\": …}, as Eidetica v0 sends it", async () => {
    const { hostPort } = await served({}, () => wireError("not_found", "Tree not found: x"));
    const reply = await post(hostPort, encodeRequest(conformanceFixtures().syncTree));
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(reply.text)).toEqual({ Error: "not_found: Tree not found: x" });
  });

  it("malformed JSON is 400, JSON that is not a request is 422, each a typed Error, and the handler is told", async () => {
    const { hostPort, calls, invalid } = await served();
    const malformed = await post(hostPort, '{"Handshake": {');
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed.text)).toMatch(/^bad_request: /);
    const notRequest = await post(hostPort, '{"Nonsense": 1}');
    expect(notRequest.status).toBe(422);
    expect(errorOf(notRequest.text)).toMatch(/^bad_request: /);
    for (const r of [malformed, notRequest]) expectClean(r.text);
    expect(calls).toHaveLength(0);
    expect(invalid).toHaveLength(2);
  });

  it("another content type is 415; another route or method is 404 naming no route", async () => {
    const { hostPort } = await served();
    const text = await post(hostPort, encodeRequest(conformanceFixtures().handshake), { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    expect(errorOf(text.text)).toMatch(/^bad_request: /);
    const none = await post(hostPort, "{}", { "content-type": "application/json" }, "/api/v1");
    expect(none.status).toBe(404);
    expect(errorOf(none.text)).toBe("not_found: no such endpoint");
    expect(none.text).not.toContain("/api/v1");
    for (const r of [text, none]) expectClean(r.text);
  });

  it("a body of limit - 1 and limit bytes is read; limit + 1 is 413 (a typed Error, not a hang)", async () => {
    const { hostPort, invalid } = await served();
    // Padding inside valid JSON: whitespace after the value is still JSON.
    const request = encodeRequest(conformanceFixtures().handshake);
    const padded = (size: number) => request + " ".repeat(size - Buffer.byteLength(request));
    for (const size of [LIMITS.messageBytes - 1, LIMITS.messageBytes]) {
      const reply = await post(hostPort, padded(size));
      expect(reply.status, `${size} bytes`).toBe(200);
      expect(decodeResponse(reply.text).kind).toBe("Handshake");
    }
    const over = await post(hostPort, padded(LIMITS.messageBytes + 1));
    expect(over.status).toBe(413);
    expect(errorOf(over.text)).toMatch(/^limit_exceeded: /);
    expectClean(over.text);
    expect(invalid).toHaveLength(0);
  });

  it("a declared body above the limit is refused with 413 before it is sent: reading stops at the limit", async () => {
    const { hostPort } = await served();
    const raw = await rawSocket(hostPort);
    raw.socket.write(`POST /api/v0 HTTP/1.1\r\nHost: ${hostPort}\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n{"Hand`);
    await until(() => raw.received().includes("\r\n\r\n"), 5_000, "the 413 reply");
    expect(raw.received()).toMatch(/^HTTP\/1\.1 413 /);
    expectClean(raw.received());
    raw.socket.destroy();
  });

  it("a response that would be above 4 MiB is sent as a typed Error instead", async () => {
    const big = "x".repeat(LIMITS.messageBytes);
    const { hostPort } = await served({}, () => ({ kind: "Error", message: big }));
    const reply = await post(hostPort, encodeRequest(conformanceFixtures().handshake));
    expect(reply.status).toBe(200);
    expect(errorOf(reply.text)).toMatch(/^limit_exceeded: the response would be above/);
  });

  it("a handler that throws gets internal: internal error, no details", async () => {
    const { hostPort, errors } = await served({}, () => {
      throw new Error("secret detail at /work/main/src/x.ts:12");
    });
    const reply = await post(hostPort, encodeRequest(conformanceFixtures().handshake));
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(encodeResponse(wireError("internal", "internal error")));
    expect(errors, "the failure is reported to the server's side, not the client").toHaveLength(1);
  });
});

function conformanceHandler() {
  return syncHandler(() => wireError("internal", "unused"));
}
