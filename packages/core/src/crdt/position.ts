/**
 * List positions: a rational number plus a UUID, as Rust's `crdt::doc::list::Position`.
 *
 * @module
 */

import { LimitExceededError, MalformedError } from "../errors/errors.js";
import { type Random, randomUuidV4, systemRandom } from "../util/random.js";
import {
  I64_MAX,
  I64_MIN,
  U64_MAX,
  compareRational,
  fitsPosition,
  floorDiv,
  reduce,
  simplestBetween,
} from "./rational.js";
import { isCanonicalUuid, randomUuidBetween } from "./uuid-range.js";

/** The three fields of a {@link Position}, as they appear in JSON (`unique_id` is `uniqueId`). */
export interface PositionParts {
  /** Numerator, an `i64`. */
  readonly numerator: bigint | number;
  /** Denominator, a `u64` greater than 0. */
  readonly denominator: bigint | number;
  /** A UUID in canonical lower-case hyphenated form. */
  readonly uniqueId: string;
}

/**
 * Where an item sits in a {@link List}: the rational `numerator / denominator`, then a UUID
 * that breaks ties. Positions order by rational value first and by `uniqueId` second; two
 * positions with the same value and UUID are the same list slot.
 *
 * `numerator` and `denominator` are `bigint`s so that every `i64` / `u64` that a Rust peer writes
 * survives exactly (repeated insertion between two neighbours doubles the denominator, which
 * passes 2^53 after about 53 insertions). Positions are immutable.
 */
export class Position {
  /** The numerator, an `i64`. */
  readonly numerator: bigint;
  /** The denominator, a `u64` greater than 0. */
  readonly denominator: bigint;
  /** The tie-breaking UUID in canonical lower-case hyphenated form (JSON field `unique_id`). */
  readonly uniqueId: string;

  private constructor(numerator: bigint, denominator: bigint, uniqueId: string) {
    this.numerator = numerator;
    this.denominator = denominator;
    this.uniqueId = uniqueId;
    Object.freeze(this);
  }

  /**
   * Creates a position at `numerator / denominator` in lowest terms, with a fresh v4 UUID
   * (Rust's `Position::new`).
   *
   * @throws {@link MalformedError} if the numerator is not an `i64` or the denominator not a
   *   positive `u64`.
   */
  static create(
    numerator: bigint | number,
    denominator: bigint | number = 1n,
    random: Random = systemRandom,
  ): Position {
    const n = toBigInt(numerator, "numerator");
    const d = toBigInt(denominator, "denominator");
    checkRange(n, d, undefined);
    const [rn, rd] = reduce(n, d);
    return new Position(rn, rd, randomUuidV4(random));
  }

  /**
   * Builds a position from exact parts, without reducing the fraction, as serde does when it
   * reads JSON. `uniqueId` may be any canonical UUID, not only v4.
   *
   * @param path - Where the parts came from, for error messages.
   * @throws {@link MalformedError} if a part is out of range or the UUID is not canonical.
   */
  static fromParts(parts: PositionParts, path?: string): Position {
    const n = toBigInt(parts.numerator, "numerator", path);
    const d = toBigInt(parts.denominator, "denominator", path);
    checkRange(n, d, path);
    if (typeof parts.uniqueId !== "string" || !isCanonicalUuid(parts.uniqueId)) {
      throw new MalformedError("unique_id must be a lower-case hyphenated UUID", path);
    }
    return new Position(n, d, parts.uniqueId);
  }

  /** The position `0/1` with a fresh UUID (Rust's `Position::beginning`). */
  static beginning(random: Random = systemRandom): Position {
    return new Position(0n, 1n, randomUuidV4(random));
  }

  /** The position `i64::MAX / 1` with a fresh UUID (Rust's `Position::end`). */
  static end(random: Random = systemRandom): Position {
    return new Position(I64_MAX, 1n, randomUuidV4(random));
  }

  /**
   * A new position strictly between `a` and `b` (in either order), following Rust's
   * `Position::between`: the midpoint `(l + r) / 2` over the common denominator, truncated, and
   * when that lands on an end, the exact midpoint over twice the denominator, reduced.
   *
   * Two deliberate differences from Rust, which panics or misorders in these cases:
   * - if the midpoint does not fit in `i64` / `u64`, the simplest fraction between the two is
   *   used instead;
   * - if `a` and `b` have the same rational value, the result has that value and a random v4
   *   UUID between theirs, so that it really sorts between them.
   *
   * @throws {@link LimitExceededError} (limit `"positionBits"`) if no position fits between.
   */
  static between(a: Position, b: Position, random: Random = systemRandom): Position {
    const [left, right] = a.compare(b) <= 0 ? [a, b] : [b, a];
    const ln = left.numerator * right.denominator;
    const rn = right.numerator * left.denominator;
    const common = left.denominator * right.denominator;
    if (ln === rn) {
      const [n, d] = reduce(left.numerator, left.denominator);
      return sameValue(n, d, left.uniqueId, right.uniqueId, random);
    }
    const mid = (ln + rn) / 2n;
    let [n, d] = mid === ln || mid === rn ? reduce(ln + rn, common * 2n) : reduce(mid, common);
    if (!fitsPosition(n, d)) {
      [n, d] = simplestBetween([left.numerator, left.denominator], [right.numerator, right.denominator]);
      if (!fitsPosition(n, d)) throw noRoom();
    }
    return new Position(n, d, randomUuidV4(random));
  }

