/**
 * The serving side's limits and answers, probed with raw iroh streams on loopback: a malformed
 * request gets an `Error` rather than silence, one over 1 MiB a typed `limit_exceeded`, a
 * stream that never finishes is reset after the stream timeout, a peer's 33rd concurrent
 * stream is reset while its first 32 are served, and the handler sees the connecting node's
 * proven key. Also the `number[]` conversion and the key check.
 */
import { SigningKey, utf8 } from "@eidetica/core";
import { decodeResponse, encodeRequest, syncHandler, type SyncResponse } from "@eidetica/protocol";
import { conformanceFixtures } from "@eidetica/transport-conformance";
import { ALPN, IROH_MESSAGE_BYTES, IrohTransport, InvalidIrohAddressError, fromWire, toWire } from "@eidetica/transport-iroh";
import { Endpoint, EndpointTicket, RelayMode, presetMinimal, type Connection } from "@number0/iroh";
import { afterEach, describe, expect, it } from "vitest";
import { loopback, seedOf } from "./support/iroh.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A served transport whose handler records contexts; `hold` makes SyncTree requests wait for `release()`. */
async function served(server: ConstructorParameters<typeof IrohTransport>[0]["server"] = {}) {
  const contexts: { peerKey: string | undefined; remote: string | undefined; max: number | undefined }[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const transport = new IrohTransport({ ...loopback, secretKey: seedOf(100), server, onHandlerError: () => undefined });
  await transport.startServer(
    syncHandler(async (request, context): Promise<SyncResponse> => {
      contexts.push({ peerKey: context.peerKey, remote: context.remoteAddress?.address, max: context.maxMessageBytes });
      if (request.kind === "SyncTree") await held;
      return { kind: "Ack" };
    }),
  );
  cleanups.push(() => transport.stopServer());
  const ticket = transport.serverAddress()?.address;
  if (ticket === undefined) throw new Error("not serving");
  return { transport, ticket, contexts, release };
}

/** A raw client endpoint connected to `ticket`. */
async function rawConnection(ticket: string, seed: number): Promise<Connection> {
  const builder = Endpoint.builder();
  presetMinimal(builder);
  builder.relayMode(RelayMode.disabled());
  builder.bindAddr("127.0.0.1:0");
  builder.bindAddr("[::1]:0");
  builder.secretKey(toWire(seedOf(seed)));
  const endpoint = await builder.bind();
  cleanups.push(() => endpoint.close());
  nodeIds.set(seed, endpoint.id().toString());
  return endpoint.connect(EndpointTicket.fromString(ticket).endpointAddr(), toWire(utf8(ALPN)));
}

/** The node id of each raw client, by seed. */
const nodeIds = new Map<number, string>();

/** Writes `bytes` on a new stream, finishes it, and reads the answer to its end. */
async function exchange(connection: Connection, bytes: Uint8Array): Promise<SyncResponse> {
  const stream = await connection.openBi();
  await stream.send.writeAll(toWire(bytes));
  await stream.send.finish();
  return decodeResponse(fromWire(await stream.recv.readToEnd(IROH_MESSAGE_BYTES)));
}

describe("the iroh server", () => {
  it("the handler sees the connecting node's proven key, its node id and the 1 MiB limit", async () => {
    const { ticket, contexts } = await served();
    const connection = await rawConnection(ticket, 7);
    expect(await exchange(connection, utf8(encodeRequest(conformanceFixtures().sendEntries)))).toEqual({ kind: "Ack" });
    const key = SigningKey.fromSeed(seedOf(7));
    expect(contexts).toEqual([{ peerKey: key.publicKey, remote: nodeIds.get(7), max: IROH_MESSAGE_BYTES }]);
  });

  it("a malformed request is answered with a typed Error, not silence, and the connection still serves", async () => {
    const { ticket } = await served();
    const connection = await rawConnection(ticket, 8);
    const answer = await exchange(connection, utf8('{"Handshake": {'));
    expect(answer.kind === "Error" && answer.message.startsWith("bad_request: invalid request")).toBe(true);
    expect(await exchange(connection, utf8(encodeRequest(conformanceFixtures().sendEntries)))).toEqual({ kind: "Ack" });
  });

  it("a request of limit bytes is read; limit + 1 gets a typed limit_exceeded", async () => {
    const { ticket } = await served();
    const connection = await rawConnection(ticket, 9);
    const base = encodeRequest(conformanceFixtures().sendEntries);
    const padded = (size: number) => utf8(base + " ".repeat(size - base.length));
    expect(await exchange(connection, padded(IROH_MESSAGE_BYTES))).toEqual({ kind: "Ack" });
    const over = await exchange(connection, padded(IROH_MESSAGE_BYTES + 1));
    expect(over.kind === "Error" && over.message.startsWith("limit_exceeded: ")).toBe(true);
  });

  it("a stream that never finishes is reset after the stream timeout; others are served meanwhile", async () => {
    const { transport, ticket } = await served({ streamTimeoutMs: 300 });
    const connection = await rawConnection(ticket, 10);
    const slow = await connection.openBi();
    await slow.send.writeAll(toWire(utf8('{"SendEntries"')));
    expect(await exchange(connection, utf8(encodeRequest(conformanceFixtures().sendEntries)))).toEqual({ kind: "Ack" });
    await expect(slow.recv.readToEnd(IROH_MESSAGE_BYTES)).rejects.toThrow();
    expect(transport.serverStats.timedOut).toBe(1);
  });

  it("a peer's streams above 32 at once are reset; the 32 are served, and so is the next one", async () => {
    const { transport, ticket, release } = await served();
    const connection = await rawConnection(ticket, 11);
    const request = utf8(encodeRequest(conformanceFixtures().syncTree));
    const streams = await Promise.all(
      Array.from({ length: 33 }, async () => {
        const stream = await connection.openBi();
        await stream.send.writeAll(toWire(request));
        await stream.send.finish();
        return stream;
      }),
    );
    const outcomes = streams.map((s) => s.recv.readToEnd(IROH_MESSAGE_BYTES).then(() => "answered", () => "reset"));
    await expect.poll(() => transport.serverStats.refusedStreams, { timeout: 5_000 }).toBe(1);
    release();
    const settled = await Promise.all(outcomes);
    expect(settled.filter((o) => o === "answered")).toHaveLength(32);
    expect(settled.filter((o) => o === "reset")).toHaveLength(1);
    expect(await exchange(connection, utf8(encodeRequest(conformanceFixtures().sendEntries)))).toEqual({ kind: "Ack" });
  });
});

describe("keys and bytes", () => {
  it("a secret key that is not 32 bytes is a typed error", () => {
    expect(() => new IrohTransport({ ...loopback, secretKey: new Uint8Array(31) })).toThrow(InvalidIrohAddressError);
  });

  it("bytes cross to number[] and back unchanged", () => {
    const bytes = Uint8Array.from({ length: 1_000 }, (_, i) => (i * 37) % 256);
    const wire = toWire(bytes);
    expect(wire).toHaveLength(1_000);
    expect(wire.every((n) => Number.isInteger(n) && n >= 0 && n < 256)).toBe(true);
    expect(fromWire(wire)).toEqual(bytes);
  });
});
