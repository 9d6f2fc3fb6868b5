/**
 * {@link EntryBuilder}: assembles entry fields and normalizes them as Rust's
 * `EntryBuilder::build` does (spec 1.2): parent lists sorted by binary ID and de-duplicated,
 * stores sorted by name, then the structural rules checked.
 */
import { MalformedError } from "../errors/errors.js";
import { EMPTY_ID, parseId, sortedUniqueIds, type ID } from "../id/id.js";
import { compareUtf8 } from "../util/bytes.js";
import { Entry } from "./entry.js";
import { ROOT_STORE, UNSIGNED_KEY, type SigKey, type SubTreeNode } from "./types.js";

interface DraftStore {
  parents: ID[];
  data: Uint8Array | undefined;
  h: number | undefined;
}

/**
 * Builds an unsigned {@link Entry}. Sign it afterwards with {@link signEntry}.
 *
 * @example
 * ```ts
 * const root = EntryBuilder.root().storeData("_settings", settingsJson).build();
 * const child = new EntryBuilder(root.id)
 *   .parents([root.id])
 *   .storeData("notes", utf8('{"children":{}}'))
 *   .storeParents("notes", [])
 *   .height(1)
 *   .build();
 * ```
 */
export class EntryBuilder {
  readonly #root: ID | undefined;
  #parents: ID[] = [];
  #metadata: Uint8Array | undefined;
  #height = 0;
  #key: SigKey = UNSIGNED_KEY;
  readonly #stores = new Map<string, DraftStore>();

  /**
   * Starts an entry of database `root`. Pass `undefined` only through {@link EntryBuilder.root}.
   * @throws {MalformedError} if `root` is not a valid, non-empty ID.
   */
  constructor(root: ID | undefined) {
    if (root !== undefined) {
      if (root === EMPTY_ID) throw new MalformedError("the root ID must not be empty", "tree.root");
      this.#root = parseId(root, "tree.root");
    }
  }

  /** Starts the root entry of a new database: no root ID, no parents, an empty `_root` store. */
  static root(): EntryBuilder {
    return new EntryBuilder(undefined).storeData(ROOT_STORE, new Uint8Array(0));
  }

  /** Sets the main-DAG parents (sorted and de-duplicated on build). */
  parents(ids: Iterable<ID>): this {
    this.#parents = [...ids].map((id, i) => parseId(id, `tree.parents[${i}]`));
    return this;
  }

  /** Sets the opaque metadata bytes (normally {@link encodeEntryMetadata}). */
  metadata(bytes: Uint8Array | undefined): this {
    this.#metadata = bytes;
    return this;
  }

  /** Sets the main-DAG height (default 0). */
  height(h: number): this {
    this.#height = h;
    return this;
  }

  /** Sets the signature key (default: the unsigned key). {@link signEntry} sets it too. */
  key(key: SigKey): this {
    this.#key = key;
    return this;
  }

  #store(name: string): DraftStore {
    let store = this.#stores.get(name);
    if (store === undefined) {
      store = { parents: [], data: undefined, h: undefined };
      this.#stores.set(name, store);
    }
    return store;
  }

  /** Adds store `name` if absent and sets its data (`undefined`: takes part without data). */
  storeData(name: string, data: Uint8Array | undefined): this {
    this.#store(name).data = data;
    return this;
  }

  /** Adds store `name` if absent and sets its parents (sorted and de-duplicated on build). */
  storeParents(name: string, ids: Iterable<ID>): this {
    this.#store(name).parents = [...ids].map((id, i) => parseId(id, `subtrees.${name}.parents[${i}]`));
    return this;
  }

  /** Adds store `name` if absent and sets its own height (`undefined`: the tree height). */
  storeHeight(name: string, h: number | undefined): this {
    this.#store(name).h = h;
    return this;
  }

  /** Removes store `name`. */
  removeStore(name: string): this {
    this.#stores.delete(name);
    return this;
  }

  /**
   * Normalizes and checks the fields and returns the unsigned entry.
   * @throws {MalformedError} or {@link LimitExceededError} if a structural rule is broken.
   */
  build(): Entry {
    const subtrees: SubTreeNode[] = [...this.#stores.entries()]
      .sort(([a], [b]) => compareUtf8(a, b))
      .map(([name, store]) => ({
        name,
        parents: sortedUniqueIds(store.parents),
        ...(store.data === undefined ? {} : { data: store.data.slice() }),
        ...(store.h === undefined ? {} : { h: store.h }),
      }));
    return Entry.fromFields({
      tree: {
        ...(this.#root === undefined ? {} : { root: this.#root }),
        parents: sortedUniqueIds(this.#parents),
        ...(this.#metadata === undefined ? {} : { metadata: this.#metadata.slice() }),
        h: this.#height,
      },
      subtrees,
      sig: { key: this.#key },
    });
  }
}
