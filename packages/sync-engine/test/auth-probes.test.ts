/**
 * Authorization probes (reliability H1-H8): every refusal is paired with a positive control,
 * the same probe where access is legitimate (a public database, a granted key, a fresh nonce),
 * which shows that the probe and its detector would see a leak or an acceptance.
 */
import { READ, seededRandom, write, type Entry, type ID } from "@eidetica/core";
import { PROTOCOL_VERSION, answerChallenge, parseWireError, syncHandler, type HandshakeResponse, type SyncRequest, type SyncResponse } from "@eidetica/protocol";
import { ProtocolMismatchError, Sync } from "@eidetica/sync-engine";
import { MockTransport, type SimNetwork } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import {
  challengeFrom,
  ctx,
  disclosure,
  entryNotOnServer,
  expectWire,
  fabricatedId,
  handshakeRequest,
  notFoundWire,
  peerState,
  randomKey,
  scene,
  signAuth,
  treeRequest,
  type Scene,
} from "./support/probes.js";
import { keyFromSeed, memoryLogger, recordingTimers, world } from "./support/world.js";

const NONE = { entries: 0, settings: 0, secret: 0 };

/** Expects a response that discloses the secret and `_settings` (a positive control). */
function expectLeak(response: SyncResponse, secret: string): void {
  expect(["Bootstrap", "Incremental"], JSON.stringify(response).slice(0, 300)).toContain(response.kind);
  const seen = disclosure(response, secret);
  expect(seen.entries).toBeGreaterThan(0);
  expect(seen.settings).toBeGreaterThan(0);
  expect(seen.secret).toBeGreaterThan(0);
}

