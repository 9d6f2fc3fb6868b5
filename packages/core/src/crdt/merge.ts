/**
 * The merge of two values, as Rust's `Value::merge`. `mergeValues(a, b)` means "b is applied
 * after a": b is the later write.
 *
 * Rules, in order:
 * 1. `a` is a tombstone: the result is `b` (a later write resurrects the key).
 * 2. `b` is a tombstone: the result is a tombstone (a later delete wins).
 * 3. Both are Docs: {@link Doc.merge}. Both are Lists: {@link List.merge}.
 * 4. Anything else, including every scalar pair and every change of type: `b`.
 *
 * {@link Doc.merge}: if `b` is atomic the result is exactly `b`; otherwise it starts from `a`
 * (keeping `a`'s atomic flag, which is "contagious") and merges every key of `b` into it.
 * {@link List.merge}: the union of positions; values at the same position merge by these rules.
 *
 * ## Algebra (checked by the property tests in `test/crdt/properties.test.ts`)
 *
 * Writing `a ⊕ b` for `a.merge(b)`, these hold for all documents:
 * - identity: `new Doc() ⊕ a = a ⊕ new Doc() = a`;
 * - idempotence: `a ⊕ a = a`;
 * - duplicate delivery is harmless: `(a ⊕ b) ⊕ b = a ⊕ b` and `a ⊕ (a ⊕ b) = a ⊕ b`.
 *
 * Associativity, `(a ⊕ b) ⊕ c = a ⊕ (b ⊕ c)`, holds whenever no path holds a container in `a`,
 * a value of another kind (a scalar, a tombstone, or the other container) in `b`, and the same
 * container kind again in `c`. In that one pattern Rust's rules are not associative: with
 * `a = {k: Doc{x}}`, `b = {k: Deleted}`, `c = {k: Doc{y}}`, the left fold gives `{k: Doc{y}}`
 * and the grouping `a ⊕ (b ⊕ c)` gives `{k: Doc{x, y}}`. This port keeps Rust's rules, so a
 * store's state must be computed as Rust does: a left fold of the entries in one fixed order.
 *
 * Merge is not commutative: for a conflicting key the later write wins. It is commutative when
 * the two documents do not conflict, i.e. when both split one document between them with every
 * leaf in one side or identical in both, and neither side is atomic where the other differs.
 *
 * Recursion depth is bounded: every Doc and List is at most `LIMITS.jsonDepth` (64) JSON levels
 * deep, checked when it is built, and a Doc level takes three JSON levels.
 *
 * @module
 */

import type { Value } from "./value.js";
import { DELETED } from "./value.js";

/**
 * Merges `b` (the later write) into `a`, returning the result. Neither input is changed.
 *
 * @example
 * ```ts
 * mergeValues(1, 2);          // 2: the later write wins
 * mergeValues(1, DELETED);    // DELETED: a later delete wins
 * mergeValues(DELETED, "x");  // "x": a later write resurrects
 * ```
 */
export function mergeValues(a: Value, b: Value): Value {
  if (a === DELETED) return b;
  if (b === DELETED) return DELETED;
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    if (a.kind === "Doc" && b.kind === "Doc") return a.merge(b);
    if (a.kind === "List" && b.kind === "List") return a.merge(b);
  }
  return b;
}
