import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, decodeEntryCbor, toHex } from "../../src/index.js";
import { arbEntry } from "../support/arbitraries.js";
import { expectCode } from "@eidetica/test-kit";
import { vectorEntries } from "../support/fixtures.js";
import { fcParams } from "@eidetica/test-kit";

describe("decodeEntryCbor", () => {
  it("round-trips every entry exactly, ID included", () => {
    fc.assert(
      fc.property(arbEntry, (entry) => {
        const decoded = decodeEntryCbor(entry.encode());
        expect(decoded.id).toBe(entry.id);
        expect(toHex(decoded.encode())).toBe(toHex(entry.encode()));
      }),
      fcParams(500),
    );
  });

  it("rejects corrupted, truncated, padded and non-canonical bytes with typed errors", () => {
    const bytes = vectorEntries().v4.encode();
    expectCode(() => decodeEntryCbor(bytes.subarray(0, bytes.length - 1)), "MALFORMED");
    expectCode(() => decodeEntryCbor(concatBytes(bytes, Uint8Array.of(0))), "MALFORMED");
    // The first byte says map(3); as map(4) the encoding is wrong.
    const flipped = bytes.slice();
    flipped[0] = 0xa4;
    expectCode(() => decodeEntryCbor(flipped), "MALFORMED");
    // An integer written in a longer form than needed is not canonical.
    expectCode(() => decodeEntryCbor(Uint8Array.of(0x19, 0x00, 0x01)), "MALFORMED");
  });
});
