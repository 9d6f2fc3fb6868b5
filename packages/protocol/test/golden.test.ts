/**
 * Golden JSON of every sync message (spec 5.2): fields in snake_case in Rust declaration order,
 * externally tagged enums, `"Ack"` as a bare string, bytes as integer arrays, `Option::None` as
 * null, permissions as `{"Admin":0}` / `{"Write":5}` / `"Read"`, entries in their spec 1.5 wire
 * form. Every expected string is written out by hand; encoding must produce it exactly, and
 * decoding it must re-encode to the identical string.
 */
import { Doc, READ, utf8, write } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type SyncRequest,
  type SyncResponse,
} from "../src/index.js";
import { CHILD, KEY_A, KEY_B, ROOT, bytesOf, counting, requestCorpus, responseCorpus } from "./support/fixtures.js";

// Pinned values: the fixtures are built from fixed seeds and contents, so these never change.
const PK_A = "ed25519:A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
const PK_B = "ed25519:6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw=";
const ROOT_ID = "bafyr4ic36ekpkq6jfnijly3vuf6rpbyhmohe6f46douqk3kq2uucnxxv4m";
const CHILD_ID = "bafyr4idfk4kfyeza63jfq6u7bdspp6b3f4shpkn43jnff2kf4dxvocna6u";
const ROOT_SIG = "wsdjanmWRtdFlGKEtYVrDUlAt8J9Bf+sV7puOSKGpLqSPsGHp8gMxmuMmWZyIA+/ls28P5DM18APUpnYeYLgDQ==";
const CHILD_SIG = "G1YstoZ+d1kDLT0IWiqjE0JMq/wysn72j+sM7AxCl6hTIi/bupYy0piu4fskk9MZyQDV9cT74UEZyDCwvkgMCw==";

/** `v,v,…` n times, for byte arrays of one repeated value. */
const rep = (v: number, n: number): string => Array<number>(n).fill(v).join(",");

// Entries (spec 1.5): tree{root?,parents,metadata?,h?}, subtrees[{name,parents,data?,h?}], sig{sig?,key}.
const ROOT_JSON =
  '{"tree":{"parents":[]},' +
  '"subtrees":[{"name":"_root","parents":[],"data":[34,34]}],' +
  `"sig":{"sig":"${ROOT_SIG}","key":{"Direct":{"hint":{"pubkey":"${PK_A}"}}}}}`;
const CHILD_JSON =
  `{"tree":{"root":"${ROOT_ID}","parents":["${ROOT_ID}"],"h":1},` +
  '"subtrees":[{"name":"notes","parents":[],"data":[104,105]}],' +
  `"sig":{"sig":"${CHILD_SIG}","key":{"Direct":{"hint":{"pubkey":"${PK_A}"}}}}}`;

const REQUESTS = requestCorpus();
const RESPONSES = responseCorpus();

