/**
 * Signed requests: a client with a signing key proves it on every request (the handler's
 * `peerKey`); a proof that is replayed, stale, for another host, over another body, forged or
 * incomplete is refused with 401 `auth_failed` (and counted against the sender); a request with
 * no proof at all is served unproven, as Eidetica v0's are.
 */
import { SigningKey, manualClock, seededRandom, utf8 } from "@eidetica/core";
import { decodeResponse, encodeRequest } from "@eidetica/protocol";
import { conformanceFixtures } from "@eidetica/transport-conformance";
import { AUTH_HEADERS, AUTH_WINDOW_MS, HttpTransport, RequestVerifier, signRequest } from "@eidetica/transport-http";
import { describe, expect, it } from "vitest";
import { post, served } from "./support/http.js";

const key = SigningKey.fromSeed(new Uint8Array(32).fill(9));
const body = () => encodeRequest(conformanceFixtures().handshake);
const json = { "content-type": "application/json" };

describe("request proofs over HTTP", () => {
  it("a signing client's key reaches the handler as peerKey, request after request", async () => {
    const { address, calls } = await served();
    const client = new HttpTransport({ signingKey: key });
    for (let i = 0; i < 3; i++) expect((await client.sendRequest(address, conformanceFixtures().handshake)).kind).toBe("Handshake");
    await client.stopServer();
    expect(calls.map((c) => c.context.peerKey)).toEqual([key.publicKey, key.publicKey, key.publicKey]);
  });

  it("a replayed proof is refused (401 auth_failed) and counted, the original having been served", async () => {
    const { hostPort, calls, invalid } = await served();
    const text = body();
    const headers = { ...json, ...signRequest(key, hostPort, utf8(text), manualClock(Date.now()), seededRandom(1)) };
    expect((await post(hostPort, text, headers)).status).toBe(200);
    const replay = await post(hostPort, text, headers);
    expect(replay.status).toBe(401);
    const answer = decodeResponse(replay.text);
    expect(answer.kind === "Error" && answer.message).toBe("auth_failed: a replayed request proof");
    expect(calls).toHaveLength(1);
    expect(invalid).toHaveLength(1);
  });

  it("a proof for another host, another body, out of the time window, forged or incomplete is refused", async () => {
    const { hostPort, calls } = await served();
    const text = body();
    const now = Date.now();
    const sign = (host: string, b: string, at = now, seed = 2) => signRequest(key, host, utf8(b), manualClock(at), seededRandom(seed));
    const cases: [string, Record<string, string>, string][] = [
      ["another host", sign("127.0.0.1:1", text), text],
      ["another body", sign(hostPort, `${text} `, now, 3), text],
      ["too old", sign(hostPort, text, now - AUTH_WINDOW_MS - 5_000, 4), text],
      ["from the future", sign(hostPort, text, now + AUTH_WINDOW_MS + 5_000, 5), text],
      ["forged by another key", { ...sign(hostPort, text, now, 6), [AUTH_HEADERS.key]: SigningKey.fromSeed(new Uint8Array(32).fill(1)).publicKey }, text],
      ["incomplete", { [AUTH_HEADERS.key]: key.publicKey }, text],
      ["not base64", { ...sign(hostPort, text, now, 7), [AUTH_HEADERS.signature]: "!!!" }, text],
    ];
    for (const [what, headers, b] of cases) {
      const reply = await post(hostPort, b, { ...json, ...headers });
      expect(reply.status, what).toBe(401);
      const answer = decodeResponse(reply.text);
      expect(answer.kind === "Error" && answer.message.startsWith("auth_failed: "), what).toBe(true);
    }
    expect(calls).toHaveLength(0);
  });

  it("a request without any proof is served, unproven (an Eidetica v0 client)", async () => {
    const { hostPort, calls } = await served();
    expect((await post(hostPort, body())).status).toBe(200);
    expect(calls[0]?.context.peerKey).toBeUndefined();
  });
});

describe("RequestVerifier", () => {
  it("accepts at the edge of the window (±60 s) and refuses 1 ms past it", () => {
    const clock = manualClock(1_700_000_000_000);
    const verifier = new RequestVerifier(clock);
    const bytes = utf8("{}");
    let seed = 10;
    const headersAt = (offset: number) => signRequest(key, "h:1", bytes, manualClock(clock.nowMillis() + offset), seededRandom(seed++));
    for (const offset of [-AUTH_WINDOW_MS, AUTH_WINDOW_MS, 0]) {
      const h = headersAt(offset);
      expect(verifier.verify((name) => h[name], "h:1", bytes)).toBe(key.publicKey);
    }
    for (const offset of [-AUTH_WINDOW_MS - 1, AUTH_WINDOW_MS + 1]) {
      const h = headersAt(offset);
      expect(() => verifier.verify((name) => h[name], "h:1", bytes)).toThrow(/time window/);
    }
  });

  it("remembers at most maxNonces proofs: limit - 1 and limit are accepted, limit + 1 is refused until some expire", () => {
    const clock = manualClock(1_700_000_000_000);
    const verifier = new RequestVerifier(clock, { maxNonces: 3 });
    const bytes = utf8("{}");
    const attempt = (seed: number) => {
      const h = signRequest(key, "h:1", bytes, clock, seededRandom(seed));
      return () => verifier.verify((name) => h[name], "h:1", bytes);
    };
    expect(attempt(1)()).toBe(key.publicKey);
    expect(attempt(2)()).toBe(key.publicKey);
    expect(attempt(3)(), "the limit itself").toBe(key.publicKey);
    expect(attempt(4), "one past the limit").toThrow(/too many recent requests/);
    clock.advance(2 * AUTH_WINDOW_MS + 1);
    expect(attempt(5)()).toBe(key.publicKey);
  });

  it("forgets nonces once they can no longer be fresh", () => {
    const clock = manualClock(1_700_000_000_000);
    const verifier = new RequestVerifier(clock);
    const bytes = utf8("{}");
    for (let i = 0; i < 5; i++) {
      const h = signRequest(key, "h:1", bytes, clock, seededRandom(100 + i));
      verifier.verify((name) => h[name], "h:1", bytes);
    }
    expect(verifier.remembered).toBe(5);
    clock.advance(2 * AUTH_WINDOW_MS + 1);
    const h = signRequest(key, "h:1", bytes, clock, seededRandom(200));
    verifier.verify((name) => h[name], "h:1", bytes);
    expect(verifier.remembered).toBe(1);
  });
});
