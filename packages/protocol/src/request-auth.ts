/**
 * Signed sync requests (spec 5.5) and handshake challenges (spec 5.3).
 */
import {
  LIMITS,
  sortedUniqueIds,
  systemRandom,
  utf8,
  verifySignature,
  type ID,
  type PublicKeyText,
  type Random,
  type SigningKey,
} from "@eidetica/core";
import type { SyncRequestAuth } from "./messages.js";

/** The domain separator of request signatures. */
export const SYNC_REQUEST_DOMAIN = "eidetica/sync/tree-request/v1";

/**
 * The bytes a `SyncRequestAuth` signs: each field as an 8-byte big-endian length and its
 * bytes: the domain, the server's public key text, the tree ID, the tip count (8-byte BE),
 * each tip (sorted by binary ID, de-duplicated), the timestamp (8-byte BE) and the nonce.
 */
export function requestSigningBytes(
  serverKey: PublicKeyText,
  treeId: ID,
  tips: readonly ID[],
  timestampMs: number,
  nonce: Uint8Array,
): Uint8Array {
  const fields: Uint8Array[] = [utf8(SYNC_REQUEST_DOMAIN), utf8(serverKey), utf8(treeId)];
  const snapshot = sortedUniqueIds(tips);
  fields.push(u64(snapshot.length));
  for (const tip of snapshot) fields.push(utf8(tip));
  fields.push(u64(timestampMs), nonce);
  const out = new Uint8Array(fields.reduce((n, f) => n + 8 + f.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const field of fields) {
    view.setBigUint64(at, BigInt(field.length));
    out.set(field, at + 8);
    at += 8 + field.length;
  }
  return out;
}

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** Signs a SyncTree request for `serverKey` with `key`, fresh at `nowMs`, with a random nonce. */
export function signSyncRequest(
  key: SigningKey,
  serverKey: PublicKeyText,
  treeId: ID,
  tips: readonly ID[],
  nowMs: number,
  random: Random = systemRandom,
): SyncRequestAuth {
  const nonce = random.bytes(32);
  const signature = key.sign(requestSigningBytes(serverKey, treeId, tips, nowMs, nonce));
  return { key: key.publicKey, timestampMs: nowMs, nonce, signature };
}

/** Why a signed request is refused, or `undefined` when it is valid and fresh. */
export type RequestAuthProblem = "bad_signature" | "clock_skew";

/**
 * Checks a request signature for this server and its freshness (±{@link LIMITS.requestFreshnessMs}).
 * Replays (a nonce seen before) are the server's to track.
 */
export function checkSyncRequestAuth(
  auth: SyncRequestAuth,
  serverKey: PublicKeyText,
  treeId: ID,
  tips: readonly ID[],
  nowMs: number,
): RequestAuthProblem | undefined {
  if (Math.abs(nowMs - auth.timestampMs) > LIMITS.requestFreshnessMs) return "clock_skew";
  const bytes = requestSigningBytes(serverKey, treeId, tips, auth.timestampMs, auth.nonce);
  return verifySignature(auth.key, bytes, auth.signature) ? undefined : "bad_signature";
}

/** 32 random bytes for a handshake. */
export function newChallenge(random: Random = systemRandom): Uint8Array {
  return random.bytes(32);
}

/** The server's answer to a challenge: a raw Ed25519 signature of it. */
export function answerChallenge(key: SigningKey, challenge: Uint8Array): Uint8Array {
  return key.sign(challenge);
}

/** True if `response` is `serverKey`'s signature of `challenge`. */
export function checkChallengeAnswer(serverKey: PublicKeyText, challenge: Uint8Array, response: Uint8Array): boolean {
  return verifySignature(serverKey, challenge, response);
}
