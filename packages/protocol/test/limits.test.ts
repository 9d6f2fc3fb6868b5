/**
 * The message limits of DESIGN section 5 at limit - 1, limit and limit + 1: message bytes
 * (4 MiB), entries per message (10,000), tips per request (1,024) and JSON depth (64). Under
 * and at a limit the message decodes; over it the decoder throws LIMIT_EXCEEDED naming it.
 */
import { EntryBuilder, LIMITS, idFromDagCbor, jsonDepth, signEntry, utf8, type Entry, type ID } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import {
  MAX_ADDRESSES,
  MAX_TEXT,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type SyncRequest,
  type SyncResponse,
} from "../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { KEY_A, ROOT, bytesOf, counting } from "./support/fixtures.js";

const MIB4 = 4 * 1024 * 1024;
const byteLength = (text: string): number => utf8(text).length;

/** `text` followed by spaces (valid JSON whitespace) to exactly `total` UTF-8 bytes. */
function padTo(text: string, total: number): string {
  const missing = total - byteLength(text);
  if (missing < 0) throw new Error(`message already has ${byteLength(text)} bytes`);
  return text + " ".repeat(missing);
}

function expectLimit(fn: () => unknown, limit: string): void {
  const error = expectCode(fn, "LIMIT_EXCEEDED") as Error & { limit: string };
  expect(error.limit).toBe(limit);
}

describe("limits are the documented figures", () => {
  it("4 MiB, 10,000 entries, 1,024 tips, depth 64", () => {
    expect([LIMITS.messageBytes, LIMITS.entriesPerMessage, LIMITS.tipsPerRequest, LIMITS.jsonDepth]).toEqual([MIB4, 10_000, 1_024, 64]);
  });
});

describe("message bytes (4 MiB)", () => {
  // Five signed entries with ~200 KB of store data each: about 3.9 MB of wire JSON.
  const big: Entry[] = Array.from({ length: 5 }, (_, i) =>
    signEntry(
      new EntryBuilder(ROOT.id)
        .parents([ROOT.id])
        .height(1)
        .storeData("blob", new Uint8Array(200_000).fill(200 + i))
        .build(),
      KEY_A,
    ),
  );
  const request = encodeRequest({ kind: "SendEntries", entries: big });
  const response = encodeResponse({ kind: "Incremental", incremental: { treeId: ROOT.id, theirTips: [ROOT.id], missingEntries: big } });

  it("the base messages are just under the limit", () => {
    for (const text of [request, response]) {
      expect(byteLength(text)).toBeLessThan(MIB4);
      expect(byteLength(text)).toBeGreaterThan(MIB4 - 200_000);
    }
  });

  it.each([
    ["request (text)", (t: string) => decodeRequest(t), request],
    ["request (bytes)", (t: string) => decodeRequest(utf8(t)), request],
    ["response (text)", (t: string) => decodeResponse(t), response],
    ["response (bytes)", (t: string) => decodeResponse(utf8(t)), response],
  ] as const)("%s: limit - 1 and limit decode, limit + 1 is LIMIT_EXCEEDED", (_name, decode, base) => {
    for (const size of [MIB4 - 1, MIB4]) {
      const decoded = decode(padTo(base, size)) as SyncRequest | SyncResponse;
      const entries = decoded.kind === "SendEntries" ? decoded.entries : decoded.kind === "Incremental" ? decoded.incremental.missingEntries : [];
      expect(entries.map((e) => e.id)).toEqual(big.map((e) => e.id));
    }
    expectLimit(() => decode(padTo(base, MIB4 + 1)), "messageBytes");
  });

  it("counts UTF-8 bytes, not UTF-16 units", () => {
    // 30,000 "é" are 30,000 units but 60,000 bytes.
    const base = encodeResponse({ kind: "Error", message: "é".repeat(30_000) });
    const atLimit = padTo(base, MIB4);
    expect(atLimit.length).toBeLessThan(MIB4);
    expect(decodeResponse(atLimit).kind).toBe("Error");
    const over = padTo(base, MIB4 + 1);
    expect(over.length).toBe(MIB4 + 1 - 30_000);
    expectLimit(() => decodeResponse(over), "messageBytes");
    expectLimit(() => decodeResponse(utf8(over)), "messageBytes");
  });

  it("small messages far over the limit are refused before parsing", () => {
    expectLimit(() => decodeRequest(`"${"x".repeat(10 * MIB4)}"`), "messageBytes");
    expectLimit(() => decodeResponse(new Uint8Array(MIB4 + 1).fill(0x20)), "messageBytes");
  });
});

