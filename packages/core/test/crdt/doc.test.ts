import { describe, expect, it } from "vitest";
import {
  CrdtTypeMismatchError,
  InvalidPathError,
  LimitExceededError,
  MalformedError,
} from "../../src/errors/errors.js";
import { DELETED, Doc, List, docToJson, pathComponents, parseListIndex, valueKind } from "../../src/crdt/index.js";
import { seededRandom } from "../../src/util/random.js";
import { testSeed } from "@eidetica/test-kit";

const random = seededRandom(testSeed());

describe("paths", () => {
  it("split on dots and drop empty components", () => {
    expect(pathComponents("user.profile.name")).toEqual(["user", "profile", "name"]);
    expect(pathComponents(".a..b.")).toEqual(["a", "b"]);
    expect(pathComponents("")).toEqual([""]);
    expect(pathComponents("...")).toEqual([]);
  });

  it("parse list indexes like Rust's usize::from_str", () => {
    expect(parseListIndex("0")).toBe(0);
    expect(parseListIndex("+7")).toBe(7);
    expect(parseListIndex("007")).toBe(7);
    expect(parseListIndex("-1")).toBeUndefined();
    expect(parseListIndex("1.0")).toBeUndefined();
    expect(parseListIndex("x")).toBeUndefined();
    expect(parseListIndex("99999999999999999999")).toBeUndefined();
  });
});

describe("the TSDoc example of Doc", () => {
  it("behaves as documented", () => {
    const alice = Doc.from({ name: "Alice", age: 30 }).set("user.profile.bio", "Developer");
    expect(alice.getText("name")).toBe("Alice");
    expect(alice.getText("user.profile.bio")).toBe("Developer");
    const later = new Doc().set("name", "Bob").delete("age");
    const merged = alice.merge(later);
    expect(merged.getText("name")).toBe("Bob");
    expect(merged.get("age")).toBeUndefined();
    expect(merged.isTombstone("age")).toBe(true);
    expect(docToJson(merged)).toBe(
      '{"children":{"age":"Deleted","name":{"Text":"Bob"},"user":{"Doc":{"children":{"profile":{"Doc":{"children":{"bio":{"Text":"Developer"}}}}}}}}}',
    );
  });
});

describe("basic operations (Rust doc_tests)", () => {
  it("set, get, has, size", () => {
    const empty = new Doc();
    expect(empty.isEmpty()).toBe(true);
    expect(empty.size).toBe(0);
    const doc = empty.set("name", "Alice").set("age", 30);
    expect(doc.size).toBe(2);
    expect(doc.has("name")).toBe(true);
    expect(doc.has("nonexistent")).toBe(false);
    expect(doc.getText("name")).toBe("Alice");
    expect(doc.getInt("age")).toBe(30);
    expect(doc.get("nonexistent")).toBeUndefined();
    expect(empty.size).toBe(0); // unchanged
  });

  it("typed getters return undefined on a type mismatch (Rust get_as)", () => {
    const doc = Doc.from({ name: "Alice", age: 30, active: true, sub: { x: 1 }, list: [1] }, { random });
    expect(doc.getInt("name")).toBeUndefined();
    expect(doc.getText("age")).toBeUndefined();
    expect(doc.getBool("active")).toBe(true);
    expect(doc.getBool("name")).toBeUndefined();
    expect(doc.getDoc("sub")?.getInt("x")).toBe(1);
    expect(doc.getDoc("list")).toBeUndefined();
    expect(doc.getList("list")?.get(0)).toBe(1);
    expect(doc.getList("sub")).toBeUndefined();
  });

  it("overwrites values", () => {
    const doc = new Doc().set("key", "original").set("key", "modified");
    expect(doc.getText("key")).toBe("modified");
    expect(doc.size).toBe(1);
  });

  it("an empty key is a literal key", () => {
    const doc = new Doc().set("", "value");
    expect(doc.getText("")).toBe("value");
    expect(doc.keys()).toEqual([""]);
  });

  it("a path of dots only is refused (Rust silently ignores the write)", () => {
    expect(() => new Doc().set("...", 1)).toThrow(InvalidPathError);
    expect(() => new Doc().delete(".")).toThrow(InvalidPathError);
    expect(new Doc().get(".")).toBeUndefined();
  });

  it("nested paths create intermediate docs", () => {
    const doc = new Doc()
      .set("user.profile.name", "Alice")
      .set("user.profile.age", 30)
      .set("user.settings.theme", "dark");
    expect(doc.getText("user.profile.name")).toBe("Alice");
    expect(doc.getInt("user.profile.age")).toBe(30);
    expect(doc.getText("user.settings.theme")).toBe("dark");
    expect(doc.get("nonexistent.path")).toBeUndefined();
    expect(doc.getDoc("user")?.keys()).toEqual(["profile", "settings"]);
    expect(doc.getText(".user..profile.name.")).toBe("Alice");
  });

  it("a numeric component indexes into a list", () => {
    const doc = new Doc().set("items", List.from(["first", "second"], random));
    expect(doc.getText("items.0")).toBe("first");
    expect(doc.getText("items.1")).toBe("second");
    expect(doc.get("items.2")).toBeUndefined();
    expect(doc.get("items.invalid")).toBeUndefined();
    const nested = new Doc().set("l", [{ name: "x" }, [true]], random);
    expect(nested.getText("l.0.name")).toBe("x");
    expect(nested.getBool("l.1.0")).toBe(true);
    expect(nested.get("l.0.name.deeper")).toBeUndefined();
  });

  it("set through a scalar, a list or a tombstone replaces it with a doc", () => {
    const doc = new Doc().set("scalar", "value").set("scalar.nested", "new_value");
    expect(doc.getText("scalar.nested")).toBe("new_value");
    const throughList = new Doc().set("items", ["a"], random).set("items.0", "b");
    expect(throughList.getDoc("items")?.getText("0")).toBe("b");
    const throughTombstone = new Doc().delete("t").set("t.x", 1);
    expect(throughTombstone.getInt("t.x")).toBe(1);
  });

  it("set keeps the atomic flag of a doc it passes through", () => {
    const doc = new Doc().set("cfg", Doc.atomic().set("a", 1)).set("cfg.b", 2);
    expect(doc.getDoc("cfg")?.isAtomic).toBe(true);
    expect(doc.getDoc("cfg")?.toPlain()).toEqual({ a: 1, b: 2 });
  });

  it("iterates in code-point order without tombstones", () => {
    const doc = new Doc()
      .set("zebra", 1)
      .set("alpha", 2)
      .set("beta", 3)
      .set("\u{1F600}", 4)
      .set("\uFFFD", 5)
      .delete("beta");
    expect(doc.keys()).toEqual(["alpha", "zebra", "\uFFFD", "\u{1F600}"]);
    expect(doc.values()).toEqual([2, 1, 5, 4]);
    expect(doc.entries()).toEqual([
      ["alpha", 2],
      ["zebra", 1],
      ["\uFFFD", 5],
      ["\u{1F600}", 4],
    ]);
    expect(doc.rawEntries().map(([k]) => k)).toEqual(["alpha", "beta", "zebra", "\uFFFD", "\u{1F600}"]);
  });
});

