import { describe, expect, it } from "vitest";
import { compareIds } from "../../src/id/id.js";
import { MemoryDag, ancestorClosure, isAncestor, missingParents } from "../../src/dag/index.js";
import { chainDag, countingView, drawDag, entryId, sorted } from "./helpers.js";

//      r
//     / \
//    a   b
//    |\ /
//    c d
const { dag, id } = drawDag({ r: [], a: ["r"], b: ["r"], c: ["a"], d: ["a", "b"] });
const names = (...list: string[]): string[] => sorted(list.map(id));

describe("ancestorClosure", () => {
  it("is empty for no starts", () => {
    expect(ancestorClosure([], dag).size).toBe(0);
  });

  it("includes the starts and every ancestor", () => {
    expect(sorted(ancestorClosure([id("d")], dag))).toEqual(names("d", "a", "b", "r"));
    expect(sorted(ancestorClosure([id("c")], dag))).toEqual(names("c", "a", "r"));
    expect(sorted(ancestorClosure([id("c"), id("d")], dag))).toEqual(names("a", "b", "c", "d", "r"));
    expect(sorted(ancestorClosure([id("r")], dag))).toEqual(names("r"));
  });

  it("leaves out starts and parents that are not held", () => {
    const orphan = entryId("orphan");
    const absentParent = entryId("absent parent");
    const partial = new MemoryDag([{ id: orphan, parents: [absentParent], height: 1 }]);
    expect([...ancestorClosure([orphan, entryId("unknown")], partial)]).toEqual([orphan]);
  });

  it("stops expanding where stopAt says so, keeping that entry", () => {
    const closure = ancestorClosure([id("c")], dag, { stopAt: (x) => x === id("a") });
    expect(sorted(closure)).toEqual(names("c", "a"));
    // r is still reached through b.
    const other = ancestorClosure([id("d")], dag, { stopAt: (x) => x === id("a") });
    expect(sorted(other)).toEqual(names("d", "a", "b", "r"));
  });

  it("neither includes nor expands excluded entries", () => {
    const closure = ancestorClosure([id("d")], dag, { exclude: (x) => x === id("a") });
    expect(sorted(closure)).toEqual(names("d", "b", "r"));
    expect(ancestorClosure([id("d")], dag, { exclude: () => true }).size).toBe(0);
  });

  it("terminates on a cycle presented by a dishonest view", () => {
    const [x, y] = [entryId("x"), entryId("y")];
    const cyclic = new MemoryDag([
      { id: x, parents: [y], height: 0 },
      { id: y, parents: [x, x], height: 0 },
    ]);
    expect(sorted(ancestorClosure([x], cyclic))).toEqual(sorted([x, y]));
  });
});

describe("isAncestor", () => {
  it("finds ancestors along any path", () => {
    expect(isAncestor(id("r"), id("d"), dag)).toBe(true);
    expect(isAncestor(id("b"), id("d"), dag)).toBe(true);
    expect(isAncestor(id("a"), id("c"), dag)).toBe(true);
  });

  it("rejects non-ancestors, descendants and siblings", () => {
    expect(isAncestor(id("b"), id("c"), dag)).toBe(false);
    expect(isAncestor(id("d"), id("r"), dag)).toBe(false);
    expect(isAncestor(id("c"), id("d"), dag)).toBe(false);
  });

  it("counts a held entry as its own ancestor, and nothing unheld", () => {
    expect(isAncestor(id("c"), id("c"), dag)).toBe(true);
    expect(isAncestor(entryId("absent"), entryId("absent"), dag)).toBe(false);
    expect(isAncestor(entryId("absent"), id("c"), dag)).toBe(false);
    expect(isAncestor(id("r"), entryId("absent"), dag)).toBe(false);
  });

  it("gives the same answers with trustHeights on honest heights", () => {
    for (const x of ["r", "a", "b", "c", "d"]) {
      for (const y of ["r", "a", "b", "c", "d"]) {
        expect(isAncestor(id(x), id(y), dag, { trustHeights: true })).toBe(isAncestor(id(x), id(y), dag));
      }
    }
  });

  it("with trustHeights, does not walk below the candidate's height", () => {
    const { dag: chain, ids: chainIds } = chainDag(1000);
    const side = entryId("side");
    const fork = new MemoryDag([
      ...chainIds.map((x) => ({ id: x, parents: chain.parents(x)!, height: chain.height(x)! })),
      { id: side, parents: [chainIds[500]!], height: 501 },
    ]);
    const view = countingView(fork);
    expect(isAncestor(side, chainIds[999]!, view, { trustHeights: true })).toBe(false);
    expect(view.expanded.size).toBeLessThanOrEqual(500);
    const exactView = countingView(fork);
    expect(isAncestor(side, chainIds[999]!, exactView)).toBe(false);
    // The whole chain, plus the lookup that checks `side` is held.
    expect(exactView.expanded.size).toBe(1001);
  });

  it("is exact by default even when heights lie, and trustHeights then may miss", () => {
    // r claims height 5 but its grandchild b claims 2.
    const liar = drawDag({ r: [], a: ["r"], b: ["a"] }, { r: 5, a: 1, b: 2 });
    expect(isAncestor(liar.id("r"), liar.id("b"), liar.dag)).toBe(true);
    expect(isAncestor(liar.id("r"), liar.id("b"), liar.dag, { trustHeights: true })).toBe(false);
  });
});

describe("missingParents", () => {
  it("is empty when every parent is held", () => {
    expect(missingParents([id("c"), id("d")], dag)).toEqual([]);
    expect(missingParents([], dag)).toEqual([]);
  });

  it("lists parents that are not held, once each, in binary ID order", () => {
    const [p, q] = [entryId("p"), entryId("q")];
    const batch = new MemoryDag([
      { id: entryId("x"), parents: [p, q], height: 5 },
      { id: entryId("y"), parents: [q, entryId("x")], height: 6 },
    ]);
    expect(missingParents([entryId("x"), entryId("y")], batch)).toEqual([p, q].sort(compareIds));
    expect(missingParents([entryId("y")], batch)).toEqual([q]);
  });

  it("ignores members that are not held", () => {
    expect(missingParents([entryId("absent")], dag)).toEqual([]);
  });
});
