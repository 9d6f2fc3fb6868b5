/**
 * Exact rational arithmetic on `bigint`, for list {@link Position}s.
 *
 * A position is `numerator / denominator` with the numerator an `i64` and the denominator a
 * positive `u64`, as in Rust. All arithmetic here is exact; nothing wraps or truncates.
 *
 * @module
 */

/** Smallest `i64`: -2^63. */
export const I64_MIN = -(1n << 63n);
/** Largest `i64`: 2^63 - 1. */
export const I64_MAX = (1n << 63n) - 1n;
/** Largest `u64`: 2^64 - 1. */
export const U64_MAX = (1n << 64n) - 1n;

/** A rational number as `[numerator, denominator]`, denominator > 0. */
export type Rational = readonly [numerator: bigint, denominator: bigint];

/** Greatest common divisor of |a| and |b| (iterative Euclid); `gcd(0, 0) = 0`. */
export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** `n / d` in lowest terms (`d > 0`); zero becomes `0 / 1`, as Rust's `Position::reduce`. */
export function reduce(n: bigint, d: bigint): Rational {
  const g = gcd(n, d);
  return g === 0n ? [0n, 1n] : [n / g, d / g];
}

/** ⌊n / d⌋ for `d > 0` (bigint division truncates toward zero). */
export function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** Compares `an/ad` with `bn/bd` (both denominators positive). */
export function compareRational(an: bigint, ad: bigint, bn: bigint, bd: bigint): -1 | 0 | 1 {
  const left = ad === bd ? an : an * bd;
  const right = ad === bd ? bn : bn * ad;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True if `n / d` can be stored in a position: `n` is an `i64` and `d` a positive `u64`. */
export function fitsPosition(n: bigint, d: bigint): boolean {
  return n >= I64_MIN && n <= I64_MAX && d >= 1n && d <= U64_MAX;
}

/**
 * The simplest rational strictly between `lo` and `hi` (`lo < hi`): the one with the smallest
 * denominator, found by walking the Stern–Brocot tree. Used only when Rust's midpoint rule
 * would overflow 64 bits.
 */
export function simplestBetween(lo: Rational, hi: Rational): Rational {
  const [ln, ld] = lo;
  const [hn, hd] = hi;
  if (ln < 0n && hn > 0n) return [0n, 1n];
  if (ln >= 0n) return simplestNonNegative(ln, ld, hn, hd);
  const [n, d] = simplestNonNegative(-hn, hd, -ln, ld);
  return [-n, d];
}

/**
 * Simplest rational in the open interval (xn/xd, yn/yd) with 0 <= x < y; `yd = 0` means
 * y = +infinity. The recursion depth is the length of a continued fraction of 64-bit
 * numbers, so it is small (below 100).
 */
function simplestNonNegative(xn: bigint, xd: bigint, yn: bigint, yd: bigint): Rational {
  const q = xn / xd;
  if (yd === 0n || (q + 1n) * yd < yn) return [q + 1n, 1n];
  // Here q <= x < y <= q + 1. Write x = q + rx, y = q + ry with 0 <= rx < ry <= 1; the
  // answer is q + 1/s where s is the simplest rational in (1/ry, 1/rx).
  const rxn = xn - q * xd;
  const ryn = yn - q * yd;
  const [sn, sd] = simplestNonNegative(yd, ryn, xd, rxn);
  return [q * sn + sd, sn];
}
