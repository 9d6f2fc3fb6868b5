/**
 * Misbehaving senders (reliability R6; README "Misbehaving senders"): each invalid request is
 * answered after a stepped delay (200 ms for the first two, 500 ms to five, 1 s to forty, then
 * 5 s); the 64th bans the sender for 5 minutes (a timed record in the peer store), during which
 * every request gets `banned: … until <time>` at once. Counts are per sender (its proven key,
 * else its address) and start again after `forgetAfterMs` without an invalid request.
 */
import { seededRandom, toBase64, type SigningKey } from "@eidetica/core";
import { PROTOCOL_VERSION, type RequestContext, type SyncRequest, type SyncResponse } from "@eidetica/protocol";
import { MockTransport } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import {
  challengeFrom,
  ctx,
  entryNotOnServer,
  expectWire,
  handshakeRequest,
  randomKey,
  scene,
  signAuth,
  treeRequest,
  type Scene,
} from "./support/probes.js";

const MINUTE = 60_000;

/** The delays the README documents for a sender's 1st…n-th invalid request (n ≤ 63). */
function documentedDelays(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) out.push(i <= 2 ? 200 : i <= 5 ? 500 : i <= 40 ? 1_000 : 5_000);
  return out;
}

/** An invalid request from the sender the transport proves as `key`: a handshake claiming another key. */
function contradicted(key: SigningKey, seed: number): [SyncRequest, RequestContext] {
  // Offset, so that the claimed key is never the sender's own (derived from a small seed too).
  const random = seededRandom(1_000_000_000 + seed);
  return [handshakeRequest(randomKey(random).publicKey, random.bytes(32)), ctx(`node-${key.publicKey.slice(8, 14)}`, key.publicKey)];
}

/** Sends `n` contradicted handshakes from `key`; returns the answers. */
async function misbehave(s: Scene, key: SigningKey, n: number, seed = 0): Promise<SyncResponse[]> {
  const out: SyncResponse[] = [];
  for (let i = 0; i < n; i++) {
    const [request, from] = contradicted(key, seed * 1_000 + i);
    out.push(await s.server.sync.handler.handle(request, from));
  }
  return out;
}

/** A valid handshake from `key` over a transport proving it. */
function validHandshake(key: SigningKey, seed: number): [SyncRequest, RequestContext] {
  return [handshakeRequest(key.publicKey, seededRandom(seed).bytes(32)), ctx(`node-${key.publicKey.slice(8, 14)}`, key.publicKey)];
}

