/**
 * Hand-built entries for the adversarial sync tests (reliability 2.2, E1–E13), copied and
 * adapted from `@eidetica/core`'s own adversarial test support. {@link forgeEntry} builds an
 * entry exactly as a normal commit would (settings pin, heights, store parents computed from a
 * pool of known entries) unless told otherwise, so that each test changes one thing only.
 *
 * {@link rawEntry} goes further: it makes an object the protocol codec writes as an entry but
 * that the `Entry` class would never accept (65 parents, over 1 MiB, a negative height...), so
 * that the *receiving* decoder is what gets tested.
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
  type Backend,
  type EntryFields,
  type ID,
  type Instance,
  type SigKey,
  type SigningKey,
  type SubTreeNode,
} from "@eidetica/core";
import { expect } from "vitest";

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

/** Changes to apply to an entry's fields in {@link rawEntry}. */
export interface RawChanges {
  /** Main parents, written as given (unsorted, repeated, too many...). */
  readonly parents?: readonly string[];
  /** The main height, written as given. */
  readonly height?: number;
  /** Replaces one store's fields (data, parents, height), written as given. */
  readonly store?: { readonly name: string; readonly data?: Uint8Array; readonly parents?: readonly string[] };
}

/**
 * An object the protocol codec encodes exactly as it would an entry (it only reads the
 * fields), built from `entry` with `changes`, and that the `Entry` class itself would refuse.
 * It lets a forger put on the wire what a receiving decoder must refuse. The signature is
 * `entry`'s, unchanged.
 */
export function rawEntry(entry: Entry, changes: RawChanges): Entry {
  const tree = {
    ...entry.tree,
    ...(changes.parents === undefined ? {} : { parents: [...changes.parents] }),
    ...(changes.height === undefined ? {} : { h: changes.height }),
  };
  const subtrees = entry.subtrees.map((s) => {
    const change = changes.store;
    if (change === undefined || change.name !== s.name) return { ...s };
    return { ...s, ...(change.data === undefined ? {} : { data: change.data }), ...(change.parents === undefined ? {} : { parents: [...change.parents] }) };
  });
  const fields = { tree, subtrees, sig: entry.sig } as unknown as EntryFields;
  return fields as unknown as Entry;
}

/**
 * What a receiver exposes about database `db` (and which databases it holds): the tips, every
 * entry reachable from them with its verification status, the entry count, the roots, the
 * store tips of `_settings`. Equal digests mean nothing visible changed. Pass the backend of
 * another instance to compare two replicas.
 */
export async function storeDigest(backend: Backend, db: ID): Promise<string> {
  const tips = await backend.treeTips(db);
  const reachable = await backend.ancestors(db, tips);
  const statuses = await Promise.all(reachable.map((e) => backend.getStatus(e.id)));
  return JSON.stringify({
    tips,
    ids: reachable.map((e, i) => `${e.id}:${statuses[i]}`),
    count: await backend.countEntries(db),
    roots: await backend.allRoots(),
    settingsTips: await backend.storeTips(db, SETTINGS_STORE),
  });
}

/** Expects that none of `ids` is held, readable or a tip on `instance`. */
export async function expectNotHeld(instance: Instance, db: ID, ids: readonly ID[]): Promise<void> {
  for (const id of ids) {
    expect(await instance.backend.hasEntry(id), `${id} must not be held`).toBe(false);
    expect(await instance.backend.getEntry(id)).toBeUndefined();
  }
  const tips = await instance.backend.treeTips(db);
  for (const id of ids) expect(tips).not.toContain(id);
}

/** A Doc with one string value of `length` characters (for size-limit tests). */
export function docOfLength(key: string, length: number): Doc {
  return new Doc().set(key, "a".repeat(length));
}
