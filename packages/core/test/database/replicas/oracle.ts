/**
 * Independent answers the database layer is checked against: the (height, ID)-ordered fold of
 * a store (DESIGN 4.1, spec 2.3), the tips of a set of entries, and an entry's dependencies,
 * each computed here from the entries alone, without the database's caches or indexes.
 */
import {
  Doc,
  ROOT_STORE,
  compareByHeightThenId,
  compareIds,
  decodeEntryMetadata,
  docFromJson,
  type Entry,
  type ID,
} from "../../../src/index.js";

/**
 * The state of `store` over `entries`: the Docs they write to it, sorted by (store height, ID),
 * merged left to right from the empty Doc. `entries` must be closed under store parents.
 */
export function foldStore(entries: Iterable<Entry>, store: string): Doc {
  const items = [...entries]
    .filter((entry) => entry.hasStore(store))
    .map((entry) => ({ entry, id: entry.id, height: entry.storeHeight(store) }))
    .sort(compareByHeightThenId);
  let state = new Doc();
  for (const { entry } of items) {
    const data = entry.storeData(store);
    if (data !== undefined && data.length > 0) state = state.merge(docFromJson(data));
  }
  return state;
}

/** Every store the entries take part in (`_root` excluded), sorted. */
export function storeNamesOf(entries: Iterable<Entry>): string[] {
  const names = new Set<string>();
  for (const entry of entries) for (const name of entry.storeNames()) if (name !== ROOT_STORE) names.add(name);
  return [...names].sort();
}

/** The entries no other entry names as a main parent, sorted by ID. */
export function tipsOf(entries: Iterable<Entry>): ID[] {
  const all = [...entries];
  const named = new Set<ID>(all.flatMap((entry) => entry.parents));
  return all
    .map((entry) => entry.id)
    .filter((id) => !named.has(id))
    .sort(compareIds);
}

/** What must be held before `entry` may be visible: main parents, store parents, pinned settings tips. */
export function dependencies(entry: Entry): ID[] {
  const deps = new Set<ID>(entry.parents);
  for (const name of entry.storeNames()) for (const parent of entry.storeParents(name)) deps.add(parent);
  if (!entry.isRoot && entry.tree.metadata !== undefined) {
    for (const tip of decodeEntryMetadata(entry.tree.metadata).settingsTips) deps.add(tip);
  }
  return [...deps];
}
