/**
 * Content identifiers (spec 1.3).
 *
 * An entry ID is a CIDv1 with codec 0x71 (dag-cbor) and a BLAKE3-256 multihash (0x1e) over the
 * entry's canonical DAG-CBOR encoding. Its string form is multibase base32-lower, so every entry
 * ID starts `bafyr4i`. In this package an ID is always that canonical string; {@link parseId}
 * turns any accepted CID text into it.
 */
import { blake3 } from "@noble/hashes/blake3.js";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { MalformedError } from "../errors/errors.js";

/** A content identifier in canonical string form (base32-lower CIDv1, `bafyr4i…` for entries). */
export type ID = string;

/** The empty ID. It sorts before every other ID and stands for "no ID". */
export const EMPTY_ID: ID = "";

/** Multicodec code of DAG-CBOR, the codec of every entry ID. */
export const DAG_CBOR_CODEC = 0x71;
/** Multicodec code of raw bytes, used for non-entry IDs such as cache keys. */
export const RAW_CODEC = 0x55;
/** Multihash code of BLAKE3-256. */
export const BLAKE3_CODE = 0x1e;

const ENTRY_ID_PREFIX = "bafyr4i";
const ENTRY_ID_LENGTH = 59;
// CIDv1, dag-cbor, BLAKE3, 32-byte digest.
const ENTRY_CID_HEADER = Uint8Array.of(0x01, DAG_CBOR_CODEC, BLAKE3_CODE, 0x20);

/** Computes the ID of an entry from its canonical DAG-CBOR bytes. */
export function idFromDagCbor(bytes: Uint8Array): ID {
  const binary = new Uint8Array(36);
  binary.set(ENTRY_CID_HEADER);
  binary.set(blake3(bytes), 4);
  return `b${base32Encode(binary)}`;
}

/** Computes a raw-codec (0x55) BLAKE3 ID of arbitrary bytes, as Rust's `ID::from_bytes`. */
export function idFromRawBytes(bytes: Uint8Array): ID {
  return cidOf(RAW_CODEC, bytes).toString();
}

function cidOf(codec: number, bytes: Uint8Array): CID {
  return CID.createV1(codec, createDigest(BLAKE3_CODE, blake3(bytes)));
}

/**
 * Parses CID text (base32, base36 or base58btc; version 0 or 1) into its canonical {@link ID}.
 * The empty string parses to {@link EMPTY_ID}.
 *
 * @throws {MalformedError} if the text is not a valid CID.
 */
export function parseId(text: string, path?: string): ID {
  if (text === EMPTY_ID) return EMPTY_ID;
  if (text.length === ENTRY_ID_LENGTH && text.startsWith(ENTRY_ID_PREFIX) && isCanonicalEntryId(text)) {
    return text;
  }
  try {
    return CID.parse(text).toString();
  } catch (error) {
    throw new MalformedError(`not a valid CID: ${JSON.stringify(text.slice(0, 80))}`, path, { cause: error });
  }
}

/** Returns the binary form of a non-empty ID (for DAG-CBOR tag 42). */
export function idToBytes(id: ID): Uint8Array {
  if (id === EMPTY_ID) throw new MalformedError("the empty ID has no binary form");
  if (id.length === ENTRY_ID_LENGTH && id.startsWith(ENTRY_ID_PREFIX) && isCanonicalEntryId(id)) return base32Decode(id, 1, 36);
  return CID.parse(id).bytes;
}

/** Builds the canonical ID of a binary CID. */
export function idFromBytes(bytes: Uint8Array): ID {
  try {
    return CID.decode(bytes).toString();
  } catch (error) {
    throw new MalformedError("not a valid binary CID", undefined, { cause: error });
  }
}

// Base32-lower alphabet value of each character code, or -1.
const BASE32_RANK = new Int8Array(128).fill(-1);
for (const [index, char] of [..."abcdefghijklmnopqrstuvwxyz234567"].entries()) {
  BASE32_RANK[char.charCodeAt(0)] = index;
}

// A `bafyr4i…` string of 59 characters holds exactly 36 bytes (288 bits) in 290 bits. The
// prefix spells 30 of the 32 header bits; the next character carries the last two (both 0, of
// the digest length 0x20) in its top bits, and the last character's two low bits are padding,
// which must be zero for the text to be canonical.
function isCanonicalEntryId(text: string): boolean {
  for (let i = ENTRY_ID_PREFIX.length; i < ENTRY_ID_LENGTH; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || BASE32_RANK[code] === -1) return false;
  }
  const headerTail = (BASE32_RANK[text.charCodeAt(ENTRY_ID_PREFIX.length)] ?? 0) >> 3;
  const padding = (BASE32_RANK[text.charCodeAt(ENTRY_ID_LENGTH - 1)] ?? 0) & 0b11;
  return headerTail === 0 && padding === 0;
}

const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

// RFC 4648 base32, lower case, no padding (multibase `b` without its prefix).
function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

// Decodes `length` bytes from already-validated base32 text starting at `from`.
function base32Decode(text: string, from: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = from; i < text.length && o < length; i++) {
    buffer = ((buffer << 5) | (BASE32_RANK[text.charCodeAt(i)] ?? 0)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Orders IDs as Eidetica does (spec 1.3): the empty ID first, then by CID version, codec,
 * multihash code, digest size and digest bytes. For entry IDs this is byte order of the
 * BLAKE3 digest, which is not the order of the base32 strings.
 *
 * @example
 * ```ts
 * const parents = [...ids].sort(compareIds);
 * ```
 */
export function compareIds(a: ID, b: ID): number {
  if (a === b) return 0;
  if (a === EMPTY_ID) return -1;
  if (b === EMPTY_ID) return 1;
  if (
    a.length === ENTRY_ID_LENGTH &&
    b.length === ENTRY_ID_LENGTH &&
    a.startsWith(ENTRY_ID_PREFIX) &&
    b.startsWith(ENTRY_ID_PREFIX)
  ) {
    // Same header bytes, so the base32 digits compare as the digest bits do.
    for (let i = ENTRY_ID_PREFIX.length; i < ENTRY_ID_LENGTH; i++) {
      const ca = a.charCodeAt(i);
      const cb = b.charCodeAt(i);
      if (ca !== cb) return (BASE32_RANK[ca] ?? 0) - (BASE32_RANK[cb] ?? 0);
    }
    return 0;
  }
  return compareCids(CID.parse(a), CID.parse(b));
}

function compareCids(a: CID, b: CID): number {
  if (a.version !== b.version) return a.version - b.version;
  if (a.code !== b.code) return a.code - b.code;
  if (a.multihash.code !== b.multihash.code) return a.multihash.code - b.multihash.code;
  if (a.multihash.size !== b.multihash.size) return a.multihash.size - b.multihash.size;
  const da = a.multihash.digest;
  const db = b.multihash.digest;
  for (let i = 0; i < 64; i++) {
    const x = da[i] ?? 0;
    const y = db[i] ?? 0;
    if (x !== y) return x - y;
  }
  return 0;
}

/** Returns the IDs sorted by {@link compareIds} with duplicates removed (a Snapshot). */
export function sortedUniqueIds(ids: Iterable<ID>): ID[] {
  const sorted = [...new Set(ids)].sort(compareIds);
  return sorted;
}
