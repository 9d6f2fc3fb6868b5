import { describe, expect, it } from "vitest";
import { compareIds } from "../../src/id/id.js";
import { MemoryDag, missingForPeer, topologicalOrder } from "../../src/dag/index.js";
import { chainDag, countingView, drawDag, entryId } from "./helpers.js";

//   r <- a <- b <- e
//         \
//          c <- d
const { dag, id } = drawDag({ r: [], a: ["r"], b: ["a"], c: ["a"], d: ["c"], e: ["b"] });
const ids = (...names: string[]): string[] => names.map(id);
const unknown = entryId("unknown tip");

describe.each([
  { mode: "exact", options: {} },
  { mode: "trustHeights", options: { trustHeights: true } },
])("missingForPeer ($mode)", ({ options }) => {
  const missing = (ours: string[], peer: string[]): string[] =>
    missingForPeer(ids(...ours), ids(...peer), dag, options);

  it("sends the whole history, parents first, to a peer with nothing", () => {
    expect(missing(["e", "d"], [])).toEqual(topologicalOrder(ids("r", "a", "b", "c", "d", "e"), dag));
    expect(missing(["e", "d"], []).slice(0, 2)).toEqual(ids("r", "a"));
  });

  it("sends nothing when there is nothing to send", () => {
    expect(missing([], [])).toEqual([]);
    expect(missing([], ["e"])).toEqual([]);
    expect(missing(["e", "d"], ["e", "d"])).toEqual([]);
  });

  it("sends only what lies above the peer's tip on a chain", () => {
    expect(missing(["e"], ["a"])).toEqual(ids("b", "e"));
    expect(missing(["e"], ["r"])).toEqual(ids("a", "b", "e"));
  });

  it("sends nothing below a fork the peer already has (better than Rust)", () => {
    expect(missing(["e", "d"], ["e"])).toEqual(ids("c", "d"));
    expect(missing(["e", "d"], ["d"])).toEqual(ids("b", "e"));
    expect(missing(["d"], ["e"])).toEqual(ids("c", "d"));
  });

  it("ignores peer tips we do not hold", () => {
    expect(missingForPeer(ids("e"), [unknown], dag, options)).toEqual(ids("r", "a", "b", "e"));
    expect(missingForPeer(ids("e"), [unknown, id("a")], dag, options)).toEqual(ids("b", "e"));
  });

  it("accepts peer tips that are ancestors of each other", () => {
    expect(missing(["e", "d"], ["r", "a", "b"])).toEqual(missing(["e", "d"], ["b"]));
    expect(missing(["e", "d"], ["r", "a", "b"])).toEqual([id("c"), ...ids("d", "e").sort(compareIds)]);
  });

  it("sends nothing to a peer that is ahead of us", () => {
    expect(missing(["b"], ["e"])).toEqual([]);
    expect(missing(["a"], ["d", "e"])).toEqual([]);
  });

  it("ignores our tips that are not held", () => {
    expect(missingForPeer([unknown, id("b")], ids("a"), dag, options)).toEqual(ids("b"));
  });

  it("never sends an entry that is not held", () => {
    const partial = new MemoryDag([{ id: entryId("orphan"), parents: [entryId("gone")], height: 4 }]);
    expect(missingForPeer([entryId("orphan")], [], partial, options)).toEqual([entryId("orphan")]);
  });
});

describe("missingForPeer with dishonest heights", () => {
  // x is a root claiming height 10; t (ours) and p (the peer's) are its children, p claiming 1.
  const liar = drawDag({ x: [], t: ["x"], p: ["x"] }, { x: 10, t: 20, p: 1 });
  const ours = [liar.id("t")];
  const peer = [liar.id("p")];

  it("is exact by default", () => {
    expect(missingForPeer(ours, peer, liar.dag)).toEqual([liar.id("t")]);
  });

  it("may over-send, but never under-send, with trustHeights", () => {
    expect(missingForPeer(ours, peer, liar.dag, { trustHeights: true })).toEqual([liar.id("x"), liar.id("t")]);
  });
});

describe("missingForPeer walk length", () => {
  const { dag: chain, ids: chainIds } = chainDag(1000);
  const tip = chainIds[999]!;

  it("with trustHeights, walks only the difference and its frontier", () => {
    const view = countingView(chain);
    expect(missingForPeer([tip], [chainIds[997]!], view, { trustHeights: true })).toEqual(chainIds.slice(998));
    expect(view.expanded.size).toBeLessThanOrEqual(4);
  });

  it("with trustHeights, stops at a fork point the peer reaches from a side branch", () => {
    // Heights step by 2 (as timestamps might), so the side entry pops between c501 and c500,
    // after c500 was queued as ours only.
    const side = entryId("side");
    const fork = new MemoryDag([
      ...chainIds.map((id, i) => ({ id, parents: chain.parents(id)!, height: 2 * i })),
      { id: side, parents: [chainIds[500]!], height: 1001 },
    ]);
    const view = countingView(fork);
    expect(missingForPeer([tip], [side], view, { trustHeights: true })).toEqual(chainIds.slice(501));
    // c999 down to c500, the side entry, and at most a few below the fork.
    expect(view.expanded.size).toBeLessThanOrEqual(505);
  });

  it("exactly, walks the peer's whole known history", () => {
    const view = countingView(chain);
    expect(missingForPeer([tip], [chainIds[997]!], view)).toEqual(chainIds.slice(998));
    expect(view.expanded.size).toBe(1000);
  });
});
