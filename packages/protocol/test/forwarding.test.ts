/** ForwardingTransport passes every call, its arguments and its result, to the inner transport. */
import { describe, expect, it } from "vitest";
import {
  ForwardingTransport,
  TRANSPORT_BRAND,
  isSyncTransport,
  syncHandler,
  type Address,
  type SendOptions,
  type SyncHandler,
  type SyncRequest,
  type SyncResponse,
  type SyncTransport,
} from "../src/index.js";

/** A transport that records each call and answers from fixed values. */
function recorder() {
  const calls: unknown[][] = [];
  let running = false;
  const inner: SyncTransport = {
    [TRANSPORT_BRAND]: true,
    kind: "rec",
    maxMessageBytes: 1_048_576,
    canHandleAddress: (address) => (calls.push(["canHandleAddress", address]), address.transportType === "rec"),
    startServer: async (handler) => void (calls.push(["startServer", handler]), (running = true)),
    stopServer: async () => void (calls.push(["stopServer"]), (running = false)),
    isServerRunning: () => running,
    serverAddress: () => (running ? { transportType: "rec", address: "here" } : undefined),
    sendRequest: async (address, request, options) => (calls.push(["sendRequest", address, request, options]), { kind: "Ack" }),
  };
  return { inner, calls };
}

const address: Address = { transportType: "rec", address: "there" };
const request: SyncRequest = { kind: "SendEntries", entries: [] };

describe("ForwardingTransport", () => {
  it("is a SyncTransport of the inner kind, and forwards every call with its arguments and result", async () => {
    const { inner, calls } = recorder();
    const wrapped = new ForwardingTransport(inner);
    expect(isSyncTransport(wrapped)).toBe(true);
    expect(wrapped.kind).toBe("rec");
    expect(wrapped.maxMessageBytes).toBe(1_048_576);
    expect(wrapped.canHandleAddress(address)).toBe(true);
    expect(wrapped.canHandleAddress({ transportType: "http", address: "x" })).toBe(false);
    const handler: SyncHandler = syncHandler(() => ({ kind: "Ack" }));
    await wrapped.startServer(handler);
    expect(wrapped.isServerRunning()).toBe(true);
    expect(wrapped.serverAddress()).toEqual({ transportType: "rec", address: "here" });
    const options: SendOptions = { timeoutMs: 5 };
    const response = await wrapped.sendRequest(address, request, options);
    expect(response).toEqual({ kind: "Ack" });
    await wrapped.stopServer();
    expect(wrapped.isServerRunning()).toBe(false);
    expect(wrapped.serverAddress()).toBeUndefined();
    expect(calls).toEqual([
      ["canHandleAddress", address],
      ["canHandleAddress", { transportType: "http", address: "x" }],
      ["startServer", handler],
      ["sendRequest", address, request, options],
      ["stopServer"],
    ]);
  });

  it("a subclass overrides one call and keeps the rest", async () => {
    const { inner, calls } = recorder();
    class Failing extends ForwardingTransport {
      override async sendRequest(_address: Address, _request: SyncRequest): Promise<SyncResponse> {
        return { kind: "Error", message: "unavailable: held by the test" };
      }
    }
    const wrapped = new Failing(inner);
    expect(await wrapped.sendRequest(address, request)).toEqual({ kind: "Error", message: "unavailable: held by the test" });
    expect(calls).toEqual([]);
    await wrapped.startServer(syncHandler(() => ({ kind: "Ack" })));
    expect(inner.isServerRunning()).toBe(true);
  });
});
