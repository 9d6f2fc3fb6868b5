/**
 * DAG algorithms over a read-only {@link DagView}: tips, ancestor closures, the entries a peer
 * lacks, and the (height, ID) topological order used for merges and sends.
 *
 * Every walk is iterative, so a chain of any length works on the default stack, and every walk
 * terminates on dishonest input (wrong heights, cycles).
 *
 * @packageDocumentation
 */
export { type DagView, type ParentsView, type HeightsView, type DagRecord, MemoryDag } from "./view.js";
export { type HeightAndId, compareByHeightThenId } from "./order.js";
export { findTips } from "./tips.js";
export {
  type AncestorClosureOptions,
  type IsAncestorOptions,
  ancestorClosure,
  isAncestor,
  missingParents,
} from "./closure.js";
export { topologicalOrder } from "./topological.js";
export { type MissingForPeerOptions, missingForPeer } from "./missing.js";
export { nextHeight, isHeightConsistent } from "./height.js";