  /**
   * Total order: by rational value, then by `uniqueId` (the byte order of the UUIDs).
   * Returns 0 only for the same list slot.
   */
  compare(other: Position): -1 | 0 | 1 {
    const byValue = compareRational(this.numerator, this.denominator, other.numerator, other.denominator);
    if (byValue !== 0) return byValue;
    return this.uniqueId < other.uniqueId ? -1 : this.uniqueId > other.uniqueId ? 1 : 0;
  }

  /** Exact equality of all three fields (Rust's derived `PartialEq`): `1/2` differs from `2/4`. */
  equals(other: Position): boolean {
    return (
      this.numerator === other.numerator && this.denominator === other.denominator && this.uniqueId === other.uniqueId
    );
  }

  /** A debugging form such as `3/2#6f1c…`. */
  toString(): string {
    return `${this.numerator}/${this.denominator}#${this.uniqueId}`;
  }
}

/** The position Rust's `List::push` picks after `last`: `(last.numerator + 1) / 1`. */
export function positionForPush(last: Position, random: Random): Position {
  const n = last.numerator < I64_MAX ? last.numerator + 1n : I64_MAX;
  return after(last, n, 1n, random);
}

/** The position Rust's `List::insert` picks at the end: `(last.numerator + 1) / last.denominator`. */
export function positionForAppend(last: Position, random: Random): Position {
  return after(last, last.numerator + 1n, last.denominator, random);
}

/** The position Rust's `List::insert(0)` picks: `(first.numerator - 1) / first.denominator`. */
export function positionForPrepend(first: Position, random: Random): Position {
  const n = first.numerator - 1n;
  if (n >= I64_MIN) {
    const [rn, rd] = reduce(n, first.denominator);
    return make(rn, rd, randomUuidV4(random));
  }
  // first.numerator is i64::MIN: use the next integer below, if any, else the same value.
  const below = -floorDiv(-first.numerator, first.denominator) - 1n;
  if (below >= I64_MIN) return make(below, 1n, randomUuidV4(random));
  const [rn, rd] = reduce(first.numerator, first.denominator);
  return sameValue(rn, rd, undefined, first.uniqueId, random);
}

/**
 * Rust's candidate `n / d` if it fits and sorts after `last`; otherwise the next integer above
 * `last`; otherwise `last`'s value with a larger UUID. (Rust's push rule sorts before `last` when
 * `last` is a negative fraction such as -7/2, and overflows at `i64::MAX`.)
 */
function after(last: Position, n: bigint, d: bigint, random: Random): Position {
  if (n <= I64_MAX) {
    const [rn, rd] = reduce(n, d);
    if (compareRational(rn, rd, last.numerator, last.denominator) > 0) {
      return make(rn, rd, randomUuidV4(random));
    }
  }
  const above = floorDiv(last.numerator, last.denominator) + 1n;
  if (above <= I64_MAX) return make(above, 1n, randomUuidV4(random));
  const [rn, rd] = reduce(last.numerator, last.denominator);
  return sameValue(rn, rd, last.uniqueId, undefined, random);
}

function sameValue(n: bigint, d: bigint, lo: string | undefined, hi: string | undefined, random: Random): Position {
  const id = randomUuidBetween(lo, hi, random);
  if (id === undefined) throw noRoom();
  return make(n, d, id);
}

function make(numerator: bigint, denominator: bigint, uniqueId: string): Position {
  return Position.fromParts({ numerator, denominator, uniqueId });
}

/** No 64-bit position fits: reported as needing more than the 64 bits a numerator or denominator has. */
function noRoom(): LimitExceededError {
  return new LimitExceededError("positionBits", 64, 65);
}

function toBigInt(value: bigint | number, field: string, path?: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw new MalformedError(`${field} must be an integer (a bigint, or a number within the safe range)`, path);
}

function checkRange(n: bigint, d: bigint, path: string | undefined): void {
  if (n < I64_MIN || n > I64_MAX) throw new MalformedError("numerator is outside the i64 range", path);
  if (d < 1n || d > U64_MAX) throw new MalformedError("denominator must be in 1..=2^64-1", path);
}
