import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareUtf8, fromBase64, fromHex, fromUtf8, jsonDepth, toBase64, toHex, utf8 } from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { fcParams } from "@eidetica/test-kit";

describe("base64 (standard, padded, strict)", () => {
  it("round-trips and matches Node's encoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(toHex(fromBase64(text))).toBe(toHex(bytes));
      }),
      fcParams(1000),
    );
  });

  it("rejects every non-canonical form", () => {
    for (const bad of ["A", "AA", "AA=", "AB==", "AAB=", "A===", "AA==AA==", "AA-_", "AA AA", "ÀAAA", "=AAA"]) {
      expectCode(() => fromBase64(bad), "MALFORMED");
    }
    expect(fromBase64("")).toEqual(new Uint8Array(0));
    expect(fromBase64("AA==")).toEqual(Uint8Array.of(0));
  });
});

describe("UTF-8", () => {
  it("compareUtf8 orders as the UTF-8 bytes do", () => {
    const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(byBytes(a, b)));
      }),
      fcParams(2000),
    );
    // UTF-16 order would put U+1F600 (surrogates D83D…) before U+FFFF.
    expect(compareUtf8("\u{1f600}", "\u{ffff}")).toBeGreaterThan(0);
  });

  it("fromUtf8 rejects invalid sequences with a typed error", () => {
    expectCode(() => fromUtf8(Uint8Array.of(0xc0, 0x80)), "MALFORMED");
    expectCode(() => fromUtf8(Uint8Array.of(0xed, 0xa0, 0x80)), "MALFORMED");
    expect(fromUtf8(utf8("é😀"))).toBe("é😀");
  });
});

describe("hex and JSON depth", () => {
  it("hex round-trips and rejects junk", () => {
    expect(toHex(fromHex("00ff10"))).toBe("00ff10");
    expectCode(() => fromHex("0"), "MALFORMED");
    expectCode(() => fromHex("zz"), "MALFORMED");
  });

  it("jsonDepth skips strings, escapes included, and stops early", () => {
    expect(jsonDepth('{"a":[1,{"b":"]]}\\"[["}]}')).toBe(3);
    expect(jsonDepth("[".repeat(1000), 10)).toBe(11);
    expect(jsonDepth("1")).toBe(0);
  });
});
