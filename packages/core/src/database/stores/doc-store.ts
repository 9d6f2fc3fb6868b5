/**
 * {@link DocStore} (`docstore:v0`, spec 2.5): a store holding one CRDT {@link Doc}; writes set
 * or tombstone paths, last writer in (height, ID) order wins per path.
 */
import type { Doc } from "../../crdt/doc.js";
import type { ValueInput } from "../../crdt/convert.js";
import type { List } from "../../crdt/list.js";
import type { LiveValue } from "../../crdt/value.js";
import type { StoreDraft } from "./draft.js";

/** The type ID written to `_index` for a DocStore. */
export const DOCSTORE_TYPE = "docstore:v0";

/**
 * A DocStore inside a transaction: reads see the state at the transaction's parents with the
 * transaction's own writes applied; writes are staged until commit.
 *
 * @example
 * ```ts
 * const todo = await txn.docStore("todo");
 * todo.set("items.milk", 2);
 * todo.getInt("items.milk"); // 2
 * todo.delete("items.milk"); // true
 * ```
 */
export class DocStore {
  /** @internal */
  protected readonly draft: StoreDraft;

  /** @internal Use `txn.docStore(name)`. */
  constructor(draft: StoreDraft) {
    this.draft = draft;
  }

  /** The store name. */
  get name(): string {
    return this.draft.name;
  }

  /** The whole state as this transaction sees it. */
  getAll(): Doc {
    return this.draft.full;
  }

  /** The value at a dotted path (tombstones read as absent). */
  get(path: string): LiveValue | undefined {
    return this.draft.full.get(path);
  }

  /** True if a live value is at the path. */
  has(path: string): boolean {
    return this.draft.full.has(path);
  }

  /** The text at the path, if it is text. */
  getText(path: string): string | undefined {
    return this.draft.full.getText(path);
  }

  /** The integer at the path, if it is one. */
  getInt(path: string): number | undefined {
    return this.draft.full.getInt(path);
  }

  /** The boolean at the path, if it is one. */
  getBool(path: string): boolean | undefined {
    return this.draft.full.getBool(path);
  }

  /** The nested Doc at the path, if it is one. */
  getDoc(path: string): Doc | undefined {
    return this.draft.full.getDoc(path);
  }

  /** The list at the path, if it is one. */
  getList(path: string): List | undefined {
    return this.draft.full.getList(path);
  }

  /** Sets a value at a dotted path, creating intermediate Docs. */
  set(path: string, value: ValueInput): void {
    this.draft.update((delta) => delta.set(path, value, this.draft.random));
  }

  /** Tombstones the value at a path; false (and no write) if there is none. */
  delete(path: string): boolean {
    if (!this.draft.full.has(path)) return false;
    this.draft.update((delta) => delta.delete(path));
    return true;
  }
}
