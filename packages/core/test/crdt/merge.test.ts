import { describe, expect, it } from "vitest";
import { DELETED, Doc, List, docToJson, mergeValues } from "../../src/crdt/index.js";
import { seededRandom } from "../../src/util/random.js";
import { testSeed } from "@eidetica/test-kit";

const random = seededRandom(testSeed());

describe("mergeValues (Rust Value::merge)", () => {
  it("last write wins for scalars and type changes", () => {
    expect(mergeValues(42, 100)).toBe(100);
    expect(mergeValues("hello", "world")).toBe("world");
    expect(mergeValues("text", 1)).toBe(1);
    expect(mergeValues(true, null)).toBeNull();
    const doc = new Doc().set("x", 1);
    expect(mergeValues(doc, "s")).toBe("s");
    expect(mergeValues("s", doc)).toBe(doc);
    const list = List.from([1], random);
    expect(mergeValues(doc, list)).toBe(list);
  });

  it("a later tombstone deletes and a later value resurrects", () => {
    expect(mergeValues("hello", DELETED)).toBe(DELETED);
    expect(mergeValues(DELETED, 100)).toBe(100);
    expect(mergeValues(DELETED, DELETED)).toBe(DELETED);
    const doc = new Doc().set("x", 1);
    expect(mergeValues(DELETED, doc)).toBe(doc);
  });
});

describe("Doc.merge (Rust doc_advanced_tests)", () => {
  it("merges key by key, later wins", () => {
    const a = Doc.from({ name: "Alice", age: 30 });
    const b = Doc.from({ name: "Bob", city: "NYC" });
    const merged = a.merge(b);
    expect(merged.toPlain()).toEqual({ age: 30, city: "NYC", name: "Bob" });
    expect(a.toPlain()).toEqual({ age: 30, name: "Alice" }); // inputs unchanged
  });

  it("merges nested docs recursively", () => {
    const a = new Doc()
      .set("top_key", "top_value")
      .set("level2.level2_key1", "level2_value1")
      .set("level2.shared_key", "map1_value")
      .set("level2.level3.level3_key1", "level3_value1");
    const b = new Doc()
      .set("top_key", "updated_top_value")
      .set("level2.level2_key2", "level2_value2")
      .set("level2.shared_key", "map2_value")
      .set("level2.level3.level3_key2", "level3_value2");
    expect(a.merge(b).toPlain()).toEqual({
      level2: {
        level2_key1: "level2_value1",
        level2_key2: "level2_value2",
        level3: { level3_key1: "level3_value1", level3_key2: "level3_value2" },
        shared_key: "map2_value",
      },
      top_key: "updated_top_value",
    });
  });

  it("resolves type conflicts by order", () => {
    const a = new Doc().set("conflict_key", "string_value");
    const b = new Doc().set("conflict_key.inner", "inner_value");
    expect(a.merge(b).getText("conflict_key.inner")).toBe("inner_value");
    expect(b.merge(a).getText("conflict_key")).toBe("string_value");
  });

  it("handles tombstones on both sides (test_doc_merge_dual_tombstones)", () => {
    const m1 = new Doc().set("key1_map1", "v").delete("key1_map1").set("common_key", "v1").delete("common_key");
    const m2 = new Doc().set("key2_map2", "v").delete("key2_map2").set("common_key", "v2").delete("common_key");
    const merged = m1.merge(m2);
    for (const key of ["key1_map1", "key2_map2", "common_key"]) expect(merged.isTombstone(key)).toBe(true);
    const m3 = new Doc().set("val_then_tomb", "i_existed");
    const m4 = new Doc().delete("val_then_tomb");
    expect(m3.merge(m4).isTombstone("val_then_tomb")).toBe(true);
    expect(m4.merge(m3).getText("val_then_tomb")).toBe("i_existed");
  });

  it("follows a key through several generations (test_doc_multi_generation_updates)", () => {
    let state = new Doc().set("key", "original");
    state = state.merge(new Doc().set("key", "branch1_value"));
    expect(state.getText("key")).toBe("branch1_value");
    state = state.merge(new Doc().delete("key"));
    expect(state.isTombstone("key")).toBe(true);
    state = state.merge(new Doc().set("key", "resurrected"));
    expect(state.getText("key")).toBe("resurrected");
    state = state.merge(new Doc().set("key.inner", "inner_value"));
    expect(state.getText("key.inner")).toBe("inner_value");
  });

  it("merging with an empty doc changes nothing, in either order", () => {
    const a = Doc.from({ x: 1, y: { z: [1, 2] } }, { random }).delete("w");
    expect(a.merge(new Doc()).equals(a)).toBe(true);
    expect(new Doc().merge(a).equals(a)).toBe(true);
  });
});

