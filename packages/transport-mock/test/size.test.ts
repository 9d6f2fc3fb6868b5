/** The message-size limit, and the real codec on both ends of every message. */
import { LIMITS } from "@eidetica/core";
import { encodeRequest, syncHandler, type RequestContext } from "@eidetica/protocol";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import { entriesOfWireSize, sendEntriesBytes } from "@eidetica/transport-conformance";
import { describe, expect, it } from "vitest";
import { conformanceFixtures, failureOf, numbered, world } from "./support.js";

const auto = { time: { mode: "virtual", autoRun: true } } as const;

describe("message-size limit", () => {
  it("defaults to the protocol's 4 MiB", async () => {
    const entries = entriesOfWireSize(LIMITS.messageBytes + 2, sendEntriesBytes);
    expect(sendEntriesBytes(entries)).toBeGreaterThan(LIMITS.messageBytes);
    const { network, node } = world(auto);
    const a = await node();
    expect(await failureOf(a.transport.sendRequest(a.address, { kind: "SendEntries", entries }))).toBe("too_large");
    expect(a.stub.calls).toHaveLength(0);
    expect(network.counters().tooLarge).toBe(1);
  });

  it("refuses a request above the limit with too_large before it reaches the server", async () => {
    const { sendEntries } = conformanceFixtures();
    const size = new TextEncoder().encode(encodeRequest(sendEntries)).length;
    const { network, node } = world({ ...auto, maxMessageBytes: size - 1 });
    const a = await node();
    const b = await node();
    expect(await failureOf(a.transport.sendRequest(b.address, sendEntries))).toBe("too_large");
    expect(b.stub.calls).toHaveLength(0);
    expect(network.counters()).toMatchObject({ tooLarge: 1, sent: 0 });
  });

  it("accepts a message of exactly the limit", async () => {
    const { sendEntries } = conformanceFixtures();
    const size = new TextEncoder().encode(encodeRequest(sendEntries)).length;
    const { node } = world({ ...auto, maxMessageBytes: size });
    const a = await node();
    expect(await a.transport.sendRequest(a.address, sendEntries)).toEqual({ kind: "Ack" });
  });

  it("fails the request with too_large when the response is above the limit", async () => {
    const { syncTree } = conformanceFixtures();
    const { network, node } = world({ ...auto, maxMessageBytes: 2_000 });
    const a = await node();
    const b = await node(true, (request) =>
      request.kind === "SyncTree" ? { kind: "Error", message: "x".repeat(3_000) } : { kind: "Ack" },
    );
    expect(await failureOf(a.transport.sendRequest(b.address, syncTree))).toBe("too_large");
    expect(b.stub.calls).toHaveLength(1);
    expect(network.counters()).toMatchObject({ tooLarge: 1, sent: 1, delivered: 1 });
  });
});

describe("the real codec on the wire", () => {
  it("rejects, at the server, a request the codec cannot accept (answering Error)", async () => {
    const { node } = world(auto);
    const a = await node();
    const { handshake } = conformanceFixtures().handshake;
    const bad = { kind: "Handshake", handshake: { ...handshake, challenge: new Uint8Array(31) } } as const;
    const response = await a.transport.sendRequest(a.address, bad);
    expect(response).toEqual({ kind: "Error", message: expect.stringMatching(/^bad_request: invalid request: .*challenge.*32 bytes/) });
    expect(a.stub.calls).toHaveLength(0);
  });

  it("tells the handler's invalidRequest hook about an undecodable request, with the sender's context, before answering", async () => {
    const network = new SimNetwork(auto);
    const seen: { code: unknown; from: string | undefined; key: string | undefined }[] = [];
    const server = new MockTransport(network, { name: "server" });
    const handler = {
      ...syncHandler(() => ({ kind: "Ack" })),
      async invalidRequest(error: unknown, context: RequestContext) {
        seen.push({ code: (error as { code?: string }).code, from: context.remoteAddress?.address, key: context.peerKey });
      },
    };
    await server.startServer(handler);
    const client = new MockTransport(network, { name: "client", peerKey: "ed25519:client-key" });
    const { handshake } = conformanceFixtures().handshake;
    const bad = { kind: "Handshake", handshake: { ...handshake, challenge: new Uint8Array(31) } } as const;
    expect((await client.sendRequest(server.address, bad)).kind).toBe("Error");
    expect(seen).toEqual([{ code: "SCHEMA", from: "client", key: "ed25519:client-key" }]);
    expect(await client.sendRequest(server.address, conformanceFixtures().handshake)).toEqual({ kind: "Ack" });
    expect(seen).toHaveLength(1);
  });

  it("rejects, at the client, a response the codec cannot accept (protocol)", async () => {
    const { node } = world(auto);
    const a = await node(true, () => ({ kind: "Count", count: -1 }));
    expect(await failureOf(a.transport.sendRequest(a.address, numbered(1)))).toBe("protocol");
  });

  it("hands the handler decoded copies, never the sender's objects", async () => {
    const { node } = world(auto);
    const a = await node();
    const request = conformanceFixtures().sendEntries;
    await a.transport.sendRequest(a.address, request);
    const received = a.stub.calls[0]?.request;
    expect(received).not.toBe(request);
    expect(received?.kind === "SendEntries" && received.entries[0]).not.toBe(request.entries[0]);
    expect(received?.kind === "SendEntries" && received.entries.map((e) => e.id)).toEqual(request.entries.map((e) => e.id));
  });
});