describe("stepped delays and the ban, at the defaults (64 / 5 min)", () => {
  it("delays are exactly 200,200,500,500,500, 1000×35, 5000×23; the 64th bans for 5 minutes without a delay", async () => {
    const s = await scene(1);
    const key = randomKey(seededRandom(1));
    const answers = await misbehave(s, key, 63);
    for (const answer of answers) expectWire(answer, "auth_failed");
    expect(s.server.timers.delays).toEqual([200, 200, 500, 500, 500, ...Array<number>(35).fill(1_000), ...Array<number>(23).fill(5_000)]);
    expect(s.server.timers.delays).toEqual(documentedDelays(63));
    expect(s.server.sync.store.bans.list()).toEqual([]);

    const now = s.w.clock.nowMillis();
    const [last] = await misbehave(s, key, 1, 99);
    expectWire(last as SyncResponse, "auth_failed");
    expect(s.server.timers.delays).toHaveLength(63); // the banning request is not delayed
    const bans = s.server.sync.store.bans.list();
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ subject: `key:${key.publicKey}`, since: now, until: now + 5 * MINUTE });
    expect(bans[0]?.reason).toContain("64 invalid requests");
    expect(s.server.sync.store.bans.active(`key:${key.publicKey}`)?.until).toBe(now + 5 * MINUTE);
  });

  it("a banned sender gets `banned … until <time>` at once for every request; the handler does no work; the ban expires after 5 min", async () => {
    const s = await scene(2);
    const key = randomKey(seededRandom(2));
    await misbehave(s, key, 64);
    const until = s.server.sync.store.bans.active(`key:${key.publicKey}`)?.until;
    expect(until).toBe(s.w.clock.nowMillis() + 5 * MINUTE);
    const delays = s.server.timers.delays.length;
    const stats = s.server.sync.handler.stats();
    const random = seededRandom(22);
    const challenge = await challengeFrom(s.server.sync, ctx("elsewhere"), key.publicKey, random);
    const statsAfterChallenge = s.server.sync.handler.stats();
    const requests: [SyncRequest, RequestContext][] = [
      validHandshake(key, 1),
      contradicted(key, 2),
      [treeRequest(s.pub.id, [], null), ctx("node", key.publicKey)],
      [treeRequest(s.pub.id, [], signAuth(key, s.server.instance.id, s.pub.id, [], s.w.clock.nowMillis(), challenge)), ctx("node", key.publicKey)],
      [{ kind: "SendEntries", entries: [] }, ctx("node", key.publicKey)],
    ];
    for (const [request, from] of requests) {
      const message = expectWire(await s.server.sync.handler.handle(request, from), "banned");
      expect(message).toContain(`until ${new Date(until ?? 0).toISOString()}`);
    }
    expect(s.server.timers.delays).toHaveLength(delays);
    const after = s.server.sync.handler.stats();
    expect(statsAfterChallenge.handshakes).toBe(stats.handshakes + 1);
    expect(after).toEqual({ ...statsAfterChallenge, refusedBanned: statsAfterChallenge.refusedBanned + requests.length, errors: statsAfterChallenge.errors + requests.length });
    // The ban does not grow while the sender is refused.
    expect(s.server.sync.store.bans.active(`key:${key.publicKey}`)?.until).toBe(until);

    // Still banned one millisecond before the end; served from the end on.
    s.w.clock.set((until ?? 0) - 1);
    expectWire(await s.server.sync.handler.handle(...validHandshake(key, 3)), "banned");
    s.w.clock.set(until ?? 0);
    expect(s.server.sync.store.bans.active(`key:${key.publicKey}`)).toBeUndefined();
    expect((await s.server.sync.handler.handle(...validHandshake(key, 4))).kind).toBe("Handshake");
    expect((await s.server.sync.handler.handle(treeRequest(s.pub.id, [], null), ctx("node", key.publicKey))).kind).toBe("Bootstrap");
    // After the ban the count starts again: the next invalid request waits 200 ms.
    await misbehave(s, key, 1, 5);
    expect(s.server.timers.delays.slice(delays)).toEqual([200]);
  });

  it("50 invalid requests: paused (delayed), not banned; a valid request is still served", async () => {
    const s = await scene(3);
    const key = randomKey(seededRandom(3));
    await misbehave(s, key, 50);
    expect(s.server.timers.delays).toEqual(documentedDelays(50));
    expect(s.server.sync.store.bans.list()).toEqual([]);
    expect((await s.server.sync.handler.handle(...validHandshake(key, 1))).kind).toBe("Handshake");
    expect(s.server.sync.store.peers.has(key.publicKey)).toBe(true);
    expect((await s.server.sync.handler.handle(treeRequest(s.pub.id, [], null), ctx("node", key.publicKey))).kind).toBe("Bootstrap");
    expect(s.server.timers.delays).toHaveLength(50); // valid requests are not delayed
  });

  it("65 invalid requests: banned at the 64th; the 65th is refused `banned` at once and does not extend the ban", async () => {
    const s = await scene(4);
    const key = randomKey(seededRandom(4));
    const answers = await misbehave(s, key, 65);
    for (const answer of answers.slice(0, 64)) expectWire(answer, "auth_failed");
    expectWire(answers[64] as SyncResponse, "banned");
    expect(s.server.timers.delays).toEqual(documentedDelays(63));
    const ban = s.server.sync.store.bans.active(`key:${key.publicKey}`);
    expect(ban?.until).toBe(s.w.clock.nowMillis() + 5 * MINUTE);
    expect(s.server.sync.handler.stats().refusedBanned).toBe(1);
  });
});

