/** Heights of new and received entries (spec 1.8). */
import type { ID } from "../id/id.js";
import type { HeightsView } from "./view.js";

/**
 * The height of a new entry under the `incremental` strategy (spec 1.8): one more than the
 * highest parent, or 0 for an entry without parents. A parent the view does not hold counts
 * as height 0, as in Rust.
 *
 * @example
 * ```ts
 * nextHeight([], dag);          // 0
 * nextHeight([a, b], dag);      // max(h(a), h(b)) + 1
 * ```
 */
export function nextHeight(parents: Iterable<ID>, view: HeightsView): number {
  let highest = -1;
  for (const parent of parents) {
    const height = view.height(parent) ?? 0;
    if (height > highest) highest = height;
  }
  return highest + 1;
}

/**
 * True if `height` is a plausible height for an entry with these parents: a non-negative safe
 * integer strictly greater than the height of every held parent. Both height strategies of
 * spec 1.8 produce such heights, so a store may reject entries that fail this check; a store
 * that does can pass `trustHeights` to {@link missingForPeer} and {@link isAncestor}.
 * Parents the view does not hold are not checked (check again when they arrive).
 *
 * @example
 * ```ts
 * if (!isHeightConsistent(entry.height, entry.parents, store)) reject(entry);
 * ```
 */
export function isHeightConsistent(height: number, parents: Iterable<ID>, view: HeightsView): boolean {
  if (!Number.isSafeInteger(height) || height < 0) return false;
  for (const parent of parents) {
    const parentHeight = view.height(parent);
    if (parentHeight !== undefined && !(parentHeight < height)) return false;
  }
  return true;
}
