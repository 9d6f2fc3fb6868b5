/**
 * Fixed encoding vectors (spec 1.3, 1.4, 4.1). Each entry is built from fixed seeds and
 * contents; its canonical DAG-CBOR bytes, ID and signature are pinned. The bytes of V1 and the
 * tree node of V4 are spelled out item by item so they can be checked by hand against the
 * DAG-CBOR rules; all four are also checked against @ipld/dag-cbor and an independent CID
 * computation. Any encoding drift fails here.
 */
import * as dagCbor from "@ipld/dag-cbor";
import { blake3 } from "@noble/hashes/blake3.js";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { describe, expect, it } from "vitest";
import { SigningKey, nobleEd25519, nodeEd25519, toHex, verifyEntrySignature, type Entry } from "../../src/index.js";
import { SEED_1, SEED_2, vectorEntries } from "../support/fixtures.js";
import { annotatedHex, asciiHex } from "../support/hex.js";

const { v1, v2, v3, v4, other } = vectorEntries();

// CBOR heads used below: a0+n map(n), 80+n array(n), 60+n text(n), 40+n bytes(n),
// 58 nn bytes(1-byte length), 78 nn text(1-byte length), d8 2a tag(42), f5 true.
const KEY1_PUB = "ed25519:A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
const KEY2_PUB = "ed25519:6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=";

describe("keys from fixed seeds", () => {
  it("derive the known Ed25519 public keys", () => {
    // Seed 00..1f gives public key 03a107bf…5531b8, a widely published test vector.
    expect(toHex(SigningKey.fromSeed(SEED_1).publicKeyBytes)).toBe(
      "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
    );
    expect(SigningKey.fromSeed(SEED_1).publicKey).toBe(KEY1_PUB);
    expect(SigningKey.fromSeed(SEED_2).publicKey).toBe(KEY2_PUB);
  });
});

describe("V1: root entry", () => {
  it("has the hand-derived signing bytes", () => {
    const expected = annotatedHex`
      a3                                   # Entry: map(3), keys by length: sig, tree, subtrees (_v=0 omitted)
        63 ${asciiHex("sig")}              #   "sig"
        a1                                 #   SigInfo without sig.sig: map(1)
          63 ${asciiHex("key")}            #     "key"
          a1 66 ${asciiHex("Direct")}      #     SigKey::Direct, externally tagged
            a1 64 ${asciiHex("hint")}      #       { hint: … }
              a1 66 ${asciiHex("pubkey")}  #         KeyHint: only pubkey set
                78 34 ${asciiHex(KEY1_PUB)} #        text(52)
        64 ${asciiHex("tree")}             #   "tree"
        a2                                 #   TreeNode: map(2): h=0 and root=None omitted
          67 ${asciiHex("parents")} 80     #     parents: [] (always written)
          68 ${asciiHex("metadata")}       #     metadata: bytes(33)
            58 21 ${asciiHex('{"settings_tips":[],"entropy":42}')}
        68 ${asciiHex("subtrees")}         #   "subtrees"
        82                                 #   array(2), sorted by name: _root < _settings
          a3                               #     SubTreeNode map(3): h omitted; data < name (same length)
            64 ${asciiHex("data")} 42 2222 #       data: bytes(2) = the JSON of ""
            64 ${asciiHex("name")} 65 ${asciiHex("_root")}
            67 ${asciiHex("parents")} 80
          a3
            64 ${asciiHex("data")} 4f ${asciiHex('{"children":{}}')}
            64 ${asciiHex("name")} 69 ${asciiHex("_settings")}
            67 ${asciiHex("parents")} 80
    `;
    expect(toHex(v1.signingBytes())).toBe(expected);
  });

  it("adds the signature as the last key of SigInfo in the full encoding", () => {
    // With sig.sig the SigInfo map has 2 pairs: "key" then "sig" (equal length, k < s).
    const signing = toHex(v1.signingBytes());
    const full = toHex(v1.encode());
    const sigPair = `63${asciiHex("sig")}7858${asciiHex(v1.sig.sig ?? "")}`;
    const keyEnd = signing.indexOf(asciiHex("tree")) - 2;
    expect(full).toBe(signing.slice(0, 10) + "a2" + signing.slice(12, keyEnd) + sigPair + signing.slice(keyEnd));
  });

  it("has the pinned ID and signature", () => {
    expect(v1.id).toBe("bafyr4ieznipprazurqht7wwy2y2st354sfmzyeq5li7diukcq6zp52rhku");
    expect(v1.sig.sig).toBe(
      "86W8902fKPIfdHDRx8wmAYiDqJWHLozVKJkBbhvAWoBkuVGInjrcbNS/a369xjYLS6FyJWVw9mZrmmT2yrRSDQ==",
    );
  });
});

describe("V4: several parents, store heights, a data-less store", () => {
  it("has the hand-derived tree node", () => {
    const link = (id: string) => `d82a 5825 00 01711e20 ${digestHex(id)}`; // tag 42, bytes(37): 0x00 ‖ CID
    const expectedTree = annotatedHex`
      ${asciiHex("tree")}
      a4                                 # TreeNode map(4): h, root, parents, metadata
        61 68 03                         #   "h": 3
        64 ${asciiHex("root")} ${link(v1.id)}
        67 ${asciiHex("parents")} 83     #   parents: 3, duplicate dropped, sorted by digest bytes
          ${link(v4.tree.parents[0] ?? "")}
          ${link(v4.tree.parents[1] ?? "")}
          ${link(v4.tree.parents[2] ?? "")}
    `;
    expect(toHex(v4.signingBytes())).toContain(expectedTree);
    // Digest order is 29…, 8e…, b6…: v2, v3, other.
    expect(v4.tree.parents).toEqual([v2.id, v3.id, other]);
    expect(v4.tree.parents.map(digestHex).map((d) => d.slice(0, 2))).toEqual(["29", "8e", "b6"]);
  });

  it("writes the store height with a 9-byte head and the data-less store without data", () => {
    const notes = annotatedHex`
      a4 61 68 1b 0000018cc251f400       # store h = 1704067200000 needs a uint64 head
      64 ${asciiHex("data")} 4f ${asciiHex('{"children":{}}')}
      64 ${asciiHex("name")} 65 ${asciiHex("notes")}
    `;
    const index = annotatedHex`82 a2 64 ${asciiHex("name")} 66 ${asciiHex("_index")} 67 ${asciiHex("parents")} 80`;
    const bytes = toHex(v4.signingBytes());
    expect(bytes).toContain(notes);
    expect(bytes).toContain(index);
  });
});

