/**
 * Reliability figure "Authorization probes (H6/H7)": 0 entries and 0 `_settings` disclosed over
 * 1,000 fabricated-tip / unknown-key / replay requests (plus wrong audience, unsigned, stale,
 * revoked, and replays across a restart), against a private database holding a secret. Each
 * kind of probe is paired with a positive control: the same probe against the public copy, or
 * the legitimate request a replay copies, is seen to disclose by the same detector.
 */
import { seededRandom, type ID } from "@eidetica/core";
import { parseWireError, type RequestContext, type SyncRequest, type SyncResponse, type WireErrorCode } from "@eidetica/protocol";
import { Sync, type SyncServer } from "@eidetica/sync-engine";
import { seedHint, testSeed } from "@eidetica/test-kit";
import { describe, expect, it } from "vitest";
import { challengeFrom, ctx, disclosure, fabricatedId, randomKey, scene, signAuth, treeRequest } from "./support/probes.js";
import { memoryLogger, recordingTimers } from "./support/world.js";

const PROBES = 1_000;
/** The probes are about disclosure: keep every sender below a ban so that each probe reaches the handler. */
const PENALTIES = { banAfter: 1_000_000 };

type Kind =
  | "unsigned"
  | "unsigned-proven-unknown"
  | "unknown-key"
  | "revoked-key"
  | "replay-served"
  | "replay-refused"
  | "wrong-server"
  | "wrong-database"
  | "wrong-tips"
  | "stale";

const KINDS: readonly Kind[] = ["unsigned", "unsigned-proven-unknown", "unknown-key", "revoked-key", "replay-served", "replay-refused", "wrong-server", "wrong-database", "wrong-tips", "stale"];

/** The answer each kind must get from the private database (before the restart / after it). */
function expected(kind: Kind, fromBefore: boolean, target: ID): { code: WireErrorCode; text?: string } {
  switch (kind) {
    case "unsigned":
    case "unsigned-proven-unknown":
    case "unknown-key":
    case "revoked-key":
      return { code: "not_found", text: `not_found: Tree not found: ${target}` };
    case "replay-served":
    case "replay-refused":
      // A replay of a request accepted by the process before a restart: the new process asks to retry.
      return { code: fromBefore ? "retry_later" : "replay" };
    case "wrong-server":
    case "wrong-database":
    case "wrong-tips":
      return { code: "auth_failed" };
    case "stale":
      return { code: "clock_skew" };
  }
}

