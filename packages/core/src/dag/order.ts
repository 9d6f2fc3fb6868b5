/**
 * The (height, ID) order that Eidetica uses for CRDT merges and for sending entries
 * (spec 1.9): height ascending, ties broken by binary ID order ({@link compareIds}).
 */
import { compareIds, type ID } from "../id/id.js";

/** Anything with an ID and a height, such as a `DagRecord`. */
export interface HeightAndId {
  /** The entry's ID. */
  readonly id: ID;
  /** The entry's height. */
  readonly height: number;
}

/**
 * Compares by height ascending, then by {@link compareIds} (binary CID order, not string order).
 * A comparator for `Array.prototype.sort`.
 *
 * @example
 * ```ts
 * const foldOrder = [...records].sort(compareByHeightThenId);
 * ```
 */
export function compareByHeightThenId(a: HeightAndId, b: HeightAndId): number {
  if (a.height !== b.height) return a.height < b.height ? -1 : 1;
  return compareIds(a.id, b.id);
}
