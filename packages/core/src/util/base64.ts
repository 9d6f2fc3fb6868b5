/**
 * Standard, padded base64 (RFC 4648 section 4), as Rust's `base64ct::Base64`: decoding is
 * strict, so every byte string has exactly one accepted text form.
 */
import { MalformedError } from "../errors/errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const RANK = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) RANK[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}${ALPHABET[(n >> 6) & 63]!}=`;
  }
  return out;
}

/**
 * Decodes padded standard base64, rejecting anything non-canonical: missing or extra padding,
 * other alphabets, white space, and non-zero unused bits.
 * @throws {MalformedError} if the text is not canonical base64.
 */
export function fromBase64(text: string, path?: string): Uint8Array {
  if (text.length % 4 !== 0) throw new MalformedError("base64 length is not a multiple of 4", path);
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const values = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const code = text.charCodeAt(i + j);
      const isPad = last && j >= 4 - padding;
      if (isPad) continue;
      const value = code < 128 ? (RANK[code] ?? -1) : -1;
      if (value < 0) throw new MalformedError("invalid base64 character", path);
      values[j] = value;
    }
    const n = (values[0]! << 18) | (values[1]! << 12) | (values[2]! << 6) | values[3]!;
    if (last && padding === 2 && (n & 0xffff) !== 0) throw new MalformedError("non-canonical base64", path);
    if (last && padding === 1 && (n & 0xff) !== 0) throw new MalformedError("non-canonical base64", path);
    out[o++] = n >> 16;
    if (!(last && padding === 2)) out[o++] = (n >> 8) & 0xff;
    if (!(last && padding >= 1)) out[o++] = n & 0xff;
  }
  return out;
}