describe("entries per message (10,000)", () => {
  // An unsigned root is about 100 bytes on the wire, so 10,001 of them stay under 4 MiB.
  const tiny = EntryBuilder.root().build();
  const many = (n: number): Entry[] => Array<Entry>(n).fill(tiny);
  const limit = LIMITS.entriesPerMessage;

  const kinds: [string, (entries: Entry[]) => string, (text: string) => readonly Entry[]][] = [
    [
      "SendEntries",
      (entries) => encodeRequest({ kind: "SendEntries", entries }),
      (text) => {
        const r = decodeRequest(text);
        return r.kind === "SendEntries" ? r.entries : [];
      },
    ],
    [
      "Bootstrap all_entries",
      (entries) =>
        encodeResponse({ kind: "Bootstrap", bootstrap: { treeId: tiny.id, rootEntry: tiny, allEntries: entries, keyApproved: false, grantedPermission: null } }),
      (text) => {
        const r = decodeResponse(text);
        return r.kind === "Bootstrap" ? r.bootstrap.allEntries : [];
      },
    ],
    [
      "Incremental missing_entries",
      (entries) => encodeResponse({ kind: "Incremental", incremental: { treeId: tiny.id, theirTips: [], missingEntries: entries } }),
      (text) => {
        const r = decodeResponse(text);
        return r.kind === "Incremental" ? r.incremental.missingEntries : [];
      },
    ],
  ];

  it.each(kinds)("%s: 9,999 and 10,000 decode, 10,001 is LIMIT_EXCEEDED", (_name, encode, decode) => {
    for (const n of [limit - 1, limit]) {
      const text = encode(many(n));
      expect(byteLength(text)).toBeLessThan(MIB4);
      const entries = decode(text);
      expect(entries.length).toBe(n);
      expect(entries[n - 1]?.id).toBe(tiny.id);
    }
    const over = encode(many(limit + 1));
    expect(byteLength(over)).toBeLessThan(MIB4);
    expectLimit(() => decode(over), "entriesPerMessage");
  });
});

describe("tips per request (1,024)", () => {
  const ids: ID[] = Array.from({ length: 1_025 }, (_, i) => idFromDagCbor(utf8(`tip ${i}`)));
  const syncTree = (tips: readonly ID[]) =>
    `{"SyncTree":{"tree_id":"${ROOT.id}","our_tips":[${tips.map((t) => `"${t}"`).join(",")}]}}`;

  it("1,023 and 1,024 distinct tips decode (sorted); 1,025 is LIMIT_EXCEEDED", () => {
    for (const n of [1_023, 1_024]) {
      const decoded = decodeRequest(syncTree(ids.slice(0, n)));
      if (decoded.kind !== "SyncTree") throw new Error(`decoded ${decoded.kind}`);
      expect(decoded.syncTree.ourTips.length).toBe(n);
      expect(new Set(decoded.syncTree.ourTips)).toEqual(new Set(ids.slice(0, n)));
    }
    expectLimit(() => decodeRequest(syncTree(ids)), "tipsPerRequest");
  });

  it("the limit counts the tips as sent, before duplicates are removed", () => {
    expectLimit(() => decodeRequest(syncTree(Array<ID>(1_025).fill(ROOT.id))), "tipsPerRequest");
    const decoded = decodeRequest(syncTree(Array<ID>(1_024).fill(ROOT.id)));
    if (decoded.kind !== "SyncTree") throw new Error(`decoded ${decoded.kind}`);
    expect(decoded.syncTree.ourTips).toEqual([ROOT.id]);
  });

  it("their_tips of an Incremental response has the same limit", () => {
    const incremental = (tips: readonly ID[]) => encodeResponse({ kind: "Incremental", incremental: { treeId: ROOT.id, theirTips: tips, missingEntries: [] } });
    const decoded = decodeResponse(incremental(ids.slice(0, 1_024)));
    if (decoded.kind !== "Incremental") throw new Error(`decoded ${decoded.kind}`);
    expect(decoded.incremental.theirTips.length).toBe(1_024);
    expectLimit(() => decodeResponse(incremental(ids)), "tipsPerRequest");
  });
});

