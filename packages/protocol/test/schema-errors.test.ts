/**
 * Targeted shape errors (reliability W1-W3, W6): a SchemaError names the offending field with
 * a JSON pointer; byte fields of the wrong length or type are SCHEMA; unknown variants are
 * UNKNOWN_MESSAGE; text that is not JSON is MALFORMED.
 */
import { isEideticaError } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { SchemaError, UnknownMessageError, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from "../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { KEY_A, requestCorpus, responseCorpus } from "./support/fixtures.js";

// Parsed JSON that the cases reach into and change freely.
type Json = any;

const REQUESTS = requestCorpus();
const RESPONSES = responseCorpus();
/** A fresh, mutable JSON value of a corpus message. */
const request = (name: string): Json => JSON.parse(encodeRequest(REQUESTS[name]!));
const response = (name: string): Json => JSON.parse(encodeResponse(RESPONSES[name]!));

/** Expects a SchemaError at `pointer` whose message starts with that pointer. */
function expectPointer(fn: () => unknown, pointer: string): SchemaError {
  const error = expectCode(fn, "SCHEMA");
  expect(error).toBeInstanceOf(SchemaError);
  expect((error as SchemaError).pointer).toBe(pointer);
  expect(error.message.startsWith(`${pointer || "/"}: `)).toBe(true);
  return error as SchemaError;
}
const req = (value: Json) => () => decodeRequest(JSON.stringify(value));
const res = (value: Json) => () => decodeResponse(JSON.stringify(value));

describe("JSON pointers of SchemaError", () => {
  it("/SyncTree/our_tips/3: an invalid or non-string tip", () => {
    const m = request("syncTreeFull");
    const tip = m.SyncTree.our_tips[0];
    m.SyncTree.our_tips = [tip, tip, tip, "bafynot-a-cid", tip];
    expectPointer(req(m), "/SyncTree/our_tips/3");
    m.SyncTree.our_tips[3] = 42;
    expectPointer(req(m), "/SyncTree/our_tips/3");
  });

  it("/SendEntries/2/tree/parents/0: a bad parent in the third entry", () => {
    const m = request("sendEntries");
    const child = m.SendEntries[1];
    m.SendEntries = [child, child, structuredClone(child)];
    m.SendEntries[2].tree.parents[0] = "not-an-id";
    expectPointer(req(m), "/SendEntries/2/tree/parents/0");
    m.SendEntries[2].tree.parents[0] = null;
    expectPointer(req(m), "/SendEntries/2/tree/parents/0");
  });

  it("deeper entry fields: /Incremental/missing_entries/0/subtrees/0/name, /Bootstrap/root_entry/sig/key", () => {
    const incremental = response("incremental");
    incremental.Incremental.missing_entries[0].subtrees[0].name = 7;
    expectPointer(res(incremental), "/Incremental/missing_entries/0/subtrees/0/name");
    const bootstrap = response("bootstrap");
    bootstrap.Bootstrap.root_entry.sig.key = {};
    expectPointer(res(bootstrap), "/Bootstrap/root_entry/sig/key");
    const data = response("bootstrap");
    data.Bootstrap.all_entries[0].subtrees[0].data = [104, 300];
    expectPointer(res(data), "/Bootstrap/all_entries/0/subtrees/0/data/1");
  });

  it("/Handshake/challenge: 31 or 33 bytes, a string, or a non-byte item", () => {
    for (const length of [31, 33, 0]) {
      const m = request("handshake");
      m.Handshake.challenge = new Array(length).fill(1);
      const error = expectPointer(req(m), "/Handshake/challenge");
      expect(error.message).toContain("32 bytes");
    }
    const asString = request("handshake");
    asString.Handshake.challenge = "a".repeat(32); // a Rust Vec<u8> is never a string
    expectPointer(req(asString), "/Handshake/challenge");
    const badItem = request("handshake");
    badItem.Handshake.challenge[5] = 256;
    expectPointer(req(badItem), "/Handshake/challenge/5");
    badItem.Handshake.challenge[5] = -1;
    expectPointer(req(badItem), "/Handshake/challenge/5");
    badItem.Handshake.challenge[5] = 1.5;
    expectPointer(req(badItem), "/Handshake/challenge/5");
  });

  it("request auth: a 63- or 65-byte signature, a 31-byte nonce, a bad key, a negative timestamp", () => {
    const cases: [(m: Json) => void, string][] = [
      [(m) => (m.SyncTree.auth.signature = m.SyncTree.auth.signature.slice(0, 63)), "/SyncTree/auth/signature"],
      [(m) => m.SyncTree.auth.signature.push(0), "/SyncTree/auth/signature"],
      [(m) => (m.SyncTree.auth.nonce = m.SyncTree.auth.nonce.slice(0, 31)), "/SyncTree/auth/nonce"],
      [(m) => (m.SyncTree.auth.key = "ed25519:AAAA"), "/SyncTree/auth/key"],
      [(m) => (m.SyncTree.auth.key = "rsa:AAAA"), "/SyncTree/auth/key"],
      [(m) => (m.SyncTree.auth.timestamp_ms = -1), "/SyncTree/auth/timestamp_ms"],
      [(m) => delete m.SyncTree.auth.nonce, "/SyncTree/auth"],
      [(m) => (m.SyncTree.auth.extra = 1), "/SyncTree/auth"],
      [(m) => (m.SyncTree.auth = []), "/SyncTree/auth"],
    ];
    for (const [mutate, pointer] of cases) {
      const m = request("syncTreeFull");
      mutate(m);
      expectPointer(req(m), pointer);
    }
  });

  it("other SyncTree fields: tree_id, keys, permission, metadata inside the Doc", () => {
    const cases: [(m: Json) => void, string][] = [
      [(m) => (m.SyncTree.tree_id = 5), "/SyncTree/tree_id"],
      [(m) => (m.SyncTree.our_tips = null), "/SyncTree/our_tips"],
      [(m) => (m.SyncTree.peer_pubkey = "ed25519:"), "/SyncTree/peer_pubkey"],
      [(m) => (m.SyncTree.requesting_key = 1), "/SyncTree/requesting_key"],
      [(m) => (m.SyncTree.requesting_key_name = ["x"]), "/SyncTree/requesting_key_name"],
      [(m) => (m.SyncTree.requested_permission = { Owner: 0 }), "/SyncTree/requested_permission"],
      [(m) => (m.SyncTree.requested_permission = { Admin: -1 }), "/SyncTree/requested_permission"],
      [(m) => (m.SyncTree.requested_permission = "Admin"), "/SyncTree/requested_permission"],
      [(m) => (m.SyncTree.metadata = { children: { note: { Int: 1.5 } } }), "/SyncTree/metadata/children/note/Int"],
      [(m) => (m.SyncTree.metadata = { children: { note: { Text: "a", Int: 1 } } }), "/SyncTree/metadata/children/note"],
      [(m) => (m.SyncTree.metadata = { kids: {} }), "/SyncTree/metadata"],
      [(m) => delete m.SyncTree.tree_id, "/SyncTree"],
      [(m) => (m.SyncTree.extra = null), "/SyncTree"],
    ];
    for (const [mutate, pointer] of cases) {
      const m = request("syncTreeFull");
      mutate(m);
      expectPointer(req(m), pointer);
    }
  });

  it("Handshake fields: keys, version, addresses; missing and extra fields", () => {
    const cases: [(m: Json) => void, string][] = [
      [(m) => (m.Handshake.device_id = "ed25519:short"), "/Handshake/device_id"],
      [(m) => (m.Handshake.public_key = null), "/Handshake/public_key"],
      [(m) => (m.Handshake.protocol_version = -1), "/Handshake/protocol_version"],
      [(m) => (m.Handshake.protocol_version = 2 ** 32), "/Handshake/protocol_version"],
      [(m) => (m.Handshake.protocol_version = "0"), "/Handshake/protocol_version"],
      [(m) => (m.Handshake.listen_addresses[0].address = 8080), "/Handshake/listen_addresses/0/address"],
      [(m) => delete m.Handshake.listen_addresses[0].transport_type, "/Handshake/listen_addresses/0"],
      [(m) => (m.Handshake.listen_addresses = {}), "/Handshake/listen_addresses"],
      [(m) => delete m.Handshake.challenge, "/Handshake"],
      [(m) => (m.Handshake.device = m.Handshake.device_id), "/Handshake"],
      [(m) => (m.Handshake = []), "/Handshake"],
    ];
    for (const [mutate, pointer] of cases) {
      const m = request("handshake");
      mutate(m);
      expectPointer(req(m), pointer);
    }
  });

  it("response fields: handshake byte lengths, tree info, Count, Error, BootstrapPending, Ack with a body", () => {
    const handshake: [(m: Json) => void, string][] = [
      [(m) => (m.Handshake.challenge_response = m.Handshake.challenge_response.slice(1)), "/Handshake/challenge_response"],
      [(m) => m.Handshake.new_challenge.push(1), "/Handshake/new_challenge"],
      [(m) => (m.Handshake.available_trees[0].entry_count = -1), "/Handshake/available_trees/0/entry_count"],
      [(m) => (m.Handshake.available_trees[0].tree_id = ""), "/Handshake/available_trees/0/tree_id"],
    ];
    for (const [mutate, pointer] of handshake) {
      const m = response("handshake");
      mutate(m);
      if (pointer.endsWith("/tree_id")) {
        // The empty ID is a valid ID (Rust ID::parse("") is the default ID), so this decodes.
        expect(decodeResponse(JSON.stringify(m)).kind).toBe("Handshake");
        m.Handshake.available_trees[0].tree_id = "x";
      }
      expectPointer(res(m), pointer);
    }
    expectPointer(res({ Count: -1 }), "/Count");
    expectPointer(res({ Count: "2" }), "/Count");
    expectPointer(res({ Count: 1.5 }), "/Count");
    expectPointer(res({ Error: 5 }), "/Error");
    expectPointer(res({ Error: null }), "/Error");
    expectPointer(res({ BootstrapPending: { request_id: "x" } }), "/BootstrapPending");
    expectPointer(res({ BootstrapPending: { request_id: 1, message: "m" } }), "/BootstrapPending/request_id");
    expectPointer(res({ Bootstrap: { ...response("bootstrap").Bootstrap, key_approved: "yes" } }), "/Bootstrap/key_approved");
    expectPointer(res({ Ack: [1, 2] }), "/Ack");
    expectPointer(res({ Ack: {} }), "/Ack");
    expectPointer(res("Count"), "/Count"); // a newtype variant written as a unit variant
    expectPointer(req("SyncTree"), "/SyncTree");
  });

  it("the envelope: not an object, no variant, two variants → SCHEMA at the root", () => {
    for (const value of [null, 1, [], [{ Ack: null }], {}, { Handshake: request("handshake").Handshake, SyncTree: {} }]) {
      expectPointer(req(value), "");
      expectPointer(res(value), "");
    }
    expectPointer(res({ Count: 1, Error: "x" }), "");
  });
});

describe("unknown variants → UNKNOWN_MESSAGE", () => {
  const unknownRequests: Json[] = ["Ack", "Ping", { Ping: {} }, { handshake: request("handshake").Handshake }, { Bootstrap: {} }, { "": 1 }];
  const unknownResponses: Json[] = ["ack", "Ping", "", { SendEntries: [] }, { SyncTree: {} }, { Acknowledge: null }, { constructor: {} }];
  it.each(unknownRequests.map((v) => [JSON.stringify(v) ?? String(v), v]))("request %s", (_name, value) => {
    const error = expectCode(req(value), "UNKNOWN_MESSAGE");
    expect(error).toBeInstanceOf(UnknownMessageError);
  });
  it.each(unknownResponses.map((v) => [JSON.stringify(v), v]))("response %s", (_name, value) => {
    expect(expectCode(res(value), "UNKNOWN_MESSAGE")).toBeInstanceOf(UnknownMessageError);
  });

  it("a JSON text with a literal __proto__ variant is unknown, not a prototype change", () => {
    expectCode(() => decodeRequest('{"__proto__":{"Ack":null}}'), "UNKNOWN_MESSAGE");
    expectCode(() => decodeResponse('{"__proto__":null}'), "UNKNOWN_MESSAGE");
  });

  it("an over-long unknown name is cut in the message", () => {
    const error = expectCode(() => decodeResponse(JSON.stringify({ ["X".repeat(10_000)]: 1 })), "UNKNOWN_MESSAGE");
    expect(error.message.length).toBeLessThan(200);
  });
});

describe("not JSON → MALFORMED", () => {
  const good = encodeRequest(REQUESTS["handshake"]!);
  it.each([
    ["truncated", good.slice(0, good.length - 1)],
    ["trailing garbage", `${good}x`],
    ["two values", `${good}${good}`],
    ["empty", ""],
    ["single quotes", "{'Ack':null}"],
    ["a trailing comma", '{"Count":1,}'],
    ["NaN", '{"Count":NaN}'],
  ])("%s", (_name, text) => {
    expectCode(() => decodeRequest(text), "MALFORMED");
    expectCode(() => decodeResponse(text), "MALFORMED");
  });

  it("invalid UTF-8 in the bytes", () => {
    const bytes = new TextEncoder().encode(`{"Error":"ab"}`);
    for (const bad of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const input = new Uint8Array([...bytes.subarray(0, 10), ...bad, ...bytes.subarray(10)]);
      expectCode(() => decodeResponse(input), "MALFORMED");
    }
    expect(decodeResponse(bytes)).toEqual({ kind: "Error", message: "ab" });
  });
});

describe("errors are typed and peer-safe", () => {
  it("isEideticaError, a stable code, a message without a stack", () => {
    const m = request("handshake");
    m.Handshake.device_id = KEY_A.publicKey.slice(0, -4);
    try {
      decodeRequest(JSON.stringify(m));
      expect.unreachable("decoding should have failed");
    } catch (error) {
      expect(isEideticaError(error)).toBe(true);
      expect((error as SchemaError).toJSON()).toEqual({ code: "SCHEMA", message: (error as Error).message });
      expect((error as Error).message).not.toContain("    at ");
    }
  });
});
