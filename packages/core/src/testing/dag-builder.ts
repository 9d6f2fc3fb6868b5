/**
 * Small helpers to build unsigned test DAGs quickly, for conformance suites and tests.
 */
import { EntryBuilder } from "../entry/builder.js";
import type { Entry } from "../entry/entry.js";
import type { ID } from "../id/id.js";
import { utf8 } from "../util/bytes.js";

/** A store write in {@link TestDag.child}: the store name, its data, and its parents. */
export interface TestStoreWrite {
  readonly name: string;
  readonly data?: string;
  readonly parents?: readonly ID[];
  readonly h?: number;
}

/**
 * Builds unsigned entries of one database for tests: a root, then children with explicit
 * parents. Heights are computed as max(parent height) + 1.
 *
 * @example
 * ```ts
 * const dag = new TestDag("seed");
 * const a = dag.child([dag.root.id], [{ name: "notes", data: "{}" }]);
 * ```
 */
export class TestDag {
  readonly root: Entry;
  readonly #heights = new Map<ID, number>();
  #counter = 0;

  constructor(label = "test") {
    this.root = EntryBuilder.root().storeData("_settings", utf8(`{"children":{"label":{"Text":${JSON.stringify(label)}}}}`)).build();
    this.#heights.set(this.root.id, 0);
  }

  /** A new entry with the given main parents and store writes. */
  child(parents: readonly ID[], stores: readonly TestStoreWrite[] = []): Entry {
    const height = Math.max(...parents.map((p) => this.#heights.get(p) ?? 0)) + 1;
    const builder = new EntryBuilder(this.root.id)
      .parents(parents)
      .height(height)
      .metadata(utf8(`{"settings_tips":[],"entropy":${this.#counter++}}`));
    for (const store of stores) {
      builder
        .storeData(store.name, store.data === undefined ? undefined : utf8(store.data))
        .storeParents(store.name, store.parents ?? [])
        .storeHeight(store.name, store.h);
    }
    const entry = builder.build();
    this.#heights.set(entry.id, height);
    return entry;
  }
}
