/**
 * Hand-built entries for adversarial tests (reliability 2.2, E1-E13), for this project's
 * suites and for anyone testing a transport, handler or backend against bad input.
 * {@link forgeEntry} builds an entry exactly as a normal commit would (settings pin, heights,
 * store parents computed from a pool of known entries) unless told otherwise, so that each
 * test changes one thing only; the `with…` helpers alter one thing of a genuine entry.
 */
import {
  Doc,
  Entry,
  EntryBuilder,
  SETTINGS_STORE,
  docToJsonBytes,
  encodeEntryMetadata,
  entryToWire,
  fromBase64,
  signEntry,
  sortedUniqueIds,
  toBase64,
  type ID,
  type SigKey,
  type SigningKey,
  type SubTreeNode,
} from "../index.js";

/** What {@link forgeEntry} builds. */
export interface ForgeSpec {
  /** The database. */
  readonly root: ID;
  /** Entries known to the forger, used to compute heights, store parents and the pin. */
  readonly pool: Iterable<Entry>;
  /** Main parents (may name entries outside the pool; then give `height` and `pin`). */
  readonly parents: readonly ID[];
  /** Store writes: a Doc, raw bytes, or `undefined` (take part without data). */
  readonly writes?: Readonly<Record<string, Doc | Uint8Array | undefined>>;
  /** The signer; `undefined` leaves the entry unsigned. */
  readonly signer?: SigningKey | undefined;
  /** The key reference to sign under (default: a pubkey hint). */
  readonly sigKey?: SigKey;
  /** The settings tips to pin (default: the `_settings` tips at the parents). */
  readonly pin?: readonly ID[];
  /** The main height (default: highest parent height + 1). */
  readonly height?: number;
  /** Store parents per store (default: the store's tips at the parents). */
  readonly storeParents?: Readonly<Record<string, readonly ID[]>>;
  /** Store heights per store (default: none, so the tree height applies). */
  readonly storeHeights?: Readonly<Record<string, number>>;
}

/** The entries reachable from `from` through main parents, inside `pool`. */
export function closureOf(pool: ReadonlyMap<ID, Entry>, from: readonly ID[]): Entry[] {
  const seen = new Set<ID>();
  const out: Entry[] = [];
  const stack = [...from];
  while (stack.length > 0) {
    const id = stack.pop() as ID;
    if (seen.has(id)) continue;
    seen.add(id);
    const entry = pool.get(id);
    if (entry === undefined) continue;
    out.push(entry);
    stack.push(...entry.parents);
  }
  return out;
}

/** The tips of `store` among the ancestors of `parents` (as a transaction computes them). */
export function storeTipsAt(pool: ReadonlyMap<ID, Entry>, parents: readonly ID[], store: string): ID[] {
  const inStore = closureOf(pool, parents).filter((e) => e.hasStore(store));
  const named = new Set(inStore.flatMap((e) => [...e.storeParents(store)]));
  return sortedUniqueIds(inStore.map((e) => e.id).filter((id) => !named.has(id)));
}

/** Builds (and signs, if a signer is given) an entry as described by `spec`. */
export function forgeEntry(spec: ForgeSpec): Entry {
  const pool = new Map<ID, Entry>();
  for (const entry of spec.pool) pool.set(entry.id, entry);
  let height = spec.height;
  if (height === undefined) {
    const parents = spec.parents.map((id) => pool.get(id));
    if (parents.some((p) => p === undefined)) throw new Error("forgeEntry: give a height when a parent is not in the pool");
    height = Math.max(...parents.map((p) => (p as Entry).height)) + 1;
  }
  const pin = spec.pin ?? storeTipsAt(pool, spec.parents, SETTINGS_STORE);
  const builder = new EntryBuilder(spec.root)
    .parents(spec.parents)
    .height(height)
    .metadata(encodeEntryMetadata({ settingsTips: pin, entropy: null }));
  for (const [store, data] of Object.entries(spec.writes ?? {})) {
    const bytes = data instanceof Doc ? docToJsonBytes(data) : data;
    builder.storeData(store, bytes).storeParents(store, spec.storeParents?.[store] ?? storeTipsAt(pool, spec.parents, store));
    const h = spec.storeHeights?.[store];
    if (h !== undefined) builder.storeHeight(store, h);
  }
  const unsigned = builder.build();
  if (spec.signer === undefined) return unsigned;
  return signEntry(unsigned, spec.signer, spec.sigKey === undefined ? {} : { sigKey: spec.sigKey });
}

/** A one-key DocStore delta. */
export function docWith(key: string, value: string | number | boolean): Doc {
  return new Doc().set(key, value);
}

/** The same entry with one store's data replaced, signature kept as it was (so it no longer verifies). */
export function withStoreData(entry: Entry, store: string, data: Uint8Array): Entry {
  const subtrees: SubTreeNode[] = entry.subtrees.map((s) => (s.name === store ? { ...s, data: data.slice() } : { ...s }));
  return Entry.fromFields({ tree: { ...entry.tree }, subtrees, sig: entry.sig });
}

/** The same entry with bit `bit` of its signature flipped. */
export function withSignatureBitFlipped(entry: Entry, bit: number): Entry {
  if (entry.sig.sig === undefined) throw new Error("entry is unsigned");
  const bytes = fromBase64(entry.sig.sig);
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  return entry.withSigInfo({ key: entry.sig.key, sig: toBase64(bytes) });
}

/** The same entry with bit `bit` of one store's data flipped, signature unchanged. */
export function withDataBitFlipped(entry: Entry, store: string, bit: number): Entry {
  const data = entry.storeData(store);
  if (data === undefined) throw new Error(`entry writes no data to ${store}`);
  const flipped = data.slice();
  flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
  return withStoreData(entry, store, flipped);
}

/** The wire JSON value of an entry, as a mutable plain object. */
export function wireOf(entry: Entry): { tree: Record<string, unknown>; subtrees: Record<string, unknown>[]; sig: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(entryToWire(entry))) as never;
}
