/**
 * Paging (DESIGN 4.4): sizes are exact UTF-8 lengths of what the codec writes, pages are the
 * longest prefix that fits, and the cached entry texts give the same bytes as encoding afresh.
 */
import { EntryBuilder, LIMITS, SigningKey, entryToWire, signEntry, utf8, type Entry } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { encodeRequest, encodeResponse, entryWireBytes, fitEntries, responseWireBytes } from "../src/index.js";
import { ROOT } from "./support/fixtures.js";

const key = SigningKey.fromSeed(new Uint8Array(32).fill(3));
const bytes = (text: string) => new TextEncoder().encode(text).length;

function child(store: string, data: string, keyName?: string): Entry {
  const unsigned = new EntryBuilder(ROOT.id).parents([ROOT.id]).height(1).storeData(store, utf8(data)).storeParents(store, []).build();
  return signEntry(unsigned, key, keyName === undefined ? {} : { sigKey: { Direct: { hint: { name: keyName } } } });
}

describe("entry sizes", () => {
  it("are the UTF-8 length of the entry's wire JSON, for ASCII, two-, three- and four-byte characters", () => {
    for (const name of ["notes", "café", "日本語", "emoji 😀🎉", "mixed é😀 z"]) {
      const entry = child(name, `data ${name}`, `key ${name}`);
      expect(entryWireBytes(entry), name).toBe(bytes(JSON.stringify(entryToWire(entry))));
    }
  });

  it("a response written entry by entry is byte-equal to JSON.stringify of the whole", () => {
    const entries = Array.from({ length: 50 }, (_, i) => child(`s${i % 3}`, "x".repeat(i)));
    const expected = JSON.stringify({ Incremental: { tree_id: ROOT.id, their_tips: [ROOT.id], missing_entries: entries.map(entryToWire) } });
    const response = { kind: "Incremental", incremental: { treeId: ROOT.id, theirTips: [ROOT.id], missingEntries: entries } } as const;
    expect(encodeResponse(response)).toBe(expected);
    expect(responseWireBytes(response)).toBe(bytes(expected));
    expect(encodeRequest({ kind: "SendEntries", entries })).toBe(JSON.stringify({ SendEntries: entries.map(entryToWire) }));
  });

});

describe("fitEntries", () => {
  it("takes the longest prefix within the byte limit: limit - 1, limit and limit + 1", () => {
    const entries = Array.from({ length: 10 }, (_, i) => child("n", `${i}`.repeat(10)));
    const envelope = 100;
    const exact = envelope + entries.slice(0, 4).reduce((n, e) => n + entryWireBytes(e), 0) + 3; // 3 commas
    expect(fitEntries(entries, envelope, exact)).toHaveLength(4);
    expect(fitEntries(entries, envelope, exact - 1)).toHaveLength(3);
    expect(fitEntries(entries, envelope, exact + 1)).toHaveLength(4);
    expect(fitEntries(entries, envelope, envelope)).toHaveLength(0);
  });

  it("never takes more than the entries-per-message limit", () => {
    const entries = Array.from({ length: LIMITS.entriesPerMessage + 1 }, () => ROOT);
    expect(fitEntries(entries, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(LIMITS.entriesPerMessage);
  });
});