const REQUEST_GOLDEN: [string, SyncRequest, string][] = [
  [
    "Handshake",
    REQUESTS["handshake"]!,
    `{"Handshake":{"device_id":"${PK_A}","public_key":"${PK_A}","display_name":"BackgroundSync","protocol_version":0,` +
      `"challenge":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31],` +
      `"listen_addresses":[{"transport_type":"http","address":"127.0.0.1:8080"}]}}`,
  ],
  [
    "Handshake without a display name or addresses",
    {
      kind: "Handshake",
      handshake: {
        deviceId: PK_B,
        publicKey: PK_B,
        displayName: null,
        protocolVersion: 0,
        challenge: bytesOf(32, 255),
        listenAddresses: [],
      },
    },
    `{"Handshake":{"device_id":"${PK_B}","public_key":"${PK_B}","display_name":null,"protocol_version":0,` +
      `"challenge":[${rep(255, 32)}],"listen_addresses":[]}}`,
  ],
  [
    "SyncTree without auth, metadata or permission (bootstrap)",
    REQUESTS["syncTreeBootstrap"]!,
    `{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":[],"peer_pubkey":null,"requesting_key":null,` +
      `"requesting_key_name":null,"requested_permission":null,"metadata":null,"auth":null}}`,
  ],
  [
    "SyncTree with auth, metadata and permission",
    REQUESTS["syncTreeFull"]!,
    `{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":["${CHILD_ID}"],"peer_pubkey":"${PK_B}","requesting_key":"${PK_B}",` +
      `"requesting_key_name":"laptop","requested_permission":{"Admin":0},"metadata":{"children":{"note":{"Text":"hi"}}},` +
      `"auth":{"key":"${PK_B}","timestamp_ms":1704067200000,"nonce":[${rep(1, 32)}],"signature":[${rep(2, 64)}]}}}`,
  ],
  [
    "SyncTree asking for Read with two tips",
    {
      kind: "SyncTree",
      syncTree: {
        treeId: ROOT_ID,
        ourTips: [ROOT_ID, CHILD_ID],
        peerPubkey: PK_A,
        requestingKey: PK_A,
        requestingKeyName: PK_A,
        requestedPermission: READ,
        metadata: null,
        auth: null,
      },
    },
    `{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":["${ROOT_ID}","${CHILD_ID}"],"peer_pubkey":"${PK_A}",` +
      `"requesting_key":"${PK_A}","requesting_key_name":"${PK_A}","requested_permission":"Read","metadata":null,"auth":null}}`,
  ],
  [
    "SyncTree asking for Write(5) with an empty metadata Doc",
    {
      kind: "SyncTree",
      syncTree: {
        treeId: ROOT_ID,
        ourTips: [],
        peerPubkey: null,
        requestingKey: PK_B,
        requestingKeyName: "k",
        requestedPermission: write(5),
        metadata: new Doc(),
        auth: null,
      },
    },
    `{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":[],"peer_pubkey":null,"requesting_key":"${PK_B}",` +
      `"requesting_key_name":"k","requested_permission":{"Write":5},"metadata":{"children":{}},"auth":null}}`,
  ],
  ["SendEntries", REQUESTS["sendEntries"]!, `{"SendEntries":[${ROOT_JSON},${CHILD_JSON}]}`],
  ["SendEntries with no entries", { kind: "SendEntries", entries: [] }, `{"SendEntries":[]}`],
];

const RESPONSE_GOLDEN: [string, SyncResponse, string][] = [
  [
    "Handshake",
    RESPONSES["handshake"]!,
    `{"Handshake":{"device_id":"${PK_B}","public_key":"${PK_B}","display_name":"Eidetica Peer","protocol_version":0,` +
      `"challenge_response":[${rep(3, 64)}],"new_challenge":[${rep(4, 32)}],` +
      `"available_trees":[{"tree_id":"${ROOT_ID}","name":null,"entry_count":2,"last_modified":0}]}}`,
  ],
  [
    "Handshake with a named tree and no display name",
    {
      kind: "Handshake",
      handshake: {
        deviceId: PK_A,
        publicKey: PK_A,
        displayName: null,
        protocolVersion: 0,
        challengeResponse: counting(64),
        newChallenge: bytesOf(32, 0),
        availableTrees: [{ treeId: CHILD_ID, name: "notes", entryCount: 0, lastModified: 1_704_067_200_000 }],
      },
    },
    `{"Handshake":{"device_id":"${PK_A}","public_key":"${PK_A}","display_name":null,"protocol_version":0,` +
      `"challenge_response":[${Array.from(counting(64)).join(",")}],"new_challenge":[${rep(0, 32)}],` +
      `"available_trees":[{"tree_id":"${CHILD_ID}","name":"notes","entry_count":0,"last_modified":1704067200000}]}}`,
  ],
  [
    "Bootstrap",
    RESPONSES["bootstrap"]!,
    `{"Bootstrap":{"tree_id":"${ROOT_ID}","root_entry":${ROOT_JSON},"all_entries":[${CHILD_JSON}],` +
      `"key_approved":true,"granted_permission":{"Write":5}}}`,
  ],
  [
    "Bootstrap without a granted permission",
    { kind: "Bootstrap", bootstrap: { treeId: ROOT_ID, rootEntry: ROOT, allEntries: [], keyApproved: false, grantedPermission: null } },
    `{"Bootstrap":{"tree_id":"${ROOT_ID}","root_entry":${ROOT_JSON},"all_entries":[],"key_approved":false,"granted_permission":null}}`,
  ],
  [
    "Incremental",
    RESPONSES["incremental"]!,
    `{"Incremental":{"tree_id":"${ROOT_ID}","their_tips":["${CHILD_ID}"],"missing_entries":[${CHILD_JSON}]}}`,
  ],
  [
    "BootstrapPending",
    RESPONSES["bootstrapPending"]!,
    `{"BootstrapPending":{"request_id":"0b5c3e8a-3f7e-4b4a-9d1e-2f6a7c8d9e0f","message":"Bootstrap request pending manual approval"}}`,
  ],
  ["Ack", RESPONSES["ack"]!, `"Ack"`],
  ["Count", RESPONSES["count"]!, `{"Count":2}`],
  ["Count of zero", { kind: "Count", count: 0 }, `{"Count":0}`],
  ["Error", RESPONSES["error"]!, `{"Error":"Tree not found: ${ROOT_ID}"}`],
  // serde_json escapes `"`, `\`, \n and other control characters (as \u00xx, lower-case hex)
  // and writes everything else, including non-ASCII and U+2028, literally.
  ["Error with characters to escape", { kind: "Error", message: 'a "b" \\ c\nd\u0001é\u2028😀' }, `{"Error":"a \\"b\\" \\\\ c\\nd\\u0001é\u2028😀"}`],
];