describe("H1: replayed signed requests", () => {
  it("a read signed over a server challenge is served once, then refused as `replay` with nothing disclosed", async () => {
    const s = await scene(101);
    const random = seededRandom(1);
    const now = s.w.clock.nowMillis();
    const challenge = await challengeFrom(s.server.sync, ctx("reader"), s.reader.publicKey, random);
    const request = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], now, challenge));
    expectLeak(await s.server.sync.handler.handle(request, ctx("reader")), s.secret);
    for (const from of [ctx("reader"), ctx("eavesdropper"), ctx("eavesdropper", randomKey(random).publicKey)]) {
      const replay = await s.server.sync.handler.handle(request, from);
      expectWire(replay, "replay");
      expect(disclosure(replay, s.secret)).toEqual(NONE);
    }
  });

  it("an incremental read is served once, then refused as `replay`", async () => {
    const s = await scene(102);
    const random = seededRandom(2);
    const tips = [s.priv.id];
    const challenge = await challengeFrom(s.server.sync, ctx("reader"), s.reader.publicKey, random);
    const request = treeRequest(s.priv.id, tips, signAuth(s.reader, s.server.instance.id, s.priv.id, tips, s.w.clock.nowMillis(), challenge));
    expectLeak(await s.server.sync.handler.handle(request, ctx("reader")), s.secret);
    s.w.clock.advance(30_000);
    const replay = await s.server.sync.handler.handle(request, ctx("reader"));
    expectWire(replay, "replay");
    expect(disclosure(replay, s.secret)).toEqual(NONE);
  });

  it("a read signed with a client-chosen nonce is served once, then refused as `replay`, even re-signed with a new timestamp", async () => {
    const s = await scene(103);
    const random = seededRandom(3);
    s.w.clock.advance(61_000); // past the server's first window: client nonces are accepted
    const nonce = random.bytes(32);
    const t = s.w.clock.nowMillis();
    const request = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], t, nonce));
    expectLeak(await s.server.sync.handler.handle(request, ctx("reader")), s.secret);
    expectWire(await s.server.sync.handler.handle(request, ctx("reader")), "replay");
    s.w.clock.advance(1_000);
    const resigned = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], t + 1_000, nonce));
    const answer = await s.server.sync.handler.handle(resigned, ctx("reader"));
    expectWire(answer, "replay");
    expect(disclosure(answer, s.secret)).toEqual(NONE);
    // Control: a new nonce is served.
    const fresh = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], t + 1_000, random.bytes(32)));
    expectLeak(await s.server.sync.handler.handle(fresh, ctx("reader")), s.secret);
  });

  /** A new Sync (a restarted process) on the same instance and backend, on the same clock. */
  async function restart(s: Scene): Promise<Sync> {
    await s.server.sync.stopServers();
    return Sync.create(s.server.instance, { clock: s.w.clock, timers: recordingTimers(), logger: memoryLogger() });
  }

  it("across a restart: a request accepted with a client nonce before it is refused (`retry_later`), nothing disclosed", async () => {
    const s = await scene(104);
    const random = seededRandom(4);
    s.w.clock.advance(120_000);
    const t = s.w.clock.nowMillis();
    // Timestamped in the future (inside the window), so it stays fresh long after the restart.
    const request = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], t + 59_000, random.bytes(32)));
    expectLeak(await s.server.sync.handler.handle(request, ctx("reader")), s.secret);
    s.w.clock.advance(1_000);
    const restarted = await restart(s);
    for (const elapsed of [0, 30_000, 58_000]) {
      if (elapsed > 0) s.w.clock.set(t + 1_000 + elapsed);
      const replay = await restarted.handler.handle(request, ctx("reader"));
      expectWire(replay, "retry_later");
      expect(disclosure(replay, s.secret)).toEqual(NONE);
    }
    // Control: a fresh request with a client nonce, timestamped a window after the restart, is served.
    s.w.clock.set(t + 1_000 + 60_000);
    const fresh = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], s.w.clock.nowMillis(), random.bytes(32)));
    expectLeak(await restarted.handler.handle(fresh, ctx("reader")), s.secret);
  });

  it("across a restart: a challenge from before it is refused, used or not; a new challenge works at once", async () => {
    const s = await scene(105);
    const random = seededRandom(5);
    const t = s.w.clock.nowMillis();
    const used = await challengeFrom(s.server.sync, ctx("reader"), s.reader.publicKey, random);
    const unused = await challengeFrom(s.server.sync, ctx("reader"), s.reader.publicKey, random);
    const served = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], t, used));
    expectLeak(await s.server.sync.handler.handle(served, ctx("reader")), s.secret);
    s.w.clock.advance(2_000);
    const restarted = await restart(s);
    const replay = await restarted.handler.handle(served, ctx("reader"));
    expectWire(replay, "retry_later");
    expect(disclosure(replay, s.secret)).toEqual(NONE);
    const late = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], s.w.clock.nowMillis(), unused));
    const refused = await restarted.handler.handle(late, ctx("reader"));
    expectWire(refused, "retry_later");
    expect(disclosure(refused, s.secret)).toEqual(NONE);
    // Control: a challenge of the restarted process is accepted immediately.
    const fresh = await challengeFrom(restarted, ctx("reader"), s.reader.publicKey, random);
    const ok = treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], s.w.clock.nowMillis(), fresh));
    expectLeak(await restarted.handler.handle(ok, ctx("reader")), s.secret);
  });

  it("end to end: a client's sync signs a fresh challenge each time, so repeated syncs all succeed", async () => {
    const s = await scene(106);
    const client = await s.w.node("client");
    await s.priv.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: READ, status: "Active" }));
    const { db } = await client.sync.bootstrap(s.server.sync.createTicket(s.priv.id));
    for (let i = 0; i < 3; i++) {
      await s.priv.withTransaction(async (txn) => (await txn.docStore("vault")).set(`k${i}`, i));
      const report = await client.sync.syncWithPeer(s.server.address, db.id);
      expect(report.received).toBe(1);
    }
    expect(s.server.sync.handler.stats().errors).toBe(0);
  });
});

