/** Property tests on random DAGs against brute-force definitions. Seeded by @eidetica/test-kit. */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareIds, type ID } from "../../src/id/id.js";
import {
  ancestorClosure,
  compareByHeightThenId,
  findTips,
  isAncestor,
  isHeightConsistent,
  missingForPeer,
  missingParents,
  nextHeight,
  topologicalOrder,
  type MemoryDag,
} from "../../src/dag/index.js";
import { fcParams } from "@eidetica/test-kit";
import { arbitraryDag, bruteClosure, entryId, sorted, type RandomDag } from "./helpers.js";

const RUNS = 300;
const UNKNOWN = entryId("never held");

/** A random DAG with two random subsets of its IDs (plus, sometimes, an unknown ID). */
function dagWithTwoSets(dishonest = false): fc.Arbitrary<[RandomDag, ID[], ID[]]> {
  return arbitraryDag(30, dishonest).chain((dag) =>
    fc.tuple(fc.constant(dag), subsetOf(dag.ids), subsetOf(dag.ids)),
  );
}

function subsetOf(ids: readonly ID[]): fc.Arbitrary<ID[]> {
  return fc
    .tuple(fc.subarray([...ids]), fc.boolean())
    .map(([subset, withUnknown]) => (withUnknown ? [...subset, UNKNOWN] : subset));
}

/** True if every member's held parents inside the list come before it. */
function parentsFirst(order: readonly ID[], dag: MemoryDag): boolean {
  const position = new Map(order.map((id, i) => [id, i] as const));
  return order.every((id, i) => (dag.parents(id) ?? []).every((p) => (position.get(p) ?? -1) < i));
}

describe("findTips", () => {
  it("matches the definition: members no other member names as a parent", () => {
    fc.assert(
      fc.property(dagWithTwoSets(), ([{ dag }, set]) => {
        const members = new Set(set);
        const expected = [...members]
          .filter((id) => ![...members].some((other) => other !== id && (dag.parents(other) ?? []).includes(id)))
          .sort(compareIds);
        expect(findTips(set, dag)).toEqual(expected);
      }),
      fcParams(RUNS),
    );
  });
});

describe("ancestorClosure and isAncestor", () => {
  it("ancestorClosure equals the brute-force closure", () => {
    fc.assert(
      fc.property(dagWithTwoSets(), ([{ dag }, starts]) => {
        expect(sorted(ancestorClosure(starts, dag))).toEqual(sorted(bruteClosure(starts, dag)));
      }),
      fcParams(RUNS),
    );
  });

  it("isAncestor agrees with the closure, with and without trustHeights", () => {
    fc.assert(
      fc.property(arbitraryDag(), fc.nat(), fc.nat(), ({ dag, ids }, i, j) => {
        fc.pre(ids.length > 0);
        const a = ids[i % ids.length] as ID;
        const d = ids[j % ids.length] as ID;
        const expected = bruteClosure([d], dag).has(a);
        expect(isAncestor(a, d, dag)).toBe(expected);
        expect(isAncestor(a, d, dag, { trustHeights: true })).toBe(expected);
      }),
      fcParams(RUNS),
    );
  });

  it("isAncestor is exact without trustHeights even when heights lie", () => {
    fc.assert(
      fc.property(arbitraryDag(30, true), fc.nat(), fc.nat(), ({ dag, ids }, i, j) => {
        fc.pre(ids.length > 0);
        const a = ids[i % ids.length] as ID;
        const d = ids[j % ids.length] as ID;
        expect(isAncestor(a, d, dag)).toBe(bruteClosure([d], dag).has(a));
      }),
      fcParams(RUNS),
    );
  });

  it("missingParents lists exactly the unheld parents of held members", () => {
    fc.assert(
      fc.property(dagWithTwoSets(), ([{ dag }, set]) => {
        const expected = new Set(set.flatMap((id) => dag.parents(id) ?? []).filter((p) => !dag.has(p)));
        expect(missingParents(set, dag)).toEqual([...expected].sort(compareIds));
      }),
      fcParams(RUNS),
    );
  });
});

