/**
 * fast-check arbitraries for entries: random roots and children with random parents, stores
 * (names include non-ASCII and astral characters), data, heights, key hints and delegations.
 */
import * as fc from "fast-check";
import {
  EntryBuilder,
  SigningKey,
  idFromDagCbor,
  idFromRawBytes,
  signEntry,
  type Entry,
  type KeyHint,
  type SigKey,
} from "../../src/index.js";

const KEYS = [1, 2, 3].map((n) => SigningKey.fromSeed(new Uint8Array(32).fill(n)));

/** Entry IDs, and now and then a raw-codec ID (which sorts before every entry ID). */
export const arbId: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map(idFromDagCbor) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map(idFromRawBytes) },
);

const arbStoreName = fc.oneof(
  fc.constantFrom("_settings", "_index", "notes", "users", "a", "Z", "é", "😀", "\u{ffff}", "x.y"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }),
);

const arbHeight = fc.oneof(fc.nat({ max: 30 }), fc.constantFrom(23, 24, 255, 256, 65_535, 65_536, 2 ** 32, Number.MAX_SAFE_INTEGER));

const arbHint: fc.Arbitrary<KeyHint> = fc.record(
  {
    pubkey: fc.constantFrom(...KEYS.map((k) => k.publicKey)),
    name: fc.string({ maxLength: 10 }),
    is_global: fc.constant(true as const),
  },
  { requiredKeys: [] },
);

const arbSigKey: fc.Arbitrary<SigKey> = fc.oneof(
  arbHint.map((hint) => ({ Direct: { hint } })),
  fc
    .record({
      path: fc.array(fc.record({ tree: arbId, tips: fc.array(arbId, { maxLength: 3 }) }), { maxLength: 3 }),
      hint: arbHint,
    })
    .map((body) => ({ Delegation: body })),
);

interface StoreDraft {
  name: string;
  parents: string[];
  data: Uint8Array | undefined;
  h: number | undefined;
}

const arbStore: fc.Arbitrary<StoreDraft> = fc.record({
  name: arbStoreName,
  parents: fc.array(arbId, { maxLength: 4 }),
  data: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
  h: fc.option(arbHeight, { nil: undefined }),
});

/** Random structurally valid entries, about half of them signed. */
export const arbEntry: fc.Arbitrary<Entry> = fc
  .record({
    isRoot: fc.boolean(),
    root: arbId,
    parents: fc.array(arbId, { minLength: 1, maxLength: 6 }),
    stores: fc.array(arbStore, { maxLength: 5 }),
    metadata: fc.option(fc.uint8Array({ maxLength: 80 }), { nil: undefined }),
    h: arbHeight,
    sigKey: arbSigKey,
    signer: fc.option(fc.nat({ max: KEYS.length - 1 }), { nil: undefined }),
  })
  .map((draft) => {
    const builder = draft.isRoot ? EntryBuilder.root() : new EntryBuilder(draft.root).parents(draft.parents);
    for (const store of draft.stores) {
      if (store.name === "_root") continue;
      builder.storeData(store.name, store.data).storeParents(store.name, store.parents).storeHeight(store.name, store.h);
    }
    const entry = builder.metadata(draft.metadata).height(draft.h).build();
    if (draft.signer === undefined) return entry;
    const key = KEYS[draft.signer]!;
    return signEntry(entry, key, { sigKey: withSignerPubkey(draft.sigKey, key.publicKey) });
  });

// A hint that names a pubkey names the signer's, so that such entries verify.
function withSignerPubkey(sigKey: SigKey, pubkey: string): SigKey {
  const fix = (hint: KeyHint): KeyHint => (hint.pubkey === undefined ? hint : { ...hint, pubkey });
  return "Direct" in sigKey
    ? { Direct: { hint: fix(sigKey.Direct.hint) } }
    : { Delegation: { path: sigKey.Delegation.path, hint: fix(sigKey.Delegation.hint) } };
}
