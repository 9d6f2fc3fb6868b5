/**
 * Boundary tests for every limit an entry decoder enforces (DESIGN section 5): each at
 * limit - 1, limit and limit + 1, through the builder and through the wire decoder.
 */
import { describe, expect, it } from "vitest";
import {
  EntryBuilder,
  LIMITS,
  decodeWireEntry,
  encodeWireEntry,
  idFromDagCbor,
  parseJsonLimited,
  parseWireEntry,
  utf8,
} from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";

const ROOT = idFromDagCbor(utf8("root"));
const ids = (n: number) => Array.from({ length: n }, (_, i) => idFromDagCbor(utf8(`parent ${i}`)));
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe(`parents per entry (${LIMITS.parentsPerEntry})`, () => {
  const limit = LIMITS.parentsPerEntry;
  it.each([limit - 1, limit])("%i main parents and store parents are accepted", (n) => {
    const entry = new EntryBuilder(ROOT).parents(ids(n)).storeParents("s", ids(n)).build();
    expect(entry.parents).toHaveLength(n);
    expect(parseWireEntry(encodeWireEntry(entry)).id).toBe(entry.id);
  });

  it(`${limit + 1} main parents are rejected by the builder and the decoder`, () => {
    expectCode(() => new EntryBuilder(ROOT).parents(ids(limit + 1)).build(), "LIMIT_EXCEEDED");
    const w = JSON.parse(encodeWireEntry(new EntryBuilder(ROOT).parents(ids(limit)).build())) as Json;
    w.tree.parents = ids(limit + 1);
    expectCode(() => decodeWireEntry(w), "LIMIT_EXCEEDED");
  });

  it(`${limit + 1} store parents are rejected by the builder and the decoder`, () => {
    expectCode(() => new EntryBuilder(ROOT).parents(ids(1)).storeParents("s", ids(limit + 1)).build(), "LIMIT_EXCEEDED");
    const w = JSON.parse(encodeWireEntry(new EntryBuilder(ROOT).parents(ids(1)).storeParents("s", []).build())) as Json;
    w.subtrees[0].parents = ids(limit + 1);
    expectCode(() => decodeWireEntry(w), "LIMIT_EXCEEDED");
  });
});

describe(`encoded entry size (${LIMITS.entryBytes} bytes)`, () => {
  const limit = LIMITS.entryBytes;
  const withData = (n: number) => new EntryBuilder(ROOT).parents(ids(1)).storeData("s", new Uint8Array(n));
  // Above 64 KiB a byte string's head has a fixed size, so the encoding grows byte for byte.
  const overhead = withData(100_000).build().encodedLength - 100_000;

  it.each([limit - 1, limit])("an entry of %i encoded bytes is accepted, built or decoded", (size) => {
    const entry = withData(size - overhead).build();
    expect(entry.encodedLength).toBe(size);
    expect(parseWireEntry(encodeWireEntry(entry)).id).toBe(entry.id);
  });

  it(`an entry of ${limit + 1} encoded bytes is rejected, built or decoded`, () => {
    expectCode(() => withData(limit + 1 - overhead).build(), "LIMIT_EXCEEDED");
    const w = JSON.parse(encodeWireEntry(withData(10).build())) as Json;
    w.subtrees[0].data = new Array(limit + 1 - overhead).fill(0);
    const error = expectCode(() => decodeWireEntry(w), "LIMIT_EXCEEDED");
    expect(error).toMatchObject({ limit: "entryBytes", max: limit, actual: limit + 1 });
  });
});

describe(`JSON nesting depth (${LIMITS.jsonDepth})`, () => {
  const limit = LIMITS.jsonDepth;
  const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

  it.each([limit - 1, limit])("depth %i parses", (depth) => {
    let value = parseJsonLimited(nested(depth));
    let seen = 0;
    while (Array.isArray(value)) {
      seen++;
      value = value[0];
    }
    expect(seen).toBe(depth);
  });

  it(`depth ${limit + 1} is rejected before parsing, also inside an entry`, () => {
    expectCode(() => parseJsonLimited(nested(limit + 1)), "LIMIT_EXCEEDED");
    const text = encodeWireEntry(new EntryBuilder(ROOT).parents(ids(1)).build());
    const deep = text.replace('"parents":[', `"junk":${nested(limit)},"parents":[`);
    expectCode(() => parseWireEntry(deep), "LIMIT_EXCEEDED");
    // Brackets inside strings do not count.
    expect(parseJsonLimited(JSON.stringify("[".repeat(1000)))).toBe("[".repeat(1000));
  });

  it("a million-deep input fails fast with a typed error, not a stack overflow", () => {
    expectCode(() => parseWireEntry(nested(1_000_000)), "LIMIT_EXCEEDED");
  });
});

describe(`message size (${LIMITS.messageBytes} bytes)`, () => {
  const limit = LIMITS.messageBytes;
  // A JSON string literal of exactly n bytes.
  const ofSize = (n: number) => `"${"a".repeat(n - 2)}"`;

  it.each([limit - 1, limit])("%i bytes parse, as text and as UTF-8", (n) => {
    expect((parseJsonLimited(ofSize(n)) as string).length).toBe(n - 2);
    expect((parseJsonLimited(utf8(ofSize(n))) as string).length).toBe(n - 2);
  });

  it(`${limit + 1} bytes are rejected, as text and as UTF-8`, () => {
    expectCode(() => parseJsonLimited(ofSize(limit + 1)), "LIMIT_EXCEEDED");
    expectCode(() => parseJsonLimited(utf8(ofSize(limit + 1))), "LIMIT_EXCEEDED");
  });

  it("counts UTF-8 bytes, not UTF-16 units", () => {
    const text = `"${"é".repeat(limit / 2)}"`; // 2 bytes each: over the limit by 2
    expect(text.length).toBeLessThan(limit);
    expectCode(() => parseJsonLimited(text), "LIMIT_EXCEEDED");
  });
});

describe(`delegation path (${LIMITS.delegationSteps} steps, ${LIMITS.delegationTips} tips a step)`, () => {
  const signedWire = () =>
    JSON.parse(encodeWireEntry(new EntryBuilder(ROOT).parents(ids(1)).build())) as Json;
  const withPath = (steps: number, tips: number) => {
    const w = signedWire();
    w.sig = {
      sig: "AA==",
      key: { Delegation: { path: Array.from({ length: steps }, () => ({ tree: ROOT, tips: ids(tips) })), hint: {} } },
    };
    return w;
  };

  it.each([
    [LIMITS.delegationSteps - 1, LIMITS.delegationTips - 1],
    [LIMITS.delegationSteps, LIMITS.delegationTips],
  ])("%i steps of %i tips decode", (steps, tips) => {
    const entry = decodeWireEntry(withPath(steps, tips));
    expect("Delegation" in entry.sig.key && entry.sig.key.Delegation.path.length).toBe(steps);
  });

  it("one step or one tip more is rejected", () => {
    expectCode(() => decodeWireEntry(withPath(LIMITS.delegationSteps + 1, 1)), "LIMIT_EXCEEDED");
    expectCode(() => decodeWireEntry(withPath(1, LIMITS.delegationTips + 1)), "LIMIT_EXCEEDED");
  });
});