describe("the fixtures are the pinned values", () => {
  it("keys, entry IDs and signatures", () => {
    expect([KEY_A.publicKey, KEY_B.publicKey, ROOT.id, CHILD.id]).toEqual([PK_A, PK_B, ROOT_ID, CHILD_ID]);
    expect([ROOT.sig.sig, CHILD.sig.sig]).toEqual([ROOT_SIG, CHILD_SIG]);
  });
});

describe("golden requests", () => {
  it.each(REQUEST_GOLDEN)("%s", (_name, request, expected) => {
    const text = encodeRequest(request);
    expect(text).toBe(expected);
    // The expected text is valid JSON whose parse re-serializes to itself (no odd spellings).
    expect(JSON.stringify(JSON.parse(expected))).toBe(expected);
    const decoded = decodeRequest(expected);
    expect(decoded.kind).toBe(request.kind);
    expect(encodeRequest(decoded)).toBe(expected);
    expect(encodeRequest(decodeRequest(utf8(expected)))).toBe(expected);
  });

  it("decodes the fields of a full SyncTree request", () => {
    const decoded = decodeRequest(REQUEST_GOLDEN[3]![2]);
    if (decoded.kind !== "SyncTree") throw new Error(`decoded ${decoded.kind}`);
    const s = decoded.syncTree;
    expect(s.treeId).toBe(ROOT_ID);
    expect(s.ourTips).toEqual([CHILD_ID]);
    expect([s.peerPubkey, s.requestingKey, s.requestingKeyName]).toEqual([PK_B, PK_B, "laptop"]);
    expect(s.requestedPermission).toEqual({ level: "Admin", priority: 0 });
    expect(s.metadata?.getText("note")).toBe("hi");
    expect(s.auth?.timestampMs).toBe(1_704_067_200_000);
    expect(s.auth?.nonce).toEqual(bytesOf(32, 1));
    expect(s.auth?.signature).toEqual(bytesOf(64, 2));
  });

  it("decodes SendEntries to entries with their IDs recomputed", () => {
    const decoded = decodeRequest(REQUEST_GOLDEN[6]![2]);
    if (decoded.kind !== "SendEntries") throw new Error(`decoded ${decoded.kind}`);
    expect(decoded.entries.map((e) => e.id)).toEqual([ROOT_ID, CHILD_ID]);
  });

  it("writes a string holding U+0000 verbatim next to a metadata Doc (no placeholder collision)", () => {
    for (const name of ["\u0000doc0\u0000", 'x"\u0000doc0\u0000', "\u0000"]) {
      for (const metadata of [null, Doc.from({ a: 1 })]) {
        const base = REQUESTS["syncTreeBootstrap"]!;
        if (base.kind !== "SyncTree") throw new Error(`fixture is ${base.kind}`);
        const request: SyncRequest = { kind: "SyncTree", syncTree: { ...base.syncTree, requestingKeyName: name, metadata } };
        const text = encodeRequest(request);
        expect(text).toContain(`"requesting_key_name":${JSON.stringify(name)},`);
        expect(text).toContain(`"metadata":${metadata === null ? "null" : '{"children":{"a":{"Int":1}}}'},`);
        const decoded = decodeRequest(text);
        if (decoded.kind !== "SyncTree") throw new Error(`decoded ${decoded.kind}`);
        expect(decoded.syncTree.requestingKeyName).toBe(name);
        expect(encodeRequest(decoded)).toBe(text);
      }
    }
  });
});