describe("JSON depth (64)", () => {
  /**
   * A SyncTree request whose metadata Doc nests so that the whole message is exactly `depth`
   * deep: the envelope takes 2 levels, the Doc and its children 2, each nested Doc 3 more
   * ({"Doc":{"children":{…}}}), and the leaf 0 ("Null"), 1 ({"Int":1}) or 2 ({"List":[]}).
   */
  function nestedRequest(depth: number): string {
    const levels = Math.floor((depth - 4) / 3);
    let doc = `{"children":{"x":${['"Null"', '{"Int":1}', '{"List":[]}'][(depth - 4) % 3]}}}`;
    for (let i = 0; i < levels; i++) doc = `{"children":{"x":{"Doc":${doc}}}}`;
    return `{"SyncTree":{"tree_id":"${ROOT.id}","our_tips":[],"metadata":${doc}}}`;
  }

  it("a valid request at depth 63 and 64 decodes; at 65 it is LIMIT_EXCEEDED", () => {
    for (const depth of [63, 64]) {
      const text = nestedRequest(depth);
      expect(jsonDepth(text)).toBe(depth);
      const decoded = decodeRequest(text);
      expect(decoded.kind === "SyncTree" && decoded.syncTree.metadata !== null).toBe(true);
      // The Doc is written back exactly as it came.
      const doc = text.slice(text.indexOf(`"metadata":`) + 11, -2);
      expect(encodeRequest(decoded)).toContain(`"metadata":${doc},"auth":null}}`);
    }
    const over = nestedRequest(65);
    expect(jsonDepth(over)).toBe(65);
    expectLimit(() => decodeRequest(over), "jsonDepth");
  });

  it("responses: depth 64 reaches the schema check (SCHEMA), depth 65 is LIMIT_EXCEEDED", () => {
    const nested = (depth: number) => `{"Error":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
    expect(jsonDepth(nested(64))).toBe(64);
    expectCode(() => decodeResponse(nested(64)), "SCHEMA");
    expectLimit(() => decodeResponse(nested(65)), "jsonDepth");
  });

  it("100,000 levels are refused by the depth check, with no RangeError", () => {
    expectLimit(() => decodeRequest(`{"SyncTree":{"tree_id":"${ROOT.id}","our_tips":[],"metadata":${"[".repeat(100_000)}}}`), "jsonDepth");
    expectLimit(() => decodeResponse(`${"{\"a\":".repeat(100_000)}1${"}".repeat(100_000)}`), "jsonDepth");
  });
});

describe("other bounds of the codec", () => {
  it(`free text up to ${MAX_TEXT} UTF-16 units decodes; one more is SCHEMA`, () => {
    expect(decodeResponse(encodeResponse({ kind: "Error", message: "e".repeat(MAX_TEXT) })).kind).toBe("Error");
    expectCode(() => decodeResponse(encodeResponse({ kind: "Error", message: "e".repeat(MAX_TEXT + 1) })), "SCHEMA");
  });

  it(`up to ${MAX_ADDRESSES} listen addresses decode; one more is LIMIT_EXCEEDED`, () => {
    const handshake = (n: number) =>
      encodeRequest({
        kind: "Handshake",
        handshake: {
          deviceId: KEY_A.publicKey,
          publicKey: KEY_A.publicKey,
          displayName: null,
          protocolVersion: 0,
          challenge: counting(32),
          listenAddresses: Array.from({ length: n }, (_, i) => ({ transportType: "http", address: `10.0.0.${i}:80` })),
        },
      });
    const decoded = decodeRequest(handshake(MAX_ADDRESSES));
    expect(decoded.kind === "Handshake" && decoded.handshake.listenAddresses.length).toBe(MAX_ADDRESSES);
    expectLimit(() => decodeRequest(handshake(MAX_ADDRESSES + 1)), "addresses");
  });

  it("the handshake's byte fields hold exactly 32 and 64 bytes", () => {
    const response = (challengeResponse: Uint8Array, newChallenge: Uint8Array) =>
      encodeResponse({
        kind: "Handshake",
        handshake: { deviceId: KEY_A.publicKey, publicKey: KEY_A.publicKey, displayName: null, protocolVersion: 0, challengeResponse, newChallenge, availableTrees: [] },
      });
    expect(decodeResponse(response(bytesOf(64, 1), bytesOf(32, 1))).kind).toBe("Handshake");
    expectCode(() => decodeResponse(response(bytesOf(65, 1), bytesOf(32, 1))), "SCHEMA");
    expectCode(() => decodeResponse(response(bytesOf(64, 1), bytesOf(31, 1))), "SCHEMA");
  });
});