describe("pinned vectors", () => {
  const pinned: [string, Entry, string, string][] = [
    ["V1", v1, "bafyr4ieznipprazurqht7wwy2y2st354sfmzyeq5li7diukcq6zp52rhku", "86W8902fKPIfdHDRx8wmAYiDqJWHLozVKJkBbhvAWoBkuVGInjrcbNS/a369xjYLS6FyJWVw9mZrmmT2yrRSDQ=="],
    ["V2", v2, "bafyr4ibjgzzfxbddvhapoptbgf5bwfdyc2bv3bqaae6vgdofj6j25blzvu", "YFR5ECcUzmv7yrLFnlRG+9IsY9QJXYttlCdQ/1ucVJdRp8Y53di7KV+orfrRAs8jJoQO2nO7EBttFJXCCL95CA=="],
    ["V3", v3, "bafyr4ieogwtucenqtkg6zrs672nhnt2kxdiwcqyfobmxcbuiskm65bklle", "l8Qg5BgtY0hu3ICXg93C7Y83wFjw3JljD/ZB1lbEvKmmfy8STC0AUQIqIE2IDD7fzNpO/V/mPogdWHgDXlM/Cw=="],
    ["V4", v4, "bafyr4ibe5frbon5gh6krhs3vt25z5jd45jj56e74d4ccejpifrpja4waiy", "msawyjDnNmicflRSp8/DqFniheg3BEqUxuOdLLdjy7iaW57cl1SVKb342iBmyppfq1Ll6GwVrFSEHW1EnMJYBw=="],
  ];

  it.each(pinned)("%s has its pinned ID and signature", (_name, entry, id, sig) => {
    expect(entry.id).toBe(id);
    expect(entry.sig.sig).toBe(sig);
  });

  it.each(pinned)("%s encodes as @ipld/dag-cbor does and hashes to its ID independently", (_name, entry) => {
    expect(toHex(entry.encode())).toBe(toHex(dagCbor.encode(toIpld(entry))));
    const cid = CID.createV1(0x71, createDigest(0x1e, blake3(dagCbor.encode(toIpld(entry)))));
    expect(cid.toString()).toBe(entry.id);
    expect(entry.id.startsWith("bafyr4i")).toBe(true);
  });

  it("V2 (name hint) and V3 (global hint) verify only with the right key", () => {
    expect(verifyEntrySignature(v2, KEY1_PUB)).toBe(true);
    expect(verifyEntrySignature(v2, KEY2_PUB)).toBe(false);
    expect(verifyEntrySignature(v2)).toBe(false); // a name hint names no key by itself
    expect(verifyEntrySignature(v3)).toBe(true);
    expect(v3.sig.key).toEqual({ Direct: { hint: { pubkey: KEY2_PUB, is_global: true } } });
  });

  it("are identical whether signed by Node's crypto or by noble", () => {
    const node = nodeEd25519();
    expect(node).toBeDefined();
    const byNoble = vectorEntries(nobleEd25519);
    const byNode = vectorEntries(node);
    for (const name of ["v1", "v2", "v3", "v4"] as const) {
      expect(byNoble[name].id).toBe(byNode[name].id);
      expect(byNoble[name].sig.sig).toBe(byNode[name].sig.sig);
    }
  });
});

function digestHex(id: string): string {
  return toHex(CID.parse(id).multihash.digest);
}

/** The entry as an IPLD data model object, for @ipld/dag-cbor to encode on its own terms. */
export function toIpld(entry: Entry): Record<string, unknown> {
  const link = (id: string) => CID.parse(id);
  const hint = (h: { pubkey?: string; name?: string; is_global?: true }) => ({
    ...(h.pubkey === undefined ? {} : { pubkey: h.pubkey }),
    ...(h.name === undefined ? {} : { name: h.name }),
    ...(h.is_global ? { is_global: true } : {}),
  });
  const key = entry.sig.key;
  return {
    tree: {
      ...(entry.tree.root === undefined ? {} : { root: link(entry.tree.root) }),
      parents: entry.tree.parents.map(link),
      ...(entry.tree.metadata === undefined ? {} : { metadata: entry.tree.metadata }),
      ...(entry.tree.h === 0 ? {} : { h: entry.tree.h }),
    },
    subtrees: entry.subtrees.map((s) => ({
      name: s.name,
      parents: s.parents.map(link),
      ...(s.data === undefined ? {} : { data: s.data }),
      ...(s.h === undefined ? {} : { h: s.h }),
    })),
    sig: {
      ...(entry.sig.sig === undefined ? {} : { sig: entry.sig.sig }),
      key:
        "Direct" in key
          ? { Direct: { hint: hint(key.Direct.hint) } }
          : {
              Delegation: {
                path: key.Delegation.path.map((s) => ({ tree: link(s.tree), tips: s.tips.map(link) })),
                hint: hint(key.Delegation.hint),
              },
            },
    },
  };
}
