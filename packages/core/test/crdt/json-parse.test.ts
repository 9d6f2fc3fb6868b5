import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LimitExceededError, MalformedError, isEideticaError } from "../../src/errors/errors.js";
import { JsonNonInteger, type JsonTree, parseJson } from "../../src/crdt/json-parse.js";
import { fcParams } from "@eidetica/test-kit";

/** The value JSON.parse would give for a parsed tree. */
function toNative(tree: JsonTree): unknown {
  if (typeof tree === "bigint") return Number(tree);
  if (tree instanceof JsonNonInteger) return Number(tree.text);
  if (Array.isArray(tree)) return tree.map(toNative);
  if (typeof tree === "object" && tree !== null) {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, toNative(v)]));
  }
  return tree;
}

function outcome(fn: () => unknown): "ok" | "error" {
  try {
    fn();
    return "ok";
  } catch (error) {
    if (!isEideticaError(error)) throw error;
    return "error";
  }
}

describe("parseJson", () => {
  it("keeps integers exact and marks floats", () => {
    expect(parseJson("123456789012345", 64)).toBe(123456789012345);
    expect(parseJson("1234567890123456", 64)).toBe(1234567890123456n);
    expect(parseJson("-9223372036854775808", 64)).toBe(-9223372036854775808n);
    expect(parseJson("18446744073709551615", 64)).toBe(18446744073709551615n);
    for (const text of ["1.0", "-0", "1e3", "2E-2", "123456789012345678901"]) {
      expect(parseJson(text, 64)).toEqual(new JsonNonInteger(text));
    }
  });

  it("refuses what RFC 8259 refuses", () => {
    for (const text of [
      "",
      "01",
      "1.",
      ".5",
      "+1",
      "--1",
      "1e",
      "[1,]",
      '{"a":1,}',
      "{a:1}",
      "'x'",
      "tru",
      "nul",
      '"\\u12"',
      '"\u0007"',
      "[1 2]",
      "{} {}",
      "NaN",
      "Infinity",
      '{"a" 1}',
    ]) {
      expect(() => parseJson(text, 64), text).toThrow(MalformedError);
    }
  });

  it("refuses duplicate keys and lone surrogates, which JSON.parse accepts", () => {
    expect(() => parseJson('{"a":1,"a":2}', 64)).toThrow(/duplicate key "a"/);
    expect(parseJson('{"a":{"a":1},"b":{"a":2}}', 64)).toEqual({ a: { a: 1 }, b: { a: 2 } });
    expect(() => parseJson('"\\udc00"', 64)).toThrow(MalformedError);
    expect(() => parseJson('"\\ud800x"', 64)).toThrow(MalformedError);
    expect(() => parseJson('"\ud800"', 64)).toThrow(MalformedError);
    expect(parseJson('"\\ud83d\\ude00\ud83d\ude00"', 64)).toBe("😀😀");
  });

  it("stops at the depth limit: depth-1 and depth pass, depth+1 throws", () => {
    const nest = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(() => parseJson(nest(9), 10)).not.toThrow();
    expect(() => parseJson(nest(10), 10)).not.toThrow();
    expect(() => parseJson(nest(11), 10)).toThrow(LimitExceededError);
    expect(() => parseJson('{"a":'.repeat(11) + "1" + "}".repeat(11), 10)).toThrow(LimitExceededError);
  });

  it("agrees with JSON.parse on any JSON value", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "medium" }), (text) => {
        expect(toNative(parseJson(text, 1000))).toEqual(JSON.parse(text));
      }),
      fcParams(2000),
    );
  });

  it("accepts exactly what JSON.parse accepts on arbitrary text (up to duplicates and surrogates)", () => {
    const almostJson = fc.oneof(
      fc.string({ unit: "binary", maxLength: 20 }),
      fc
        .json()
        .chain((json) =>
          fc
            .tuple(fc.nat(json.length), fc.constantFrom("", ",", "]", "}", '"', "\\", "-", "0", " ", "e"))
            .map(([at, insert]) => json.slice(0, at) + insert + json.slice(at + 1)),
        ),
    );
    fc.assert(
      fc.property(almostJson, (text) => {
        let native: "ok" | "error" = "ok";
        try {
          JSON.parse(text);
        } catch {
          native = "error";
        }
        const ours = outcome(() => parseJson(text, 1000));
        if (native === "error") expect(ours).toBe("error");
        else if (ours === "error") expect(() => parseJson(text, 1000)).toThrow(/duplicate key|surrogate/);
      }),
      fcParams(3000),
    );
  });
});