describe("tombstones (Rust doc_tests)", () => {
  it("delete hides the key but keeps a tombstone", () => {
    const doc = new Doc().set("name", "Alice").set("age", 30).set("active", true).delete("age");
    expect(doc.has("age")).toBe(false);
    expect(doc.get("age")).toBeUndefined();
    expect(doc.size).toBe(2);
    expect(doc.isTombstone("age")).toBe(true);
    expect(doc.isTombstone("name")).toBe(false);
    expect(doc.isTombstone("nonexistent")).toBe(false);
  });

  it("deleting a missing key records a tombstone", () => {
    const doc = new Doc().delete("nonexistent");
    expect(doc.isTombstone("nonexistent")).toBe(true);
    expect(doc.size).toBe(0);
    expect(doc.isEmpty()).toBe(true);
    expect(docToJson(doc)).toBe('{"children":{"nonexistent":"Deleted"}}');
  });

  it("setting DELETED is deleting, and a later set resurrects", () => {
    const doc = new Doc().set("k", DELETED);
    expect(doc.isTombstone("k")).toBe(true);
    const back = doc.set("k", "new_value");
    expect(back.isTombstone("k")).toBe(false);
    expect(back.getText("k")).toBe("new_value");
  });

  it("nested deletes create the path and tombstone only the exact key", () => {
    const doc = new Doc().set("user.profile.name", "Alice").set("user.profile.age", 30).delete("user.profile.name");
    expect(doc.isTombstone("user.profile.name")).toBe(true);
    expect(doc.isTombstone("user.profile")).toBe(false);
    expect(doc.getInt("user.profile.age")).toBe(30);
    const created = new Doc().delete("nonexistent.path.value");
    expect(created.isTombstone("nonexistent.path.value")).toBe(true);
    expect(created.getDoc("nonexistent")).toBeInstanceOf(Doc);
    expect(created.getDoc("nonexistent.path")).toBeInstanceOf(Doc);
  });

  it("a deleted parent hides its children, which are not tombstones themselves", () => {
    const doc = new Doc().set("user.profile.name", "Alice").delete("user.profile");
    expect(doc.isTombstone("user.profile")).toBe(true);
    expect(doc.isTombstone("user.profile.name")).toBe(false);
    expect(doc.get("user.profile.name")).toBeUndefined();
  });

  it("setting a sibling under a deleted parent does not resurrect the old child", () => {
    const doc = new Doc().set("a.b.c", "something").delete("a.b").set("a.b.d", "new");
    expect(doc.isTombstone("a.b")).toBe(false);
    expect(doc.getText("a.b.d")).toBe("new");
    expect(doc.get("a.b.c")).toBeUndefined();
    expect(doc.isTombstone("a.b.c")).toBe(false);
  });

  it("deleting through a scalar replaces it with a doc", () => {
    const doc = new Doc().set("user", "scalar_value").delete("user.profile.name");
    expect(doc.isTombstone("user.profile.name")).toBe(true);
    expect(doc.getDoc("user.profile")).toBeInstanceOf(Doc);
  });

  it("list tombstones are invisible to paths", () => {
    const doc = new Doc().set("l", List.from(["a", "b"], random).remove(0));
    expect(doc.getText("l.0")).toBe("b");
    expect(doc.isTombstone("l.0")).toBe(false);
  });
});

