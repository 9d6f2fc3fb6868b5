/** Decoding wire entries: what is accepted, and the typed error for each kind of bad input. */
import { CID } from "multiformats/cid";
import { base36 } from "multiformats/bases/base36";
import { base58btc } from "multiformats/bases/base58";
import { describe, expect, it } from "vitest";
import {
  IdMismatchError,
  checkEntryId,
  encodeWireEntry,
  entryToWire,
  parseWireEntry,
  decodeWireEntry,
  utf8,
} from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { vectorEntries } from "../support/fixtures.js";

const { v1, v2, v4 } = vectorEntries();
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const wire = (entry = v4): Json => JSON.parse(encodeWireEntry(entry)) as Json;

describe("decodeWireEntry accepts", () => {
  it("the exact serde_json text of each vector and re-encodes it byte for byte", () => {
    for (const entry of [v1, v2, v4]) {
      const text = encodeWireEntry(entry);
      expect(encodeWireEntry(parseWireEntry(text))).toBe(text);
      expect(parseWireEntry(utf8(text)).id).toBe(entry.id);
    }
  });

  it("serde's other spellings: _v 0, h 0, null options, is_global false, bytes as a string", () => {
    const w = wire(v1);
    w._v = 0;
    w.tree.h = 0;
    w.tree.root = null;
    w.sig.key.Direct.hint.is_global = false;
    w.sig.key.Direct.hint.name = null;
    w.subtrees[0].data = '""'; // serde_bytes takes a string as its UTF-8 bytes
    w.subtrees[0].h = null;
    expect(decodeWireEntry(w).id).toBe(v1.id);
  });

  it("IDs in other CID text forms (base58btc, base36), normalized to base32", () => {
    const w = wire(v2);
    const cid = CID.parse(w.tree.parents[0] as string);
    for (const other of [cid.toString(base58btc), cid.toString(base36)]) {
      expect(other.startsWith("b")).toBe(false);
      w.tree.parents[0] = other;
      const decoded = decodeWireEntry(w);
      expect(decoded.tree.parents[0]).toBe(v1.id);
      expect(decoded.id).toBe(v2.id);
    }
  });

  it("never takes an ID from the input: a claimed ID is checked against the content", () => {
    const decoded = decodeWireEntry(wire(v4));
    expect(() => checkEntryId(decoded, v4.id)).not.toThrow();
    expect(() => checkEntryId(decoded, v2.id)).toThrow(IdMismatchError);
    expectCode(() => checkEntryId(decoded, v2.id), "ID_MISMATCH");
  });
});

describe("decodeWireEntry rejects", () => {
  const cases: [string, (w: Json) => void, string][] = [
    ["an unknown top-level field", (w) => (w.id = "bafy"), "MALFORMED"],
    ["an unknown tree field", (w) => (w.tree.extra = 1), "MALFORMED"],
    ["an unknown store field", (w) => (w.subtrees[0].extra = 1), "MALFORMED"],
    ["an unknown sig field", (w) => (w.sig.extra = 1), "MALFORMED"],
    ["an unknown hint field", (w) => (w.sig.key.Direct.hint.fingerprint = "x"), "MALFORMED"],
    ["a second SigKey variant", (w) => (w.sig.key.Delegation = { path: [], hint: {} }), "MALFORMED"],
    ["an unknown SigKey variant", (w) => (w.sig.key = { Indirect: {} }), "MALFORMED"],
    ["a future entry version", (w) => (w._v = 1), "UNSUPPORTED_VERSION"],
    ["a missing tree", (w) => delete w.tree, "MALFORMED"],
    ["missing parents", (w) => delete w.tree.parents, "MALFORMED"],
    ["parents out of order", (w) => w.tree.parents.reverse(), "MALFORMED"],
    ["duplicate parents", (w) => (w.tree.parents[1] = w.tree.parents[0]), "MALFORMED"],
    ["stores out of order", (w) => w.subtrees.reverse(), "MALFORMED"],
    ["duplicate stores", (w) => (w.subtrees[1].name = w.subtrees[0].name), "MALFORMED"],
    ["an empty store name", (w) => (w.subtrees[0].name = ""), "MALFORMED"],
    ["an invalid CID", (w) => (w.tree.parents[0] = "bafyr4i-not-a-cid"), "MALFORMED"],
    ["an empty parent ID", (w) => (w.tree.parents[0] = ""), "MALFORMED"],
    ["a non-canonical base32 ID", (w) => (w.tree.root = w.tree.root.slice(0, -1) + "b"), "MALFORMED"],
    ["a byte above 255", (w) => (w.subtrees[1].data[0] = 256), "MALFORMED"],
    ["a fractional byte", (w) => (w.subtrees[1].data[0] = 1.5), "MALFORMED"],
    ["a negative height", (w) => (w.tree.h = -1), "MALFORMED"],
    ["a height above 2^53", (w) => (w.tree.h = 2 ** 53), "MALFORMED"],
    ["a string height", (w) => (w.tree.h = "3"), "MALFORMED"],
    ["a numeric signature", (w) => (w.sig.sig = 5), "MALFORMED"],
    ["a non-root entry without a root", (w) => delete w.tree.root, "MALFORMED"],
    ["a non-root entry without parents", (w) => (w.tree.parents = []), "MALFORMED"],
    ["an array as the entry", (w) => (w.tree = []), "MALFORMED"],
  ];

  it.each(cases)("%s", (_name, mutate, code) => {
    const w = wire();
    mutate(w);
    expectCode(() => decodeWireEntry(w), code);
  });

  it("a root entry with parents, and a _root store on a child", () => {
    const root = wire(v1);
    root.tree.parents = [v2.id];
    expectCode(() => decodeWireEntry(root), "MALFORMED");
    const child = wire(v2);
    child.subtrees.unshift({ name: "_root", parents: [] });
    expectCode(() => decodeWireEntry(child), "MALFORMED");
  });

  it("values that are not entries at all", () => {
    for (const value of [null, 1, "entry", [], true, { tree: {}, subtrees: [], sig: {} }]) {
      expectCode(() => decodeWireEntry(value), "MALFORMED");
    }
    expectCode(() => parseWireEntry("{not json"), "MALFORMED");
    expectCode(() => parseWireEntry(Uint8Array.of(0x7b, 0xff, 0x7d)), "MALFORMED");
  });

  it("error messages name the path and carry no stack when sent to a peer", () => {
    const w = wire();
    w.subtrees[1].data[3] = -4;
    const error = expectCode(() => decodeWireEntry(w), "MALFORMED");
    expect(error.message).toContain("entry.subtrees[1].data[3]");
    expect(JSON.stringify(error)).toBe(JSON.stringify({ code: "MALFORMED", message: error.message }));
    expect(entryToWire(v4)).toEqual(wire());
  });
});
