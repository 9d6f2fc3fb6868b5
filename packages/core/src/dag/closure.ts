/** Ancestor walks: closures, ancestry tests and parents that have not arrived. */
import { compareIds, type ID } from "../id/id.js";
import type { DagView, ParentsView } from "./view.js";

/** Options of {@link ancestorClosure}. */
export interface AncestorClosureOptions {
  /**
   * Called once for each held entry reached. When it returns true the entry is included but the
   * walk does not continue to its parents (they may still be reached through another path).
   */
  readonly stopAt?: (id: ID) => boolean;
  /**
   * Called once for each held entry reached. When it returns true the entry is neither included
   * nor walked through. Checked before {@link AncestorClosureOptions.stopAt}.
   */
  readonly exclude?: (id: ID) => boolean;
}

/**
 * The held ancestors of `startIds`, the held start IDs included.
 *
 * The walk is an iterative depth-first search: it never recurses, so a chain of any length works
 * on the default stack, and it visits each entry at most once, so it terminates even if the view
 * presents a cycle. IDs the view does not hold (unknown starts, parents that have not arrived)
 * are left out and not expanded; {@link missingParents} lists the latter.
 *
 * @param startIds - where to start; duplicates are ignored.
 * @param view - supplies parents.
 * @param options - optional `exclude` and `stopAt` predicates.
 * @returns the closure as a set, in visiting order.
 *
 * @example
 * ```ts
 * // root <- a <- b
 * ancestorClosure([b], dag);                                 // {b, a, root}
 * ancestorClosure([b], dag, { stopAt: (id) => id === a });   // {b, a}
 * ancestorClosure([b], dag, { exclude: (id) => id === a });  // {b}
 * ```
 */
export function ancestorClosure(
  startIds: Iterable<ID>,
  view: ParentsView,
  options: AncestorClosureOptions = {},
): Set<ID> {
  const { stopAt, exclude } = options;
  const seen = new Set<ID>();
  const closure = new Set<ID>();
  const stack: ID[] = [];
  for (const id of startIds) {
    if (!seen.has(id)) {
      seen.add(id);
      stack.push(id);
    }
  }
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    const parents = view.parents(id);
    if (parents === undefined || exclude?.(id) === true) continue;
    closure.add(id);
    if (stopAt?.(id) === true) continue;
    for (const parent of parents) {
      if (!seen.has(parent)) {
        seen.add(parent);
        stack.push(parent);
      }
    }
  }
  return closure;
}

/** Options of {@link isAncestor}. */
export interface IsAncestorOptions {
  /**
   * Prune the walk by height: do not walk through entries no higher than `ancestor`. Exact
   * only if every held entry is higher than each of its held parents (see
   * {@link isHeightConsistent}); with dishonest heights it may answer false where the exact
   * answer is true. Default false: exact walk.
   */
  readonly trustHeights?: boolean;
}

/**
 * True if `ancestor` is in the {@link ancestorClosure} of `descendant`: an entry counts as its
 * own ancestor, and only held entries count.
 *
 * Stops as soon as `ancestor` is found. Without `trustHeights` the worst case walks the whole
 * closure of `descendant`; with it, only entries higher than `ancestor`.
 *
 * @example
 * ```ts
 * // root <- a <- b,  root <- c
 * isAncestor(root, b, dag); // true
 * isAncestor(c, b, dag);    // false
 * isAncestor(b, b, dag);    // true
 * ```
 */
export function isAncestor(ancestor: ID, descendant: ID, view: DagView, options: IsAncestorOptions = {}): boolean {
  if (view.parents(ancestor) === undefined) return false;
  const floor = options.trustHeights === true ? view.height(ancestor) : undefined;
  if (descendant === ancestor) return true;
  const seen = new Set<ID>([descendant]);
  const stack: ID[] = [descendant];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    const parents = view.parents(id);
    if (parents === undefined) continue;
    for (const parent of parents) {
      if (parent === ancestor) return true;
      if (seen.has(parent)) continue;
      seen.add(parent);
      // With honest heights only an entry higher than `ancestor` can lead to it.
      if (floor !== undefined && (view.height(parent) ?? Infinity) <= floor) continue;
      stack.push(parent);
    }
  }
  return false;
}

/**
 * The parents named by held members of `ids` that the view does not hold: the entries to fetch
 * (or wait for) before `ids` are complete. Combine with {@link ancestorClosure} to find every
 * missing ancestor: `missingParents(ancestorClosure(tips, view), view)`.
 *
 * @returns the missing parents, de-duplicated and sorted by {@link compareIds}.
 *
 * @example
 * ```ts
 * const waitingFor = missingParents(batchIds, view);
 * if (waitingFor.length > 0) quarantine(batch, waitingFor);
 * ```
 */
export function missingParents(ids: Iterable<ID>, view: ParentsView): ID[] {
  const missing = new Set<ID>();
  for (const id of new Set(ids)) {
    const parents = view.parents(id);
    if (parents === undefined) continue;
    for (const parent of parents) {
      if (view.parents(parent) === undefined) missing.add(parent);
    }
  }
  return [...missing].sort(compareIds);
}