describe("H2: freshness (±60 s)", () => {
  async function probe(s: Scene, offset: number, seed: number): Promise<SyncResponse> {
    const random = seededRandom(seed);
    const challenge = await challengeFrom(s.server.sync, ctx("reader"), s.reader.publicKey, random);
    const at = s.w.clock.nowMillis() + offset;
    return s.server.sync.handler.handle(treeRequest(s.priv.id, [], signAuth(s.reader, s.server.instance.id, s.priv.id, [], at, challenge)), ctx("reader"));
  }

  it("stale and future timestamps outside the window are `clock_skew`, the message giving the server time", async () => {
    const s = await scene(201);
    const now = s.w.clock.nowMillis();
    for (const [i, offset] of [-60_001, 60_001, -5 * 60_000, 5 * 60_000, -86_400_000, 86_400_000].entries()) {
      const response = await probe(s, offset, 10 + i);
      const message = expectWire(response, "clock_skew");
      expect(message).toContain(String(now));
      expect(message).toContain(new Date(now).toISOString());
      expect(disclosure(response, s.secret)).toEqual(NONE);
    }
  });

  it("59.999 s and 60 s either way are accepted; 60.001 s is refused", async () => {
    const s = await scene(202);
    const cases: [number, boolean][] = [
      [-59_999, true],
      [-60_000, true],
      [-60_001, false],
      [59_999, true],
      [60_000, true],
      [60_001, false],
    ];
    for (const [i, [offset, accepted]] of cases.entries()) {
      const response = await probe(s, offset, 20 + i);
      if (accepted) expectLeak(response, s.secret);
      else {
        expectWire(response, "clock_skew");
        expect(disclosure(response, s.secret)).toEqual(NONE);
      }
    }
  });

  it("a client whose clock is 5 minutes off fails its sync with CLOCK_SKEW and changes nothing", async () => {
    const s = await scene(203);
    const client = await s.w.node("client");
    await s.priv.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: READ, status: "Active" }));
    const skewed = await Sync.create(client.instance, {
      transports: [new MockTransport(s.w.network, { name: "skewed", peerKey: client.instance.id })],
      clock: { nowMillis: () => s.w.clock.nowMillis() - 5 * 60_000 },
      timers: recordingTimers(),
      logger: memoryLogger(),
    });
    const error = await skewed.bootstrap(s.server.sync.createTicket(s.priv.id)).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("CLOCK_SKEW");
    expect(await client.instance.listDatabases()).not.toContain(s.priv.id);
    // Control: the same client with the right clock gets the database.
    const { db } = await client.sync.bootstrap(s.server.sync.createTicket(s.priv.id));
    expect((await db.storeState("vault")).toPlain()).toMatchObject({ secret: s.secret });
  });
});

describe("H3: signed for another audience", () => {
  it("a request signed for another server, another database or other tips is `auth_failed`; the right audience is served", async () => {
    const s = await scene(301);
    const other = await s.w.node("other-server");
    const random = seededRandom(31);
    const me = s.server.instance.id;
    const tips = [s.priv.id];
    const forged: [string, (nonce: Uint8Array, now: number) => SyncRequest][] = [
      ["another server", (n, now) => treeRequest(s.priv.id, [], signAuth(s.reader, other.instance.id, s.priv.id, [], now, n))],
      ["another database", (n, now) => treeRequest(s.priv.id, [], signAuth(s.reader, me, s.pub.id, [], now, n))],
      ["other tips (bootstrap signed as incremental)", (n, now) => treeRequest(s.priv.id, [], signAuth(s.reader, me, s.priv.id, tips, now, n))],
      ["other tips (incremental)", (n, now) => treeRequest(s.priv.id, tips, signAuth(s.reader, me, s.priv.id, [fabricatedId(random)], now, n))],
      ["another timestamp", (n, now) => ({ ...treeRequest(s.priv.id, [], { ...signAuth(s.reader, me, s.priv.id, [], now, n), timestampMs: now - 1 }) })],
      ["another key than the signer", (n, now) => treeRequest(s.priv.id, [], { ...signAuth(randomKey(random), me, s.priv.id, [], now, n), key: s.reader.publicKey })],
    ];
    for (const [what, make] of forged) {
      const challenge = await challengeFrom(s.server.sync, ctx("reader"), s.reader.publicKey, random);
      const before = await peerState(s.server.sync);
      const response = await s.server.sync.handler.handle(make(challenge, s.w.clock.nowMillis()), ctx("reader"));
      expect(response.kind, what).toBe("Error");
      expectWire(response, "auth_failed");
      expect(disclosure(response, s.secret), what).toEqual(NONE);
      expect(await peerState(s.server.sync), what).toBe(before);
    }
    // Controls: the right audience, bootstrap and incremental.
    for (const t of [[], tips]) {
      const challenge = await challengeFrom(s.server.sync, ctx("reader"), s.reader.publicKey, random);
      const ok = treeRequest(s.priv.id, t, signAuth(s.reader, me, s.priv.id, t, s.w.clock.nowMillis(), challenge));
      expectLeak(await s.server.sync.handler.handle(ok, ctx("reader")), s.secret);
    }
  });
});

