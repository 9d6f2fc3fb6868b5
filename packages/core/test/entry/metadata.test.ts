import { describe, expect, it } from "vitest";
import { decodeEntryMetadata, encodeEntryMetadata, fromUtf8, idFromDagCbor, sortedUniqueIds, utf8 } from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";

const a = idFromDagCbor(utf8("a"));
const b = idFromDagCbor(utf8("b"));

describe("entry metadata JSON", () => {
  it("is written exactly as serde_json writes EntryMetadata", () => {
    expect(fromUtf8(encodeEntryMetadata({ settingsTips: [], entropy: null }))).toBe('{"settings_tips":[],"entropy":null}');
    // Tips are a Snapshot: sorted by binary ID and de-duplicated.
    const sorted = sortedUniqueIds([a, b]);
    expect(fromUtf8(encodeEntryMetadata({ settingsTips: [b, a, b], entropy: 18446744073709551615n }))).toBe(
      `{"settings_tips":${JSON.stringify(sorted)},"entropy":18446744073709551615}`,
    );
  });

  it("round-trips u64 entropy exactly, beyond 2^53", () => {
    for (const entropy of [0n, 42n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
      expect(decodeEntryMetadata(encodeEntryMetadata({ settingsTips: [a], entropy })).entropy).toBe(entropy);
    }
  });

  it("ignores unknown fields but checks known ones", () => {
    expect(decodeEntryMetadata(utf8(`{"settings_tips":["${a}"],"entropy":null,"future":1}`)).settingsTips).toEqual([a]);
    expect(decodeEntryMetadata(utf8('{"settings_tips":[]}')).entropy).toBeNull();
    for (const bad of ['{"entropy":1}', '{"settings_tips":"x"}', '{"settings_tips":["nope"]}', '{"settings_tips":[],"entropy":-1}', "[]", "{", '{"settings_tips":[],"entropy":1.5}']) {
      expectCode(() => decodeEntryMetadata(utf8(bad)), "MALFORMED");
    }
    expectCode(() => encodeEntryMetadata({ settingsTips: [], entropy: 2n ** 64n }), "MALFORMED");
    expectCode(() => decodeEntryMetadata(utf8('{"settings_tips":[],"entropy":18446744073709551616}')), "MALFORMED");
  });
});
