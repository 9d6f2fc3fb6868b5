import { describe, expect, it } from "vitest";
import { compareIds } from "../../src/id/id.js";
import { MemoryDag, findTips } from "../../src/dag/index.js";
import { drawDag, entryId } from "./helpers.js";

describe("findTips", () => {
  const { dag, id } = drawDag({ r: [], a: ["r"], b: ["r"], d: ["a", "b"], e: ["b"] });

  it("is empty for an empty set", () => {
    expect(findTips([], dag)).toEqual([]);
  });

  it("finds the single tip of a chain and of a diamond", () => {
    expect(findTips([id("r"), id("a")], dag)).toEqual([id("a")]);
    expect(findTips([id("r"), id("a"), id("b"), id("d")], dag)).toEqual([id("d")]);
  });

  it("finds every tip of a fork, sorted by binary ID order", () => {
    const tips = findTips([id("r"), id("a"), id("b"), id("d"), id("e")], dag);
    expect(tips).toEqual([id("d"), id("e")].sort(compareIds));
    expect(findTips([id("r"), id("a"), id("b")], dag)).toEqual([id("a"), id("b")].sort(compareIds));
  });

  it("considers only the set: a member whose child is outside it is a tip", () => {
    expect(findTips([id("r"), id("b")], dag)).toEqual([id("b")]);
    expect(findTips([id("a"), id("b")], dag)).toEqual([id("a"), id("b")].sort(compareIds));
  });

  it("ignores duplicates", () => {
    expect(findTips([id("a"), id("r"), id("a"), id("r")], dag)).toEqual([id("a")]);
  });

  it("treats a member that is not held as having no parents", () => {
    const absent = entryId("absent");
    expect(findTips([absent, id("r")], dag)).toEqual([absent, id("r")].sort(compareIds));
  });

  it("does not let an entry that names itself as parent hide itself", () => {
    const self = entryId("self");
    const odd = new MemoryDag([{ id: self, parents: [self], height: 0 }]);
    expect(findTips([self], odd)).toEqual([self]);
  });
});