/** A fake server on `network`: answers handshakes with `answer(challenge)`, and nothing else. */
async function fakeServer(network: SimNetwork, name: string, answer: (challenge: Uint8Array) => HandshakeResponse | SyncResponse): Promise<MockTransport> {
  const transport = new MockTransport(network, { name });
  await transport.startServer(
    syncHandler((request) => {
      if (request.kind !== "Handshake") return { kind: "Error", message: "internal: unexpected" };
      const out = answer(request.handshake.challenge);
      return "kind" in out ? out : { kind: "Handshake", handshake: out };
    }),
  );
  return transport;
}

describe("H4: protocol version", () => {
  it("a handshake with version ≠ 0 is `unsupported_protocol_version` listing the supported version; nothing stored", async () => {
    const s = await scene(401);
    const random = seededRandom(41);
    const key = randomKey(random);
    for (const version of [1, 2, 255, 4_294_967_295]) {
      const before = await peerState(s.server.sync);
      const response = await s.server.sync.handler.handle(handshakeRequest(key.publicKey, random.bytes(32), { protocolVersion: version }), ctx("peer", key.publicKey));
      expect(response).toEqual({ kind: "Error", message: `unsupported_protocol_version: Protocol version mismatch: expected 0, got ${version} (supported: 0)` });
      expect(parseWireError(response.kind === "Error" ? response.message : "").message).toContain("supported: 0");
      expect(await peerState(s.server.sync)).toBe(before);
    }
    // Control: version 0 is answered and the proven peer stored.
    const ok = await s.server.sync.handler.handle(handshakeRequest(key.publicKey, random.bytes(32)), ctx("peer", key.publicKey));
    expect(ok.kind).toBe("Handshake");
    expect(s.server.sync.store.peers.has(key.publicKey)).toBe(true);
  });

  it("client side: a server speaking another version fails with ProtocolMismatchError (UNSUPPORTED_PROTOCOL_VERSION); nothing stored", async () => {
    const w = world(402);
    const client = await w.node("client");
    const serverKey = keyFromSeed(42);
    const answer = (version: number) => (challenge: Uint8Array): HandshakeResponse => ({
      deviceId: serverKey.publicKey,
      publicKey: serverKey.publicKey,
      displayName: "fake",
      protocolVersion: version,
      challengeResponse: answerChallenge(serverKey, challenge),
      newChallenge: new Uint8Array(32),
      availableTrees: [],
    });
    const v1 = await fakeServer(w.network, "speaks-v1", answer(1));
    const refusing = await fakeServer(w.network, "refuses-v0", () => ({ kind: "Error", message: "unsupported_protocol_version: Protocol version mismatch: expected 1, got 0 (supported: 1)" }));
    const before = await peerState(client.sync);
    for (const t of [v1, refusing]) {
      const error = await client.sync.connect(t.address).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe("UNSUPPORTED_PROTOCOL_VERSION");
      expect(error).toBeInstanceOf(ProtocolMismatchError);
    }
    expect(await peerState(client.sync)).toBe(before);
    // Control: the same fake speaking version 0 is accepted.
    const v0 = await fakeServer(w.network, "speaks-v0", answer(PROTOCOL_VERSION));
    const peer = await client.sync.connect(v0.address);
    expect(peer.pubkey).toBe(serverKey.publicKey);
  });
});

