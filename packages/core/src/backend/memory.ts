/**
 * {@link MemoryBackend}: the in-memory {@link Backend}. Tips are kept incrementally and stay
 * exact for any arrival order; cached CRDT states live in a byte-bounded LRU.
 */
import { compareByHeightThenId } from "../dag/order.js";
import type { Entry } from "../entry/entry.js";
import { compareIds, type ID } from "../id/id.js";
import { WeightedLru } from "../util/weighted-lru.js";
import {
  BACKEND_BRAND,
  type AncestorsOptions,
  type Backend,
  type InstanceRecordKind,
  type VerificationStatus,
} from "./backend.js";

interface TipIndex {
  /** Entries that are tips. */
  readonly tips: Set<ID>;
  /** Every ID named as a parent by a held entry: such an ID can never be a tip. */
  readonly named: Set<ID>;
}

interface TreeIndex {
  readonly ids: Set<ID>;
  readonly main: TipIndex;
  readonly stores: Map<string, TipIndex>;
}

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** Most bytes (UTF-16 units) of cached CRDT state kept; least recently used go first. Default 64 MiB. */
  readonly cacheBytes?: number;
}

const newTipIndex = (): TipIndex => ({ tips: new Set(), named: new Set() });

function addToTips(index: TipIndex, id: ID, parents: readonly ID[]): void {
  for (const parent of parents) {
    index.named.add(parent);
    index.tips.delete(parent);
  }
  if (!index.named.has(id)) index.tips.add(id);
}

/**
 * A {@link Backend} that keeps everything in memory.
 *
 * @example
 * ```ts
 * const backend = new MemoryBackend();
 * await backend.putEntries([root]);
 * await backend.treeTips(root.id); // [root.id]
 * ```
 */
export class MemoryBackend implements Backend {
  readonly [BACKEND_BRAND] = true as const;
  readonly #entries = new Map<ID, Entry>();
  readonly #status = new Map<ID, VerificationStatus>();
  readonly #trees = new Map<ID, TreeIndex>();
  readonly #roots = new Set<ID>();
  readonly #cache: WeightedLru<string, string>;
  readonly #records = new Map<InstanceRecordKind, string>();

  constructor(options: MemoryBackendOptions = {}) {
    this.#cache = new WeightedLru({ weight: options.cacheBytes ?? 64 * 1024 * 1024 });
  }

  async putEntries(entries: readonly Entry[], status: VerificationStatus = "verified"): Promise<ID[]> {
    const added: ID[] = [];
    for (const entry of entries) {
      const id = entry.id;
      if (this.#entries.has(id)) continue;
      this.#entries.set(id, entry);
      this.#status.set(id, status);
      if (entry.isRoot) this.#roots.add(id);
      const tree = this.#tree(entry.rootId);
      tree.ids.add(id);
      addToTips(tree.main, id, entry.parents);
      for (const subtree of entry.subtrees) {
        let index = tree.stores.get(subtree.name);
        if (index === undefined) {
          index = newTipIndex();
          tree.stores.set(subtree.name, index);
        }
        addToTips(index, id, subtree.parents);
      }
      added.push(id);
    }
    return added;
  }

  #tree(id: ID): TreeIndex {
    let tree = this.#trees.get(id);
    if (tree === undefined) {
      tree = { ids: new Set(), main: newTipIndex(), stores: new Map() };
      this.#trees.set(id, tree);
    }
    return tree;
  }

  async getEntry(id: ID): Promise<Entry | undefined> {
    return this.#entries.get(id);
  }

  async getEntries(ids: readonly ID[]): Promise<(Entry | undefined)[]> {
    return ids.map((id) => this.#entries.get(id));
  }

  async hasEntry(id: ID): Promise<boolean> {
    return this.#entries.has(id);
  }

  async getStatus(id: ID): Promise<VerificationStatus | undefined> {
    return this.#status.get(id);
  }

  async setStatus(id: ID, status: VerificationStatus): Promise<void> {
    if (this.#status.has(id)) this.#status.set(id, status);
  }

  async treeTips(tree: ID): Promise<ID[]> {
    return [...(this.#trees.get(tree)?.main.tips ?? [])].sort(compareIds);
  }

  async storeTips(tree: ID, store: string): Promise<ID[]> {
    return [...(this.#trees.get(tree)?.stores.get(store)?.tips ?? [])].sort(compareIds);
  }

  async allRoots(): Promise<ID[]> {
    return [...this.#roots].sort(compareIds);
  }

  async countEntries(tree: ID): Promise<number> {
    return this.#trees.get(tree)?.ids.size ?? 0;
  }

  async ancestors(tree: ID, from: readonly ID[], options: AncestorsOptions = {}): Promise<Entry[]> {
    const { store } = options;
    const parentsOf = (entry: Entry): readonly ID[] => (store === undefined ? entry.parents : entry.storeParents(store));
    const inScope = (entry: Entry | undefined): entry is Entry =>
      entry !== undefined && entry.inTree(tree) && (store === undefined || entry.hasStore(store));
    const excluded = this.#walk(options.exclude ?? [], inScope, parentsOf, new Set());
    const found = this.#walk(from, inScope, parentsOf, excluded);
    const entries = [...found].map((id) => this.#entries.get(id) as Entry);
    const height = (entry: Entry) => (store === undefined ? entry.height : entry.storeHeight(store));
    return entries
      .map((entry) => ({ entry, id: entry.id, height: height(entry) }))
      .sort(compareByHeightThenId)
      .map((item) => item.entry);
  }

  #walk(
    starts: readonly ID[],
    inScope: (entry: Entry | undefined) => entry is Entry,
    parentsOf: (entry: Entry) => readonly ID[],
    stop: ReadonlySet<ID>,
  ): Set<ID> {
    const seen = new Set<ID>();
    const stack = [...starts];
    while (stack.length > 0) {
      const id = stack.pop() as ID;
      if (seen.has(id) || stop.has(id)) continue;
      const entry = this.#entries.get(id);
      if (!inScope(entry)) continue;
      seen.add(id);
      for (const parent of parentsOf(entry)) stack.push(parent);
    }
    return seen;
  }

  async getCachedState(key: string): Promise<string | undefined> {
    return this.#cache.get(key, true);
  }

  async putCachedState(key: string, state: string): Promise<void> {
    this.#cache.set(key, state, state.length);
  }

  async getInstanceRecord(kind: InstanceRecordKind): Promise<string | undefined> {
    return this.#records.get(kind);
  }

  async putInstanceRecord(kind: InstanceRecordKind, json: string): Promise<void> {
    this.#records.set(kind, json);
  }

  /**
   * Drops the cached states. A memory backend holds nothing else to release, so its entries
   * and instance records stay readable (tests use this to read a history cold).
   */
  async close(): Promise<void> {
    this.#cache.clear();
  }
}
