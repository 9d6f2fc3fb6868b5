/**
 * fast-check arbitraries for CRDT documents, shared by the property tests and the fixture
 * generator. Positions come from a small pool so that lists in different documents share slots
 * and their values really merge.
 */
import fc from "fast-check";
import { DELETED, Doc, List, Position, type Value } from "../../src/crdt/index.js";
import { I64_MAX, I64_MIN, U64_MAX } from "../../src/crdt/rational.js";
import { seededRandom } from "../../src/util/random.js";

const UUIDS = [
  "00000000-0000-4000-8000-000000000001",
  "7f3b2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0",
  "ffffffff-ffff-4fff-bfff-fffffffffffe",
];
const RATIONALS: [bigint, bigint][] = [
  [-1n, 1n],
  [0n, 1n],
  [1n, 2n],
  [2n, 4n], // the same value as 1/2, unreduced, as a Rust peer could write
  [1n, 1n],
  [3n, 2n],
  [I64_MAX, 1n],
  [I64_MIN, U64_MAX],
  [1n, 1n << 60n],
  [-(1n << 62n), 3n],
];

/** Positions with a few shared slots (1/2 and 2/4 with the same UUID are one slot). */
export const POSITIONS: readonly Position[] = RATIONALS.flatMap(([numerator, denominator]) =>
  UUIDS.slice(0, 2).map((uniqueId) => Position.fromParts({ numerator, denominator, uniqueId })),
).concat(Position.fromParts({ numerator: 1n, denominator: 1n, uniqueId: UUIDS[2] ?? "" }));

/** Identifies a list slot: positions with the same value and UUID are the same slot. */
export function slotKey(position: Position): string {
  const g = gcd(position.numerator, position.denominator);
  return `${position.numerator / g}/${position.denominator / g}#${position.uniqueId}`;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

/** Keys that collide often, plus keys that need escaping or sort oddly. */
export const keyArb = fc.constantFrom(
  "a",
  "b",
  "c",
  "",
  "a.b",
  "Text",
  "_v",
  "ключ",
  "\u{1F600}",
  "\uFFFD",
  '"q"',
  "\\",
  "\u0000\u001f\u007f",
  "\u2028",
);

/** Text: tricky fixed strings or any short Unicode string (no lone surrogates). */
export const textArb = fc.oneof(
  fc.constantFrom("", "Null", "Deleted", 'quote " and \\ backslash', "tab\tnew\nline\r\b\f", "é😀中", "</script>"),
  fc.string({ unit: "binary", maxLength: 12 }),
);

/** Int values: small ones that collide, and the whole safe range. */
export const intArb = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.maxSafeInteger(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
);

/** Null, Bool, Int or Text. */
export const scalarArb: fc.Arbitrary<Value> = fc.oneof(fc.constant(null), fc.boolean(), intArb, textArb);

const atomicArb = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

/** Any value, at most `maxDepth` containers deep (each Doc level is 3 JSON levels). */
export function valueArb(maxDepth = 4): fc.Arbitrary<Value> {
  const { value } = fc.letrec<{ value: Value; doc: Doc; list: List }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", maxDepth, withCrossShrink: true },
      { weight: 4, arbitrary: scalarArb },
      { weight: 1, arbitrary: fc.constant(DELETED) },
      { weight: 2, arbitrary: tie("doc") },
      { weight: 1, arbitrary: tie("list") },
    ),
    doc: fc
      .tuple(fc.array(fc.tuple(keyArb, tie("value")), { maxLength: 4 }), atomicArb)
      .map(([entries, atomic]) => Doc.fromEntries(entries, { atomic })),
    list: fc
      .uniqueArray(fc.tuple(fc.constantFrom(...POSITIONS), tie("value")), {
        maxLength: 4,
        selector: ([p]) => slotKey(p),
      })
      .map((entries) => List.fromEntries(entries)),
  }));
  return value;
}

/** A top-level document (atomic now and then). */
export function docArb(maxDepth = 4): fc.Arbitrary<Doc> {
  return fc
    .tuple(fc.array(fc.tuple(keyArb, valueArb(maxDepth)), { maxLength: 6 }), atomicArb)
    .map(([entries, atomic]) => Doc.fromEntries(entries, { atomic }));
}

