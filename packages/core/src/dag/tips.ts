/** Tips of a set of entries (spec 1.7). */
import { compareIds, type ID } from "../id/id.js";
import type { ParentsView } from "./view.js";

/**
 * The tips of a set of entries: the members not named as a parent by another member.
 *
 * Only the set matters, not the rest of the view: an entry whose child exists in the view but
 * not in `ids` is still a tip of `ids`. A member the view does not hold names no parents.
 * The result is de-duplicated and sorted by {@link compareIds}, the normal form of a Snapshot.
 * Runs in time linear in the number of parent links, plus the sort.
 *
 * @param ids - the set; duplicates are ignored.
 * @param view - supplies each member's parents.
 * @returns the tips, sorted by {@link compareIds}.
 *
 * @example
 * ```ts
 * // root <- a, root <- b
 * findTips([root, a, b], dag); // [a, b] in ID order
 * findTips([root, a], dag);    // [a]
 * ```
 */
export function findTips(ids: Iterable<ID>, view: ParentsView): ID[] {
  const members = new Set(ids);
  const named = new Set<ID>();
  for (const id of members) {
    const parents = view.parents(id);
    if (parents === undefined) continue;
    for (const parent of parents) {
      if (parent !== id && members.has(parent)) named.add(parent);
    }
  }
  const tips: ID[] = [];
  for (const id of members) if (!named.has(id)) tips.push(id);
  return tips.sort(compareIds);
}
