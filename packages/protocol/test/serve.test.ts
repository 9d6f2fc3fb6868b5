/** answerRequest: how every transport's server answers one request's bytes. */
import { utf8 } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { HANDLER_BRAND, answerRequest, decodeResponse, encodeRequest, requestBytes, syncHandler, type RequestContext, type SyncHandler, type SyncResponse } from "../src/index.js";

const context: RequestContext = { transportType: "test", remoteAddress: undefined, peerKey: undefined };
const request = utf8(encodeRequest({ kind: "SendEntries", entries: [] }));
const decoded = (bytes: Uint8Array) => decodeResponse(bytes);

describe("answerRequest", () => {
  it("answers with the handler's response, encoded", async () => {
    const answer = await answerRequest(syncHandler(() => ({ kind: "Count", count: 3 })), request, context, { onHandlerError: () => undefined });
    expect([answer.kind, decoded(answer.bytes), answer.invalid]).toEqual(["Count", { kind: "Count", count: 3 }, undefined]);
  });

  it("an undecodable request is told to the handler's hook and answered bad_request, with the decoder's error", async () => {
    const told: unknown[] = [];
    const handler: SyncHandler = { ...syncHandler(() => ({ kind: "Ack" })), invalidRequest: async (error) => void told.push(error) };
    const answer = await answerRequest(handler, utf8('{"Send'), context, { onHandlerError: () => undefined });
    expect(answer.kind).toBe("Error");
    const response = decoded(answer.bytes);
    expect(response.kind === "Error" && response.message.startsWith("bad_request: invalid request: ")).toBe(true);
    expect(told).toHaveLength(1);
    expect(answer.invalid).toBe(told[0]);
  });

  it("a hook or handler that throws, or a handler returning no SyncResponse, is reported and answered internal", async () => {
    const reported: unknown[] = [];
    const onHandlerError = (error: unknown) => reported.push(error);
    const throwingHook: SyncHandler = { ...syncHandler(() => ({ kind: "Ack" })), invalidRequest: async () => Promise.reject(new RangeError("hook")) };
    await answerRequest(throwingHook, utf8("{"), context, { onHandlerError });
    const throwing: SyncHandler = { [HANDLER_BRAND]: true, handle: () => Promise.reject(new TypeError("bug")) };
    const garbage: SyncHandler = { [HANDLER_BRAND]: true, handle: async () => ({ kind: "Nonsense" }) as unknown as SyncResponse };
    for (const handler of [throwing, garbage]) {
      const answer = await answerRequest(handler, request, context, { onHandlerError });
      expect(decoded(answer.bytes)).toEqual({ kind: "Error", message: "internal: internal error" });
    }
    expect(reported.map((e) => (e as Error).name)).toEqual(["RangeError", "TypeError", "InvalidStateError"]);
  });

  it("an answer above maxBytes becomes limit_exceeded: limit bytes pass, limit + 1 does not", async () => {
    const handler = syncHandler(() => ({ kind: "Count", count: 7 }));
    const size = (await answerRequest(handler, request, context, { onHandlerError: () => undefined })).bytes.length;
    expect((await answerRequest(handler, request, context, { maxBytes: size, onHandlerError: () => undefined })).kind).toBe("Count");
    const over = await answerRequest(handler, request, context, { maxBytes: size - 1, onHandlerError: () => undefined });
    expect(over.kind).toBe("Error");
    expect(decoded(over.bytes)).toEqual({ kind: "Error", message: `limit_exceeded: the response would be above ${size - 1} bytes` });
  });
});

describe("requestBytes", () => {
  it("encodes a request: limit and limit + 1 bytes pass, limit - 1 is too_large", () => {
    const size = requestBytes({ kind: "SendEntries", entries: [] }).length;
    expect(requestBytes({ kind: "SendEntries", entries: [] }, size + 1)).toHaveLength(size);
    expect(requestBytes({ kind: "SendEntries", entries: [] }, size)).toHaveLength(size);
    expect(() => requestBytes({ kind: "SendEntries", entries: [] }, size - 1)).toThrow(expect.objectContaining({ code: "TRANSPORT", failure: "too_large" }));
  });

  it("a request that cannot be encoded is a protocol TransportError", () => {
    expect(() => requestBytes({ kind: "Nonsense" } as never)).toThrow(expect.objectContaining({ code: "TRANSPORT", failure: "protocol" }));
  });
});
