import { describe, expect, it } from "vitest";
import { LimitExceededError, MalformedError, UnsupportedVersionError } from "../../src/errors/errors.js";
import {
  DELETED,
  Doc,
  List,
  Position,
  docFromJson,
  docFromJsonValue,
  docToJson,
  docToJsonBytes,
} from "../../src/crdt/index.js";
import { LIMITS } from "../../src/limits.js";

const ID = "936da01f-9abd-4d9d-80c7-02af85c822a8";
const pos = (numerator: bigint, denominator = 1n): Position =>
  Position.fromParts({ numerator, denominator, uniqueId: ID });

/** Catches the error thrown by `fn`, failing the test if nothing is thrown. */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new TypeError("expected an error");
}

describe("docToJson: exact serde output", () => {
  it("writes the spec example and every variant", () => {
    expect(docToJson(new Doc())).toBe('{"children":{}}');
    expect(docToJson(new Doc().set("k", "v"))).toBe('{"children":{"k":{"Text":"v"}}}');
    const doc = Doc.fromEntries([
      ["n", null],
      ["t", true],
      ["f", false],
      ["i", -42],
      ["s", "x"],
      ["d", Doc.atomic()],
      [
        "l",
        List.fromEntries([
          [pos(-3n, 2n), "a"],
          [pos(1n), DELETED],
        ]),
      ],
      ["x", DELETED],
    ]);
    expect(docToJson(doc)).toBe(
      '{"children":{"d":{"Doc":{"_a":true,"children":{}}},"f":{"Bool":false},"i":{"Int":-42},' +
        '"l":{"List":[[{"numerator":-3,"denominator":2,"unique_id":"936da01f-9abd-4d9d-80c7-02af85c822a8"},{"Text":"a"}],' +
        '[{"numerator":1,"denominator":1,"unique_id":"936da01f-9abd-4d9d-80c7-02af85c822a8"},"Deleted"]]},' +
        '"n":"Null","s":{"Text":"x"},"t":{"Bool":true},"x":"Deleted"}}',
    );
  });

  it("escapes strings as serde_json does", () => {
    const text = '"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028é😀';
    expect(docToJson(new Doc().set("k", text))).toBe(
      '{"children":{"k":{"Text":"\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028é😀"}}}',
    );
  });

  it("writes 64-bit position parts exactly", () => {
    const big = Position.fromParts({ numerator: -(2n ** 63n), denominator: 2n ** 64n - 1n, uniqueId: ID });
    const json = docToJson(new Doc().set("l", List.fromEntries([[big, 1]])));
    expect(json).toContain('"numerator":-9223372036854775808,"denominator":18446744073709551615,');
    expect(docToJson(docFromJson(json))).toBe(json);
    expect(docFromJson(json).getList("l")?.positionAt(0)?.denominator).toBe(2n ** 64n - 1n);
  });

  it("sorts keys by code point", () => {
    const doc = Doc.fromEntries([
      ["\u{1F600}", 1],
      ["\uFFFD", 2],
      ["b", 3],
      ["B", 4],
      ["", 5],
    ]);
    expect(docToJson(doc)).toBe(
      '{"children":{"":{"Int":5},"B":{"Int":4},"b":{"Int":3},"\uFFFD":{"Int":2},"\u{1F600}":{"Int":1}}}',
    );
  });

  it("docToJsonBytes is the UTF-8 encoding", () => {
    const bytes = docToJsonBytes(new Doc().set("é", "😀"));
    expect(new TextDecoder().decode(bytes)).toBe('{"children":{"é":{"Text":"😀"}}}');
    expect(bytes.length).toBe(35);
  });
});

describe("docFromJson", () => {
  it("reads what it writes, tombstones and flags included", () => {
    const json =
      '{"_a":true,"children":{"a":"Deleted","b":{"Doc":{"children":{"c":{"List":[[{"numerator":2,"denominator":4,"unique_id":"936da01f-9abd-4d9d-80c7-02af85c822a8"},"Null"]]}}}}}}';
    const doc = docFromJson(json);
    expect(doc.isAtomic).toBe(true);
    expect(doc.isTombstone("a")).toBe(true);
    expect(doc.get("b.c.0")).toBeNull();
    expect(docToJson(doc)).toBe(json);
  });

  it("accepts UTF-8 bytes and refuses invalid UTF-8", () => {
    const bytes = new TextEncoder().encode('{"children":{"é":{"Text":"😀"}}}');
    expect(docFromJson(bytes).getText("é")).toBe("😀");
    expect(caught(() => docFromJson(new Uint8Array([0x7b, 0xff, 0x7d])))).toBeInstanceOf(MalformedError);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"children":{}}')]);
    expect(caught(() => docFromJson(bom))).toBeInstanceOf(MalformedError);
  });

  it("reports where the problem is", () => {
    const at = (json: string): string | undefined => (caught(() => docFromJson(json)) as MalformedError).path;
    expect(at('{"children":{"a":{"Int":"1"}}}')).toBe("children.a.Int");
    expect(at('{"children":{"a b":{"Doc":{"children":{"x":{"Bool":1}}}}}}')).toBe(
      'children["a b"].Doc.children.x.Bool',
    );
    expect(
      at(
        '{"children":{"l":{"List":[[{"numerator":1,"denominator":0,"unique_id":"936da01f-9abd-4d9d-80c7-02af85c822a8"},"Null"]]}}}',
      ),
    ).toBe("children.l.List[0][0]");
    expect(at('{"children":{"l":{"List":[[{"numerator":1,"denominator":1,"unique_id":"x"},"Null"]]}}}')).toBe(
      "children.l.List[0][0].unique_id",
    );
    expect(at('{"children":{"l":{"List":[["Null"]]}}}')).toBe("children.l.List[0]");
    expect(at('{"children":{},"x":1}')).toBeUndefined();
    expect(at('{"children":{"a":{"Int":9007199254740992}}}')).toBe("children.a.Int");
  });

  it("throws UnsupportedVersionError for a version other than 0", () => {
    const error = caught(() => docFromJson('{"_v":1,"children":{}}'));
    expect(error).toBeInstanceOf(UnsupportedVersionError);
    expect((error as UnsupportedVersionError).version).toBe(1n);
    expect(docFromJsonValue({ _v: 0, children: {} }).equals(new Doc())).toBe(true);
  });
});

