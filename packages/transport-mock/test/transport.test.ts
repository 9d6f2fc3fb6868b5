/** MockTransport itself: names, request context, stopping, closing, handler failures. */
import { LIMITS, SigningKey, isEideticaError, seededRandom } from "@eidetica/core";
import { HANDLER_BRAND, isSyncTransport, type SyncResponse } from "@eidetica/protocol";
import { MockTransport, SIM_KIND, SimNetwork } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import { StubHandler, echo, failureOf, hangingRequest, numbered, world } from "./support.js";

const auto = { time: { mode: "virtual", autoRun: true } } as const;

describe("MockTransport", () => {
  it("is a branded sim transport named sim-peer-N, or by its chosen unique name", () => {
    const network = new SimNetwork();
    const first = new MockTransport(network);
    const named = new MockTransport(network, { name: "alice" });
    const second = new MockTransport(network);
    expect(isSyncTransport(first)).toBe(true);
    expect([first.kind, first.name, named.name, second.name]).toEqual([SIM_KIND, "sim-peer-1", "alice", "sim-peer-2"]);
    expect(second.address).toEqual(SimNetwork.address("sim-peer-2"));
    expect(network.nodes()).toEqual(["sim-peer-1", "alice", "sim-peer-2"]);
    expect(() => new MockTransport(network, { name: "alice" })).toThrow(/taken/);
    expect(first.canHandleAddress({ transportType: "http", address: "127.0.0.1:1" })).toBe(false);
  });

  it("tells the handler who called (the sender's address, kind sim, its peer key) and the network's message limit", async () => {
    const network = new SimNetwork(auto);
    const key = SigningKey.fromSeed(seededRandom(1).bytes(32));
    const client = new MockTransport(network, { peerKey: key.publicKey });
    const server = new MockTransport(network);
    const stub = new StubHandler(echo);
    await server.startServer(stub.handler);
    await client.sendRequest(server.address, numbered(1));
    expect(stub.calls[0]?.context).toEqual({ remoteAddress: client.address, transportType: "sim", peerKey: key.publicKey, maxMessageBytes: LIMITS.messageBytes });
  });

  it("rejects addresses of other kinds as unreachable", async () => {
    const { node } = world(auto);
    const a = await node();
    expect(await failureOf(a.transport.sendRequest({ transportType: "http", address: "127.0.0.1:1" }, numbered(1)))).toBe("unreachable");
  });

  it("on stopServer, ends the requests it was handling and its own open requests with closed", async () => {
    const { network, node } = world(auto);
    const a = await node();
    const b = await node();
    const handled = failureOf(a.transport.sendRequest(b.address, hangingRequest()));
    const own = failureOf(b.transport.sendRequest(a.address, hangingRequest()));
    await b.stub.holding();
    await a.stub.holding();
    await b.transport.stopServer();
    expect(await handled).toBe("closed");
    expect(await own).toBe("closed");
    b.stub.release();
    a.stub.release();
    await network.run();
    expect(network.counters()).toMatchObject({ closed: 2, late: 2 });
    expect(network.activeHandles()).toBe(0);
  });

  it("after network.close(), ends open requests, refuses new ones, and cannot serve", async () => {
    const { network, node } = world({ time: { mode: "realtime" }, latency: { fixedMs: 1 } });
    const a = await node();
    const b = await node();
    const open = failureOf(a.transport.sendRequest(b.address, hangingRequest(), { timeoutMs: 60_000 }));
    await b.stub.holding();
    await network.close();
    expect(await open).toBe("closed");
    expect(a.transport.isServerRunning()).toBe(false);
    expect(await failureOf(a.transport.sendRequest(b.address, numbered(1)))).toBe("closed");
    const error = await a.transport.startServer(new StubHandler().handler).catch((e: unknown) => e);
    expect(isEideticaError(error) && error.code).toBe("INVALID_STATE");
    b.stub.release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(network.activeHandles()).toBe(0);
  });

  it("reports a handler that throws or returns garbage, and answers Error internal error", async () => {
    const network = new SimNetwork(auto);
    const errors: unknown[] = [];
    const client = new MockTransport(network);
    const server = new MockTransport(network, { onHandlerError: (error) => errors.push(error) });
    let calls = 0;
    await server.startServer({
      [HANDLER_BRAND]: true,
      handle: async () => {
        if (calls++ === 0) throw new TypeError("bug");
        return { kind: "Nonsense" } as unknown as SyncResponse;
      },
    });
    for (let i = 0; i < 2; i++) {
      expect(await client.sendRequest(server.address, numbered(i))).toEqual({ kind: "Error", message: "internal: internal error" });
    }
    expect(errors.map((e) => (e as Error).name)).toEqual(["TypeError", "InvalidStateError"]);
  });
});
