/**
 * Signed SyncTree requests (spec 5.5) and handshake challenges (spec 5.3): the exact signing
 * bytes, the sign/check round trip, every way a check must fail, and the ±60 s window.
 */
import { compareIds, idFromDagCbor, seededRandom, utf8, verifySignature, type ID } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import {
  SYNC_REQUEST_DOMAIN,
  answerChallenge,
  checkChallengeAnswer,
  checkSyncRequestAuth,
  decodeRequest,
  encodeRequest,
  newChallenge,
  requestSigningBytes,
  signSyncRequest,
  type SyncRequestAuth,
} from "../src/index.js";
import { CHILD, KEY_A, KEY_B, ROOT, counting } from "./support/fixtures.js";

/** Two entry IDs whose base32 string order is the reverse of their binary order. */
const TIP_0 = idFromDagCbor(utf8("tip0")); // bafyr4ib5…: '5' sorts before 'x' as text, after it in base32
const TIP_2 = idFromDagCbor(utf8("tip2")); // bafyr4ibx…

/** ASCII text as bytes, by hand. */
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
/** A length below 256 as an 8-byte big-endian length prefix. */
const len8 = (n: number): number[] => [0, 0, 0, 0, 0, 0, 0, n];

const NOW = 1_704_067_200_000; // 0x0000018CC251F400

describe("requestSigningBytes", () => {
  it("the IDs used below sort differently as text and as binary IDs", () => {
    expect(TIP_0.startsWith("bafyr4ib5")).toBe(true);
    expect(TIP_2.startsWith("bafyr4ibx")).toBe(true);
    expect(TIP_0 < TIP_2).toBe(true); // text order
    expect(compareIds(TIP_2, TIP_0)).toBeLessThan(0); // binary order
  });

  it("matches the hand-derived layout: length-prefixed fields, tips in binary ID order", () => {
    const serverKey = KEY_B.publicKey;
    const expected = [
      ...len8(29), ...ascii("eidetica/sync/tree-request/v1"),
      ...len8(52), ...ascii(serverKey),
      ...len8(59), ...ascii(ROOT.id),
      ...len8(8), 0, 0, 0, 0, 0, 0, 0, 2, // the tip count, itself a length-prefixed 8-byte field
      ...len8(59), ...ascii(TIP_2), // binary order: TIP_2 first although "bafyr4ib5" < "bafyr4ibx"
      ...len8(59), ...ascii(TIP_0),
      ...len8(8), 0x00, 0x00, 0x01, 0x8c, 0xc2, 0x51, 0xf4, 0x00, // timestamp_ms 1704067200000
      ...len8(32), ...Array.from({ length: 32 }, (_, i) => i), // the nonce
    ];
    expect(SYNC_REQUEST_DOMAIN).toBe("eidetica/sync/tree-request/v1");
    expect(serverKey.length).toBe(52);
    expect(expected.length).toBe(37 + 60 + 67 + 16 + 2 * 67 + 16 + 40);
    const bytes = requestSigningBytes(serverKey, ROOT.id, [TIP_0, TIP_2], NOW, counting(32));
    expect(Array.from(bytes)).toEqual(expected);
    // The tips are a Snapshot: any order, any duplicates, the same bytes.
    expect(requestSigningBytes(serverKey, ROOT.id, [TIP_2, TIP_0, TIP_2, TIP_0], NOW, counting(32))).toEqual(bytes);
  });

  it("no tips: a zero count and no tip fields; timestamps use all 8 bytes", () => {
    const expected = [
      ...len8(29), ...ascii(SYNC_REQUEST_DOMAIN),
      ...len8(52), ...ascii(KEY_A.publicKey),
      ...len8(59), ...ascii(CHILD.id),
      ...len8(8), 0, 0, 0, 0, 0, 0, 0, 0,
      ...len8(8), 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // 2^53 - 1
      ...len8(3), 7, 8, 9, // a short nonce is still length-prefixed
    ];
    const bytes = requestSigningBytes(KEY_A.publicKey, CHILD.id, [], Number.MAX_SAFE_INTEGER, Uint8Array.of(7, 8, 9));
    expect(Array.from(bytes)).toEqual(expected);
  });
});