describe("golden responses", () => {
  it.each(RESPONSE_GOLDEN)("%s", (_name, response, expected) => {
    const text = encodeResponse(response);
    expect(text).toBe(expected);
    expect(JSON.stringify(JSON.parse(expected))).toBe(expected);
    const decoded = decodeResponse(expected);
    expect(decoded.kind).toBe(response.kind);
    expect(encodeResponse(decoded)).toBe(expected);
    expect(encodeResponse(decodeResponse(utf8(expected)))).toBe(expected);
  });

  it("decodes the fields of Bootstrap, Incremental, Count and Error", () => {
    const bootstrap = decodeResponse(RESPONSE_GOLDEN[2]![2]);
    if (bootstrap.kind !== "Bootstrap") throw new Error(`decoded ${bootstrap.kind}`);
    expect(bootstrap.bootstrap.rootEntry.id).toBe(ROOT_ID);
    expect(bootstrap.bootstrap.allEntries.map((e) => e.id)).toEqual([CHILD_ID]);
    expect(bootstrap.bootstrap.keyApproved).toBe(true);
    expect(bootstrap.bootstrap.grantedPermission).toEqual({ level: "Write", priority: 5 });
    const incremental = decodeResponse(RESPONSE_GOLDEN[4]![2]);
    if (incremental.kind !== "Incremental") throw new Error(`decoded ${incremental.kind}`);
    expect(incremental.incremental.theirTips).toEqual([CHILD_ID]);
    expect(incremental.incremental.missingEntries.map((e) => e.id)).toEqual([CHILD_ID]);
    expect(decodeResponse(`{"Count":2}`)).toEqual({ kind: "Count", count: 2 });
    expect(decodeResponse(RESPONSE_GOLDEN[10]![2])).toEqual({ kind: "Error", message: 'a "b" \\ c\nd\u0001é\u2028😀' });
    expect(decodeResponse(`"Ack"`)).toEqual({ kind: "Ack" });
  });
});

