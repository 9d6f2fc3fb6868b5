import { describe, expect, it } from "vitest";
import { LimitExceededError, MalformedError } from "../../src/errors/errors.js";
import { Position } from "../../src/crdt/position.js";
import { I64_MAX, I64_MIN, U64_MAX, simplestBetween } from "../../src/crdt/rational.js";
import { randomUuidBetween } from "../../src/crdt/uuid-range.js";
import { seededRandom } from "../../src/util/random.js";
import { testSeed } from "@eidetica/test-kit";

const random = seededRandom(testSeed());
const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const at = (numerator: bigint, denominator = 1n, id = uuid(1)): Position =>
  Position.fromParts({ numerator, denominator, uniqueId: id });
const value = (p: Position): string => `${p.numerator}/${p.denominator}`;

describe("Position.create", () => {
  it("reduces the fraction (Rust test_position_reduction)", () => {
    expect(value(Position.create(6, 4, random))).toBe("3/2");
    expect(value(Position.create(3, 2, random))).toBe("3/2");
    expect(value(Position.create(0, 7, random))).toBe("0/1");
    expect(value(Position.create(-6n, 4n, random))).toBe("-3/2");
  });

  it("gives a fresh v4 UUID from the injected Random", () => {
    const a = Position.create(1, 1, seededRandom(7));
    const b = Position.create(1, 1, seededRandom(7));
    expect(a.uniqueId).toBe(b.uniqueId);
    expect(a.uniqueId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("refuses out-of-range parts", () => {
    expect(() => Position.create(1, 0, random)).toThrow(MalformedError);
    expect(() => Position.create(I64_MAX + 1n, 1n, random)).toThrow(MalformedError);
    expect(() => Position.create(1n, U64_MAX + 1n, random)).toThrow(MalformedError);
    expect(() => Position.create(0.5, 1, random)).toThrow(MalformedError);
    expect(() => Position.create(2 ** 53, 1, random)).toThrow(MalformedError);
  });

  it("beginning is 0/1 and end is i64::MAX/1", () => {
    expect(value(Position.beginning(random))).toBe("0/1");
    expect(value(Position.end(random))).toBe(`${I64_MAX}/1`);
  });
});

describe("Position.fromParts", () => {
  it("keeps an unreduced fraction exactly, as serde does", () => {
    const p = Position.fromParts({ numerator: 2n, denominator: 4n, uniqueId: uuid(3) });
    expect(value(p)).toBe("2/4");
    expect(p.equals(at(1n, 2n, uuid(3)))).toBe(false); // PartialEq compares fields
    expect(p.compare(at(1n, 2n, uuid(3)))).toBe(0); // Ord compares values: the same slot
  });

  it("accepts any canonical UUID and refuses other spellings", () => {
    expect(
      Position.fromParts({ numerator: 1, denominator: 1, uniqueId: "936da01f-9abd-1d9d-00c7-02af85c822a8" }).uniqueId,
    ).toBe("936da01f-9abd-1d9d-00c7-02af85c822a8");
    for (const bad of [
      "936DA01F-9ABD-4D9D-80C7-02AF85C822A8",
      "936da01f9abd4d9d80c702af85c822a8",
      "{936da01f-9abd-4d9d-80c7-02af85c822a8}",
      "",
    ]) {
      expect(() => Position.fromParts({ numerator: 1, denominator: 1, uniqueId: bad })).toThrow(MalformedError);
    }
  });
});

describe("ordering", () => {
  it("orders by rational value (Rust test_position_ordering)", () => {
    const half = at(1n, 2n, uuid(9));
    const threeQuarters = at(3n, 4n, uuid(1));
    const one = at(1n, 1n, uuid(0));
    expect(half.compare(threeQuarters)).toBe(-1);
    expect(threeQuarters.compare(one)).toBe(-1);
    expect(one.compare(half)).toBe(1);
  });

  it("breaks ties by UUID byte order", () => {
    expect(at(1n, 1n, uuid(1)).compare(at(1n, 1n, uuid(2)))).toBe(-1);
    expect(
      at(1n, 1n, "f0000000-0000-4000-8000-000000000000").compare(at(1n, 1n, "10000000-0000-4000-8000-000000000000")),
    ).toBe(1);
    expect(at(1n, 1n, uuid(5)).compare(at(1n, 1n, uuid(5)))).toBe(0);
  });

  it("compares huge values exactly", () => {
    const a = at(I64_MAX, U64_MAX);
    const b = at(I64_MAX - 1n, U64_MAX - 1n);
    // (2^63-1)/(2^64-1) vs (2^63-2)/(2^64-2): cross products differ by 2^63 - 1 - ... exactly
    expect(a.compare(b)).toBe((I64_MAX * (U64_MAX - 1n) > (I64_MAX - 1n) * U64_MAX ? 1 : -1) as 1 | -1);
    expect(at(I64_MIN).compare(at(I64_MAX))).toBe(-1);
  });
});

describe("Position.between (Rust's rule)", () => {
  const cases: [bigint, bigint, bigint, bigint, string][] = [
    [1n, 1n, 3n, 1n, "2/1"], // midpoint over the common denominator
    [1n, 1n, 2n, 1n, "3/2"], // midpoint lands on an end: double the denominator
    [0n, 1n, 1n, 1n, "1/2"],
    [1n, 2n, 1n, 1n, "3/4"],
    [-2n, 1n, -1n, 1n, "-3/2"], // truncation toward zero lands on the right end
    [-3n, 1n, 1n, 1n, "-1/1"],
    [1n, 3n, 1n, 2n, "5/12"],
    [0n, 1n, I64_MAX, 1n, `${I64_MAX / 2n}/1`], // Rust test: beginning < between < end
  ];
  for (const [ln, ld, rn, rd, expected] of cases) {
    it(`between ${ln}/${ld} and ${rn}/${rd} is ${expected}`, () => {
      const left = at(ln, ld, uuid(1));
      const right = at(rn, rd, uuid(2));
      const mid = Position.between(left, right, random);
      expect(value(mid)).toBe(expected);
      expect(left.compare(mid)).toBe(-1);
      expect(mid.compare(right)).toBe(-1);
      expect(value(Position.between(right, left, random))).toBe(expected); // either order
    });
  }

  it("repeated insertion at the front keeps halving past 2^53 and 2^64", () => {
    let right = at(1n);
    const left = at(0n);
    for (let i = 1; i <= 200; i++) {
      const mid = Position.between(left, right, random);
      expect(left.compare(mid)).toBe(-1);
      expect(mid.compare(right)).toBe(-1);
      right = mid;
    }
    // Rust panics at the 64th step (denominator 2^64 wraps to 0); this port switches to the
    // simplest fraction, 1/(2^63 + k), and keeps going.
    expect(right.numerator).toBe(1n);
    expect(right.denominator > 1n << 63n).toBe(true);
  });

  it("puts a position between equal values by choosing a UUID between theirs", () => {
    const a = at(5n, 1n, "40000000-0000-4000-8000-000000000000");
    const b = at(10n, 2n, "80000000-0000-4000-8000-000000000000");
    for (let i = 0; i < 50; i++) {
      const mid = Position.between(a, b, random);
      expect(value(mid)).toBe("5/1");
      expect(a.compare(mid)).toBe(-1);
      expect(mid.compare(b)).toBe(-1);
      expect(mid.uniqueId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("throws LimitExceededError when no v4 UUID fits between equal values", () => {
    const a = at(1n, 1n, "00000000-0000-4000-8000-000000000000");
    const b = at(1n, 1n, "00000000-0000-4000-8000-000000000001");
    expect(() => Position.between(a, b, random)).toThrow(LimitExceededError);
  });
});

describe("rational and UUID helpers", () => {
  it("simplestBetween finds the fraction with the smallest denominator", () => {
    expect(simplestBetween([1n, 3n], [1n, 2n])).toEqual([2n, 5n]);
    expect(simplestBetween([-1n, 2n], [1n, 2n])).toEqual([0n, 1n]);
    expect(simplestBetween([-1n, 2n], [-1n, 3n])).toEqual([-2n, 5n]);
    expect(simplestBetween([3n, 1n], [7n, 2n])).toEqual([10n, 3n]);
    expect(simplestBetween([0n, 1n], [1n, U64_MAX])).toEqual([1n, U64_MAX + 1n]);
  });

  it("randomUuidBetween stays strictly inside its bounds", () => {
    const lo = "12345678-9abc-4def-8123-456789abcdef";
    const hi = "12345678-9abc-4def-8123-456789abcdf2";
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const id = randomUuidBetween(lo, hi, random);
      expect(id !== undefined && id > lo && id < hi).toBe(true);
      seen.add(id ?? "");
    }
    for (const id of seen) {
      expect(["12345678-9abc-4def-8123-456789abcdf0", "12345678-9abc-4def-8123-456789abcdf1"]).toContain(id);
    }
    expect(randomUuidBetween("ffffffff-ffff-4fff-bfff-ffffffffffff", undefined, random)).toBeUndefined();
    expect(randomUuidBetween(undefined, "00000000-0000-4000-8000-000000000000", random)).toBeUndefined();
    // Between a v4 and a non-v4 UUID: the next v4 UUID after 0fff…-4fff-bfff-… starts a new prefix.
    expect(
      randomUuidBetween("0fffffff-ffff-4fff-bfff-ffffffffffff", "10000000-0000-4000-8000-000000000001", random),
    ).toBe("10000000-0000-4000-8000-000000000000");
  });
});