describe("who is counted", () => {
  it("counts are per sender: another peer is neither delayed more nor banned", async () => {
    const s = await scene(5);
    const random = seededRandom(5);
    const alice = randomKey(random);
    const bob = randomKey(random);
    await misbehave(s, alice, 63);
    await misbehave(s, bob, 1);
    expect(s.server.timers.delays.at(-1)).toBe(200); // bob's first
    await misbehave(s, alice, 1, 7);
    expect(s.server.sync.store.bans.active(`key:${alice.publicKey}`)).toBeDefined();
    expect(s.server.sync.store.bans.active(`key:${bob.publicKey}`)).toBeUndefined();
    expect((await s.server.sync.handler.handle(...validHandshake(bob, 1))).kind).toBe("Handshake");
    expectWire(await s.server.sync.handler.handle(...validHandshake(alice, 1)), "banned");
    await misbehave(s, bob, 1, 8);
    expect(s.server.timers.delays.at(-1)).toBe(200); // bob's second
  });

  it("a sender over a transport that proves no key is counted and banned by its address", async () => {
    const s = await scene(6);
    const random = seededRandom(6);
    const from = ctx("anonymous-node");
    for (let i = 0; i < 64; i++) expectWire(await s.server.sync.handler.handle({ kind: "SendEntries", entries: [] }, from), "auth_required");
    expect(s.server.timers.delays).toEqual(documentedDelays(63));
    expect(s.server.sync.store.bans.active("address:sim:anonymous-node")).toBeDefined();
    expectWire(await s.server.sync.handler.handle(handshakeRequest(randomKey(random).publicKey, random.bytes(32)), from), "banned");
    // Another address is served.
    expect((await s.server.sync.handler.handle(handshakeRequest(randomKey(random).publicKey, random.bytes(32)), ctx("other-node"))).kind).toBe("Handshake");
  });

  it("every misbehaviour the README lists counts: undecodable, bad signature, replay, contradicted handshake, push without handshake, rejected entries", async () => {
    const s = await scene(7);
    const random = seededRandom(7);
    const entry = await entryNotOnServer(s, "writer-node");
    const k = randomKey(random);
    const transport = new MockTransport(s.w.network, { name: "misbehaving", peerKey: k.publicKey });
    const from = ctx("misbehaving", k.publicKey);
    const server = s.server.sync.handler;
    const delaysBefore = s.server.timers.delays.length;
    // 1. undecodable: a handshake with a 31-byte challenge, refused by the codec.
    const bad = await transport.sendRequest(s.server.address, {
      kind: "Handshake",
      handshake: { deviceId: k.publicKey, publicKey: k.publicKey, displayName: null, protocolVersion: PROTOCOL_VERSION, challenge: new Uint8Array(31), listenAddresses: [] },
    });
    expectWire(bad, "bad_request");
    expect(server.stats().undecodable).toBe(1);
    // 2. bad signature (signed by k, for another database).
    let challenge = await challengeFrom(s.server.sync, ctx("elsewhere"), k.publicKey, random);
    expectWire(await server.handle(treeRequest(s.pub.id, [], signAuth(k, s.server.instance.id, s.priv.id, [], s.w.clock.nowMillis(), challenge)), from), "auth_failed");
    // 3. replay (of k's own request).
    challenge = await challengeFrom(s.server.sync, ctx("elsewhere"), k.publicKey, random);
    const once = treeRequest(s.pub.id, [], signAuth(k, s.server.instance.id, s.pub.id, [], s.w.clock.nowMillis(), challenge));
    expect((await server.handle(once, from)).kind).toBe("Bootstrap");
    expectWire(await server.handle(once, from), "replay");
    // 4. contradicted handshake.
    expectWire(await server.handle(handshakeRequest(randomKey(random).publicKey, random.bytes(32)), from), "auth_failed");
    // 5. push without a handshake.
    expectWire(await server.handle({ kind: "SendEntries", entries: [entry] }, from), "auth_required");
    // 6. pushed entries that fail verification (a valid handshake first).
    expect((await server.handle(handshakeRequest(k.publicKey, random.bytes(32)), from)).kind).toBe("Handshake");
    const forged = entry.withSigInfo({ ...entry.sig, sig: toBase64(randomKey(random).sign(entry.signingBytes())) });
    expectWire(await server.handle({ kind: "SendEntries", entries: [forged] }, from), "rejected");
    expect(await s.server.backend.hasEntry(forged.id)).toBe(false);
    expect(s.server.timers.delays.slice(delaysBefore)).toEqual(documentedDelays(6));
    // Valid requests in between were not delayed, and the count goes on from six.
    await misbehave(s, k, 1, 9);
    expect(s.server.timers.delays.at(-1)).toBe(1_000);
  });

  it("undecodable requests sent through a MockTransport count too, and ban the sender at the 64th", async () => {
    const s = await scene(8);
    const k = randomKey(seededRandom(8));
    const transport = new MockTransport(s.w.network, { name: "garbler", peerKey: k.publicKey });
    const garbled: SyncRequest = {
      kind: "Handshake",
      handshake: { deviceId: k.publicKey, publicKey: k.publicKey, displayName: null, protocolVersion: PROTOCOL_VERSION, challenge: new Uint8Array(31), listenAddresses: [] },
    };
    for (let i = 0; i < 64; i++) expectWire(await transport.sendRequest(s.server.address, garbled), "bad_request");
    expect(s.server.sync.handler.stats().undecodable).toBe(64);
    expect(s.server.timers.delays).toEqual(documentedDelays(63));
    expect(s.server.sync.store.bans.active(`key:${k.publicKey}`)?.until).toBe(s.w.clock.nowMillis() + 5 * MINUTE);
    const valid = handshakeRequest(k.publicKey, seededRandom(1).bytes(32));
    expectWire(await transport.sendRequest(s.server.address, valid), "banned");
  });

  it("an undecodable request from a banned sender is not delayed and does not restart or extend its ban", async () => {
    const s = await scene(9);
    const k = randomKey(seededRandom(9));
    await misbehave(s, k, 64);
    const ban = s.server.sync.store.bans.active(`key:${k.publicKey}`);
    expect(ban).toBeDefined();
    const delays = s.server.timers.delays.length;
    const transport = new MockTransport(s.w.network, { name: "garbler", peerKey: k.publicKey });
    const garbled: SyncRequest = {
      kind: "Handshake",
      handshake: { deviceId: k.publicKey, publicKey: k.publicKey, displayName: null, protocolVersion: PROTOCOL_VERSION, challenge: new Uint8Array(31), listenAddresses: [] },
    };
    s.w.clock.advance(MINUTE); // still inside the ban
    for (let i = 0; i < 64; i++) await transport.sendRequest(s.server.address, garbled);
    // README: "during which it gets `banned: … until <time>` at once".
    expect.soft(s.server.timers.delays.slice(delays), "a banned sender's undecodable requests were delayed").toEqual([]);
    expect.soft(s.server.sync.store.bans.active(`key:${k.publicKey}`)?.until, "the ban was extended while in force").toBe(ban?.until);
  });

  it("a bad signature that names another key counts against the sender, not the key it names", async () => {
    const s = await scene(10);
    const random = seededRandom(10);
    const victim = s.reader;
    const attacker = ctx("attacker"); // an unauthenticated transport
    for (let i = 0; i < 64; i++) {
      const forged = { key: victim.publicKey, timestampMs: s.w.clock.nowMillis(), nonce: random.bytes(32), signature: random.bytes(64) };
      expectWire(await s.server.sync.handler.handle(treeRequest(s.priv.id, [], forged), attacker), "auth_failed");
    }
    // The victim never sent anything invalid: its reads over its own authenticated transport are served.
    expect(s.server.sync.store.bans.active(`key:${victim.publicKey}`), "the victim's key was banned by someone else's forgeries").toBeUndefined();
    const response = await s.server.sync.handler.handle(treeRequest(s.priv.id, [], null), ctx("victim-node", victim.publicKey));
    expect(response.kind).toBe("Bootstrap");
    // The forger is the sender: its address is banned.
    expect(s.server.sync.store.bans.active("address:sim:attacker"), "the forger's address was not banned").toBeDefined();
  });

  it("bad signatures naming a fresh key each time still count against the one sender and ban it", async () => {
    const s = await scene(11);
    const random = seededRandom(11);
    const attacker = ctx("attacker");
    for (let i = 0; i < 64; i++) {
      const forged = { key: randomKey(random).publicKey, timestampMs: s.w.clock.nowMillis(), nonce: random.bytes(32), signature: random.bytes(64) };
      expectWire(await s.server.sync.handler.handle(treeRequest(s.priv.id, [], forged), attacker), "auth_failed");
    }
    expect(s.server.timers.delays, "delays restarted for every claimed key").toEqual(documentedDelays(63));
    expect(s.server.sync.store.bans.active("address:sim:attacker"), "the forger evaded the ban by naming new keys").toBeDefined();
  });

  it("replays by an eavesdropper count against the eavesdropper, not against the key that signed the original", async () => {
    const s = await scene(12);
    const random = seededRandom(12);
    const challenge = await challengeFrom(s.server.sync, ctx("reader-node"), s.reader.publicKey, random);
    const captured = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], s.w.clock.nowMillis(), challenge));
    expect((await s.server.sync.handler.handle(captured, ctx("reader-node"))).kind).toBe("Bootstrap");
    for (let i = 0; i < 64; i++) expectWire(await s.server.sync.handler.handle(captured, ctx("eavesdropper")), "replay");
    expect(s.server.sync.store.bans.active(`key:${s.reader.publicKey}`), "the reader was banned for an eavesdropper's replays").toBeUndefined();
    expect((await s.server.sync.handler.handle(treeRequest(s.priv.id, [], null), ctx("reader-node", s.reader.publicKey))).kind).toBe("Bootstrap");
    expect(s.server.sync.store.bans.active("address:sim:eavesdropper"), "the eavesdropper was not banned").toBeDefined();
  });
});