describe("signSyncRequest / checkSyncRequestAuth", () => {
  const server = KEY_B.publicKey;
  const tips: ID[] = [TIP_0, TIP_2];
  const auth = signSyncRequest(KEY_A, server, ROOT.id, tips, NOW, seededRandom(7));

  it("signs with the given key and a nonce from the given randomness", () => {
    expect(auth.key).toBe(KEY_A.publicKey);
    expect(auth.timestampMs).toBe(NOW);
    expect(auth.nonce).toEqual(seededRandom(7).bytes(32));
    expect(auth.signature.length).toBe(64);
    // A raw Ed25519 signature over exactly the signing bytes.
    expect(verifySignature(KEY_A.publicKey, requestSigningBytes(server, ROOT.id, tips, NOW, auth.nonce), auth.signature)).toBe(true);
    // Ed25519 is deterministic: the same inputs sign to the same bytes.
    expect(signSyncRequest(KEY_A, server, ROOT.id, tips, NOW, seededRandom(7)).signature).toEqual(auth.signature);
  });

  it("a valid, fresh request checks, also with its tips in another order", () => {
    expect(checkSyncRequestAuth(auth, server, ROOT.id, tips, NOW)).toBeUndefined();
    expect(checkSyncRequestAuth(auth, server, ROOT.id, [TIP_2, TIP_0, TIP_0], NOW)).toBeUndefined();
  });

  it("survives the wire: encoded in a SyncTree request and decoded, it still checks", () => {
    const text = encodeRequest({
      kind: "SyncTree",
      syncTree: {
        treeId: ROOT.id,
        ourTips: [TIP_0, TIP_2], // deliberately in text order; the decoder normalizes
        peerPubkey: KEY_A.publicKey,
        requestingKey: null,
        requestingKeyName: null,
        requestedPermission: null,
        metadata: null,
        auth,
      },
    });
    const decoded = decodeRequest(text);
    if (decoded.kind !== "SyncTree" || decoded.syncTree.auth === null) throw new Error("expected a signed SyncTree");
    expect(decoded.syncTree.ourTips).toEqual([TIP_2, TIP_0]);
    expect(checkSyncRequestAuth(decoded.syncTree.auth, server, decoded.syncTree.treeId, decoded.syncTree.ourTips, NOW)).toBeUndefined();
  });

  const flip = (bytes: Uint8Array, at: number): Uint8Array => {
    const copy = bytes.slice();
    copy[at] = (copy[at] ?? 0) ^ 0x01;
    return copy;
  };
  const cases: [string, () => ReturnType<typeof checkSyncRequestAuth>][] = [
    ["another server's key", () => checkSyncRequestAuth(auth, KEY_A.publicKey, ROOT.id, tips, NOW)],
    ["another tree", () => checkSyncRequestAuth(auth, server, CHILD.id, tips, NOW)],
    ["a tip added", () => checkSyncRequestAuth(auth, server, ROOT.id, [...tips, CHILD.id], NOW)],
    ["a tip removed", () => checkSyncRequestAuth(auth, server, ROOT.id, [TIP_0], NOW)],
    ["no tips", () => checkSyncRequestAuth(auth, server, ROOT.id, [], NOW)],
    ["a tip replaced", () => checkSyncRequestAuth(auth, server, ROOT.id, [TIP_0, CHILD.id], NOW)],
    ["a signature bit flipped", () => checkSyncRequestAuth({ ...auth, signature: flip(auth.signature, 10) }, server, ROOT.id, tips, NOW)],
    ["the last signature bit flipped", () => checkSyncRequestAuth({ ...auth, signature: flip(auth.signature, 63) }, server, ROOT.id, tips, NOW)],
    ["a nonce bit flipped", () => checkSyncRequestAuth({ ...auth, nonce: flip(auth.nonce, 0) }, server, ROOT.id, tips, NOW)],
    ["the timestamp changed by 1 ms", () => checkSyncRequestAuth({ ...auth, timestampMs: NOW + 1 }, server, ROOT.id, tips, NOW)],
    ["another claimed key", () => checkSyncRequestAuth({ ...auth, key: KEY_B.publicKey }, server, ROOT.id, tips, NOW)],
    ["a malformed claimed key", () => checkSyncRequestAuth({ ...auth, key: "ed25519:AAAA" }, server, ROOT.id, tips, NOW)],
    ["a 63-byte signature", () => checkSyncRequestAuth({ ...auth, signature: auth.signature.subarray(0, 63) }, server, ROOT.id, tips, NOW)],
    ["an empty signature", () => checkSyncRequestAuth({ ...auth, signature: new Uint8Array(0) }, server, ROOT.id, tips, NOW)],
  ];
  it.each(cases)("%s → bad_signature", (_name, check) => {
    expect(check()).toBe("bad_signature");
  });

  it("timestamps within ±60,000 ms are fresh; ±60,001 ms is clock_skew", () => {
    const at = (nowMs: number) => checkSyncRequestAuth(auth, server, ROOT.id, tips, nowMs);
    expect(at(NOW + 60_000)).toBeUndefined();
    expect(at(NOW - 60_000)).toBeUndefined();
    expect(at(NOW + 60_001)).toBe("clock_skew");
    expect(at(NOW - 60_001)).toBe("clock_skew");
    expect(at(0)).toBe("clock_skew");
  });

  it("a request signed 60,001 ms in the future or past is clock_skew at NOW", () => {
    for (const ts of [NOW + 60_001, NOW - 60_001]) {
      const other: SyncRequestAuth = signSyncRequest(KEY_A, server, ROOT.id, tips, ts, seededRandom(8));
      expect(checkSyncRequestAuth(other, server, ROOT.id, tips, ts)).toBeUndefined();
      expect(checkSyncRequestAuth(other, server, ROOT.id, tips, NOW)).toBe("clock_skew");
    }
    for (const ts of [NOW + 60_000, NOW - 60_000]) {
      const other = signSyncRequest(KEY_A, server, ROOT.id, tips, ts, seededRandom(8));
      expect(checkSyncRequestAuth(other, server, ROOT.id, tips, NOW)).toBeUndefined();
    }
  });
});

