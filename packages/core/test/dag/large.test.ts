/**
 * Every walk on a 100,000-entry chain and on a fan of one root with 100,000 children, on the
 * default stack. Timings are printed, not asserted (DESIGN 6: performance belongs to the bench);
 * the per-test timeout only guards against a walk gone quadratic.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareIds, type ID } from "../../src/id/id.js";
import {
  MemoryDag,
  ancestorClosure,
  findTips,
  isAncestor,
  missingForPeer,
  missingParents,
  nextHeight,
  topologicalOrder,
} from "../../src/dag/index.js";
import { entryIds } from "./helpers.js";

const N = 100_000;
const GUARD_MS = 10_000;
const MODES = [
  { mode: "exact", options: {} },
  { mode: "trustHeights", options: { trustHeights: true } },
] as const;
const timings: [string, number][] = [];

function timed<T>(label: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  timings.push([label, performance.now() - start]);
  return result;
}

let ids: ID[] = [];
beforeAll(() => {
  ids = entryIds(N + 1, "big");
});

afterAll(() => {
  const lines = timings.map(([label, ms]) => `  ${label.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms`);
  console.log(`DAG timings (N = ${N}):\n${lines.join("\n")}`);
});

/** A chain over `chainIds`, each entry's parent the one before it, with the given heights. */
function chainOver(chainIds: readonly ID[], height: (index: number) => number): MemoryDag {
  return new MemoryDag(
    chainIds.map((id, i) => ({ id, parents: i === 0 ? [] : [chainIds[i - 1]!], height: height(i) })),
  );
}

describe("a 100,000-entry chain", () => {
  let chain: MemoryDag;
  let chainIds: ID[];
  let tip: ID;
  let root: ID;
  beforeAll(() => {
    chainIds = ids.slice(0, N);
    chain = chainOver(chainIds, (i) => i);
    root = chainIds[0]!;
    tip = chainIds[N - 1]!;
  });

  it("findTips", { timeout: GUARD_MS }, () => {
    expect(timed("chain findTips", () => findTips(chainIds, chain))).toEqual([tip]);
  });

  it("ancestorClosure", { timeout: GUARD_MS }, () => {
    expect(timed("chain ancestorClosure", () => ancestorClosure([tip], chain)).size).toBe(N);
    const half = chainIds[N / 2]!;
    const exclude = (id: ID): boolean => id === half;
    const pruned = timed("chain ancestorClosure with exclude", () => ancestorClosure([tip], chain, { exclude }));
    expect(pruned.size).toBe(N / 2 - 1);
  });

  it("isAncestor", { timeout: GUARD_MS }, () => {
    expect(timed("chain isAncestor (exact, true)", () => isAncestor(root, tip, chain))).toBe(true);
    const trusted = timed("chain isAncestor (trustHeights, true)", () =>
      isAncestor(root, tip, chain, { trustHeights: true }),
    );
    expect(trusted).toBe(true);
    expect(timed("chain isAncestor (exact, false)", () => isAncestor(tip, root, chain))).toBe(false);
  });

  it("missingParents", { timeout: GUARD_MS }, () => {
    expect(timed("chain missingParents", () => missingParents(chainIds, chain))).toEqual([]);
    const rootless = new MemoryDag(chainIds.slice(1).map((id, i) => ({ id, parents: [chainIds[i]!], height: i + 1 })));
    expect(timed("chain missingParents, root absent", () => missingParents(chainIds, rootless))).toEqual([root]);
  });

  it("topologicalOrder", { timeout: GUARD_MS }, () => {
    const reversed = [...chainIds].reverse();
    expect(timed("chain topologicalOrder", () => topologicalOrder(reversed, chain))).toEqual(chainIds);
  });

  it("topologicalOrder with heights reversed (dishonest)", { timeout: GUARD_MS }, () => {
    const liar = chainOver(chainIds, (i) => N - i);
    expect(timed("chain topologicalOrder, lying heights", () => topologicalOrder(chainIds, liar))).toEqual(chainIds);
  });

  it.each(MODES)("missingForPeer ($mode)", { timeout: GUARD_MS }, ({ mode, options }) => {
    const send = (label: string, peer: ID[]): ID[] =>
      timed(`chain missingForPeer, ${label} (${mode})`, () => missingForPeer([tip], peer, chain, options));
    expect(send("peer empty", [])).toEqual(chainIds);
    expect(send("peer halfway", [chainIds[N / 2 - 1]!])).toEqual(chainIds.slice(N / 2));
    expect(send("peer one behind", [chainIds[N - 2]!])).toEqual([tip]);
  });

  it("nextHeight", () => {
    expect(nextHeight([tip], chain)).toBe(N);
  });
});

describe("a fan of one root with 100,000 children", () => {
  let fan: MemoryDag;
  let root: ID;
  let children: ID[];
  let childrenByBinaryId: ID[];
  beforeAll(() => {
    root = ids[0]!;
    children = ids.slice(1);
    fan = new MemoryDag([
      { id: root, parents: [], height: 0 },
      ...children.map((id) => ({ id, parents: [root], height: 1 })),
    ]);
    childrenByBinaryId = [...children].sort(compareIds);
  });

  it("findTips", { timeout: GUARD_MS }, () => {
    expect(timed("fan findTips", () => findTips(ids, fan))).toEqual(childrenByBinaryId);
  });

  it("ancestorClosure", { timeout: GUARD_MS }, () => {
    const closure = timed("fan ancestorClosure", () => ancestorClosure(children, fan));
    expect(closure.size).toBe(N + 1);
    expect(closure.has(root)).toBe(true);
  });

  it("isAncestor", { timeout: GUARD_MS }, () => {
    expect(timed("fan isAncestor (true)", () => isAncestor(root, children[N - 1]!, fan))).toBe(true);
    expect(timed("fan isAncestor (false)", () => isAncestor(children[0]!, children[1]!, fan))).toBe(false);
  });

  it("missingParents", { timeout: GUARD_MS }, () => {
    expect(timed("fan missingParents", () => missingParents(children, fan))).toEqual([]);
    const rootless = new MemoryDag(children.map((id) => ({ id, parents: [root], height: 1 })));
    expect(timed("fan missingParents, root absent", () => missingParents(children, rootless))).toEqual([root]);
  });

  it("topologicalOrder", { timeout: GUARD_MS }, () => {
    const order = timed("fan topologicalOrder", () => topologicalOrder([...children, root], fan));
    expect(order).toEqual([root, ...childrenByBinaryId]);
  });

  it.each(MODES)("missingForPeer ($mode)", { timeout: GUARD_MS }, ({ mode, options }) => {
    const send = (label: string, peer: ID[]): ID[] =>
      timed(`fan missingForPeer, ${label} (${mode})`, () => missingForPeer(children, peer, fan, options));
    expect(send("peer empty", [])).toEqual([root, ...childrenByBinaryId]);
    const even = children.filter((_, i) => i % 2 === 0);
    const odd = children.filter((_, i) => i % 2 === 1);
    expect(send("peer has half", even)).toEqual([...odd].sort(compareIds));
    expect(send("peer has root", [root])).toEqual(childrenByBinaryId);
  });
});
