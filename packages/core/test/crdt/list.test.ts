import { describe, expect, it } from "vitest";
import { InvalidPathError, LimitExceededError, MalformedError } from "../../src/errors/errors.js";
import { DELETED, Doc, List, Position, docFromJson, docToJson } from "../../src/crdt/index.js";
import { I64_MAX, I64_MIN } from "../../src/crdt/rational.js";
import { seededRandom } from "../../src/util/random.js";
import { testSeed } from "@eidetica/test-kit";

const random = seededRandom(testSeed());
const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const at = (numerator: bigint, denominator = 1n, id = uuid(1)): Position =>
  Position.fromParts({ numerator, denominator, uniqueId: id });
const positions = (list: List): string[] => list.rawEntries().map(([p]) => `${p.numerator}/${p.denominator}`);

describe("List basics (Rust list_tests)", () => {
  it("push, get, length", () => {
    const list = new List().push("hello", random).push(42, random).push(true, random);
    expect(list.length).toBe(3);
    expect(list.isEmpty()).toBe(false);
    expect(list.get(0)).toBe("hello");
    expect(list.get(1)).toBe(42);
    expect(list.get(2)).toBe(true);
    expect(list.get(3)).toBeUndefined();
    expect(list.values()).toEqual(["hello", 42, true]);
    expect([...list]).toEqual(["hello", 42, true]);
    expect(positions(list)).toEqual(["0/1", "1/1", "2/1"]);
    expect(new List().isEmpty()).toBe(true);
  });

  it("is immutable: operations return new lists", () => {
    const a = List.from(["x"], random);
    const b = a.push("y", random);
    expect(a.values()).toEqual(["x"]);
    expect(b.values()).toEqual(["x", "y"]);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it("set replaces in place and keeps the position", () => {
    const list = List.from(["original", 100], random);
    const changed = list.set(0, "modified", random).set(1, 200, random);
    expect(changed.values()).toEqual(["modified", 200]);
    expect(changed.positionAt(0)?.equals(list.positionAt(0) as Position)).toBe(true);
    expect(() => list.set(10, "x", random)).toThrow(InvalidPathError);
  });

  it("remove tombstones the item", () => {
    const list = List.from(["first", "second", "third"], random).remove(1);
    expect(list.length).toBe(2);
    expect(list.totalLength).toBe(3);
    expect(list.values()).toEqual(["first", "third"]);
    expect(list.rawEntries()[1]?.[1]).toBe(DELETED);
    expect(() => list.remove(10)).toThrow(InvalidPathError);
    expect(list.remove(0).remove(0).isEmpty()).toBe(true);
  });

  it("insert_at_position orders by position", () => {
    const list = new List()
      .insertAtPosition(at(10n, 1n, uuid(1)), "first", random)
      .insertAtPosition(at(20n, 1n, uuid(2)), "third", random)
      .insertAtPosition(at(15n, 1n, uuid(3)), "second", random);
    expect(list.values()).toEqual(["first", "second", "third"]);
    expect(list.getByPosition(at(15n, 1n, uuid(3)))).toBe("second");
    expect(list.getByPosition(at(15n, 1n, uuid(4)))).toBeUndefined();
    // The same slot written twice keeps its key and takes the new value (BTreeMap::insert).
    const again = list.insertAtPosition(at(30n, 2n, uuid(3)), "SECOND", random);
    expect(again.values()).toEqual(["first", "SECOND", "third"]);
    expect(again.rawEntries()[1]?.[0].denominator).toBe(1n);
  });

  it("from builds positions 0/1, 1/1, … and converts plain values", () => {
    const list = List.from(["a", 42, true, null, { k: "v" }, [1, 2]], random);
    expect(positions(list)).toEqual(["0/1", "1/1", "2/1", "3/1", "4/1", "5/1"]);
    expect(list.toPlain()).toEqual(["a", 42, true, null, { k: "v" }, [1, 2]]);
    expect(list.get(4)).toBeInstanceOf(Doc);
    expect(list.get(5)).toBeInstanceOf(List);
    expect(() => List.from([3.13], random)).toThrow(MalformedError); // Rust truncates floats; this port refuses
  });
});

describe("insert (Rust list_tests)", () => {
  it("inserts at valid indices", () => {
    let list = new List().insert(0, "first", random);
    list = list.insert(1, "last", random);
    list = list.insert(1, "middle", random);
    expect(list.values()).toEqual(["first", "middle", "last"]);
    expect(positions(list)).toEqual(["0/1", "1/2", "1/1"]);
  });

  it("inserts at the beginning with (first - 1) / first.denominator", () => {
    const list = List.from(["second", "third"], random).insert(0, "first", random);
    expect(list.values()).toEqual(["first", "second", "third"]);
    expect(positions(list)).toEqual(["-1/1", "0/1", "1/1"]);
    const fractional = new List().insertAtPosition(at(1n, 3n), "x", random).insert(0, "y", random);
    expect(positions(fractional)).toEqual(["0/1", "1/3"]);
  });

  it("inserts at the end with (last + 1) / last.denominator", () => {
    const list = new List().insertAtPosition(at(1n, 3n), "x", random).insert(1, "y", random);
    expect(positions(list)).toEqual(["1/3", "2/3"]);
    expect(positions(List.from(["a", "b"], random).insert(2, "c", random))).toEqual(["0/1", "1/1", "2/1"]);
  });

  it("refuses out-of-bounds indexes with InvalidPathError (Rust ListIndexOutOfBounds)", () => {
    expect(() => new List().insert(1, "x", random)).toThrow(InvalidPathError);
    expect(() => List.from(["a", "b"], random).insert(10, "x", random)).toThrow(
      /index 10 is out of bounds \(length 2\)/,
    );
    expect(() => new List().insert(-1, "x", random)).toThrow(InvalidPathError);
    expect(() => new List().insert(0.5, "x", random)).toThrow(InvalidPathError);
  });

  it("mixes insert and push", () => {
    let list = new List().push("a", random);
    list = list.insert(1, "c", random).insert(1, "b", random).push("d", random);
    expect(list.values()).toEqual(["a", "b", "c", "d"]);
  });

  it("after a removal, lands at the requested index (Rust test_list_insert_after_removals)", () => {
    const list = List.from(["a", "b", "c"], random).remove(1).insert(1, "new", random);
    expect(list.values()).toEqual(["a", "new", "c"]);
    // No tombstone before index 0's live item: Rust's neighbours (a, tombstone b) are used.
    expect(positions(list)).toEqual(["0/1", "1/2", "1/1", "2/1"]);
  });

  it("lands at the requested index when a tombstone precedes it (Rust misplaces this)", () => {
    // Live: b, c; slots: a(tombstone), b, c. Rust would put the item between a and b: index 0.
    const list = List.from(["a", "b", "c"], random).remove(0).insert(1, "x", random);
    expect(list.values()).toEqual(["b", "x", "c"]);
    expect(positions(list)).toEqual(["0/1", "1/1", "3/2", "2/1"]);
  });

  it("inserts between concurrent pushes that share a rational value", () => {
    const left = at(1n, 1n, "40000000-0000-4000-8000-000000000000");
    const right = at(1n, 1n, "c0000000-0000-4000-8000-000000000000");
    let list = new List().insertAtPosition(left, "L", random).insertAtPosition(right, "R", random);
    for (let i = 0; i < 20; i++) {
      list = list.insert(1, `x${i}`, random);
      expect(list.get(1)).toBe(`x${i}`);
    }
    expect(list.get(0)).toBe("L");
    expect(list.get(21)).toBe("R");
  });
});

describe("push", () => {
  it("returns a list whose last live item is the pushed one, even after removals", () => {
    const list = List.from(["a", "b", "c"], random).remove(1).push("d", random);
    expect(list.values()).toEqual(["a", "c", "d"]);
    expect(list.get(2)).toBe("d");
  });

  it("uses Rust's (last.numerator + 1) / 1", () => {
    const list = new List().insertAtPosition(at(7n, 2n), "x", random).push("y", random);
    expect(positions(list)).toEqual(["7/2", "8/1"]);
  });

  it("still appends after a negative fraction, where Rust's rule would sort first", () => {
    const list = new List().insertAtPosition(at(-7n, 2n), "x", random).push("y", random);
    expect(list.values()).toEqual(["x", "y"]);
    expect(positions(list)).toEqual(["-7/2", "-3/1"]);
  });

  it("at i64::MAX, appends with the same value and a larger UUID", () => {
    const list = new List().insertAtPosition(at(I64_MAX, 1n, uuid(5)), "x", random).push("y", random);
    expect(list.values()).toEqual(["x", "y"]);
    expect(positions(list)).toEqual([`${I64_MAX}/1`, `${I64_MAX}/1`]);
    const prepended = new List().insertAtPosition(at(I64_MIN, 1n, uuid(5)), "x", random).insert(0, "y", random);
    expect(prepended.values()).toEqual(["y", "x"]);
  });
});

describe("merge (Rust test_list_merge)", () => {
  it("takes the union of positions and merges values at a shared one", () => {
    const p1 = at(10n, 1n, uuid(1));
    const p2 = at(20n, 1n, uuid(2));
    const p3 = at(15n, 1n, uuid(3));
    const list1 = new List().insertAtPosition(p1, "first", random).insertAtPosition(p2, "second", random);
    const list2 = new List().insertAtPosition(p2, "second_modified", random).insertAtPosition(p3, "middle", random);
    const merged = list1.merge(list2);
    expect(merged.values()).toEqual(["first", "middle", "second_modified"]);
    expect(list1.values()).toEqual(["first", "second"]); // inputs unchanged
    expect(list2.merge(list1).values()).toEqual(["first", "middle", "second"]);
  });

  it("keeps the earlier side's key for a shared slot", () => {
    const a = new List().insertAtPosition(at(2n, 4n, uuid(1)), "a", random);
    const b = new List().insertAtPosition(at(1n, 2n, uuid(1)), "b", random);
    const merged = a.merge(b);
    expect(merged.totalLength).toBe(1);
    expect(merged.rawEntries()[0]?.[0].denominator).toBe(4n);
    expect(merged.get(0)).toBe("b");
  });

  it("a later tombstone deletes, a later value resurrects", () => {
    const base = List.from(["x"], random);
    const removed = base.remove(0);
    expect(base.merge(removed).values()).toEqual([]);
    expect(removed.merge(base).values()).toEqual(["x"]);
  });
});

describe("equality and limits", () => {
  it("equals compares exact positions and tombstones", () => {
    const a = List.from(["x", "y"], seededRandom(1));
    const b = List.from(["x", "y"], seededRandom(1));
    const c = List.from(["x", "y"], seededRandom(2));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.equals(a.remove(0))).toBe(false);
  });

  it("fromEntries sorts and refuses duplicate slots", () => {
    const list = List.fromEntries([
      [at(2n), "b"],
      [at(1n), "a"],
    ]);
    expect(list.values()).toEqual(["a", "b"]);
    expect(() =>
      List.fromEntries([
        [at(1n, 2n), "a"],
        [at(2n, 4n), "b"],
      ]),
    ).toThrow(MalformedError);
    expect(() => List.fromEntries([[at(1n), 1.5]])).toThrow(MalformedError);
  });

  it("refuses to nest deeper than LIMITS.jsonDepth", () => {
    let nested: List = new List();
    let built = 0;
    expect(() => {
      for (;;) {
        nested = List.from([nested], random);
        built++;
      }
    }).toThrow(LimitExceededError);
    // [] is 1 level; each wrapping adds [pair] + {"List":…} + the outer array = 3 levels.
    expect(built).toBe(21);
    expect(nested.jsonDepth).toBe(64);
  });

  it("handles thousands of items", () => {
    const big = List.from(
      Array.from({ length: 5000 }, (_, i) => i),
      random,
    );
    expect(big.length).toBe(5000);
    expect(big.get(4321)).toBe(4321);
    const edited = big.insert(2500, "mid", random).remove(0).push("end", random);
    expect(edited.get(2499)).toBe("mid");
    expect(edited.get(5000)).toBe("end");
    const other = List.from(
      Array.from({ length: 3000 }, (_, i) => -i),
      random,
    );
    const merged = big.merge(other);
    expect(merged.length).toBe(8000);
    const doc = new Doc().set("l", merged);
    expect(docFromJson(docToJson(doc)).equals(doc)).toBe(true);
  });
});
