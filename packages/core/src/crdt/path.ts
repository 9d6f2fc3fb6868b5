/**
 * Dotted paths into a {@link Doc}, with the rules of Rust's `Doc::get_raw` / `Doc::set`.
 *
 * - A string without a dot is one literal key; the empty string is the key `""`.
 * - A string with a dot is split on `.`, and empty components are dropped:
 *   `".a..b."` is the path `a`, `b`. A string of dots only has no components.
 * - When reading, a component that meets a {@link List} is parsed as an index into its
 *   live (non-tombstone) items, as Rust parses a `usize`: decimal digits with an optional
 *   leading `+`.
 *
 * @module
 */

/**
 * Splits a dotted path into its components, the way Rust's `Doc` does.
 *
 * @param path - A key (no dot) or a dotted path.
 * @returns The components; a key without a dot is returned as the only component (even `""`),
 *   and a path of dots only gives `[]`.
 *
 * @example
 * ```ts
 * pathComponents("user.profile.name"); // ["user", "profile", "name"]
 * pathComponents(".a..b.");            // ["a", "b"]
 * pathComponents("");                  // [""]
 * pathComponents("...");               // []
 * ```
 */
export function pathComponents(path: string): string[] {
  if (!path.includes(".")) return [path];
  return path.split(".").filter((component) => component !== "");
}

const INDEX = /^\+?[0-9]+$/;

/**
 * Parses a path component as a list index, like Rust's `str::parse::<usize>()`.
 *
 * @returns The index, or `undefined` if the component is not an unsigned decimal number or is
 *   too large to index any list.
 */
export function parseListIndex(component: string): number | undefined {
  if (!INDEX.test(component)) return undefined;
  const index = Number(component);
  return Number.isSafeInteger(index) ? index : undefined;
}
