/**
 * The read-only graph view every DAG algorithm works on, and an in-memory implementation.
 *
 * The algorithms never see entries, only the two facts they need about each one: the IDs of its
 * (main-tree) parents and its height. A backend, a quarantine or a batch of received entries can
 * each present itself as a {@link DagView} without copying anything.
 */
import { MalformedError } from "../errors/errors.js";
import type { ID } from "../id/id.js";

/**
 * Read-only access to a DAG of entries. Both methods return `undefined` for an ID the view does
 * not hold; an algorithm never expands past such an ID.
 *
 * Implementations need not be honest: heights may be wrong and parent lists may repeat IDs or
 * even form a cycle. Every algorithm terminates on such input, and those whose answer would be
 * meaningless (a topological order of a cycle) throw a {@link MalformedError}.
 *
 * @example
 * ```ts
 * const view: DagView = {
 *   parents: (id) => store.get(id)?.parents,
 *   height: (id) => store.get(id)?.height,
 * };
 * ```
 */
export interface DagView {
  /** The parent IDs of a held entry, or `undefined` if the entry is not held. */
  parents(id: ID): readonly ID[] | undefined;
  /** The height `h` of a held entry, or `undefined` if the entry is not held. */
  height(id: ID): number | undefined;
}

/** The part of a {@link DagView} used by walks that ignore heights. */
export type ParentsView = Pick<DagView, "parents">;

/** The part of a {@link DagView} used by height computations. */
export type HeightsView = Pick<DagView, "height">;

/** One node of a {@link MemoryDag}: an entry ID with its parent IDs and height. */
export interface DagRecord {
  /** The entry's ID. */
  readonly id: ID;
  /** The IDs of the entry's parents (empty for a root). */
  readonly parents: readonly ID[];
  /** The entry's height: a non-negative safe integer. */
  readonly height: number;
}

/**
 * A {@link DagView} held in memory: a map from ID to parents and height. Useful for tests, for
 * a batch of received entries, and for callers that keep the whole DAG in memory.
 *
 * Like a backend put, {@link MemoryDag.add} of an ID already held is a no-op (IDs are content
 * addresses, so the same ID means the same entry). Parents need not be held: a child may be
 * added before its parents.
 *
 * @example
 * ```ts
 * const dag = new MemoryDag([
 *   { id: root, parents: [], height: 0 },
 *   { id: child, parents: [root], height: 1 },
 * ]);
 * findTips(dag.ids(), dag); // [child]
 * ```
 */
export class MemoryDag implements DagView {
  readonly #nodes = new Map<ID, { readonly parents: readonly ID[]; readonly height: number }>();

  /** Creates a DAG holding the given records (see {@link MemoryDag.add}). */
  constructor(records: Iterable<DagRecord> = []) {
    for (const record of records) this.add(record);
  }

  /**
   * Adds an entry. The parent list is copied. Returns false, changing nothing, if the ID is
   * already held.
   *
   * @throws {MalformedError} if the height is not a non-negative safe integer.
   */
  add(record: DagRecord): boolean {
    if (!Number.isSafeInteger(record.height) || record.height < 0) {
      throw new MalformedError(`height must be a non-negative safe integer, got ${String(record.height)}`, "h");
    }
    if (this.#nodes.has(record.id)) return false;
    this.#nodes.set(record.id, { parents: Object.freeze([...record.parents]), height: record.height });
    return true;
  }

  /** True if the entry is held. */
  has(id: ID): boolean {
    return this.#nodes.has(id);
  }

  /** Number of entries held. */
  get size(): number {
    return this.#nodes.size;
  }

  /** The IDs held, in insertion order. */
  ids(): IterableIterator<ID> {
    return this.#nodes.keys();
  }

  parents(id: ID): readonly ID[] | undefined {
    return this.#nodes.get(id)?.parents;
  }

  height(id: ID): number | undefined {
    return this.#nodes.get(id)?.height;
  }
}