describe("depth limit", () => {
  // The root doc is 2 levels; each nested doc adds 3; an empty list leaf adds 2.
  const nested = (levels: number, leaf: string): string =>
    '{"children":{"k":{"Doc":'.repeat(levels) + `{"children":{"leaf":${leaf}}}` + "}}}".repeat(levels);

  it("accepts exactly 64 levels and refuses 65 before building anything", () => {
    expect(docFromJson(nested(20, '{"List":[]}')).jsonDepth).toBe(64);
    expect(docFromJson(nested(20, '{"Text":"x"}')).jsonDepth).toBe(63);
    const error = caught(() => docFromJson(nested(20, '{"Doc":{"children":{}}}')));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).limit).toBe("jsonDepth");
    expect((error as LimitExceededError).max).toBe(LIMITS.jsonDepth);
    expect((error as LimitExceededError).actual).toBe(65);
  });

  it("counts every array and object, whatever the shape", () => {
    expect(caught(() => docFromJson("[".repeat(64) + "]".repeat(64)))).toBeInstanceOf(MalformedError);
    expect(caught(() => docFromJson("[".repeat(65) + "]".repeat(65)))).toBeInstanceOf(LimitExceededError);
    expect(caught(() => docFromJsonValue(JSON.parse("[".repeat(64) + "]".repeat(64))))).toBeInstanceOf(MalformedError);
    expect(caught(() => docFromJsonValue(JSON.parse("[".repeat(65) + "]".repeat(65))))).toBeInstanceOf(
      LimitExceededError,
    );
  });

  it("refuses a 1,000,000-deep text without recursing", () => {
    const depth = 1_000_000;
    const text = '{"children":{"k":{"Doc":'.repeat(depth / 3) + "{}" + "}}}".repeat(depth / 3);
    const error = caught(() => docFromJson(text));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).actual).toBe(65);
    expect(caught(() => docFromJson("[".repeat(depth)))).toBeInstanceOf(LimitExceededError);
  });

  it("refuses a 1,000,000-deep value, and a cyclic one, without recursing", () => {
    let value: unknown = {};
    for (let i = 0; i < 1_000_000; i++) value = { children: { k: { Doc: value } } };
    expect(caught(() => docFromJsonValue(value))).toBeInstanceOf(LimitExceededError);
    const cyclic: Record<string, unknown> = { children: {} };
    (cyclic["children"] as Record<string, unknown>)["me"] = { Doc: cyclic };
    expect(caught(() => docFromJsonValue(cyclic))).toBeInstanceOf(LimitExceededError);
  });
});

describe("docFromJsonValue", () => {
  it("accepts numbers and bigints, refuses unsafe numbers and non-plain objects", () => {
    const list = (numerator: unknown, denominator: unknown) => ({
      children: { l: { List: [[{ numerator, denominator, unique_id: ID }, "Null"]] } },
    });
    expect(docFromJsonValue(list(1, 2)).getList("l")?.positionAt(0)?.denominator).toBe(2n);
    expect(
      docFromJsonValue(list(-(2n ** 63n), 2n ** 64n - 1n))
        .getList("l")
        ?.positionAt(0)?.numerator,
    ).toBe(-(2n ** 63n));
    expect(caught(() => docFromJsonValue(list(2 ** 60, 1)))).toBeInstanceOf(MalformedError);
    expect(caught(() => docFromJsonValue(list(0.5, 1)))).toBeInstanceOf(MalformedError);
    expect(docFromJsonValue({ children: { a: { Int: 5n } } }).getInt("a")).toBe(5);
    expect(caught(() => docFromJsonValue({ children: { a: { Int: 2.5 } } }))).toBeInstanceOf(MalformedError);
    expect(caught(() => docFromJsonValue({ children: new Map() }))).toBeInstanceOf(MalformedError);
    expect(caught(() => docFromJsonValue({ children: { a: { Text: "\uD800" } } }))).toBeInstanceOf(MalformedError);
    expect(caught(() => docFromJsonValue({ children: { "\uDC00": "Null" } }))).toBeInstanceOf(MalformedError);
    expect(caught(() => docFromJsonValue(null))).toBeInstanceOf(MalformedError);
  });

  it("keeps a __proto__ key as an ordinary key", () => {
    const doc = docFromJson('{"children":{"__proto__":{"Int":1}}}');
    expect(doc.getInt("__proto__")).toBe(1);
    expect(docToJson(doc)).toBe('{"children":{"__proto__":{"Int":1}}}');
    expect(Object.keys(doc.toPlain())).toEqual(["__proto__"]);
  });
});
