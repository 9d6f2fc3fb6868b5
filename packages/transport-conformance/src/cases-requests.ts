/** Round trips of every request and response kind, concurrency, and large payloads. */
import { LIMITS, verifyEntrySignature, type Entry } from "@eidetica/core";
import {
  RESPONSE_KINDS,
  checkChallengeAnswer,
  checkSyncRequestAuth,
  encodeRequest,
  encodeResponse,
  type SyncRequest,
  type SyncResponse,
} from "@eidetica/protocol";
import { describe, expect, it } from "vitest";
import { FIXTURE_TIME_MS, conformanceFixtures, incrementalBytes, incrementalOf, sendEntriesBytes, sizedEntries } from "./fixtures.js";
import type { Harness, Peer } from "./harness.js";
import { standardResponse, type Responder } from "./stub.js";

const KINDS = ["Handshake", "SyncTree", "SendEntries"] as const;
const ids = (entries: readonly Entry[]) => entries.map((e) => e.id);

function fixtureRequest(kind: (typeof KINDS)[number]): SyncRequest {
  const fx = conformanceFixtures();
  return kind === "Handshake" ? fx.handshake : kind === "SyncTree" ? fx.syncTree : fx.sendEntries;
}

/** A SyncTree request whose `requestingKeyName` tells the responder what to do. */
function named(name: string): SyncRequest {
  const { syncTree } = conformanceFixtures().syncTree;
  return { kind: "SyncTree", syncTree: { ...syncTree, requestingKeyName: name, auth: null } };
}

/** Checks what only an intact wire gives: signatures over the received bytes still verify. */
function checkIntegrity(request: SyncRequest, received: SyncRequest, response: SyncResponse): void {
  const { key } = conformanceFixtures();
  if (request.kind === "Handshake" && response.kind === "Handshake") {
    expect(checkChallengeAnswer(key.publicKey, request.handshake.challenge, response.handshake.challengeResponse)).toBe(true);
  }
  if (received.kind === "SyncTree" && received.syncTree.auth !== null) {
    const { auth, treeId, ourTips } = received.syncTree;
    expect(checkSyncRequestAuth(auth, key.publicKey, treeId, ourTips, FIXTURE_TIME_MS)).toBeUndefined();
  }
  if (received.kind === "SendEntries") expect(received.entries.every((e) => verifyEntrySignature(e))).toBe(true);
  if (response.kind === "Incremental") expect(response.incremental.missingEntries.every((e) => verifyEntrySignature(e))).toBe(true);
}

/** Registers the request cases; `h` gives the current test's harness. */
export function requestCases(h: () => Harness, limit: number = LIMITS.messageBytes): void {
  for (const direction of ["A→B", "B→A"] as const) {
    describe(`round trip ${direction}`, () => {
      for (const kind of KINDS) {
        it(`${kind}: the handler gets the exact request and the sender the exact response`, async () => {
          const a = await h().peer();
          const b = await h().peer();
          const [from, to]: [Peer, Peer] = direction === "A→B" ? [a, b] : [b, a];
          const request = fixtureRequest(kind);
          const response = await from.transport.sendRequest(to.address, request);
          expect(encodeResponse(response)).toBe(encodeResponse(standardResponse(request)));
          expect(to.stub.calls).toHaveLength(1);
          expect(from.stub.calls).toHaveLength(0);
          const call = to.stub.calls[0];
          expect(encodeRequest(call?.request ?? named("missing"))).toBe(encodeRequest(request));
          expect(call?.context.transportType).toBe(to.transport.kind);
          checkIntegrity(request, call?.request ?? request, response);
        });
      }
    });
  }

  it("carries every response kind intact, including non-ASCII text", async () => {
    const fx = conformanceFixtures();
    const responses: Record<(typeof RESPONSE_KINDS)[number], SyncResponse> = {
      Handshake: standardResponse(fx.handshake),
      Bootstrap: standardResponse({ kind: "SyncTree", syncTree: { ...fx.syncTree.syncTree, ourTips: [] } }),
      Incremental: standardResponse(fx.syncTree),
      BootstrapPending: { kind: "BootstrapPending", requestId: "req-1", message: "waiting for an admin" },
      Ack: { kind: "Ack" },
      Count: { kind: "Count", count: 4_294_967_296 },
      Error: { kind: "Error", message: "über ✓ 日本 🚀 \"quoted\" \\ \n" },
    };
    const respond: Responder = (request) =>
      responses[(request.kind === "SyncTree" ? request.syncTree.requestingKeyName : "Ack") as keyof typeof responses];
    const a = await h().peer();
    const b = await h().peer(respond);
    for (const kind of RESPONSE_KINDS) {
      expect(encodeResponse(await a.transport.sendRequest(b.address, named(kind)))).toBe(encodeResponse(responses[kind]));
    }
  });

  it("sends from a transport that is not serving", async () => {
    const client = await h().transport();
    const server = await h().peer();
    const response = await client.sendRequest(server.address, conformanceFixtures().sendEntries);
    expect(response).toEqual({ kind: "Ack" });
    expect(client.isServerRunning()).toBe(false);
  });

  it("answers 100 concurrent requests, in both directions at once, each with its own response", async () => {
    const respond: Responder = async (request) => {
      const n = Number(request.kind === "SyncTree" ? request.syncTree.requestingKeyName?.slice(4) : -1);
      for (let i = 0; i < (n * 7) % 4; i++) await new Promise((resolve) => setTimeout(resolve, 0));
      return { kind: "Count", count: n };
    };
    const a = await h().peer(respond);
    const b = await h().peer(respond);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, n) => {
        const [from, to] = n % 2 === 0 ? [a, b] : [b, a];
        return from.transport.sendRequest(to.address, named(`req-${n}`));
      }),
    );
    expect(responses).toEqual(Array.from({ length: 100 }, (_, n) => ({ kind: "Count", count: n })));
    expect(a.stub.calls).toHaveLength(50);
    expect(b.stub.calls).toHaveLength(50);
  });

  const sizes: [string, number][] = [["100 KB", 100 * 1024]];
  if (limit > 1024 * 1024 + 1024) sizes.push(["1 MB", 1024 * 1024]);
  sizes.push([limit === LIMITS.messageBytes ? "just-under-4-MiB" : `just-under-the-${limit}-byte-limit`, limit - 1024]);
  for (const [label, size] of sizes) {
    it(`carries a ${label} request and a ${label} response`, async () => {
      const sent = sizedEntries(size, "request");
      const back = sizedEntries(size, "response");
      expect(sendEntriesBytes(sent)).toBeGreaterThanOrEqual(size - 1);
      expect(sendEntriesBytes(sent)).toBeLessThanOrEqual(size);
      expect(incrementalBytes(back)).toBeGreaterThanOrEqual(size - 1);
      expect(incrementalBytes(back)).toBeLessThanOrEqual(size);
      const a = await h().peer();
      const b = await h().peer((request) => (request.kind === "SyncTree" ? incrementalOf(back) : { kind: "Ack" }));
      expect(await a.transport.sendRequest(b.address, { kind: "SendEntries", entries: sent })).toEqual({ kind: "Ack" });
      const received = b.stub.calls[0]?.request;
      expect(received?.kind === "SendEntries" ? ids(received.entries) : []).toEqual(ids(sent));
      const response = await a.transport.sendRequest(b.address, conformanceFixtures().syncTree);
      expect(response.kind === "Incremental" ? ids(response.incremental.missingEntries) : []).toEqual(ids(back));
    });
  }
}
