/**
 * Hand-built entries for the adversarial sync tests (reliability 2.2, E1–E13). The forging
 * helpers are `@eidetica/core/testing`'s (re-exported here); {@link rawEntry} goes further: it
 * makes an object the protocol codec writes as an entry but that the `Entry` class would never
 * accept (65 parents, over 1 MiB, a negative height...), so that the *receiving* decoder is
 * what gets tested.
 */
export { closureOf, docWith, forgeEntry, storeTipsAt, wireOf, withDataBitFlipped, withSignatureBitFlipped, withStoreData, type ForgeSpec } from "@eidetica/core/testing";
import { Doc, SETTINGS_STORE, type Backend, type Entry, type EntryFields, type ID, type Instance } from "@eidetica/core";
import { expect } from "vitest";

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
