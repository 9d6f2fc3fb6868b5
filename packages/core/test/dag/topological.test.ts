import { describe, expect, it } from "vitest";
import { MalformedError } from "../../src/errors/errors.js";
import { compareIds } from "../../src/id/id.js";
import { MemoryDag, compareByHeightThenId, topologicalOrder } from "../../src/dag/index.js";
import { drawDag, entryId, entryIds } from "./helpers.js";

describe("topologicalOrder", () => {
  it("is empty for an empty set", () => {
    expect(topologicalOrder([], new MemoryDag())).toEqual([]);
  });

  it("orders a diamond parents first with ties by binary ID", () => {
    const { dag, id } = drawDag({ r: [], a: ["r"], b: ["r"], d: ["a", "b"] });
    const order = topologicalOrder([id("d"), id("b"), id("a"), id("r")], dag);
    expect(order).toEqual([id("r"), ...[id("a"), id("b")].sort(compareIds), id("d")]);
  });

  it("equals the (height, ID) sort when heights are honest", () => {
    const children = entryIds(20, "child");
    const root = entryId("root");
    const records = [
      { id: root, parents: [], height: 0 },
      ...children.map((id, i) => ({ id, parents: i < 10 ? [root] : [children[i - 10]!], height: i < 10 ? 1 : 2 })),
    ];
    const dag = new MemoryDag(records);
    const expected = [...records].sort(compareByHeightThenId).map((r) => r.id);
    expect(topologicalOrder([...children].reverse().concat(root), dag)).toEqual(expected);
  });

  it("still puts parents first when heights lie", () => {
    // a's parent r claims a greater height than a; b is an unrelated root.
    const { dag, id } = drawDag({ r: [], a: ["r"], b: [] }, { r: 5, a: 0, b: 1 });
    expect(topologicalOrder([id("a"), id("b"), id("r")], dag)).toEqual([id("b"), id("r"), id("a")]);
  });

  it("counts only links inside the set", () => {
    const { dag, id } = drawDag({ r: [], a: ["r"], b: ["a"], c: ["b"] });
    expect(topologicalOrder([id("c"), id("a")], dag)).toEqual([id("a"), id("c")]);
  });

  it("treats a member that is not held as a root of height 0", () => {
    const { dag, id } = drawDag({ r: [], a: ["r"] }, { r: 1, a: 2 });
    const absent = entryId("absent");
    expect(topologicalOrder([id("a"), absent, id("r")], dag)).toEqual([absent, id("r"), id("a")]);
  });

  it("ignores duplicate members and duplicate parent links", () => {
    const [r, a] = [entryId("r"), entryId("a")];
    const dag = new MemoryDag([
      { id: r, parents: [], height: 0 },
      { id: a, parents: [r, r], height: 1 },
    ]);
    expect(topologicalOrder([a, r, a, r], dag)).toEqual([r, a]);
  });

  it("throws MalformedError on a cycle instead of looping", () => {
    const [x, y, z, free] = entryIds(4, "cycle");
    const cyclic = new MemoryDag([
      { id: x!, parents: [z!], height: 0 },
      { id: y!, parents: [x!], height: 1 },
      { id: z!, parents: [y!], height: 2 },
      { id: free!, parents: [], height: 0 },
    ]);
    expect(() => topologicalOrder([x!, y!, z!, free!], cyclic)).toThrow(MalformedError);
    expect(() => topologicalOrder([x!, y!, z!, free!], cyclic)).toThrow(/cycle through 3 of 4/);
    // Without one link of the cycle the rest orders fine.
    expect(topologicalOrder([x!, y!, free!], cyclic)).toEqual([...[x!, free!].sort(compareIds), y!]);
  });

  it("throws MalformedError on an entry that is its own parent", () => {
    const self = entryId("self");
    const dag = new MemoryDag([{ id: self, parents: [self], height: 0 }]);
    expect(() => topologicalOrder([self], dag)).toThrow(MalformedError);
  });
});
