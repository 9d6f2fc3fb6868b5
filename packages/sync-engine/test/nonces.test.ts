/**
 * The nonce rules of signed reads (README "How a request is authenticated"; reliability H1),
 * through the handler: a server challenge is a nonce usable once within 60 s; a client-chosen
 * nonce is accepted once, only if timestamped at least 60 s after the server started (else
 * `retry_later`); a request can never be replayed while its timestamp is fresh; at most
 * MAX_OUTSTANDING_CHALLENGES challenges are outstanding, the oldest dropped beyond.
 */
import { seededRandom } from "@eidetica/core";
import { MAX_OUTSTANDING_CHALLENGES, MAX_SPENT_NONCES } from "@eidetica/sync-engine";
import { describe, expect, it } from "vitest";
import { challengeFrom, ctx, expectWire, fabricatedId, handshakeRequest, scene, signAuth, treeRequest, type Scene } from "./support/probes.js";
import { keyFromSeed, world } from "./support/world.js";

const WINDOW = 60_000;

/** A bootstrap of the public database signed by the reader over `nonce`, timestamped `at`. */
function read(s: Scene, nonce: Uint8Array, at: number, key = s.reader) {
  return treeRequest(s.pub.id, [], signAuth(key, s.server.instance.id, s.pub.id, [], at, nonce));
}

async function answer(s: Scene, request: ReturnType<typeof read>) {
  return s.server.sync.handler.handle(request, ctx("client"));
}

describe("server challenges", () => {
  it("a challenge is usable once: the same request again, or the challenge re-signed, is `replay`", async () => {
    const s = await scene(1);
    const random = seededRandom(1);
    const start = s.w.clock.nowMillis();
    const challenge = await challengeFrom(s.server.sync, ctx("client"), s.reader.publicKey, random);
    const first = read(s, challenge, start);
    expect((await answer(s, first)).kind).toBe("Bootstrap");
    expectWire(await answer(s, first), "replay");
    s.w.clock.advance(10);
    expectWire(await answer(s, read(s, challenge, start + 10)), "replay");
    // Each handshake issues a new challenge, each usable once.
    const second = await challengeFrom(s.server.sync, ctx("client"), s.reader.publicKey, random);
    expect(second).not.toEqual(challenge);
    expect((await answer(s, read(s, second, start + 10))).kind).toBe("Bootstrap");
  });

  it("a challenge is outstanding for less than 60 s: used at +59.999 s it is accepted, at +60 s it is not (`retry_later` in the first minute)", async () => {
    const s = await scene(2);
    const random = seededRandom(2);
    const start = s.w.clock.nowMillis();
    const a = await challengeFrom(s.server.sync, ctx("client"), s.reader.publicKey, random);
    const b = await challengeFrom(s.server.sync, ctx("client"), s.reader.publicKey, random);
    s.w.clock.set(start + WINDOW - 1);
    expect((await answer(s, read(s, a, start + WINDOW - 1))).kind).toBe("Bootstrap");
    s.w.clock.set(start + WINDOW);
    // b expired: it reads as a client-chosen nonce, timestamped inside the server's first minute.
    expectWire(await answer(s, read(s, b, start + WINDOW - 1)), "retry_later");
  });

  it(`at most MAX_OUTSTANDING_CHALLENGES (${MAX_OUTSTANDING_CHALLENGES}) are outstanding: the oldest is dropped first`, async () => {
    const w = world(3);
    const server = await w.node("server");
    const random = seededRandom(3);
    const reader = keyFromSeed(3);
    const missing = fabricatedId(random); // the answer tells whether the nonce was accepted without any database
    const challenges: Uint8Array[] = [];
    for (let i = 0; i <= MAX_OUTSTANDING_CHALLENGES; i++) {
      const response = await server.sync.handler.handle(handshakeRequest(reader.publicKey, random.bytes(32)), ctx("client"));
      if (response.kind !== "Handshake") throw new Error("no handshake");
      challenges.push(response.handshake.newChallenge);
    }
    const now = w.clock.nowMillis();
    const use = (c: Uint8Array) => server.sync.handler.handle(treeRequest(missing, [], signAuth(reader, server.instance.id, missing, [], now, c)), ctx("client"));
    expectWire(await use(challenges[0] as Uint8Array), "retry_later"); // dropped: no longer a challenge
    expectWire(await use(challenges[1] as Uint8Array), "not_found"); // accepted (then: no such database)
    expectWire(await use(challenges[MAX_OUTSTANDING_CHALLENGES] as Uint8Array), "not_found");
    expectWire(await use(challenges[1] as Uint8Array), "replay");
  });

  it("a request signed over a challenge stays refused for as long as its timestamp is fresh", async () => {
    const s = await scene(4);
    const random = seededRandom(4);
    s.w.clock.advance(2 * WINDOW); // past the first window: any nonce not recorded would pass as a client nonce
    const t = s.w.clock.nowMillis();
    // Each request is timestamped 30 s ahead (inside ±60 s), so it is fresh until t + 90 s; each is
    // served once at t, then replayed once, at its own later time.
    const later = [1_000, 59_999, 60_000, 60_001, 89_999, 90_000];
    const requests = [];
    for (let i = 0; i < later.length; i++) requests.push(read(s, await challengeFrom(s.server.sync, ctx("client"), s.reader.publicKey, random), t + 30_000));
    for (const request of requests) expect((await answer(s, request)).kind).toBe("Bootstrap");
    for (const [i, offset] of later.entries()) {
      s.w.clock.set(t + offset);
      const response = await answer(s, requests[i] as ReturnType<typeof read>);
      expect.soft(response.kind === "Error" ? response.message.split(":")[0] : response.kind, `replayed at +${offset} ms`).toBe("replay");
    }
    s.w.clock.set(t + 90_001);
    expectWire(await answer(s, requests[0] as ReturnType<typeof read>), "clock_skew");
  });
});