describe("topologicalOrder", () => {
  it("puts every parent before its child and returns each member once", () => {
    fc.assert(
      fc.property(dagWithTwoSets(true), ([{ dag }, set]) => {
        const order = topologicalOrder(set, dag);
        expect(sorted(order)).toEqual(sorted(new Set(set)));
        expect(parentsFirst(order, dag)).toBe(true);
      }),
      fcParams(RUNS),
    );
  });

  it("equals the (height, ID) sort when heights are honest", () => {
    fc.assert(
      fc.property(dagWithTwoSets(), ([{ dag }, set]) => {
        const expected = [...new Set(set)]
          .map((id) => ({ id, height: dag.height(id) ?? 0 }))
          .sort(compareByHeightThenId)
          .map((x) => x.id);
        expect(topologicalOrder(set, dag)).toEqual(expected);
      }),
      fcParams(RUNS),
    );
  });
});

describe("missingForPeer", () => {
  const modes = [
    { mode: "exact", options: {} },
    { mode: "trustHeights", options: { trustHeights: true } },
  ] as const;

  it.each(modes)("covers what the peer lacks and nothing it has ($mode, honest heights)", ({ options }) => {
    fc.assert(
      fc.property(dagWithTwoSets(), ([{ dag }, ours, peer]) => {
        const missing = missingForPeer(ours, peer, dag, options);
        const ourClosure = bruteClosure(ours, dag);
        const peerClosure = bruteClosure(peer, dag);
        const union = new Set([...missing, ...peerClosure]);
        expect([...ourClosure].every((id) => union.has(id))).toBe(true);
        expect(missing.some((id) => peerClosure.has(id))).toBe(false);
        expect(sorted(missing)).toEqual(sorted([...ourClosure].filter((id) => !peerClosure.has(id))));
        expect(missing).toEqual(topologicalOrder(missing, dag));
      }),
      fcParams(RUNS),
    );
  });

  it("is exact by default when heights lie, and trustHeights never under-sends", () => {
    fc.assert(
      fc.property(dagWithTwoSets(true), ([{ dag }, ours, peer]) => {
        const ourClosure = bruteClosure(ours, dag);
        const peerClosure = bruteClosure(peer, dag);
        const exact = sorted([...ourClosure].filter((id) => !peerClosure.has(id)));
        const missing = missingForPeer(ours, peer, dag);
        expect(sorted(missing)).toEqual(exact);
        expect(parentsFirst(missing, dag)).toBe(true);
        const trusted = new Set(missingForPeer(ours, peer, dag, { trustHeights: true }));
        expect(exact.every((id) => trusted.has(id))).toBe(true);
        expect([...trusted].every((id) => ourClosure.has(id))).toBe(true);
      }),
      fcParams(RUNS),
    );
  });
});

describe("heights", () => {
  it("nextHeight always gives a consistent height", () => {
    fc.assert(
      fc.property(dagWithTwoSets(true), ([{ dag }, parents]) => {
        const height = nextHeight(parents, dag);
        expect(isHeightConsistent(height, parents, dag)).toBe(true);
        // One lower is too low unless every parent is unheld (unheld parents are not checked).
        const anyHeld = parents.some((p) => dag.has(p));
        expect(isHeightConsistent(height - 1, parents, dag)).toBe(parents.length > 0 && !anyHeld);
      }),
      fcParams(RUNS),
    );
  });

  it("honest random DAGs pass isHeightConsistent everywhere", () => {
    fc.assert(
      fc.property(arbitraryDag(), ({ records, dag }) => {
        expect(records.every((r) => isHeightConsistent(r.height, r.parents, dag))).toBe(true);
      }),
      fcParams(RUNS),
    );
  });
});
