/** Shared fixtures for the DAG tests: entry-like IDs, small DAGs, random DAGs, brute force. */
import * as fc from "fast-check";
import { idFromDagCbor, type ID } from "../../src/id/id.js";
import { MemoryDag, type DagRecord, type DagView } from "../../src/dag/index.js";

const encoder = new TextEncoder();

/**
 * An entry-like (`bafyr4i…`) ID derived from a label, the same on every run. It is passed
 * through JSON, as IDs from a peer are, so it is a flat string: the concatenated string that
 * CID formatting builds would make its first comparison slower and muddle the timings.
 */
export function entryId(label: string | number): ID {
  return JSON.parse(JSON.stringify(idFromDagCbor(encoder.encode(`dag-test:${label}`)))) as ID;
}

/** `count` distinct entry-like IDs. */
export function entryIds(count: number, prefix = "n"): ID[] {
  return Array.from({ length: count }, (_, i) => entryId(`${prefix}${i}`));
}

/**
 * Builds a DAG from `{ name: [parentNames] }` with honest incremental heights, unless a height
 * is given in `heights`. Returns the DAG and the ID of each name.
 */
export function drawDag(
  shape: Readonly<Record<string, readonly string[]>>,
  heights: Readonly<Record<string, number>> = {},
): { dag: MemoryDag; id: (name: string) => ID; name: (id: ID) => string } {
  const ids = new Map<string, ID>();
  const names = new Map<ID, string>();
  const id = (name: string): ID => {
    let value = ids.get(name);
    if (value === undefined) {
      value = entryId(name);
      ids.set(name, value);
      names.set(value, name);
    }
    return value;
  };
  const computed = new Map<string, number>();
  const heightOf = (name: string): number => {
    const given = heights[name];
    if (given !== undefined) return given;
    const known = computed.get(name);
    if (known !== undefined) return known;
    const parents = shape[name] ?? [];
    const height = parents.length === 0 ? 0 : Math.max(...parents.map(heightOf)) + 1;
    computed.set(name, height);
    return height;
  };
  const dag = new MemoryDag(
    Object.entries(shape).map(([name, parents]) => ({
      id: id(name),
      parents: parents.map(id),
      height: heightOf(name),
    })),
  );
  return { dag, id, name: (value) => names.get(value) ?? `?${value}` };
}

/** A random DAG: node i's held parents are drawn from nodes 0..i-1, so it is acyclic. */
export interface RandomDag {
  readonly records: readonly DagRecord[];
  readonly dag: MemoryDag;
  readonly ids: readonly ID[];
}

const POOL = entryIds(64, "pool");
/** Parent draws at or above this index name an entry that is never held. */
const GHOST_FROM = 60;
const GHOSTS = entryIds(POOL.length - GHOST_FROM, "ghost");

/**
 * Random DAGs of up to `maxNodes` nodes (at most 64), some naming parents that are not held.
 * Heights are honest (`max(held parent) + 1`) unless `dishonest`, in which case each height is
 * an arbitrary small integer.
 */
export function arbitraryDag(maxNodes = 30, dishonest = false): fc.Arbitrary<RandomDag> {
  const node = fc.record({
    parents: fc.array(fc.nat({ max: POOL.length - 1 }), { maxLength: 4, size: "max" }),
    height: fc.nat({ max: 10 }),
  });
  return fc.array(node, { maxLength: Math.min(maxNodes, POOL.length), size: "max" }).map((nodes) => {
    const heights: number[] = [];
    const records = nodes.map((node, i) => {
      // Parents come from earlier nodes only, so the DAG is acyclic; a few are never held.
      const held = [...new Set(node.parents.filter((p) => p < GHOST_FROM && i > 0).map((p) => p % i))];
      const ghosts = [...new Set(node.parents.filter((p) => p >= GHOST_FROM))].map((p) => GHOSTS[p - GHOST_FROM] as ID);
      const honest = held.length === 0 ? 0 : Math.max(...held.map((p) => heights[p] ?? 0)) + 1;
      const height = dishonest ? node.height : honest;
      heights.push(height);
      return { id: POOL[i] as ID, parents: [...held.map((p) => POOL[p] as ID), ...ghosts], height };
    });
    return { records, dag: new MemoryDag(records), ids: records.map((r) => r.id) };
  });
}

/** Brute-force ancestor closure (fixpoint over all records), for checking the real one. */
export function bruteClosure(starts: Iterable<ID>, dag: MemoryDag): Set<ID> {
  const result = new Set<ID>([...starts].filter((id) => dag.has(id)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of [...result]) {
      for (const parent of dag.parents(id) ?? []) {
        if (dag.has(parent) && !result.has(parent)) {
          result.add(parent);
          grew = true;
        }
      }
    }
  }
  return result;
}

/** Sorted copy, for comparing sets as arrays. */
export function sorted(ids: Iterable<ID>): ID[] {
  return [...ids].sort();
}

/** Wraps a view and records which IDs had their parents read, to check how far a walk went. */
export function countingView(inner: DagView): DagView & { readonly expanded: Set<ID> } {
  const expanded = new Set<ID>();
  return {
    expanded,
    parents(id) {
      expanded.add(id);
      return inner.parents(id);
    },
    height: (id) => inner.height(id),
  };
}

/** A chain of `length` entries with honest heights; `ids[0]` is the root. */
export function chainDag(length: number, prefix = "chain"): { dag: MemoryDag; ids: ID[] } {
  const ids = entryIds(length, prefix);
  const dag = new MemoryDag(ids.map((id, i) => ({ id, parents: i === 0 ? [] : [ids[i - 1] as ID], height: i })));
  return { dag, ids };
}