describe("client-chosen nonces", () => {
  it("accepted only when timestamped at least 60 s after the server started: 59.999 s → `retry_later`, 60 s → served", async () => {
    const s = await scene(5);
    const random = seededRandom(5);
    const start = s.w.clock.nowMillis();
    s.w.clock.set(start + WINDOW);
    const message = expectWire(await answer(s, read(s, random.bytes(32), start + WINDOW - 1)), "retry_later");
    expect(message).toContain(String(start + WINDOW));
    expect((await answer(s, read(s, random.bytes(32), start + WINDOW))).kind).toBe("Bootstrap");
    // In the first minute a client nonce is refused even when "fresh"; a challenge is not.
    const t = s.w.clock.nowMillis();
    const fresh = await challengeFrom(s.server.sync, ctx("client"), s.reader.publicKey, random);
    expect((await answer(s, read(s, fresh, t - 1))).kind).toBe("Bootstrap");
  });

  it("used once per key: the same nonce again by the same key is `replay` (any timestamp); by another key it is accepted", async () => {
    const s = await scene(6);
    const random = seededRandom(6);
    s.w.clock.advance(2 * WINDOW);
    const t = s.w.clock.nowMillis();
    const nonce = random.bytes(32);
    expect((await answer(s, read(s, nonce, t))).kind).toBe("Bootstrap");
    expectWire(await answer(s, read(s, nonce, t)), "replay");
    expectWire(await answer(s, read(s, nonce, t - 5_000)), "replay");
    expectWire(await answer(s, read(s, nonce, t + 5_000)), "replay");
    expect((await answer(s, read(s, nonce, t, s.writer))).kind).toBe("Bootstrap");
    expectWire(await answer(s, read(s, nonce, t, s.writer)), "replay");
  });

  it("a future-dated request is remembered while its timestamp is fresh", async () => {
    const s = await scene(7);
    const random = seededRandom(7);
    s.w.clock.advance(2 * WINDOW);
    const t = s.w.clock.nowMillis();
    const request = read(s, random.bytes(32), t + 59_000);
    expect((await answer(s, request)).kind).toBe("Bootstrap");
    for (const later of [30_000, 100_000, 118_999]) {
      s.w.clock.set(t + later);
      expectWire(await answer(s, request), "replay");
    }
    s.w.clock.set(t + 119_001);
    expectWire(await answer(s, request), "clock_skew");
  });

  it("a request replayed exactly 60 s after its timestamp (still inside ±60 s) is refused", async () => {
    const s = await scene(8);
    const random = seededRandom(8);
    s.w.clock.advance(2 * WINDOW);
    const t = s.w.clock.nowMillis();
    const request = read(s, random.bytes(32), t);
    expect((await answer(s, request)).kind).toBe("Bootstrap");
    s.w.clock.set(t + WINDOW - 1);
    expectWire(await answer(s, request), "replay");
    s.w.clock.set(t + WINDOW); // |now − timestamp| = 60 s: fresh, so it must still be a replay
    const response = await answer(s, request);
    expect(response.kind === "Error" ? response.message : response.kind, "replay accepted at the window's edge").toMatch(/^replay: /);
    s.w.clock.set(t + WINDOW + 1);
    expectWire(await answer(s, request), "clock_skew");
  });

  it("the limits are what the handler documents", () => {
    // MAX_SPENT_NONCES must cover every challenge that can be outstanding, many times over.
    expect(MAX_OUTSTANDING_CHALLENGES).toBe(10_000);
    expect(MAX_SPENT_NONCES).toBe(200_000);
    expect(MAX_SPENT_NONCES).toBeGreaterThan(MAX_OUTSTANDING_CHALLENGES);
  });
});
