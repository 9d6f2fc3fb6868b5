import { blake3 } from "@noble/hashes/blake3.js";
import * as fc from "fast-check";
import { base58btc } from "multiformats/bases/base58";
import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { describe, expect, it } from "vitest";
import {
  EMPTY_ID,
  compareIds,
  idFromBytes,
  idFromDagCbor,
  idFromRawBytes,
  idToBytes,
  parseId,
  sortedUniqueIds,
  utf8,
} from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { fcParams } from "@eidetica/test-kit";

/** The spec's order, computed the slow way from decoded CIDs. */
function referenceCompare(a: string, b: string): number {
  if (a === b) return 0;
  if (a === EMPTY_ID) return -1;
  if (b === EMPTY_ID) return 1;
  const x = CID.parse(a);
  const y = CID.parse(b);
  const keys = (c: CID) => [c.version, c.code, c.multihash.code, c.multihash.size];
  for (const [i, k] of keys(x).entries()) if (k !== keys(y)[i]) return k - keys(y)[i]!;
  for (let i = 0; i < 64; i++) {
    const d = (x.multihash.digest[i] ?? 0) - (y.multihash.digest[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const arbAnyId = fc.oneof(
  fc.uint8Array({ maxLength: 16 }).map(idFromDagCbor),
  fc.uint8Array({ maxLength: 16 }).map(idFromRawBytes),
  fc.constant(EMPTY_ID),
);

describe("entry IDs", () => {
  it("are CIDv1 dag-cbor BLAKE3-256 in base32, as multiformats computes them", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const id = idFromDagCbor(bytes);
        expect(id).toBe(CID.createV1(0x71, createDigest(0x1e, blake3(bytes))).toString());
        expect(id).toMatch(/^bafyr4i[a-z2-7]{52}$/);
        expect(idFromBytes(idToBytes(id))).toBe(id);
        expect(parseId(id)).toBe(id);
      }),
      fcParams(500),
    );
  });

  it("order by binary CID, not by string", () => {
    fc.assert(
      fc.property(arbAnyId, arbAnyId, (a, b) => {
        expect(Math.sign(compareIds(a, b))).toBe(Math.sign(referenceCompare(a, b)));
      }),
      fcParams(2000),
    );
    // Raw-codec IDs sort before dag-cbor IDs; the empty ID before everything.
    const raw = idFromRawBytes(utf8("x"));
    const entry = idFromDagCbor(utf8("x"));
    expect(sortedUniqueIds([entry, raw, EMPTY_ID, entry])).toEqual([EMPTY_ID, raw, entry]);
  });

  it("string order and binary order really differ (digits sort after letters in base32)", () => {
    const ids = Array.from({ length: 200 }, (_, i) => idFromDagCbor(utf8(String(i))));
    const byString = [...ids].sort();
    const byBinary = [...ids].sort(compareIds);
    expect(byBinary).not.toEqual(byString);
    expect(byBinary).toEqual([...ids].sort(referenceCompare));
  });
});

describe("parseId", () => {
  const id = idFromDagCbor(utf8("x"));

  it("rejects text that only looks like an entry ID", () => {
    // The 8th character carries the last two header bits: 'i' (8) sets one of them.
    expectCode(() => parseId(`${id.slice(0, 7)}i${id.slice(8)}`), "MALFORMED");
    // The last character's two low bits are padding: 'b' (1) sets one.
    expectCode(() => parseId(`${id.slice(0, -1)}b`), "MALFORMED");
    expectCode(() => parseId(id.toUpperCase()), "MALFORMED");
    expectCode(() => parseId(`${id}a`), "MALFORMED");
    expectCode(() => parseId("not a cid"), "MALFORMED");
  });

  it("normalizes other CID spellings and keeps the empty ID", () => {
    expect(parseId(CID.parse(id).toString(base58btc))).toBe(id);
    expect(parseId(EMPTY_ID)).toBe(EMPTY_ID);
    expectCode(() => idToBytes(EMPTY_ID), "MALFORMED");
  });
});
