/**
 * The request codec: {@link encodeRequest} writes the exact serde JSON of a Rust
 * `SyncRequest`; {@link decodeRequest} checks the size, depth, whole shape and every limit
 * before anything else looks at the message.
 */
import { docToJson, isJsonObject, parseJsonLimited, permissionToWire, sortedUniqueIds } from "@eidetica/core";
import { SchemaError, UnknownMessageError } from "./errors.js";
import {
  IDENTITY_FIELDS,
  addressToWire,
  addressesAt,
  docAt,
  entriesAt,
  fixedBytesAt,
  idAt,
  identityAt,
  identityToWire,
  objectAt,
  optionalTextAt,
  permissionAt,
  tipsAt,
  uintAt,
} from "./codec-fields.js";
import { REQUEST_KINDS, type SyncRequest, type SyncRequestAuth, type SyncTreeRequest } from "./messages.js";
import { child, publicKeyAt } from "./pointer.js";
import { stringifyWithDocs } from "./json-out.js";
import { entriesText } from "./entry-text.js";


/** The wire JSON value of a request (Docs are written by {@link encodeRequest}). */
export function encodeRequest(request: SyncRequest): string {
  switch (request.kind) {
    case "Handshake": {
      const h = request.handshake;
      return JSON.stringify({
        Handshake: {
          ...identityToWire(h),
          challenge: Array.from(h.challenge),
          listen_addresses: h.listenAddresses.map(addressToWire),
        },
      });
    }
    case "SyncTree": {
      const s = request.syncTree;
      return stringifyWithDocs(
        {
          SyncTree: {
            tree_id: s.treeId,
            our_tips: sortedUniqueIds(s.ourTips),
            peer_pubkey: s.peerPubkey,
            requesting_key: s.requestingKey,
            requesting_key_name: s.requestingKeyName,
            requested_permission: s.requestedPermission === null ? null : permissionToWire(s.requestedPermission),
            metadata: s.metadata,
            auth: s.auth === null ? null : authToWire(s.auth),
          },
        },
        docToJson,
      );
    }
    case "SendEntries":
      return `{"SendEntries":${entriesText(request.entries)}}`;
  }
}

function authToWire(auth: SyncRequestAuth) {
  return { key: auth.key, timestamp_ms: auth.timestampMs, nonce: Array.from(auth.nonce), signature: Array.from(auth.signature) };
}

/**
 * Decodes a request from JSON text or its UTF-8 bytes.
 * @throws {EideticaError} `MALFORMED` (not JSON), `LIMIT_EXCEEDED`, `SCHEMA` (with a JSON
 *   pointer) or `UNKNOWN_MESSAGE`.
 */
export function decodeRequest(input: string | Uint8Array): SyncRequest {
  return decodeRequestValue(parseJsonLimited(input));
}

/** Decodes an already-parsed request value. */
export function decodeRequestValue(value: unknown): SyncRequest {
  const [kind, body] = variant(value, REQUEST_KINDS, "request");
  const p = `/${kind}`;
  switch (kind) {
    case "Handshake": {
      const fields = [...IDENTITY_FIELDS, "challenge", "listen_addresses"];
      const o = objectAt(body, p, fields, fields.filter((f) => f !== "display_name"));
      return {
        kind,
        handshake: {
          ...identityAt(o, p),
          challenge: fixedBytesAt(o.challenge, child(p, "challenge"), 32),
          listenAddresses: addressesAt(o.listen_addresses, child(p, "listen_addresses")),
        },
      };
    }
    case "SyncTree":
      return { kind, syncTree: syncTreeAt(body, p) };
    case "SendEntries":
      return { kind, entries: entriesAt(body, p) };
  }
}

const SYNC_TREE_FIELDS = [
  "tree_id",
  "our_tips",
  "peer_pubkey",
  "requesting_key",
  "requesting_key_name",
  "requested_permission",
  "metadata",
  "auth",
] as const;

function syncTreeAt(body: unknown, p: string): SyncTreeRequest {
  const o = objectAt(body, p, SYNC_TREE_FIELDS, ["tree_id", "our_tips"]);
  const optionalKey = (value: unknown, at: string) => (value === undefined || value === null ? null : publicKeyAt(value, at));
  return {
    treeId: idAt(o.tree_id, child(p, "tree_id")),
    ourTips: tipsAt(o.our_tips, child(p, "our_tips")),
    peerPubkey: optionalKey(o.peer_pubkey, child(p, "peer_pubkey")),
    requestingKey: optionalKey(o.requesting_key, child(p, "requesting_key")),
    requestingKeyName: optionalTextAt(o.requesting_key_name, child(p, "requesting_key_name")),
    requestedPermission: permissionAt(o.requested_permission, child(p, "requested_permission")),
    metadata: docAt(o.metadata, child(p, "metadata")),
    auth: o.auth === undefined || o.auth === null ? null : authAt(o.auth, child(p, "auth")),
  };
}

function authAt(value: unknown, p: string): SyncRequestAuth {
  const o = objectAt(value, p, ["key", "timestamp_ms", "nonce", "signature"]);
  return {
    key: publicKeyAt(o.key, child(p, "key")),
    timestampMs: uintAt(o.timestamp_ms, child(p, "timestamp_ms")),
    nonce: fixedBytesAt(o.nonce, child(p, "nonce"), 32),
    signature: fixedBytesAt(o.signature, child(p, "signature"), 64),
  };
}

/**
 * Splits an externally tagged enum value into its variant name and body. Unit variants are
 * bare strings (`"Ack"`), others single-key objects.
 */
export function variant<K extends string>(value: unknown, kinds: readonly K[], what: string): [K, unknown] {
  if (typeof value === "string") {
    if ((kinds as readonly string[]).includes(value)) return [value as K, undefined];
    throw new UnknownMessageError(`unknown ${what} ${JSON.stringify(value.slice(0, 40))}`);
  }
  if (!isJsonObject(value)) throw new SchemaError(`a ${what} must be an object with one variant`, "");
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new SchemaError(`a ${what} must have exactly one variant, found ${keys.length}`, "");
  const kind = keys[0] as string;
  if (!(kinds as readonly string[]).includes(kind)) throw new UnknownMessageError(`unknown ${what} ${JSON.stringify(kind.slice(0, 40))}`);
  return [kind as K, value[kind]];
}