describe("forgetting and options", () => {
  it("the count starts again after 10 minutes without an invalid request (default forgetAfterMs)", async () => {
    const s = await scene(13);
    const key = randomKey(seededRandom(13));
    await misbehave(s, key, 10);
    expect(s.server.timers.delays).toEqual(documentedDelays(10));
    s.w.clock.advance(10 * MINUTE - 1);
    await misbehave(s, key, 1, 1); // the 11th: still counted
    expect(s.server.timers.delays.at(-1)).toBe(1_000);
    s.w.clock.advance(10 * MINUTE + 1);
    await misbehave(s, key, 3, 2); // forgotten: 1st, 2nd, 3rd again
    expect(s.server.timers.delays.slice(11)).toEqual([200, 200, 500]);
  });

  it("a sender that keeps below the threshold within forgetAfterMs is never banned; one that does not, is", async () => {
    const s = await scene(14, { penalties: { banAfter: 4, banMs: 1_000, steps: [[1, 10], [Number.POSITIVE_INFINITY, 20]], forgetAfterMs: 500 } });
    const random = seededRandom(14);
    const slow = randomKey(random);
    for (let round = 0; round < 5; round++) {
      await misbehave(s, slow, 3, round);
      s.w.clock.advance(501);
    }
    expect(s.server.timers.delays).toEqual(Array.from({ length: 5 }, () => [10, 20, 20]).flat());
    expect(s.server.sync.store.bans.list()).toEqual([]);
    const fast = randomKey(random);
    await misbehave(s, fast, 4, 9);
    const ban = s.server.sync.store.bans.active(`key:${fast.publicKey}`);
    expect(ban?.until).toBe(s.w.clock.nowMillis() + 1_000);
    expect(s.server.timers.delays.slice(15)).toEqual([10, 20, 20]);
    s.w.clock.advance(1_000);
    expect(s.server.sync.store.bans.active(`key:${fast.publicKey}`)).toBeUndefined();
    expect((await s.server.sync.handler.handle(...validHandshake(fast, 1))).kind).toBe("Handshake");
  });
});