describe("plain conversion", () => {
  it("Doc.from converts nested data and treats dotted keys as paths (Rust FromIterator)", () => {
    const doc = Doc.from({ name: "Alice", "a.b": 1, tags: ["x", "y"], nothing: null, big: 2n ** 40n }, { random });
    expect(doc.getInt("a.b")).toBe(1);
    expect(doc.getDoc("a")?.keys()).toEqual(["b"]);
    expect(valueKind(doc.get("tags") ?? null)).toBe("List");
    expect(doc.get("nothing")).toBeNull();
    expect(doc.toPlain()).toEqual({ a: { b: 1 }, big: 2 ** 40, name: "Alice", nothing: null, tags: ["x", "y"] });
    expect(Doc.from({ x: 1 }, { atomic: true }).isAtomic).toBe(true);
  });

  it("refuses floats, unsafe integers, undefined, class instances and lone surrogates", () => {
    const d = new Doc();
    expect(() => d.set("k", 1.5)).toThrow(MalformedError);
    expect(() => d.set("k", Number.MAX_SAFE_INTEGER + 1)).toThrow(MalformedError);
    expect(() => d.set("k", 2n ** 60n)).toThrow(MalformedError);
    expect(() => d.set("k", NaN)).toThrow(MalformedError);
    expect(() => d.set("k", undefined as never)).toThrow(MalformedError);
    expect(() => d.set("k", new Date() as never)).toThrow(MalformedError);
    expect(() => d.set("k", "\uD800")).toThrow(MalformedError);
    expect(() => d.set("\uDC00", 1)).toThrow(MalformedError);
    expect(() => Doc.from([] as never)).toThrow(MalformedError);
    expect(Object.is(d.set("k", -0).getInt("k"), 0)).toBe(true);
  });

  it("toJSON gives the live content for JSON.stringify", () => {
    const doc = Doc.from({ b: [1, "two"], a: { x: true } }, { random }).delete("gone");
    expect(JSON.stringify(doc)).toBe('{"a":{"x":true},"b":[1,"two"]}');
  });

  it("refuses cyclic input with a depth error instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => Doc.from(cyclic as never)).toThrow(LimitExceededError);
  });
});

describe("JSON-in-Text values (Rust get_json / set_json)", () => {
  it("round-trips a JSON value through Text", () => {
    const doc = new Doc().setJson("height_strategy", "timestamp").setJson("obj", { a: [1, 2] });
    expect(doc.getText("height_strategy")).toBe('"timestamp"');
    expect(doc.getJson("height_strategy")).toBe("timestamp");
    expect(doc.getJson("obj")).toEqual({ a: [1, 2] });
    expect(doc.getJson("missing")).toBeUndefined();
  });

  it("throws typed errors for non-Text, invalid and too deep JSON", () => {
    const doc = new Doc()
      .set("n", 1)
      .set("bad", "{nope")
      .set("deep", "[".repeat(100) + "]".repeat(100));
    expect(() => doc.getJson("n")).toThrow(CrdtTypeMismatchError);
    expect(() => doc.getJson("bad")).toThrow(MalformedError);
    expect(() => doc.getJson("deep")).toThrow(LimitExceededError);
    expect(() => doc.setJson("u", undefined)).toThrow(MalformedError);
  });
});

describe("depth limit", () => {
  const chain = (levels: number, leaf: unknown): Doc =>
    new Doc().set(Array.from({ length: levels + 1 }, (_, i) => `k${i}`).join("."), leaf as never, random);

  it("accepts 20 nested docs under the root with an empty list leaf: exactly 64 levels", () => {
    const doc = chain(20, []);
    expect(doc.jsonDepth).toBe(64);
    expect(doc.get("k0.k1.k2.k3.k4.k5.k6.k7.k8.k9.k10.k11.k12.k13.k14.k15.k16.k17.k18.k19.k20")).toBeInstanceOf(List);
  });

  it("refuses 65 levels and more", () => {
    expect(chain(20, "text").jsonDepth).toBe(63);
    expect(() => chain(20, {})).toThrow(LimitExceededError);
    expect(() => chain(20, [1])).toThrow(LimitExceededError);
    expect(() => chain(10_000, 1)).toThrow(LimitExceededError);
    const deep = chain(19, {});
    expect(deep.jsonDepth).toBe(62);
    expect(() => new Doc().set("wrap", deep)).toThrow(LimitExceededError);
  });
});
