/**
 * The metadata JSON of an entry (spec 1.6): `{"settings_tips":[…],"entropy":<u64>|null}`.
 * `settings_tips` pins the `_settings` state the entry's signature is checked against;
 * `entropy` makes root entries unique.
 */
import { MalformedError } from "../errors/errors.js";
import { parseId, sortedUniqueIds, type ID } from "../id/id.js";
import { LIMITS } from "../limits.js";
import { fromUtf8, utf8 } from "../util/bytes.js";
import { parseJsonLimited } from "../util/json-limits.js";
import { expectArray, expectString, isJsonObject } from "../util/shape.js";

/** The parsed metadata of an entry. */
export interface EntryMetadata {
  /** The `_settings` tips this entry pins, sorted by binary ID order. */
  readonly settingsTips: readonly ID[];
  /** Random 64-bit entropy, set only on root entries. */
  readonly entropy: bigint | null;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * Encodes metadata exactly as Rust's serde_json does. Tips are sorted and de-duplicated first.
 *
 * @example
 * ```ts
 * fromUtf8(encodeEntryMetadata({ settingsTips: [], entropy: 7n }));
 * // '{"settings_tips":[],"entropy":7}'
 * ```
 */
export function encodeEntryMetadata(metadata: EntryMetadata): Uint8Array {
  const { entropy } = metadata;
  if (entropy !== null && (entropy < 0n || entropy > U64_MAX)) {
    throw new MalformedError("entropy must fit in 64 unsigned bits", "metadata.entropy");
  }
  const tips = JSON.stringify(sortedUniqueIds(metadata.settingsTips));
  return utf8(`{"settings_tips":${tips},"entropy":${entropy === null ? "null" : entropy.toString()}}`);
}

/**
 * Parses metadata bytes. Unknown fields are ignored, as Rust does, so that later versions may
 * add some; known fields must have the right types.
 *
 * @throws {MalformedError} if the bytes are not metadata JSON.
 */
export function decodeEntryMetadata(bytes: Uint8Array): EntryMetadata {
  const text = fromUtf8(bytes, "metadata");
  const value = parseJsonLimited(text, { maxBytes: LIMITS.entryBytes });
  if (!isJsonObject(value)) throw new MalformedError("expected an object", "metadata");
  const tips = expectArray(value.settings_tips, "metadata.settings_tips", LIMITS.tipsPerRequest, "tipsPerRequest");
  const settingsTips = sortedUniqueIds(
    tips.map((tip, i) => parseId(expectString(tip, `metadata.settings_tips[${i}]`), `metadata.settings_tips[${i}]`)),
  );
  return { settingsTips, entropy: parseEntropy(value.entropy, text) };
}

function parseEntropy(value: unknown, text: string): bigint | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new MalformedError("expected a 64-bit unsigned integer", "metadata.entropy");
  }
  if (Number.isSafeInteger(value)) return BigInt(value);
  // JSON.parse rounded a large integer; read its digits from the text instead, which has been
  // validated as JSON. Unknown fields could hide another "entropy" key: then give up.
  const matches = [...text.matchAll(/"entropy"\s*:\s*(\d+)/g)];
  const digits = matches.length === 1 ? matches[0]?.[1] : undefined;
  const entropy = digits === undefined ? -1n : BigInt(digits);
  if (entropy < 0n || entropy > U64_MAX) {
    throw new MalformedError("expected a 64-bit unsigned integer", "metadata.entropy");
  }
  return entropy;
}