describe("1,000 seeded probes of a private database", () => {
  it("disclose 0 entries, 0 `_settings` and 0 secrets; every kind gets its refusal; controls disclose", async () => {
    const seed = testSeed();
    const hint = seedHint();
    const random = seededRandom(seed);
    const s = await scene((seed % 1_000_000) + 1, { penalties: PENALTIES });
    const me = s.server.instance.id;
    const other = randomKey(random).publicKey; // another server's key
    // Past the first window, so that client-chosen nonces are accepted.
    s.w.clock.advance(61_000);

    let handler: SyncServer = s.server.sync.handler;
    let restarted = false;
    let restartedSync: Sync | undefined;
    /** Requests sent once, with whether that was before the restart. */
    const served: { request: SyncRequest; db: ID; before: boolean }[] = [];
    const refused: { request: SyncRequest; db: ID; before: boolean }[] = [];
    const counts = new Map<Kind, number>();
    const totals = { entries: 0, settings: 0, secret: 0 };
    let controls = 0;

    const nonce = async (claim: string): Promise<Uint8Array> =>
      !restarted && random.nextFloat() < 0.5 ? random.bytes(32) : challengeFrom(restartedSync ?? s.server.sync, ctx(`hs-${random.nextU32()}`), claim, random);
    const someContext = (): RequestContext => (random.nextFloat() < 0.5 ? ctx(`probe-${random.nextU32() % 64}`) : ctx(`probe-${random.nextU32() % 64}`, randomKey(random).publicKey));
    const tipsFor = (db: ID): ID[] => {
      const r = random.nextFloat();
      if (r < 0.3) return [];
      if (r < 0.5) return [db];
      return Array.from({ length: 1 + (random.nextU32() % 4) }, () => fabricatedId(random));
    };

    /** A legitimate read by the reader: served (a positive control), kept for replays. */
    const control = async (): Promise<void> => {
      const db = s.priv.id;
      const tips = tipsFor(db);
      const request = treeRequest(db, tips, signAuth(s.reader, me, db, tips, s.w.clock.nowMillis(), await nonce(s.reader.publicKey)));
      const response = await handler.handle(request, ctx("reader"));
      const seen = disclosure(response, s.secret);
      expect(seen.entries, `control ${JSON.stringify(response).slice(0, 200)}${hint}`).toBeGreaterThan(0);
      expect(seen.secret + seen.settings, `control${hint}`).toBeGreaterThan(0);
      served.push({ request, db, before: !restarted });
      controls++;
    };

    /** One probe of `kind` against database `db`; returns the request, the context and the target. */
    const probe = async (kind: Kind, db: ID): Promise<{ request: SyncRequest; from: RequestContext; target: ID; fromBefore?: boolean }> => {
      const tips = tipsFor(db);
      const now = s.w.clock.nowMillis();
      switch (kind) {
        case "unsigned":
          return { request: treeRequest(db, tips, null, { peerPubkey: random.nextFloat() < 0.5 ? s.reader.publicKey : null }), from: ctx(`probe-${random.nextU32() % 64}`), target: db };
        case "unsigned-proven-unknown":
          return { request: treeRequest(db, tips, null), from: ctx(`probe-${random.nextU32() % 64}`, randomKey(random).publicKey), target: db };
        case "unknown-key": {
          const key = randomKey(random);
          const request = treeRequest(db, tips, signAuth(key, me, db, tips, now, await nonce(key.publicKey)), { peerPubkey: key.publicKey });
          return { request, from: someContext(), target: db };
        }
        case "revoked-key":
          return { request: treeRequest(db, tips, signAuth(s.revoked, me, db, tips, now, await nonce(s.revoked.publicKey))), from: someContext(), target: db };
        case "replay-served": {
          if (served.length === 0 || random.nextFloat() < 0.1) await control();
          const pick = served[random.nextU32() % served.length];
          if (pick === undefined) throw new Error("no served request");
          return { request: pick.request, from: random.nextFloat() < 0.5 ? ctx("reader") : someContext(), target: pick.db, fromBefore: pick.before && restarted };
        }
        case "replay-refused": {
          // An unknown key's request, sent once (refused), then again.
          const key = randomKey(random);
          const request = treeRequest(db, tips, signAuth(key, me, db, tips, now, await nonce(key.publicKey)));
          if (random.nextFloat() < 0.3 || refused.length === 0) {
            const first = await handler.handle(request, someContext());
            expect(first, seedHint()).toEqual({ kind: "Error", message: `not_found: Tree not found: ${db}` });
            refused.push({ request, db, before: !restarted });
          }
          const pick = refused[random.nextU32() % refused.length];
          if (pick === undefined) throw new Error("no refused request");
          return { request: pick.request, from: someContext(), target: pick.db, fromBefore: pick.before && restarted };
        }
        case "wrong-server":
          return { request: treeRequest(db, tips, signAuth(s.reader, other, db, tips, now, await nonce(s.reader.publicKey))), from: someContext(), target: db };
        case "wrong-database":
          return { request: treeRequest(db, tips, signAuth(s.reader, me, s.pub.id, tips, now, await nonce(s.reader.publicKey))), from: someContext(), target: db };
        case "wrong-tips": {
          const signedTips = [...tips, fabricatedId(random)];
          return { request: treeRequest(db, tips, signAuth(s.reader, me, db, signedTips, now, await nonce(s.reader.publicKey))), from: someContext(), target: db };
        }
        case "stale": {
          const off = 60_001 + (random.nextU32() % 3_600_000);
          const at = random.nextFloat() < 0.5 ? now - off : now + off;
          return { request: treeRequest(db, tips, signAuth(s.reader, me, db, tips, at, await nonce(s.reader.publicKey))), from: someContext(), target: db };
        }
      }
    };

    for (let i = 0; i < PROBES; i++) {
      if (i === PROBES / 2) {
        // A restart half-way: replays of requests from before it must stay refused.
        await s.server.sync.stopServers();
        s.w.clock.advance(1_000);
        restartedSync = await Sync.create(s.server.instance, { clock: s.w.clock, timers: recordingTimers(), logger: memoryLogger(), penalties: PENALTIES });
        handler = restartedSync.handler;
        restarted = true;
      }
      const kind = KINDS[random.nextU32() % KINDS.length] as Kind;
      // Mostly the private database; some probes target a database that does not exist.
      const db = random.nextFloat() < 0.9 ? s.priv.id : fabricatedId(random);
      const { request, from, target, fromBefore } = await probe(kind, db);
      const response: SyncResponse = await handler.handle(request, from);
      const seen = disclosure(response, s.secret);
      totals.entries += seen.entries;
      totals.settings += seen.settings;
      totals.secret += seen.secret;
      const want = expected(kind, fromBefore === true, target);
      expect(response.kind, `probe ${i} (${kind}): ${JSON.stringify(response).slice(0, 200)}${hint}`).toBe("Error");
      const text = response.kind === "Error" ? response.message : "";
      expect(parseWireError(text).code, `probe ${i} (${kind}) ${text}${hint}`).toBe(want.code);
      if (want.text !== undefined) expect(text, `probe ${i} (${kind})${hint}`).toBe(want.text);
      expect(text, `probe ${i}${hint}`).not.toContain(s.secret);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }

    expect(totals, `disclosed over ${PROBES} probes${hint}`).toEqual({ entries: 0, settings: 0, secret: 0 });
    // Non-vacuity: every kind ran, and legitimate reads were served and seen to disclose.
    for (const kind of KINDS) expect(counts.get(kind) ?? 0, `${kind}${hint}`).toBeGreaterThan(20);
    expect(controls, hint).toBeGreaterThan(0);
    expect(s.server.sync.handler.stats().internalErrors + (restartedSync?.handler.stats().internalErrors ?? 0)).toBe(0);
    // No prober was recorded: no transport proved a handshake, no refused read made a relationship.
    const sync = restartedSync ?? s.server.sync;
    expect(sync.store.relationships.list()).toEqual([]);
    expect(sync.store.peers.list()).toEqual([]);
  });

  it("control: the probes that need no grant disclose the public copy to the same detector", async () => {
    const seed = testSeed();
    const random = seededRandom(seed + 1);
    const s = await scene((seed % 1_000_000) + 2, { penalties: PENALTIES });
    const me = s.server.instance.id;
    const db = s.pub.id;
    s.w.clock.advance(61_000);
    let leaks = 0;
    for (let i = 0; i < 100; i++) {
      const tips = random.nextFloat() < 0.5 ? [] : [fabricatedId(random)];
      const key = randomKey(random);
      const variants: [SyncRequest, RequestContext][] = [
        [treeRequest(db, tips, null), ctx("probe")],
        [treeRequest(db, tips, null), ctx("probe", key.publicKey)],
        [treeRequest(db, tips, signAuth(key, me, db, tips, s.w.clock.nowMillis(), random.bytes(32))), ctx("probe")],
        [treeRequest(db, tips, signAuth(s.revoked, me, db, tips, s.w.clock.nowMillis(), random.bytes(32))), ctx("probe")],
      ];
      for (const [request, from] of variants) {
        const seen = disclosure(await s.server.sync.handler.handle(request, from), s.secret);
        expect(seen.entries, seedHint()).toBeGreaterThan(0);
        expect(seen.settings, seedHint()).toBeGreaterThan(0);
        expect(seen.secret, seedHint()).toBeGreaterThan(0);
        leaks++;
      }
    }
    expect(leaks).toBe(400);
  });
});
