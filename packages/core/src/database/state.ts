/**
 * Store states (DESIGN 4.1): the state of store S at tips T is the left fold of the Docs of all
 * S-ancestors of T, sorted by (store height, ID). No merge base is needed, so concurrent first
 * writes to a store merge like any others.
 *
 * Computing it walks back from T in descending (height, ID) order until the walk's frontier is
 * a single entry X whose state is cached. Because heights rise strictly along store edges
 * (checked on every write), everything still unvisited is then an ancestor of X and sorts before
 * every visited entry, so the state is state(X) folded with the visited entries in ascending
 * order. Commits cache the state of each entry they write, so a read or commit on a long
 * history costs about the same as on a short one.
 */
import type { Backend } from "../backend/backend.js";
import { Doc } from "../crdt/doc.js";
import { docFromJson, docToJson } from "../crdt/json.js";
import { WeightedLru } from "../util/weighted-lru.js";
import { MinHeap } from "../dag/heap.js";
import { compareByHeightThenId } from "../dag/order.js";
import type { Entry } from "../entry/entry.js";
import { StorageError, isEideticaError } from "../errors/errors.js";
import { sortedUniqueIds, type ID } from "../id/id.js";
import type { EntrySource } from "./entry-source.js";

const EMPTY = new Doc();
/**
 * A long walk caches the state at a single-frontier step once it has folded at least this many
 * entries since its last checkpoint, and at least as many characters of store data as the last
 * checkpoint's state holds (see {@link StateCache.stateAt}).
 */
export const CHECKPOINT_EVERY = 512;
/**
 * A committed state longer than this (JSON characters) is written to the backend only at every
 * {@link LARGE_STATE_EVERY}-th commit to its store; in between it is kept in memory only. A store
 * of 10,000 keys would otherwise write its whole state (~1 MB) on every commit. After a restart,
 * a read folds at most that many entries onto the last state written.
 */
export const LARGE_STATE_CHARS = 64 * 1024;
/** See {@link LARGE_STATE_CHARS}. */
export const LARGE_STATE_EVERY = 64;

interface Item {
  readonly entry: Entry;
  readonly id: ID;
  readonly height: number;
}

/** Computes and caches store states of one database. */
export class StateCache {
  readonly #backend: Backend;
  readonly #tree: ID;
  readonly #memo: StateMemo;
  /** Store data that could not be read as a Doc and was folded as empty. */
  undecodable = 0;
  /** Cached states the backend failed to keep (caching is best effort; the state is recomputed later). */
  cacheWriteFailures = 0;
  /** Commits to each store since its last large state was written (see {@link LARGE_STATE_CHARS}). */
  readonly #largeSkipped = new Map<string, number>();
  /** @internal Settings closures by pinned tips, for verification (see verify.ts). */
  readonly settingsClosures = new BoundedMap<string, ReadonlySet<ID>>(256);

  constructor(backend: Backend, tree: ID, memo: StateMemoLimits = {}) {
    this.#backend = backend;
    this.#tree = tree;
    this.#memo = new StateMemo(memo);
  }

