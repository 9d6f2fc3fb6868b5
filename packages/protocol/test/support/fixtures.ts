/**
 * Fixed keys, entries and one small valid message of every kind, built from fixed seeds and
 * contents so that their encodings never change (golden.test.ts pins them).
 */
import { Doc, EntryBuilder, SigningKey, admin, signEntry, utf8, write, type Entry } from "@eidetica/core";
import type { SyncRequest, SyncResponse } from "../../src/index.js";

/** Seed 00 01 02 … 1f. */
export const KEY_A = SigningKey.fromSeed(new Uint8Array(32).map((_, i) => i));
/** Seed of 32 bytes of 0x07. */
export const KEY_B = SigningKey.fromSeed(new Uint8Array(32).fill(7));

/** A database root signed by KEY_A: `_root` holds `""`. */
export const ROOT: Entry = signEntry(EntryBuilder.root().storeData("_root", utf8('""')).build(), KEY_A);

/** A child of ROOT signed by KEY_A, with store `notes` holding `hi`. */
export const CHILD: Entry = signEntry(
  new EntryBuilder(ROOT.id).parents([ROOT.id]).height(1).storeData("notes", utf8("hi")).storeParents("notes", []).build(),
  KEY_A,
);

/** `n` bytes of value `b`. */
export const bytesOf = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);
/** Bytes 0, 1, 2 … n-1. */
export const counting = (n: number): Uint8Array => new Uint8Array(n).map((_, i) => i);

/** One small valid message of every request kind, keyed by a label. */
export function requestCorpus(): Record<string, SyncRequest> {
  return {
    handshake: {
      kind: "Handshake",
      handshake: {
        deviceId: KEY_A.publicKey,
        publicKey: KEY_A.publicKey,
        displayName: "BackgroundSync",
        protocolVersion: 0,
        challenge: counting(32),
        listenAddresses: [{ transportType: "http", address: "127.0.0.1:8080" }],
      },
    },
    syncTreeBootstrap: {
      kind: "SyncTree",
      syncTree: {
        treeId: ROOT.id,
        ourTips: [],
        peerPubkey: null,
        requestingKey: null,
        requestingKeyName: null,
        requestedPermission: null,
        metadata: null,
        auth: null,
      },
    },
    syncTreeFull: {
      kind: "SyncTree",
      syncTree: {
        treeId: ROOT.id,
        ourTips: [CHILD.id],
        peerPubkey: KEY_B.publicKey,
        requestingKey: KEY_B.publicKey,
        requestingKeyName: "laptop",
        requestedPermission: admin(0),
        metadata: Doc.from({ note: "hi" }),
        auth: { key: KEY_B.publicKey, timestampMs: 1_704_067_200_000, nonce: bytesOf(32, 1), signature: bytesOf(64, 2) },
      },
    },
    sendEntries: { kind: "SendEntries", entries: [ROOT, CHILD] },
  };
}

/** One small valid message of every response kind, keyed by a label. */
export function responseCorpus(): Record<string, SyncResponse> {
  return {
    handshake: {
      kind: "Handshake",
      handshake: {
        deviceId: KEY_B.publicKey,
        publicKey: KEY_B.publicKey,
        displayName: "Eidetica Peer",
        protocolVersion: 0,
        challengeResponse: bytesOf(64, 3),
        newChallenge: bytesOf(32, 4),
        availableTrees: [{ treeId: ROOT.id, name: null, entryCount: 2, lastModified: 0 }],
      },
    },
    bootstrap: {
      kind: "Bootstrap",
      bootstrap: { treeId: ROOT.id, rootEntry: ROOT, allEntries: [CHILD], keyApproved: true, grantedPermission: write(5) },
    },
    incremental: { kind: "Incremental", incremental: { treeId: ROOT.id, theirTips: [CHILD.id], missingEntries: [CHILD] } },
    bootstrapPending: {
      kind: "BootstrapPending",
      requestId: "0b5c3e8a-3f7e-4b4a-9d1e-2f6a7c8d9e0f",
      message: "Bootstrap request pending manual approval",
    },
    ack: { kind: "Ack" },
    count: { kind: "Count", count: 2 },
    error: { kind: "Error", message: `Tree not found: ${ROOT.id}` },
  };
}
