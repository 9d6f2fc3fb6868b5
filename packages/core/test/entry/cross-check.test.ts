/**
 * Random entries against independent implementations: @ipld/dag-cbor for the canonical
 * encoding, multiformats for the CID, and the JSON wire round trip.
 */
import * as dagCbor from "@ipld/dag-cbor";
import { blake3 } from "@noble/hashes/blake3.js";
import * as fc from "fast-check";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { describe, expect, it } from "vitest";
import { EntryBuilder, compareIds, compareUtf8, encodeWireEntry, entryToWire, idFromDagCbor, utf8, wireEntryLength, parseWireEntry, toHex, verifyEntrySignature } from "../../src/index.js";
import { arbEntry } from "../support/arbitraries.js";
import { fcParams } from "@eidetica/test-kit";
import { toIpld } from "./vectors.test.js";

const ROOT_ID = idFromDagCbor(utf8("cross-check root"));

describe("random entries", () => {
  it("encode exactly as @ipld/dag-cbor and hash to the independently computed CID", () => {
    fc.assert(
      fc.property(arbEntry, (entry) => {
        const reference = dagCbor.encode(toIpld(entry));
        expect(toHex(entry.encode())).toBe(toHex(reference));
        expect(entry.id).toBe(CID.createV1(0x71, createDigest(0x1e, blake3(reference))).toString());
      }),
      fcParams(1000),
    );
  });

  it("survive the JSON wire round trip with the same ID", () => {
    fc.assert(
      fc.property(arbEntry, (entry) => {
        const text = encodeWireEntry(entry);
        const decoded = parseWireEntry(text);
        expect(decoded.id).toBe(entry.id);
        expect(encodeWireEntry(decoded)).toBe(text);
      }),
      fcParams(1000),
    );
  });

  it("are written to wire JSON text exactly as JSON.stringify of their wire value, whose UTF-8 length wireEntryLength gives", () => {
    fc.assert(
      fc.property(arbEntry, (entry) => {
        const text = encodeWireEntry(entry);
        expect(text).toBe(JSON.stringify(entryToWire(entry)));
        expect(wireEntryLength(entry)).toBe(new TextEncoder().encode(text).length);
      }),
      fcParams(1000),
    );
  });

  it("wireEntryLength counts JSON escapes and every UTF-8 width: quotes, backslashes, controls, lone surrogates", () => {
    const names = ['a"b', "back\\slash", "line\nfeed\ttab", "\u0001\u001f", "lone \ud800 high", "lone \udc00 low", "pair 😀", "é and 日本"];
    for (const name of names) {
      const entry = new EntryBuilder(ROOT_ID).parents([ROOT_ID]).height(1).storeData(name, utf8("x")).storeParents(name, []).build();
      const text = encodeWireEntry(entry);
      expect(text).toBe(JSON.stringify(entryToWire(entry)));
      expect(wireEntryLength(entry), JSON.stringify(name)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it("are canonical: parents sorted by binary ID, stores by UTF-8 name", () => {
    fc.assert(
      fc.property(arbEntry, (entry) => {
        const lists = [entry.tree.parents, ...entry.subtrees.map((s) => s.parents)];
        for (const list of lists) {
          for (let i = 1; i < list.length; i++) expect(compareIds(list[i - 1]!, list[i]!)).toBeLessThan(0);
        }
        for (let i = 1; i < entry.subtrees.length; i++) {
          expect(compareUtf8(entry.subtrees[i - 1]!.name, entry.subtrees[i]!.name)).toBeLessThan(0);
        }
      }),
      fcParams(500),
    );
  });

  it("verify when signed with a pubkey hint, and fail once any signed byte changes", () => {
    fc.assert(
      fc.property(arbEntry, fc.nat(), (entry, at) => {
        fc.pre(entry.sig.sig !== undefined);
        const hint = "Direct" in entry.sig.key ? entry.sig.key.Direct.hint : entry.sig.key.Delegation.hint;
        fc.pre(hint.pubkey !== undefined);
        expect(verifyEntrySignature(entry)).toBe(true);
        // Change one metadata byte (or add metadata): same key, different signed content.
        const metadata = entry.tree.metadata ?? new Uint8Array(0);
        const changed = metadata.length === 0 ? Uint8Array.of(0) : metadata.slice();
        if (metadata.length > 0) changed[at % changed.length] = (changed[at % changed.length]! + 1) % 256;
        const wire = JSON.parse(encodeWireEntry(entry)) as { tree: { metadata?: number[] } };
        wire.tree.metadata = Array.from(changed);
        expect(verifyEntrySignature(parseWireEntry(JSON.stringify(wire)))).toBe(false);
      }),
      fcParams(300),
    );
  });
});
