/** Field decoders shared by the request and response codecs. */
import {
  decodeWireEntry,
  docFromJsonValue,
  expectArray,
  expectBoolean,
  expectBytes,
  expectObject,
  expectString,
  expectUint,
  parseId,
  permissionFromWire,
  sortedUniqueIds,
  LIMITS,
  type Doc,
  type Entry,
  type ID,
  type JsonObject,
  type Permission,
} from "@eidetica/core";
import type { Address } from "./address.js";
import { SchemaError } from "./errors.js";
import { child, publicKeyAt, schema } from "./pointer.js";

/** Most listen addresses in a handshake. */
export const MAX_ADDRESSES = 64;
/** Longest free-text string (names, messages, addresses), in UTF-16 units. */
export const MAX_TEXT = 64 * 1024;

export const objectAt = (value: unknown, p: string, allowed: readonly string[], required: readonly string[] = allowed): JsonObject =>
  schema(p, () => expectObject(value, p, allowed, required));

export const textAt = (value: unknown, p: string): string => {
  const text = schema(p, () => expectString(value, p));
  if (text.length > MAX_TEXT) throw new SchemaError(`text longer than ${MAX_TEXT}`, p);
  return text;
};

/** An `Option<String>`: missing or null is null. */
export const optionalTextAt = (value: unknown, p: string): string | null => (value === undefined || value === null ? null : textAt(value, p));

export const uintAt = (value: unknown, p: string, max?: number): number => schema(p, () => expectUint(value, p, max));
export const boolAt = (value: unknown, p: string): boolean => schema(p, () => expectBoolean(value, p));

/** Bytes of an exact length (challenges, nonces, signatures). */
export const fixedBytesAt = (value: unknown, p: string, length: number): Uint8Array => {
  // A Rust `Vec<u8>` (not serde_bytes) is only ever an array of integers; a wrong length is a
  // wrong shape, not a resource limit.
  if (!Array.isArray(value)) throw new SchemaError(`expected an array of ${length} bytes`, p);
  if (value.length !== length) throw new SchemaError(`expected ${length} bytes, found ${value.length}`, p);
  return schema(p, () => expectBytes(value, p, length, "bytes"));
};

export const idAt = (value: unknown, p: string): ID => schema(p, () => parseId(expectString(value, p), p));

/** A tip list (Snapshot): at most 1,024, normalized to sorted and unique. */
export const tipsAt = (value: unknown, p: string): ID[] =>
  sortedUniqueIds(schema(p, () => expectArray(value, p, LIMITS.tipsPerRequest, "tipsPerRequest")).map((tip, i) => idAt(tip, child(p, i))));

export const entryAt = (value: unknown, p: string): Entry => schema(p, () => decodeWireEntry(value, p));

/** At most 10,000 entries. */
export const entriesAt = (value: unknown, p: string): Entry[] =>
  schema(p, () => expectArray(value, p, LIMITS.entriesPerMessage, "entriesPerMessage")).map((item, i) => entryAt(item, child(p, i)));

export const permissionAt = (value: unknown, p: string): Permission | null =>
  value === undefined || value === null ? null : schema(p, () => permissionFromWire(value, p));

export const docAt = (value: unknown, p: string): Doc | null =>
  value === undefined || value === null ? null : schema(p, () => docFromJsonValue(value), true);

export const addressesAt = (value: unknown, p: string): Address[] =>
  schema(p, () => expectArray(value, p, MAX_ADDRESSES, "addresses")).map((item, i) => {
    const at = child(p, i);
    const object = objectAt(item, at, ["transport_type", "address"]);
    return { transportType: textAt(object.transport_type, child(at, "transport_type")), address: textAt(object.address, child(at, "address")) };
  });

/** The wire form of an address. */
export const addressToWire = (address: Address) => ({ transport_type: address.transportType, address: address.address });

/** The identity fields both handshake messages start with. */
export interface PeerIdentity {
  readonly deviceId: string;
  readonly publicKey: string;
  readonly displayName: string | null;
  readonly protocolVersion: number;
}

/** Their wire names, in serde order. */
export const IDENTITY_FIELDS = ["device_id", "public_key", "display_name", "protocol_version"] as const;

/** Reads the identity fields of a handshake message. */
export function identityAt(o: JsonObject, p: string): PeerIdentity {
  return {
    deviceId: publicKeyAt(o.device_id, child(p, "device_id")),
    publicKey: publicKeyAt(o.public_key, child(p, "public_key")),
    displayName: optionalTextAt(o.display_name, child(p, "display_name")),
    protocolVersion: uintAt(o.protocol_version, child(p, "protocol_version"), 0xffffffff),
  };
}

/** The wire form of the identity fields, in serde order. */
export function identityToWire(identity: PeerIdentity) {
  return {
    device_id: identity.deviceId,
    public_key: identity.publicKey,
    display_name: identity.displayName,
    protocol_version: identity.protocolVersion,
  };
}