describe("H5: handshake proofs", () => {
  it("a claim contradicting the transport's key is `auth_failed`: no peer, no relationship, `_sync` tips unchanged", async () => {
    const s = await scene(501);
    const random = seededRandom(51);
    const mallory = randomKey(random);
    const alice = randomKey(random);
    const before = await peerState(s.server.sync);
    await s.server.sync.persist();
    const tipsBefore = await s.server.sync.store.database.tips();
    const cases: SyncRequest[] = [
      handshakeRequest(alice.publicKey, random.bytes(32)),
      handshakeRequest(mallory.publicKey, random.bytes(32), { deviceId: alice.publicKey }),
      handshakeRequest(alice.publicKey, random.bytes(32), { deviceId: mallory.publicKey }),
    ];
    for (const request of cases) {
      const response = await s.server.sync.handler.handle(request, ctx("mallory", mallory.publicKey));
      expectWire(response, "auth_failed");
    }
    // Then a read naming alice as the peer: nothing relates alice either.
    await s.server.sync.handler.handle(treeRequest(s.pub.id, [], null, { peerPubkey: alice.publicKey }), ctx("mallory", mallory.publicKey));
    expect(s.server.sync.store.peers.has(alice.publicKey)).toBe(false);
    expect(s.server.sync.store.peers.has(mallory.publicKey)).toBe(false);
    expect(s.server.sync.store.relationships.list().filter((r) => r.peer === alice.publicKey)).toEqual([]);
    expect(await s.server.sync.store.database.tips()).toEqual(tipsBefore);
    expect(await peerState(s.server.sync)).toBe(before);
    // Control: the claim the transport proves is stored.
    const ok = await s.server.sync.handler.handle(handshakeRequest(mallory.publicKey, random.bytes(32)), ctx("mallory", mallory.publicKey));
    expect(ok.kind).toBe("Handshake");
    expect(s.server.sync.store.peers.has(mallory.publicKey)).toBe(true);
    expect(await s.server.sync.store.database.tips()).not.toEqual(tipsBefore);
  });

  it("a claim over a transport that proves nothing is answered but not stored", async () => {
    const s = await scene(502);
    const random = seededRandom(52);
    const key = randomKey(random);
    const before = await peerState(s.server.sync);
    const response = await s.server.sync.handler.handle(handshakeRequest(key.publicKey, random.bytes(32)), ctx("anonymous"));
    expect(response.kind).toBe("Handshake");
    expect(await peerState(s.server.sync)).toBe(before);
  });

  it("client side: a wrong signature, one by another key, or one over another challenge is AUTH_FAILED and nothing is stored", async () => {
    const w = world(503);
    const client = await w.node("client");
    const claimed = keyFromSeed(53);
    const impostor = keyFromSeed(54);
    const random = seededRandom(55);
    const response = (sign: (challenge: Uint8Array) => Uint8Array) => (challenge: Uint8Array): HandshakeResponse => ({
      deviceId: claimed.publicKey,
      publicKey: claimed.publicKey,
      displayName: "fake",
      protocolVersion: PROTOCOL_VERSION,
      challengeResponse: sign(challenge),
      newChallenge: random.bytes(32),
      availableTrees: [],
    });
    const fakes = [
      await fakeServer(w.network, "random-signature", response(() => random.bytes(64))),
      await fakeServer(w.network, "other-key", response((c) => answerChallenge(impostor, c))),
      await fakeServer(w.network, "other-challenge", response(() => answerChallenge(claimed, random.bytes(32)))),
      await fakeServer(w.network, "flipped-bit", response((c) => {
        const sig = answerChallenge(claimed, c);
        sig[0] = (sig[0] ?? 0) ^ 1;
        return sig;
      })),
    ];
    const before = await peerState(client.sync);
    for (const fake of fakes) {
      const error = await client.sync.connect(fake.address).catch((e: unknown) => e);
      expect((error as { code?: string }).code, fake.name).toBe("AUTH_FAILED");
      const boot = await client.sync.bootstrap(fake.address, { database: fabricatedId(random) }).catch((e: unknown) => e);
      expect((boot as { code?: string }).code, fake.name).toBe("AUTH_FAILED");
    }
    expect(await peerState(client.sync)).toBe(before);
    expect(client.sync.store.peers.has(claimed.publicKey)).toBe(false);
    expect(await client.instance.listDatabases()).toEqual([client.sync.store.databaseId]);
    // A valid proof by another key than the expected one fails too.
    const honest = await fakeServer(w.network, "honest", response((c) => answerChallenge(claimed, c)));
    const unexpected = await client.sync.connect(honest.address, { expectedPeer: impostor.publicKey }).catch((e: unknown) => e);
    expect((unexpected as { code?: string }).code).toBe("AUTH_FAILED");
    expect(await peerState(client.sync)).toBe(before);
    // Control: the honest answer connects and stores the peer.
    const peer = await client.sync.connect(honest.address, { expectedPeer: claimed.publicKey });
    expect(peer.pubkey).toBe(claimed.publicKey);
    expect(client.sync.store.peers.has(claimed.publicKey)).toBe(true);
  });
});