describe("forms serde tolerates on decode", () => {
  it("a missing Option field is null (Handshake request)", () => {
    const text = `{"Handshake":{"device_id":"${PK_A}","public_key":"${PK_A}","protocol_version":0,"challenge":[${rep(9, 32)}],"listen_addresses":[]}}`;
    const decoded = decodeRequest(text);
    if (decoded.kind !== "Handshake") throw new Error(`decoded ${decoded.kind}`);
    expect(decoded.handshake.displayName).toBeNull();
    expect(encodeRequest(decoded)).toBe(
      `{"Handshake":{"device_id":"${PK_A}","public_key":"${PK_A}","display_name":null,"protocol_version":0,"challenge":[${rep(9, 32)}],"listen_addresses":[]}}`,
    );
  });

  it("a SyncTree with only tree_id and our_tips (metadata and auth missing, as #[serde(default)])", () => {
    const decoded = decodeRequest(`{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":[]}}`);
    expect(encodeRequest(decoded)).toBe(REQUEST_GOLDEN[2]![2]);
  });

  it("a SyncTree with explicit nulls and with metadata and auth absent decode alike", () => {
    const withNulls = decodeRequest(
      `{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":[],"peer_pubkey":"${PK_A}","requesting_key":null,"requesting_key_name":null,"requested_permission":null}}`,
    );
    if (withNulls.kind !== "SyncTree") throw new Error(`decoded ${withNulls.kind}`);
    expect(withNulls.syncTree.peerPubkey).toBe(PK_A);
    expect(withNulls.syncTree.metadata).toBeNull();
    expect(withNulls.syncTree.auth).toBeNull();
  });

  it("our_tips is normalized to sorted (binary ID order) and unique", () => {
    const decoded = decodeRequest(`{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":["${CHILD_ID}","${ROOT_ID}","${CHILD_ID}"]}}`);
    if (decoded.kind !== "SyncTree") throw new Error(`decoded ${decoded.kind}`);
    expect(decoded.syncTree.ourTips).toEqual([ROOT_ID, CHILD_ID]);
    expect(encodeRequest(decoded)).toBe(
      `{"SyncTree":{"tree_id":"${ROOT_ID}","our_tips":["${ROOT_ID}","${CHILD_ID}"],"peer_pubkey":null,"requesting_key":null,` +
        `"requesting_key_name":null,"requested_permission":null,"metadata":null,"auth":null}}`,
    );
  });

  it("their_tips in Incremental is normalized the same way", () => {
    const decoded = decodeResponse(`{"Incremental":{"tree_id":"${ROOT_ID}","their_tips":["${CHILD_ID}","${ROOT_ID}","${ROOT_ID}"],"missing_entries":[]}}`);
    expect(encodeResponse(decoded)).toBe(`{"Incremental":{"tree_id":"${ROOT_ID}","their_tips":["${ROOT_ID}","${CHILD_ID}"],"missing_entries":[]}}`);
  });

  it("missing Option fields in responses are null (display_name, tree name, granted_permission)", () => {
    const handshake = decodeResponse(
      `{"Handshake":{"device_id":"${PK_B}","public_key":"${PK_B}","protocol_version":0,"challenge_response":[${rep(3, 64)}],` +
        `"new_challenge":[${rep(4, 32)}],"available_trees":[{"tree_id":"${ROOT_ID}","entry_count":2,"last_modified":0}]}}`,
    );
    expect(encodeResponse(handshake)).toBe(RESPONSE_GOLDEN[0]![2].replace('"Eidetica Peer"', "null"));
    const bootstrap = decodeResponse(`{"Bootstrap":{"tree_id":"${ROOT_ID}","root_entry":${ROOT_JSON},"all_entries":[],"key_approved":false}}`);
    expect(encodeResponse(bootstrap)).toBe(RESPONSE_GOLDEN[3]![2]);
  });

  it("the unit variant Ack also as {\"Ack\":null}, as serde_json accepts", () => {
    expect(encodeResponse(decodeResponse(`{"Ack":null}`))).toBe(`"Ack"`);
  });

  it("entry bytes given as a string (serde_bytes) decode to the same entry", () => {
    const asString = CHILD_JSON.replace('"data":[104,105]', '"data":"hi"');
    expect(asString).not.toBe(CHILD_JSON);
    const decoded = decodeRequest(`{"SendEntries":[${asString}]}`);
    expect(encodeRequest(decoded)).toBe(`{"SendEntries":[${CHILD_JSON}]}`);
  });

  it("whitespace and field order do not matter", () => {
    const pretty = JSON.stringify(JSON.parse(REQUEST_GOLDEN[3]![2]), null, 2);
    expect(encodeRequest(decodeRequest(pretty))).toBe(REQUEST_GOLDEN[3]![2]);
    const body = JSON.parse(RESPONSE_GOLDEN[0]![2]).Handshake as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(body).reverse());
    expect(encodeResponse(decodeResponse(JSON.stringify({ Handshake: reversed })))).toBe(RESPONSE_GOLDEN[0]![2]);
  });
});