/**
 * A chain of up to 20 nested docs under the root with a scalar leaf and siblings at each level:
 * up to 63 JSON levels, next to the 64 limit.
 */
export const deepDocArb: fc.Arbitrary<Doc> = fc
  .tuple(fc.integer({ min: 0, max: 20 }), fc.array(fc.tuple(keyArb, scalarArb), { maxLength: 21 }), scalarArb)
  .map(([levels, siblings, leaf]) => {
    let doc = Doc.fromEntries([["leaf", leaf]]);
    for (let i = levels - 1; i >= 0; i--) {
      const sibling = siblings[i];
      const entries: [string, Value][] = [[`n${i}`, doc]];
      if (sibling !== undefined && sibling[0] !== `n${i}`) entries.push(sibling);
      doc = Doc.fromEntries(entries);
    }
    return doc;
  });

const scalarOrDeletedArb = fc.oneof(
  { weight: 4, arbitrary: scalarArb },
  { weight: 1, arbitrary: fc.constant<Value>(DELETED) },
);

/**
 * "Type-stable" documents: every slot has a fixed kind across all generated documents (keys
 * `s*` scalars or tombstones, `d*` docs, `l*` lists; in lists, even pool indexes hold scalars or
 * tombstones and odd ones docs), and containers are never tombstoned. Merge is associative on
 * these (see src/crdt/merge.ts).
 */
export function stableDocArb(depth = 3): fc.Arbitrary<Doc> {
  const inner = depth <= 0 ? fc.constant(new Doc()) : stableDocArb(depth - 1);
  const list: fc.Arbitrary<List> =
    depth <= 0
      ? fc.constant(new List())
      : fc
          .uniqueArray(fc.integer({ min: 0, max: POSITIONS.length - 1 }), {
            maxLength: 4,
            selector: (i) => slotKey(POSITIONS[i] as Position),
          })
          .chain((indexes) =>
            fc
              .tuple(...indexes.map((i) => (i % 2 === 0 ? scalarOrDeletedArb : inner)))
              .map((values) => List.fromEntries(indexes.map((i, k) => [POSITIONS[i] as Position, values[k] as Value]))),
          );
  return fc
    .tuple(
      fc.record(
        { s1: scalarOrDeletedArb, s2: scalarOrDeletedArb, d1: inner, d2: inner, l1: list },
        { requiredKeys: [] },
      ),
      atomicArb,
    )
    .map(([record, atomic]) => Doc.fromEntries(Object.entries(record) as [string, Value][], { atomic }));
}

/**
 * Splits a non-atomic document into two whose merge, in either order, is the original: each
 * slot goes to one side, to both (identical), or, for a non-atomic doc or a list, is split again.
 */
export function splitDoc(doc: Doc, seed: number): [Doc, Doc] {
  const rng = seededRandom(seed);
  const splitValue = (value: Value): [Value | undefined, Value | undefined] => {
    const choice = rng.nextU32() % 4;
    if (choice === 0) return [value, undefined];
    if (choice === 1) return [undefined, value];
    if (choice === 3 && value instanceof Doc && !value.isAtomic) return splitEntries(value);
    if (choice === 3 && value instanceof List) {
      const a: [Position, Value][] = [];
      const b: [Position, Value][] = [];
      for (const [position, item] of value.rawEntries()) {
        const [x, y] = splitValue(item);
        if (x !== undefined) a.push([position, x]);
        if (y !== undefined) b.push([position, y]);
      }
      return [List.fromEntries(a), List.fromEntries(b)];
    }
    return [value, value];
  };
  const splitEntries = (d: Doc): [Doc, Doc] => {
    const a: [string, Value][] = [];
    const b: [string, Value][] = [];
    for (const [key, value] of d.rawEntries()) {
      const [x, y] = splitValue(value);
      if (x !== undefined) a.push([key, x]);
      if (y !== undefined) b.push([key, y]);
    }
    return [Doc.fromEntries(a), Doc.fromEntries(b)];
  };
  return splitEntries(doc);
}