describe("handshake challenges", () => {
  it("newChallenge gives 32 bytes from the given randomness", () => {
    const challenge = newChallenge(seededRandom(3));
    expect(challenge.length).toBe(32);
    expect(challenge).toEqual(seededRandom(3).bytes(32));
    expect(newChallenge().length).toBe(32);
  });

  it("answer and check round trip; the wrong key, challenge or a tampered answer fail", () => {
    const challenge = newChallenge(seededRandom(4));
    const answer = answerChallenge(KEY_B, challenge);
    expect(answer.length).toBe(64);
    expect(answer).toEqual(KEY_B.sign(challenge));
    expect(checkChallengeAnswer(KEY_B.publicKey, challenge, answer)).toBe(true);
    expect(checkChallengeAnswer(KEY_A.publicKey, challenge, answer)).toBe(false);
    expect(checkChallengeAnswer(KEY_B.publicKey, newChallenge(seededRandom(5)), answer)).toBe(false);
    const tampered = answer.slice();
    tampered[0] = (tampered[0] ?? 0) ^ 0x80;
    expect(checkChallengeAnswer(KEY_B.publicKey, challenge, tampered)).toBe(false);
    expect(checkChallengeAnswer(KEY_B.publicKey, challenge, answerChallenge(KEY_A, challenge))).toBe(false);
  });
});