describe("atomic docs (Rust node_tests)", () => {
  it("a later atomic doc replaces the earlier one whole", () => {
    const doc1 = Doc.atomic().set("x", 1).set("y", 2);
    const doc2 = Doc.atomic().set("x", 10).set("z", 30);
    const merged = doc1.merge(doc2);
    expect(merged.toPlain()).toEqual({ x: 10, z: 30 });
    expect(merged.isAtomic).toBe(true);
  });

  it("the atomic flag is contagious", () => {
    const atomic = Doc.atomic().set("x", 1);
    const plain = new Doc().set("x", 99).set("y", 2);
    const structural = atomic.merge(plain);
    expect(structural.isAtomic).toBe(true);
    expect(structural.toPlain()).toEqual({ x: 99, y: 2 });
    const replaced = plain.merge(atomic);
    expect(replaced.isAtomic).toBe(true);
    expect(replaced.toPlain()).toEqual({ x: 1 });
  });

  it("is contagious when nested", () => {
    const parent1 = new Doc().set("config", Doc.atomic().set("a", 1));
    const parent2 = new Doc().set("config", new Doc().set("a", 99).set("b", 2));
    const m12 = parent1.merge(parent2).getDoc("config");
    expect(m12?.isAtomic).toBe(true);
    expect(m12?.toPlain()).toEqual({ a: 99, b: 2 });
    const m21 = parent2.merge(parent1).getDoc("config");
    expect(m21?.isAtomic).toBe(true);
    expect(m21?.toPlain()).toEqual({ a: 1 });
  });

  it("keeps merge associative across an atomic entry (test_atomic_merge_is_associative)", () => {
    const e1 = new Doc().set("old_key", "old_value").set("x", 1);
    const e2 = new Doc().set("y", 2);
    const e3 = Doc.atomic().set("algorithm", "aes-256").set("key_id", "abc123");
    const e4 = new Doc().set("key_id", "def456");
    const leftFold = e1.merge(e2).merge(e3).merge(e4);
    const right = e3.merge(e4);
    expect(right.isAtomic).toBe(true);
    const grouped = e1.merge(e2).merge(right);
    expect(grouped.equals(leftFold)).toBe(true);
    expect(e1.merge(e2.merge(right)).equals(leftFold)).toBe(true);
    expect(grouped.toPlain()).toEqual({ algorithm: "aes-256", key_id: "def456" });
    expect(grouped.isAtomic).toBe(true);
  });

  it("an atomic child inside a structural parent merges atomically", () => {
    const p1 = new Doc().set("config", Doc.atomic().set("a", 1).set("b", 2)).set("name", "alice");
    const p2 = new Doc().set("config", Doc.atomic().set("a", 10).set("c", 30)).set("age", 25);
    const merged = p1.merge(p2);
    expect(merged.toPlain()).toEqual({ age: 25, config: { a: 10, c: 30 }, name: "alice" });
  });

  it("serializes _a only when true", () => {
    expect(docToJson(Doc.atomic().set("key", "value"))).toBe('{"_a":true,"children":{"key":{"Text":"value"}}}');
    expect(docToJson(new Doc().set("key", "value"))).toBe('{"children":{"key":{"Text":"value"}}}');
  });
});

describe("where Rust's merge is not associative", () => {
  it("a container, then another kind, then the same container again", () => {
    const a = new Doc().set("k.x", 1);
    const b = new Doc().delete("k");
    const c = new Doc().set("k.y", 2);
    const leftFold = a.merge(b).merge(c);
    const grouped = a.merge(b.merge(c));
    expect(leftFold.getDoc("k")?.toPlain()).toEqual({ y: 2 }); // the delete cleared x
    expect(grouped.getDoc("k")?.toPlain()).toEqual({ x: 1, y: 2 }); // b ⊕ c forgot the delete
    const scalar = new Doc().set("k", "s");
    expect(
      a
        .merge(scalar)
        .merge(c)
        .equals(a.merge(scalar.merge(c))),
    ).toBe(false);
  });
});