  #key(store: string, tips: readonly ID[]): string {
    return `state/${this.#tree}/${store}/${tips.join(",")}`;
  }

  async #cached(key: string): Promise<Doc | undefined> {
    const memo = this.#memo.get(key);
    if (memo !== undefined) return memo;
    const text = await this.#backend.getCachedState(key);
    if (text === undefined) return undefined;
    const doc = docFromJson(text);
    this.#memo.set(key, doc, text.length);
    return doc;
  }

  /** Records the state of `store` at `tips` (for example a checkpoint of a long walk). */
  async put(store: string, tips: readonly ID[], state: Doc): Promise<void> {
    await this.#keep(this.#key(store, sortedUniqueIds(tips)), state);
  }

  /**
   * Records the state of `store` right after a commit: always in memory, and in the backend
   * unless it is large and one was written fewer than {@link LARGE_STATE_EVERY} commits ago.
   */
  async putCommitted(store: string, tips: readonly ID[], state: Doc): Promise<void> {
    await this.#keep(this.#key(store, sortedUniqueIds(tips)), state, store);
  }

  /**
   * Memoizes a state (weighed by its JSON length) and writes it to the backend's cache; given
   * the store of a commit, a large state is written only every {@link LARGE_STATE_EVERY}-th time.
   * Returns the state's JSON length.
   */
  async #keep(key: string, state: Doc, committedTo?: string): Promise<number> {
    const text = docToJson(state);
    this.#memo.set(key, state, text.length);
    if (committedTo !== undefined && text.length > LARGE_STATE_CHARS) {
      const skipped = (this.#largeSkipped.get(committedTo) ?? 0) + 1;
      this.#largeSkipped.set(committedTo, skipped % LARGE_STATE_EVERY);
      if (skipped < LARGE_STATE_EVERY) return text.length;
    }
    await this.#persist(key, text);
    return text.length;
  }

  // A failed cache write must not fail the read or the commit that caused it: count it.
  async #persist(key: string, text: string): Promise<void> {
    try {
      await this.#backend.putCachedState(key, text);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.cacheWriteFailures++;
    }
  }

  /** The Doc an entry writes to `store`, or the empty Doc (counted) if it is not a Doc. */
  dataOf(entry: Entry, store: string): Doc {
    const data = entry.storeData(store);
    if (data === undefined || data.length === 0) return EMPTY;
    try {
      return docFromJson(data);
    } catch (error) {
      if (!isEideticaError(error)) throw error;
      this.undecodable++;
      return EMPTY;
    }
  }

  /** The state of `store` at `tips`, reading entries from `source`. */
  async stateAt(store: string, tips: readonly ID[], source: EntrySource): Promise<Doc> {
    const sorted = sortedUniqueIds(tips);
    if (sorted.length === 0) return EMPTY;
    const key = this.#key(store, sorted);
    const hit = await this.#cached(key);
    if (hit !== undefined) return hit;

    // Highest (height, ID) first.
    const heap = new MinHeap<Item>((a, b) => compareByHeightThenId(a, b) > 0);
    const seen = new Set<ID>();
    const push = async (id: ID) => {
      if (seen.has(id)) return;
      seen.add(id);
      const entry = await source.getEntry(id);
      if (entry !== undefined && entry.hasStore(store)) heap.push({ entry, id, height: entry.storeHeight(store) });
    };
    for (const id of sorted) await push(id);

    const visited: Item[] = [];
    const single: boolean[] = []; // visited[i] was popped as the only item of the frontier
    let base = EMPTY;
    while (heap.size > 0) {
      if (heap.size === 1) {
        const only = heap.peek() as Item;
        const cached = await this.#cached(this.#key(store, [only.id]));
        if (cached !== undefined) {
          base = cached;
          break;
        }
      }
      single.push(heap.size === 1);
      const item = heap.pop() as Item;
      visited.push(item);
      for (const parent of item.entry.storeParents(store)) await push(parent);
    }

    // The writes are folded in runs (Doc.mergeAll: one copy of the state per run, not one per
    // entry, so a long walk costs O(entries + keys), not O(entries × keys)).
    // Checkpoints: writing one costs about its state's length, so the walk writes the next only
    // once it has folded as much store data as the last one held. A small state (a counter) is
    // checkpointed every CHECKPOINT_EVERY entries; a large one (10,000 keys) rarely, since
    // refolding the entries after it costs less than writing it.
    let state = base;
    let run: Doc[] = [];
    let sinceCheckpoint = 0;
    let foldedChars = 0;
    let lastCheckpointChars = 0;
    for (let i = visited.length - 1; i >= 0; i--) {
      const item = visited[i] as Item;
      run.push(this.dataOf(item.entry, store));
      sinceCheckpoint++;
      foldedChars += item.entry.storeData(store)?.length ?? 0;
      if (single[i] === true && i > 0 && sinceCheckpoint >= CHECKPOINT_EVERY && foldedChars >= lastCheckpointChars) {
        sinceCheckpoint = 0;
        foldedChars = 0;
        state = state.mergeAll(run);
        run = [];
        lastCheckpointChars = await this.#keep(this.#key(store, [item.id]), state);
      } else if (run.length >= CHECKPOINT_EVERY) {
        state = state.mergeAll(run);
        run = [];
      }
    }
    state = state.mergeAll(run);
    await this.#keep(key, state);
    return state;
  }
}

/** Bounds of the states a database keeps decoded in memory. */
export interface StateMemoLimits {
  /** Most states kept. Default 1,024. */
  readonly count?: number;
  /**
   * Most characters of state (as JSON) kept, so a database with large states (a peer store
   * with many peers) holds a few of them, not a thousand. Default 1 Mi.
   */
  readonly chars?: number;
  /** States kept whatever their size (the latest of each store, in practice). Default 8. */
  readonly floor?: number;
}

/** @internal A least-recently-set memo of decoded states, bounded by count and by size. */
export class StateMemo {
  readonly #lru: WeightedLru<string, Doc>;

  constructor(limits: StateMemoLimits = {}) {
    this.#lru = new WeightedLru({ count: limits.count ?? 1024, weight: limits.chars ?? 1024 * 1024, floor: limits.floor ?? 8 });
  }

  /** Characters of state held. */
  get chars(): number {
    return this.#lru.weight;
  }

  get size(): number {
    return this.#lru.size;
  }

  get(key: string): Doc | undefined {
    return this.#lru.get(key);
  }

  set(key: string, doc: Doc, chars: number): void {
    this.#lru.set(key, doc, chars);
  }
}

/** A Map that forgets its oldest keys beyond a size. */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.#limit) {
      const oldest = this.keys().next();
      if (oldest.done !== true) super.delete(oldest.value);
    }
    return this;
  }
}
