/**
 * The fixed entries of the encoding vectors, built from fixed seeds and contents.
 * test/entry/vectors.test.ts pins their bytes, IDs and signatures.
 */
import {
  EntryBuilder,
  SigningKey,
  encodeEntryMetadata,
  idFromDagCbor,
  signEntry,
  utf8,
  type Ed25519Provider,
  type Entry,
} from "../../src/index.js";

/** Seed 00 01 02 … 1f (RFC 8032 style test seed). */
export const SEED_1 = new Uint8Array(32).map((_, i) => i);
/** Seed of 32 bytes of 0x07. */
export const SEED_2 = new Uint8Array(32).fill(7);

/** The four vector entries, signed with the given provider. */
export function vectorEntries(provider?: Ed25519Provider): { v1: Entry; v2: Entry; v3: Entry; v4: Entry; other: string } {
  const key1 = SigningKey.fromSeed(SEED_1, provider);
  const key2 = SigningKey.fromSeed(SEED_2, provider);
  // V1: a database root. `_root` holds the JSON of "" and `_settings` an empty Doc.
  const v1 = signEntry(
    EntryBuilder.root()
      .storeData("_root", utf8('""'))
      .storeData("_settings", utf8('{"children":{}}'))
      .metadata(encodeEntryMetadata({ settingsTips: [], entropy: 42n }))
      .build(),
    key1,
  );
  const pin = encodeEntryMetadata({ settingsTips: [v1.id], entropy: null });
  // V2: a child signed under a key *name* hint (no pubkey in the hint).
  const v2 = signEntry(
    new EntryBuilder(v1.id)
      .parents([v1.id])
      .height(1)
      .storeData("notes", utf8('{"children":{"title":{"Text":"hello"}}}'))
      .metadata(pin)
      .build(),
    key1,
    { sigKey: { Direct: { hint: { name: "laptop" } } } },
  );
  // V3: signed under the database's global grant by key 2.
  const v3 = signEntry(
    new EntryBuilder(v1.id)
      .parents([v2.id])
      .height(2)
      .storeData("notes", utf8('{"children":{"title":"Deleted"}}'))
      .storeParents("notes", [v2.id])
      .metadata(pin)
      .build(),
    key2,
    { sigKey: { Direct: { hint: { pubkey: key2.publicKey, is_global: true } } } },
  );
  // V4: three parents given out of order and with a duplicate, a store with its own height,
  // and an `_index` store taking part without data.
  const other = idFromDagCbor(utf8("an entry held elsewhere"));
  const v4 = signEntry(
    new EntryBuilder(v1.id)
      .parents([v3.id, other, v2.id, v3.id])
      .height(3)
      .storeData("notes", utf8('{"children":{}}'))
      .storeParents("notes", [v3.id])
      .storeHeight("notes", 1_704_067_200_000)
      .storeData("_index", undefined)
      .storeParents("_index", [])
      .metadata(pin)
      .build(),
    key1,
  );
  return { v1, v2, v3, v4, other };
}
