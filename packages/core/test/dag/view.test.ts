import { describe, expect, it } from "vitest";
import { MalformedError } from "../../src/errors/errors.js";
import { compareIds } from "../../src/id/id.js";
import { MemoryDag, compareByHeightThenId, isHeightConsistent, nextHeight } from "../../src/dag/index.js";
import { drawDag, entryId, entryIds } from "./helpers.js";

/** Two IDs whose base32 string order differs from their binary order. */
function pairOrderedDifferently(): [low: string, high: string] {
  const ids = entryIds(64, "order");
  for (const a of ids) {
    for (const b of ids) {
      if (compareIds(a, b) < 0 && a > b) return [a, b];
    }
  }
  throw new Error("no such pair among 64 IDs");
}

describe("MemoryDag", () => {
  it("holds records and answers undefined for other IDs", () => {
    const [root, child, stranger] = entryIds(3);
    const dag = new MemoryDag([
      { id: root!, parents: [], height: 0 },
      { id: child!, parents: [root!], height: 1 },
    ]);
    expect(dag.size).toBe(2);
    expect(dag.has(child!)).toBe(true);
    expect(dag.has(stranger!)).toBe(false);
    expect(dag.parents(child!)).toEqual([root]);
    expect(dag.height(child!)).toBe(1);
    expect(dag.parents(stranger!)).toBeUndefined();
    expect(dag.height(stranger!)).toBeUndefined();
    expect([...dag.ids()]).toEqual([root, child]);
  });

  it("ignores a second add of the same ID, like a backend put", () => {
    const id = entryId("x");
    const dag = new MemoryDag();
    expect(dag.add({ id, parents: [], height: 3 })).toBe(true);
    expect(dag.add({ id, parents: [entryId("y")], height: 9 })).toBe(false);
    expect(dag.height(id)).toBe(3);
    expect(dag.parents(id)).toEqual([]);
  });

  it("copies the parent list", () => {
    const parents = [entryId("p")];
    const dag = new MemoryDag([{ id: entryId("c"), parents, height: 1 }]);
    parents.push(entryId("q"));
    expect(dag.parents(entryId("c"))).toEqual([entryId("p")]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("rejects height %s", (height) => {
    const dag = new MemoryDag();
    expect(() => dag.add({ id: entryId("bad"), parents: [], height })).toThrow(MalformedError);
    expect(dag.size).toBe(0);
  });
});

describe("compareByHeightThenId", () => {
  it("orders by height first", () => {
    const [a, b] = entryIds(2);
    expect(compareByHeightThenId({ id: a!, height: 1 }, { id: b!, height: 2 })).toBeLessThan(0);
    expect(compareByHeightThenId({ id: a!, height: 2 }, { id: b!, height: 1 })).toBeGreaterThan(0);
  });

  it("breaks ties by binary ID order, not string order", () => {
    const [low, high] = pairOrderedDifferently();
    expect(compareByHeightThenId({ id: low, height: 5 }, { id: high, height: 5 })).toBeLessThan(0);
    expect(compareByHeightThenId({ id: high, height: 5 }, { id: low, height: 5 })).toBeGreaterThan(0);
    expect(compareByHeightThenId({ id: low, height: 5 }, { id: low, height: 5 })).toBe(0);
    const records = [
      { id: high, height: 5 },
      { id: low, height: 5 },
      { id: high, height: 4 },
    ];
    expect(records.sort(compareByHeightThenId)).toEqual([
      { id: high, height: 4 },
      { id: low, height: 5 },
      { id: high, height: 5 },
    ]);
  });
});

describe("nextHeight", () => {
  const { dag, id } = drawDag({ r: [], a: ["r"], b: ["a"], c: ["r"] });

  it("is 0 without parents", () => {
    expect(nextHeight([], dag)).toBe(0);
  });

  it("is one more than the highest parent", () => {
    expect(nextHeight([id("b"), id("c")], dag)).toBe(3);
    expect(nextHeight([id("r")], dag)).toBe(1);
  });

  it("counts a parent that is not held as height 0", () => {
    expect(nextHeight([entryId("absent")], dag)).toBe(1);
    expect(nextHeight([entryId("absent"), id("a")], dag)).toBe(2);
  });
});

describe("isHeightConsistent", () => {
  const { dag, id } = drawDag({ r: [], a: ["r"], b: ["a"] });

  it("accepts a height above every held parent", () => {
    expect(isHeightConsistent(2, [id("a")], dag)).toBe(true);
    expect(isHeightConsistent(1_700_000_000_000, [id("a"), id("r")], dag)).toBe(true);
    expect(isHeightConsistent(0, [], dag)).toBe(true);
  });

  it("rejects a height not above some parent", () => {
    expect(isHeightConsistent(1, [id("a")], dag)).toBe(false);
    expect(isHeightConsistent(2, [id("r"), id("b")], dag)).toBe(false);
  });

  it("rejects heights that are not non-negative safe integers", () => {
    for (const height of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isHeightConsistent(height, [], dag)).toBe(false);
    }
  });

  it("does not check parents that are not held", () => {
    expect(isHeightConsistent(0, [entryId("absent")], dag)).toBe(true);
  });
});