describe("H6: reads of a database the requester may not read", () => {
  type Probe = { readonly name: string; readonly make: (db: ID, s: Scene) => Promise<{ request: SyncRequest; from: ReturnType<typeof ctx> }> };
  const random = seededRandom(61);
  const signed = (key: () => ReturnType<typeof randomKey>, tips: (db: ID) => ID[]) => async (db: ID, s: Scene) => {
    const k = key();
    const challenge = await challengeFrom(s.server.sync, ctx("handshaker"), k.publicKey, random);
    const t = tips(db);
    return { request: treeRequest(db, t, signAuth(k, s.server.instance.id, db, t, s.w.clock.nowMillis(), challenge), { peerPubkey: k.publicKey }), from: ctx("prober") };
  };
  const none = () => [];
  const fabricated = () => [fabricatedId(random), fabricatedId(random)];
  const root = (db: ID) => [db];
  const probes: Probe[] = [
    { name: "unsigned bootstrap", make: async (db) => ({ request: treeRequest(db, [], null), from: ctx("prober") }) },
    { name: "unsigned bootstrap over a transport proving an unknown key", make: async (db) => ({ request: treeRequest(db, [], null), from: ctx("prober", randomKey(random).publicKey) }) },
    { name: "unsigned bootstrap claiming the reader as peer", make: async (db, s) => ({ request: treeRequest(db, [], null, { peerPubkey: s.reader.publicKey }), from: ctx("prober") }) },
    {
      name: "unsigned bootstrap naming the reader as requesting key",
      make: async (db, s) => ({ request: treeRequest(db, [], null, { requestingKey: s.reader.publicKey, requestingKeyName: "reader" }), from: ctx("prober") }),
    },
    { name: "bootstrap signed by an unknown key", make: signed(() => randomKey(random), none) },
    { name: "bootstrap signed by a revoked key", make: async (db, s) => signed(() => s.revoked, none)(db, s) },
    { name: "unsigned incremental with fabricated tips", make: async (db) => ({ request: treeRequest(db, fabricated(), null), from: ctx("prober") }) },
    { name: "unsigned incremental with the root as tip", make: async (db) => ({ request: treeRequest(db, [db], null), from: ctx("prober") }) },
    { name: "incremental signed by an unknown key, fabricated tips", make: signed(() => randomKey(random), fabricated) },
    { name: "incremental signed by an unknown key, the root as tip", make: signed(() => randomKey(random), root) },
    { name: "incremental signed by a revoked key", make: async (db, s) => signed(() => s.revoked, fabricated)(db, s) },
    { name: "incremental over a transport proving the revoked key", make: async (db, s) => ({ request: treeRequest(db, fabricated(), null), from: ctx("prober", s.revoked.publicKey) }) },
  ];

  it("every probe of the private database reads exactly like a nonexistent one: same text, zero entries, no `_settings`", async () => {
    const s = await scene(601);
    const missing = fabricatedId(random);
    for (const probe of probes) {
      for (const [db, label] of [[s.priv.id, "private"], [s.unserved.id, "not enabled"], [missing, "nonexistent"]] as const) {
        const { request, from } = await probe.make(db, s);
        const before = await peerState(s.server.sync);
        const response = await s.server.sync.handler.handle(request, from);
        expect(response, `${probe.name} on the ${label} database`).toEqual({ kind: "Error", message: notFoundWire(db) });
        expect(disclosure(response, s.secret)).toEqual(NONE);
        expect(await peerState(s.server.sync), probe.name).toBe(before);
      }
    }
    expect(s.server.sync.handler.stats().internalErrors).toBe(0);
  });

  it("control: the same probes of the public database disclose its entries and `_settings`", async () => {
    const s = await scene(602);
    for (const probe of probes) {
      const { request, from } = await probe.make(s.pub.id, s);
      const response = await s.server.sync.handler.handle(request, from);
      expect(["Bootstrap", "Incremental"], `${probe.name}: ${JSON.stringify(response).slice(0, 200)}`).toContain(response.kind);
      expectLeak(response, s.secret);
    }
  });

  it("control: the private database is disclosed to a granted key (signed, or proven by the transport)", async () => {
    const s = await scene(603);
    for (const make of [signed(() => s.reader, none), signed(() => s.reader, fabricated), signed(() => s.writer, root)]) {
      const { request, from } = await make(s.priv.id, s);
      expectLeak(await s.server.sync.handler.handle(request, from), s.secret);
    }
    expectLeak(await s.server.sync.handler.handle(treeRequest(s.priv.id, [], null), ctx("reader-node", s.reader.publicKey)), s.secret);
    expectLeak(await s.server.sync.handler.handle(treeRequest(s.priv.id, fabricated(), null), ctx("reader-node", s.reader.publicKey)), s.secret);
  });

  it("an access request by an unknown (proven) key waits for approval: no entry, no `_settings`, nothing granted", async () => {
    const s = await scene(606);
    const key = randomKey(random);
    const challenge = await challengeFrom(s.server.sync, ctx("handshaker"), key.publicKey, random);
    const extra = { requestingKey: key.publicKey, requestingKeyName: "new device", requestedPermission: write(5) };
    const response = await s.server.sync.handler.handle(treeRequest(s.priv.id, [], signAuth(key, s.server.instance.id, s.priv.id, [], s.w.clock.nowMillis(), challenge), extra), ctx("prober"));
    expect(response.kind).toBe("BootstrapPending");
    expect(disclosure(response, s.secret)).toEqual(NONE);
    expect((await s.priv.auth()).permissionOf(key.publicKey)).toBeUndefined();
    // The same request not signed by the requesting key reads exactly like a missing database.
    const unsigned = await s.server.sync.handler.handle(treeRequest(s.priv.id, [], null, extra), ctx("prober"));
    expect(unsigned).toEqual({ kind: "Error", message: notFoundWire(s.priv.id) });
    expect(s.server.sync.pendingRequests(s.priv.id)).toHaveLength(1);
  });

  it("the handshake lists the public database only", async () => {
    const s = await scene(604);
    const response = await s.server.sync.handler.handle(handshakeRequest(randomKey(random).publicKey, random.bytes(32)), ctx("prober"));
    expect(response.kind).toBe("Handshake");
    const listed = response.kind === "Handshake" ? response.handshake.availableTrees.map((t) => t.treeId) : [];
    expect(listed).toContain(s.pub.id);
    expect(listed).not.toContain(s.priv.id);
    expect(listed).not.toContain(s.unserved.id);
    expect(JSON.stringify(response)).not.toContain(s.secret);
  });

  it("end to end: a client without a grant fails its bootstrap with NOT_FOUND and holds nothing; once granted it succeeds", async () => {
    const s = await scene(605);
    const client = await s.w.node("client");
    const error = await client.sync.bootstrap(s.server.sync.createTicket(s.priv.id)).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("NOT_FOUND");
    expect((error as Error).message).toBe(`Tree not found: ${s.priv.id}`);
    expect(await client.instance.listDatabases()).toEqual([client.sync.store.databaseId]);
    expect(await client.backend.hasEntry(s.priv.id)).toBe(false);
    await s.priv.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: READ, status: "Active" }));
    const { db } = await client.sync.bootstrap(s.server.sync.createTicket(s.priv.id));
    expect((await db.storeState("vault")).toPlain()).toMatchObject({ secret: s.secret });
  });
});

