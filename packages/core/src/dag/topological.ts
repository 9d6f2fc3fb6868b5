/** Topological order of a set of entries, ties broken by (height, ID). */
import { MalformedError } from "../errors/errors.js";
import { compareIds, type ID } from "../id/id.js";
import { MinHeap } from "./heap.js";
import type { DagView } from "./view.js";

/**
 * Orders a set of entries parents first (Kahn's algorithm restricted to the set), choosing among
 * the entries that are ready by (height, ID): lowest height first, ties by {@link compareIds}.
 *
 * When heights are honest (every entry higher than its parents in the set) the result is exactly
 * the (height, ID) sort of spec 1.9, the order of CRDT merges and of entries sent to a peer.
 * When they are not, parents still come before their children. Only links between members of
 * the set count; a member the view does not hold is a root, and a missing or NaN height counts
 * as 0. Runs in O(n log n + links) without recursion.
 *
 * @param ids - the set to order; duplicates are ignored.
 * @param view - supplies parents and heights.
 * @returns every member of the set exactly once, parents before children.
 * @throws {MalformedError} if the view presents a cycle among the members, which content
 *   addressing rules out for real entries.
 *
 * @example
 * ```ts
 * for (const id of topologicalOrder(received, view)) applyEntry(id); // parents first
 * ```
 */
export function topologicalOrder(ids: Iterable<ID>, view: DagView): ID[] {
  const index = new Map<ID, number>();
  const members: ID[] = [];
  for (const id of ids) {
    if (index.has(id)) continue;
    index.set(id, members.length);
    members.push(id);
  }
  const n = members.length;
  const heights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const height = view.height(members[i] as ID);
    heights[i] = height === undefined || Number.isNaN(height) ? 0 : height;
  }

  // Rank the members by (height, ID) once, so the heap compares plain integers.
  const byRank = Array.from({ length: n }, (_, i) => i);
  byRank.sort((a, b) => {
    const ha = heights[a] as number;
    const hb = heights[b] as number;
    return ha !== hb ? (ha < hb ? -1 : 1) : compareIds(members[a] as ID, members[b] as ID);
  });
  const rank = new Uint32Array(n);
  for (let r = 0; r < n; r++) rank[byRank[r] as number] = r;

  // Links within the set, in rank space, counted with multiplicity so that a repeated parent
  // is counted and released the same number of times.
  const pending = new Uint32Array(n);
  const start = new Uint32Array(n + 1);
  const linkParent: number[] = [];
  const linkChild: number[] = [];
  for (let i = 0; i < n; i++) {
    const parents = view.parents(members[i] as ID);
    if (parents === undefined) continue;
    const child = rank[i] as number;
    for (const parentId of parents) {
      const parentIndex = index.get(parentId);
      if (parentIndex === undefined) continue;
      const parent = rank[parentIndex] as number;
      linkParent.push(parent);
      linkChild.push(child);
      pending[child] = (pending[child] as number) + 1;
      start[parent + 1] = (start[parent + 1] as number) + 1;
    }
  }
  // The children of rank r are children[start[r] .. start[r + 1]).
  for (let r = 0; r < n; r++) start[r + 1] = (start[r + 1] as number) + (start[r] as number);
  const fill = start.slice(0, n);
  const children = new Uint32Array(linkParent.length);
  for (let link = 0; link < linkParent.length; link++) {
    const parent = linkParent[link] as number;
    const slot = fill[parent] as number;
    children[slot] = linkChild[link] as number;
    fill[parent] = slot + 1;
  }

  const ready = new MinHeap<number>((a, b) => a < b);
  for (let r = 0; r < n; r++) if (pending[r] === 0) ready.push(r);
  const order: ID[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(members[byRank[next] as number] as ID);
    const end = start[next + 1] as number;
    for (let c = start[next] as number; c < end; c++) {
      const child = children[c] as number;
      const left = (pending[child] as number) - 1;
      pending[child] = left;
      if (left === 0) ready.push(child);
    }
  }
  if (order.length !== n) {
    throw new MalformedError(`the DAG has a cycle through ${n - order.length} of ${n} entries`);
  }
  return order;
}
