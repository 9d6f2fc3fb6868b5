/**
 * The sync messages of Eidetica v0 (spec 5.2). Field names here are camelCase; the codec
 * writes and reads the exact serde JSON (snake_case fields, externally tagged enums, bytes as
 * integer arrays) that Rust peers use.
 */
import type { Doc, Entry, ID, Permission, PublicKeyText } from "@eidetica/core";
import type { Address } from "./address.js";

/** The protocol version this package speaks. */
export const PROTOCOL_VERSION = 0;

/** Sent first on a connection: who we are and a challenge the server must sign. */
export interface HandshakeRequest {
  readonly deviceId: PublicKeyText;
  readonly publicKey: PublicKeyText;
  readonly displayName: string | null;
  readonly protocolVersion: number;
  /** 32 random bytes. */
  readonly challenge: Uint8Array;
  readonly listenAddresses: readonly Address[];
}

/** A database the server holds, as listed in a handshake response. */
export interface TreeInfo {
  readonly treeId: ID;
  readonly name: string | null;
  readonly entryCount: number;
  readonly lastModified: number;
}

/** The server's answer to a handshake: its identity, proven by signing the challenge. */
export interface HandshakeResponse {
  readonly deviceId: PublicKeyText;
  readonly publicKey: PublicKeyText;
  readonly displayName: string | null;
  readonly protocolVersion: number;
  /** 64-byte Ed25519 signature of the request's challenge. */
  readonly challengeResponse: Uint8Array;
  /** 32 random bytes. */
  readonly newChallenge: Uint8Array;
  readonly availableTrees: readonly TreeInfo[];
}

/** Proof that a request comes from `key`, fresh and single-use (spec 5.5). */
export interface SyncRequestAuth {
  readonly key: PublicKeyText;
  readonly timestampMs: number;
  /** 32 random bytes. */
  readonly nonce: Uint8Array;
  /** 64-byte Ed25519 signature over {@link requestSigningBytes}. */
  readonly signature: Uint8Array;
}

/** Ask for a database: bootstrap when `ourTips` is empty, else the entries we lack. */
export interface SyncTreeRequest {
  readonly treeId: ID;
  /** Sorted by binary ID, without duplicates (a Snapshot). */
  readonly ourTips: readonly ID[];
  readonly peerPubkey: PublicKeyText | null;
  readonly requestingKey: PublicKeyText | null;
  readonly requestingKeyName: string | null;
  readonly requestedPermission: Permission | null;
  readonly metadata: Doc | null;
  readonly auth: SyncRequestAuth | null;
}

/** A request: externally tagged as `{"Handshake":…}`, `{"SyncTree":…}` or `{"SendEntries":[…]}`. */
export type SyncRequest =
  | { readonly kind: "Handshake"; readonly handshake: HandshakeRequest }
  | { readonly kind: "SyncTree"; readonly syncTree: SyncTreeRequest }
  | { readonly kind: "SendEntries"; readonly entries: readonly Entry[] };

/** A whole database for a new peer: its root and every other entry. */
export interface BootstrapResponse {
  readonly treeId: ID;
  readonly rootEntry: Entry;
  readonly allEntries: readonly Entry[];
  readonly keyApproved: boolean;
  readonly grantedPermission: Permission | null;
}

/** The entries a peer lacks, and the server's tips. */
export interface IncrementalResponse {
  readonly treeId: ID;
  readonly theirTips: readonly ID[];
  readonly missingEntries: readonly Entry[];
}

/** A response: externally tagged, `"Ack"` as a bare string. */
export type SyncResponse =
  | { readonly kind: "Handshake"; readonly handshake: HandshakeResponse }
  | { readonly kind: "Bootstrap"; readonly bootstrap: BootstrapResponse }
  | { readonly kind: "Incremental"; readonly incremental: IncrementalResponse }
  | { readonly kind: "BootstrapPending"; readonly requestId: string; readonly message: string }
  | { readonly kind: "Ack" }
  | { readonly kind: "Count"; readonly count: number }
  | { readonly kind: "Error"; readonly message: string };

/** The request variant names. */
export const REQUEST_KINDS = ["Handshake", "SyncTree", "SendEntries"] as const;
/** The response variant names. */
export const RESPONSE_KINDS = ["Handshake", "Bootstrap", "Incremental", "BootstrapPending", "Ack", "Count", "Error"] as const;

/** `{"Error": message}`. */
export function errorResponse(message: string): SyncResponse {
  return { kind: "Error", message };
}
