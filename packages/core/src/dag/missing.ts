/** What a peer lacks, given its tips (spec 5.7, DESIGN 4.3). */
import type { ID } from "../id/id.js";
import { ancestorClosure } from "./closure.js";
import { MinHeap } from "./heap.js";
import { topologicalOrder } from "./topological.js";
import type { DagView } from "./view.js";

/** Options of {@link missingForPeer}. */
export interface MissingForPeerOptions {
  /**
   * Walk down by height from both tip sets at once and stop as soon as every remaining branch
   * is known to the peer, so the cost follows the size of the difference rather than of the
   * history. Exact when every held entry is higher than each of its held parents (a store can
   * enforce this on receipt with {@link isHeightConsistent}). With dishonest heights the result
   * may include some entries the peer has, never fewer than it lacks. Default false: two exact
   * walks whose cost includes the peer's whole known history.
   */
  readonly trustHeights?: boolean;
}

/**
 * The entries an honest peer with tips `peerTips` lacks, to send it parents first.
 *
 * This is the ancestor closure of `ourTips` minus the whole ancestor closure of the peer tips
 * that the view holds; peer tips the view does not hold are ignored. Unlike Rust, which stops
 * only at the peer's exact tips, nothing below a fork is sent again. Only held entries are
 * returned. The order is {@link topologicalOrder}: (height, ID), parents first, so any prefix
 * of the result can be sent as one page: once the peer stores it, its new tips cover it.
 *
 * @param ourTips - our tips (or any entries whose history the peer should have).
 * @param peerTips - the tips the peer reported.
 * @param view - our DAG.
 * @param options - `trustHeights` for the fast walk.
 * @returns the missing entries, parents before children.
 * @throws {MalformedError} if the view presents a cycle among the missing entries.
 *
 * @example
 * ```ts
 * // root <- a <- b,  a <- c;  we have b and c, the peer reports b
 * missingForPeer([b, c], [b], dag); // [c]
 * missingForPeer([b, c], [], dag);  // [root, a, then b and c by ID]
 * ```
 */
export function missingForPeer(
  ourTips: Iterable<ID>,
  peerTips: Iterable<ID>,
  view: DagView,
  options: MissingForPeerOptions = {},
): ID[] {
  const missing =
    options.trustHeights === true ? paintDown(ourTips, peerTips, view) : exactDifference(ourTips, peerTips, view);
  return topologicalOrder(missing, view);
}

function exactDifference(ourTips: Iterable<ID>, peerTips: Iterable<ID>, view: DagView): Set<ID> {
  const known = ancestorClosure(peerTips, view);
  // A descendant of a known entry is never an ancestor of it, so pruning at `known` removes
  // exactly the known part of our closure.
  return ancestorClosure(ourTips, view, { exclude: (id) => known.has(id) });
}

const OURS = 1;
const PEER = 2;

interface Queued {
  readonly id: ID;
  readonly height: number;
}

/**
 * Marks entries reachable from our tips (OURS) and from the peer's tips (PEER), highest first,
 * until every queued entry carries PEER. With honest heights no entry still marked OURS alone
 * can then be an ancestor of a peer tip. Flags only grow and an entry is queued again only when
 * its flags grow, so the walk terminates whatever the heights.
 */
function paintDown(ourTips: Iterable<ID>, peerTips: Iterable<ID>, view: DagView): Set<ID> {
  const flags = new Map<ID, number>();
  const queued = new Set<ID>();
  let oursOnlyQueued = 0;
  // Highest first. Ties need no order: with honest heights, entries of equal height are unrelated.
  const heap = new MinHeap<Queued>((a, b) => a.height > b.height);

  const mark = (id: ID, flag: number): void => {
    const before = flags.get(id) ?? 0;
    const after = before | flag;
    if (after === before) return;
    flags.set(id, after);
    if (queued.has(id)) {
      if ((before & PEER) === 0 && (after & PEER) !== 0) oursOnlyQueued--;
      return;
    }
    const height = view.height(id);
    queued.add(id);
    if ((after & PEER) === 0) oursOnlyQueued++;
    heap.push({ id, height: height === undefined || Number.isNaN(height) ? 0 : height });
  };

  for (const id of peerTips) if (view.parents(id) !== undefined) mark(id, PEER);
  for (const id of ourTips) if (view.parents(id) !== undefined) mark(id, OURS);

  while (oursOnlyQueued > 0) {
    const next = heap.pop();
    if (next === undefined) break;
    queued.delete(next.id);
    const flag = flags.get(next.id) ?? 0;
    if ((flag & PEER) === 0) oursOnlyQueued--;
    for (const parent of view.parents(next.id) ?? []) {
      if (view.parents(parent) !== undefined) mark(parent, flag);
    }
  }

  const missing = new Set<ID>();
  for (const [id, flag] of flags) if (flag === OURS) missing.add(id);
  return missing;
}
