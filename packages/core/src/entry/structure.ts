/**
 * Structural rules of an entry (spec 1.2), shared by the builder and every decoder.
 * Entries are checked in canonical form: parent lists sorted by {@link compareIds} without
 * duplicates, stores sorted by name (UTF-8 byte order) without duplicates.
 */
import { LimitExceededError, MalformedError } from "../errors/errors.js";
import { compareIds, EMPTY_ID } from "../id/id.js";
import { LIMITS } from "../limits.js";
import { compareUtf8 } from "../util/bytes.js";
import { ROOT_STORE, type EntryFields } from "./types.js";

/**
 * Checks the structural rules of an entry in canonical form.
 *
 * - A root entry has a `_root` store, no main parents and no `tree.root`.
 * - An entry with a `_root` store has no main parents.
 * - Every other entry has a `tree.root` and at least one main parent.
 * - Store names are non-empty, sorted and unique; parent lists are sorted and unique, with at
 *   most {@link LIMITS.parentsPerEntry} parents each.
 * - Heights are non-negative safe integers.
 *
 * @throws {MalformedError} or {@link LimitExceededError} naming the first rule broken.
 */
export function checkEntryStructure(entry: EntryFields): void {
  const { tree, subtrees } = entry;
  checkHeight(tree.h, "tree.h");
  checkParents(tree.parents, "tree.parents");
  if (tree.root === EMPTY_ID) throw new MalformedError("the root ID must not be empty", "tree.root");

  let hasRootStore = false;
  for (let i = 0; i < subtrees.length; i++) {
    const subtree = subtrees[i]!;
    const path = `subtrees[${i}]`;
    if (subtree.name.length === 0) throw new MalformedError("store names must be non-empty", `${path}.name`);
    if (i > 0 && compareUtf8(subtrees[i - 1]!.name, subtree.name) >= 0) {
      throw new MalformedError("stores must be sorted by name without duplicates", `${path}.name`);
    }
    if (subtree.name === ROOT_STORE) hasRootStore = true;
    if (subtree.h !== undefined) checkHeight(subtree.h, `${path}.h`);
    checkParents(subtree.parents, `${path}.parents`);
  }

  if (hasRootStore && tree.parents.length > 0) {
    throw new MalformedError("an entry with a _root store cannot have parents", "tree.parents");
  }
  const isRoot = hasRootStore && tree.root === undefined;
  if (!isRoot) {
    if (tree.root === undefined) throw new MalformedError("a non-root entry must name its database root", "tree.root");
    if (tree.parents.length === 0) throw new MalformedError("a non-root entry must have parents", "tree.parents");
  }
}

function checkHeight(h: number, path: string): void {
  if (!Number.isSafeInteger(h) || h < 0) {
    throw new MalformedError("a height must be a non-negative integer below 2^53", path);
  }
}

function checkParents(parents: readonly string[], path: string): void {
  if (parents.length > LIMITS.parentsPerEntry) {
    throw new LimitExceededError("parentsPerEntry", LIMITS.parentsPerEntry, parents.length);
  }
  for (let i = 0; i < parents.length; i++) {
    if (parents[i] === EMPTY_ID) throw new MalformedError("a parent ID must not be empty", `${path}[${i}]`);
    if (i > 0 && compareIds(parents[i - 1]!, parents[i]!) >= 0) {
      throw new MalformedError("parents must be sorted by ID without duplicates", `${path}[${i}]`);
    }
  }
}
