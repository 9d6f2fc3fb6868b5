/**
 * Random version-4 UUIDs inside a range, for list positions whose rational parts are equal.
 *
 * Positions with the same rational value are ordered by `unique_id` (Rust's `Uuid` order, which
 * is the order of the 16 bytes, and so the order of the lower-case hyphenated strings). Placing
 * a new item between two such positions needs a UUID between theirs.
 *
 * A v4 UUID has 122 free bits: 48, then the version nibble `4`, then 12, then the variant bits
 * `10`, then 62. Mapping a v4 UUID to its free bits keeps the order, so a range of UUIDs maps
 * to a range of 122-bit integers, from which one is drawn at random.
 *
 * @module
 */

import type { Random } from "../util/random.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MASK62 = (1n << 62n) - 1n;
const MASK12 = 0xfffn;
const FREE_MAX = (1n << 122n) - 1n;

/** True if `id` is a UUID in canonical form: lower-case hex, hyphenated 8-4-4-4-12. */
export function isCanonicalUuid(id: string): boolean {
  return UUID.test(id);
}

function toBigInt(id: string): bigint {
  return BigInt(`0x${id.replaceAll("-", "")}`);
}

function fromFree(free: bigint): string {
  const a = free >> 74n;
  const b = (free >> 62n) & MASK12;
  const c = free & MASK62;
  const value = (a << 80n) | (4n << 76n) | (b << 64n) | (2n << 62n) | c;
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function parts(x: bigint): { a: bigint; v: bigint; b: bigint; w: bigint; c: bigint } {
  return { a: x >> 80n, v: (x >> 76n) & 0xfn, b: (x >> 64n) & MASK12, w: (x >> 62n) & 3n, c: x & MASK62 };
}

function free(a: bigint, b: bigint, c: bigint): bigint {
  return (a << 74n) | (b << 62n) | c;
}

/** Free bits of the smallest v4 UUID >= x (may exceed FREE_MAX, meaning none). */
function ceilFree(x: bigint): bigint {
  const { a, v, b, w, c } = parts(x);
  if (v < 4n) return free(a, 0n, 0n);
  if (v > 4n) return free(a + 1n, 0n, 0n);
  if (w < 2n) return free(a, b, 0n);
  if (w > 2n) return free(a, b, 0n) + (1n << 62n);
  return free(a, b, c);
}

/** Free bits of the largest v4 UUID <= x (may be negative, meaning none). */
function floorFree(x: bigint): bigint {
  const { a, v, b, w, c } = parts(x);
  if (v > 4n) return free(a, MASK12, MASK62);
  if (v < 4n) return free(a, 0n, 0n) - 1n;
  if (w > 2n) return free(a, b, MASK62);
  if (w < 2n) return free(a, b, 0n) - 1n;
  return free(a, b, c);
}

/**
 * A random v4 UUID strictly between `lo` and `hi` (canonical UUIDs); a missing bound is open.
 *
 * @returns The UUID, or `undefined` if no v4 UUID lies strictly between the bounds.
 */
export function randomUuidBetween(lo: string | undefined, hi: string | undefined, random: Random): string | undefined {
  const min = lo === undefined ? 0n : ceilFree(toBigInt(lo) + 1n);
  const max = hi === undefined ? FREE_MAX : floorFree(toBigInt(hi) - 1n);
  if (min > max || min > FREE_MAX || max < 0n) return undefined;
  // 192 random bits reduced modulo a span of at most 2^122: the bias is below 2^-70.
  let r = 0n;
  for (const byte of random.bytes(24)) r = (r << 8n) | BigInt(byte);
  return fromFree(min + (r % (max - min + 1n)));
}