describe("H7/H8: pushes", () => {
  /** A scene plus an entry signed by the writer key that the server does not hold. */
  async function withNewEntry(seed: number): Promise<{ s: Scene; entry: Entry; count: () => Promise<number> }> {
    const s = await scene(seed);
    const entry = await entryNotOnServer(s, "client");
    return { s, entry, count: () => s.server.backend.countEntries(s.priv.id) };
  }

  it("H7: a push over a transport that proves no key, or by a key that never handshook, is `auth_required`; nothing stored", async () => {
    const { s, entry, count } = await withNewEntry(701);
    const random = seededRandom(71);
    const entries = await count();
    for (const from of [ctx("anonymous"), ctx("stranger", randomKey(random).publicKey), ctx("writer-node", s.writer.publicKey)]) {
      const before = await peerState(s.server.sync);
      const response = await s.server.sync.handler.handle({ kind: "SendEntries", entries: [entry] }, from);
      expectWire(response, "auth_required");
      expect(await s.server.backend.hasEntry(entry.id)).toBe(false);
      expect(await count()).toBe(entries);
      expect(await peerState(s.server.sync)).toBe(before);
    }
    // Control: after a handshake proven by the transport, the same push is accepted and stored.
    const hello = await s.server.sync.handler.handle(handshakeRequest(s.writer.publicKey, random.bytes(32)), ctx("writer-node", s.writer.publicKey));
    expect(hello.kind).toBe("Handshake");
    expect(await s.server.sync.handler.handle({ kind: "SendEntries", entries: [entry] }, ctx("writer-node", s.writer.publicKey))).toEqual({ kind: "Ack" });
    expect(await s.server.backend.hasEntry(entry.id)).toBe(true);
    expect(await count()).toBe(entries + 1);
  });

  it("H8: a push before any handshake, or after a failed one, is `auth_required`; nothing stored", async () => {
    const { s, entry, count } = await withNewEntry(801);
    const random = seededRandom(81);
    const pusher = randomKey(random);
    const entries = await count();
    const from = ctx("pusher", pusher.publicKey);
    expectWire(await s.server.sync.handler.handle({ kind: "SendEntries", entries: [entry] }, from), "auth_required");
    // A handshake that fails (the claim contradicts the transport) does not open pushes.
    expectWire(await s.server.sync.handler.handle(handshakeRequest(s.writer.publicKey, random.bytes(32)), from), "auth_failed");
    expectWire(await s.server.sync.handler.handle({ kind: "SendEntries", entries: [entry] }, from), "auth_required");
    // An unproven handshake (no transport key) does not open pushes from that address either.
    expect((await s.server.sync.handler.handle(handshakeRequest(pusher.publicKey, random.bytes(32)), ctx("pusher"))).kind).toBe("Handshake");
    expectWire(await s.server.sync.handler.handle({ kind: "SendEntries", entries: [entry] }, ctx("pusher")), "auth_required");
    expect(await s.server.backend.hasEntry(entry.id)).toBe(false);
    expect(await count()).toBe(entries);
    // Control: a proven handshake, then the push is accepted.
    expect((await s.server.sync.handler.handle(handshakeRequest(pusher.publicKey, random.bytes(32)), from)).kind).toBe("Handshake");
    expect(await s.server.sync.handler.handle({ kind: "SendEntries", entries: [entry] }, from)).toEqual({ kind: "Ack" });
    expect(await s.server.backend.hasEntry(entry.id)).toBe(true);
  });

  it("end to end: a node whose transport proves no key can read with signed requests but its push is AUTH_REQUIRED", async () => {
    const s = await scene(802);
    const anonymous = await s.w.node("anonymous", { peerKey: null });
    await s.priv.withTransaction(async (txn) => (await txn.settings()).setAuthKey(anonymous.instance.id, { permission: write(5), status: "Active" }));
    const { db } = await anonymous.sync.bootstrap(s.server.sync.createTicket(s.priv.id));
    await db.withTransaction(async (txn) => (await txn.docStore("vault")).set("from anonymous", true));
    const [tip] = await db.tips();
    const error = await anonymous.sync.syncWithPeer(s.server.address, db.id).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("AUTH_REQUIRED");
    expect(await s.server.backend.hasEntry(tip as ID)).toBe(false);
    // Control: a node whose transport proves its key pushes the same way.
    const proven = await s.w.node("proven");
    await s.priv.withTransaction(async (txn) => (await txn.settings()).setAuthKey(proven.instance.id, { permission: write(5), status: "Active" }));
    const copy = await proven.sync.bootstrap(s.server.sync.createTicket(s.priv.id));
    await copy.db.withTransaction(async (txn) => (await txn.docStore("vault")).set("from proven", true));
    const report = await proven.sync.syncWithPeer(s.server.address, db.id);
    expect(report.sent).toBe(1);
    expect((await s.priv.storeState("vault")).toPlain()).toMatchObject({ "from proven": true });
  });
});
