/**
 * Ported from Eidetica's Rust tests (spec 6.2): auto_peer_registration_tests.rs,
 * test_transport_peer_tracking.rs, device_id_tests.rs. Where Rust and our README differ
 * (Rust registers unproven handshakes and answers "not authorized"; we register only
 * transport-proven keys and answer `not_found`), the test checks OUR documented behaviour.
 */
import { Instance, MemoryBackend, READ, admin, seededRandom, write, type ID, type PublicKeyText } from "@eidetica/core";
import { checkChallengeAnswer, httpAddress, irohAddress, newChallenge, type SyncResponse } from "@eidetica/protocol";
import { seedHint, testSeed } from "@eidetica/test-kit";
import { describe, expect, it } from "vitest";
import {
  handshakeOf,
  handshakeRequest,
  notFoundText,
  randomKey,
  requestContext,
  rustServer,
  serverChallenge,
  signedAuth,
  stored,
  syncTreeRequest,
} from "./support/rust-a.js";
import { world } from "./support/world.js";

const H = seedHint();
const REMOTE = httpAddress("203.0.113.42:54321");
const LISTEN = [httpAddress("192.168.1.100:8080"), irohAddress("peer_node_id_123")];

function kindOf(response: SyncResponse): string {
  return response.kind === "Error" ? `Error(${response.message})` : response.kind;
}

describe("auto_peer_registration_tests.rs", () => {
  it("test_handshake_automatically_registers_peer: a transport-proven handshake registers the peer with its name, listen addresses and remote address", async () => {
    const { server } = await rustServer(world(11));
    const peer = randomKey(1).publicKey;
    const connects: { peer: PublicKeyText; role: string }[] = [];
    server.sync.events.on("peer:connect", (event) => connects.push({ peer: event.peer, role: event.role }));
    expect(server.sync.store.peers.get(peer), H).toBeUndefined();
    const before = await stored(server.sync);

    const challenge = newChallenge(seededRandom(testSeed() + 1));
    const response = await server.sync.handler.handle(handshakeRequest(peer, { listen: LISTEN, challenge }), requestContext({ peerKey: peer, remote: REMOTE }));

    const answer = handshakeOf(response);
    expect(answer.publicKey).toBe(server.instance.id);
    expect(checkChallengeAnswer(answer.publicKey, challenge, answer.challengeResponse), "the server signs the client's challenge" + H).toBe(true);
    const record = server.sync.store.peers.get(peer);
    expect(record, H).toMatchObject({ pubkey: peer, displayName: "Test Peer", status: "active" });
    expect(record?.addresses, H).toHaveLength(3); // 2 advertised + 1 remote
    expect(record?.addresses, H).toEqual(expect.arrayContaining([...LISTEN, REMOTE]));
    expect(connects, H).toEqual([{ peer, role: "server" }]);
    // Positive control for the "nothing stored" snapshots below: a registration shows in them.
    expect((await stored(server.sync)).syncTips, H).not.toEqual(before.syncTips);
  });

  it("test_handshake_automatically_registers_peer (ours: an unproven handshake is answered but the peer is not recorded)", async () => {
    const { server } = await rustServer(world(12));
    const peer = randomKey(2).publicKey;
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(handshakeRequest(peer, { listen: LISTEN }), requestContext({ remote: REMOTE }));
    expect(response.kind, H).toBe("Handshake");
    expect(server.sync.store.peers.list(), H).toEqual([]);
    expect(await stored(server.sync), "nothing stored for an unproven handshake" + H).toEqual(before);
  });

  it("test_handshake_automatically_registers_peer (ours: a claim the transport contradicts is auth_failed and stores nothing)", async () => {
    const { server } = await rustServer(world(13));
    const claimed = randomKey(3).publicKey;
    const proven = randomKey(4).publicKey;
    const before = await stored(server.sync);
    const contradicted = await server.sync.handler.handle(handshakeRequest(claimed, { listen: LISTEN }), requestContext({ peerKey: proven, remote: REMOTE }));
    expect(contradicted.kind === "Error" && contradicted.message.startsWith("auth_failed:"), kindOf(contradicted) + H).toBe(true);
    // A device ID that differs from the public key is a contradicted claim too.
    const split = await server.sync.handler.handle(handshakeRequest(proven, { deviceId: claimed }), requestContext({ peerKey: proven, remote: REMOTE }));
    expect(split.kind === "Error" && split.message.startsWith("auth_failed:"), kindOf(split) + H).toBe(true);
    expect(server.sync.store.peers.list(), H).toEqual([]);
    expect(await stored(server.sync), H).toEqual(before);
  });

  it("test_handshake_automatically_registers_peer (protocol version 1 is refused with the supported versions)", async () => {
    const { server } = await rustServer(world(14));
    const peer = randomKey(5).publicKey;
    const response = await server.sync.handler.handle(handshakeRequest(peer, { version: 1 }), requestContext({ peerKey: peer }));
    expect(response, H).toEqual({ kind: "Error", message: "unsupported_protocol_version: Protocol version mismatch: expected 0, got 1 (supported: 0)" });
    expect(server.sync.store.peers.list(), H).toEqual([]);
  });

  it("test_duplicate_handshakes_handled_gracefully: the same handshake twice is answered twice and makes one peer", async () => {
    const { server } = await rustServer(world(15));
    const peer = randomKey(6).publicKey;
    const request = handshakeRequest(peer, { listen: [httpAddress("192.168.1.100:8080")] });
    const context = requestContext({ peerKey: peer, remote: REMOTE });
    const first = handshakeOf(await server.sync.handler.handle(request, context));
    const afterFirst = await stored(server.sync);
    const second = handshakeOf(await server.sync.handler.handle(request, context));
    expect(second.newChallenge, "each handshake issues a new challenge" + H).not.toEqual(first.newChallenge);
    const peers = server.sync.store.peers.list();
    expect(peers.map((p) => p.pubkey), H).toEqual([peer]);
    expect(peers[0]?.addresses, H).toHaveLength(2);
    expect(await stored(server.sync), "an identical sighting (within the resolution) commits nothing" + H).toEqual(afterFirst);
  });

  it("test_handshake_without_listen_addresses: the peer is registered with only the remote address", async () => {
    const { server } = await rustServer(world(16));
    const peer = randomKey(7).publicKey;
    const response = await server.sync.handler.handle(handshakeRequest(peer, { listen: [] }), requestContext({ peerKey: peer, remote: REMOTE }));
    expect(response.kind, H).toBe("Handshake");
    expect(server.sync.store.peers.get(peer)?.addresses, H).toEqual([REMOTE]);
  });

  it("test_bootstrap_sync_tracks_tree_peer_relationship: a proven, granted peer's bootstrap relates it to the database", async () => {
    const { server, db } = await rustServer(world(17));
    const peer = randomKey(8).publicKey;
    const context = requestContext({ peerKey: peer, remote: REMOTE });
    await server.sync.handler.handle(handshakeRequest(peer), context);
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(peer, { permission: READ, status: "Active" }));

    const response = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id, peerPubkey: peer, requestingKey: peer, requestingKeyName: "peer_key" }), context);

    expect(response.kind === "Bootstrap" && response.bootstrap, kindOf(response) + H).toMatchObject({ keyApproved: true, grantedPermission: READ });
    expect(server.sync.store.relationships.has(peer, db.id), H).toBe(true);
    expect(server.sync.store.relationships.peersOf(db.id), H).toContain(peer);
    expect(server.sync.store.relationships.databasesOf(peer), H).toContain(db.id);
  });

  it("test_bootstrap_sync_tracks_tree_peer_relationship (ours: an ungranted peer is answered not_found and not related; Rust relates before any gate)", async () => {
    const { server, db } = await rustServer(world(18));
    const peer = randomKey(9).publicKey;
    const context = requestContext({ peerKey: peer, remote: REMOTE });
    await server.sync.handler.handle(handshakeRequest(peer), context);
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id, peerPubkey: peer, requestingKey: peer, requestingKeyName: "peer_key" }), context);
    expect(response, H).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(server.sync.store.relationships.has(peer, db.id), H).toBe(false);
    expect(await stored(server.sync), H).toEqual(before);
  });

  it("test_incremental_sync_tracks_tree_peer_relationship: an incremental request with tips relates the proven peer", async () => {
    const { server, db } = await rustServer(world(19));
    const peer = randomKey(10).publicKey;
    const context = requestContext({ peerKey: peer, remote: REMOTE });
    await server.sync.handler.handle(handshakeRequest(peer), context);
    await db.withTransaction(async (txn) => (await txn.docStore("test")).set("key", "value"));
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(peer, { permission: READ, status: "Active" }));
    const tips = await db.tips();
    expect(tips.length, H).toBeGreaterThan(0);

    const response = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id, ourTips: tips, peerPubkey: peer, requestingKey: peer, requestingKeyName: "peer_key" }), context);

    expect(response.kind === "Incremental" && response.incremental, kindOf(response) + H).toMatchObject({ theirTips: tips, missingEntries: [] });
    expect(server.sync.store.relationships.has(peer, db.id), H).toBe(true);
  });

  it("test_relationship_tracking_skipped_without_peer_pubkey: an unproven requesting key without a permission is refused (ours: not_found, Rust: not authorized) and nothing is related", async () => {
    const { server, db } = await rustServer(world(20));
    const peer = randomKey(11).publicKey;
    await server.sync.store.peers.register(peer, { displayName: "Test Peer" });
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(
      syncTreeRequest({ treeId: db.id, peerPubkey: peer, requestingKey: peer, requestingKeyName: "peer_key" }),
      requestContext({ remote: REMOTE }),
    );
    expect(response, H).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(server.sync.store.relationships.has(peer, db.id), H).toBe(false);
    expect(await stored(server.sync), H).toEqual(before);
  });

  it("test_relationship_tracking_skipped_without_peer_pubkey (ours: a public database is served to an unproven peer_pubkey, which is neither registered nor related)", async () => {
    const { server, db } = await rustServer(world(21), { global: READ });
    const peer = randomKey(12).publicKey;
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id, peerPubkey: peer }), requestContext({ remote: REMOTE }));
    expect(response.kind, kindOf(response) + H).toBe("Bootstrap");
    expect(server.sync.store.peers.has(peer), H).toBe(false);
    expect(server.sync.store.relationships.list(), H).toEqual([]);
    expect(await stored(server.sync), H).toEqual(before);
  });

  it("test_multiple_trees_tracked_with_same_peer: requests for two databases relate the peer to both", async () => {
    const w = world(22);
    const { server, db, userKey } = await rustServer(w);
    const peer = randomKey(13).publicKey;
    const second = await server.instance.createDatabase({ name: "test_database_2", signingKey: userKey });
    await server.sync.enableSync(second.id);
    const context = requestContext({ peerKey: peer, remote: REMOTE });
    await server.sync.handler.handle(handshakeRequest(peer), context);
    const ids: ID[] = [];
    for (const database of [db, second]) {
      await database.withTransaction(async (txn) => (await txn.settings()).setAuthKey(peer, { permission: READ, status: "Active" }));
      const response = await server.sync.handler.handle(syncTreeRequest({ treeId: database.id, peerPubkey: peer, requestingKey: peer, requestingKeyName: "peer_key" }), context);
      expect(response.kind, kindOf(response) + H).toBe("Bootstrap");
      ids.push(database.id);
    }
    expect(server.sync.store.relationships.databasesOf(peer), H).toEqual(ids.sort());
  });

  it("test_http_transport_request_context (over the mock): a handshake over a transport registers the peer with its transport address", async () => {
    const w = world(23);
    const server = await w.node("server");
    const client = await w.node("client");
    const record = await client.sync.connect(server.address);
    expect(record).toMatchObject({ pubkey: server.instance.id, displayName: "Eidetica Peer", addresses: [server.address] });
    const seen = server.sync.store.peers.get(client.instance.id);
    expect(seen?.displayName).toBe("Eidetica Peer");
    expect(seen?.addresses).toContainEqual({ transportType: "sim", address: "client" });
  });

  it("test_sync_without_peer_identifier_works: an anonymous bootstrap of a database with auth gets an Error (not_found) and stores nothing", async () => {
    const { server, db } = await rustServer(world(24));
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id }), requestContext());
    expect(response).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(server.sync.pendingRequests()).toEqual([]);
    expect(await stored(server.sync)).toEqual(before);
  });

  it("test_bootstrap_auto_detects_permission_for_authorized_key: the creator key, signed, without a permission, is granted Admin(0)", async () => {
    const w = world(25);
    const { server, db, userKey } = await rustServer(w);
    const nonce = await serverChallenge(server.sync, userKey.publicKey);
    const now = w.clock.nowMillis();
    const response = await server.sync.handler.handle(
      syncTreeRequest({
        treeId: db.id,
        requestingKey: userKey.publicKey,
        requestingKeyName: "creator",
        auth: signedAuth(userKey, server.instance.id, db.id, [], now, nonce),
      }),
      requestContext(),
    );
    expect(response.kind === "Bootstrap" && response.bootstrap, kindOf(response)).toMatchObject({ keyApproved: true, grantedPermission: admin(0) });
    expect(server.sync.pendingRequests()).toEqual([]);
  });

  it("test_bootstrap_auto_detects_permission_for_authorized_key (proven by the transport instead of a signature)", async () => {
    const { server, db, userKey } = await rustServer(world(26));
    const response = await server.sync.handler.handle(
      syncTreeRequest({ treeId: db.id, requestingKey: userKey.publicKey, requestingKeyName: "creator" }),
      requestContext({ peerKey: userKey.publicKey }),
    );
    expect(response.kind === "Bootstrap" && response.bootstrap, kindOf(response)).toMatchObject({ keyApproved: true, grantedPermission: admin(0) });
  });

  it("test_bootstrap_auto_detects_permission_for_authorized_key (ours: the creator's key claimed without proof is not_found)", async () => {
    const { server, db, userKey } = await rustServer(world(27));
    const response = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id, requestingKey: userKey.publicKey, requestingKeyName: "creator" }), requestContext());
    expect(response).toEqual({ kind: "Error", message: notFoundText(db.id) });
  });

  it("test_bootstrap_rejects_unauthorized_key_when_permission_not_specified: a proven random key is refused (ours: not_found, Rust: not authorized), nothing stored", async () => {
    const w = world(28);
    const { server, db } = await rustServer(w);
    const key = randomKey(14);
    const nonce = await serverChallenge(server.sync, key.publicKey);
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(
      syncTreeRequest({ treeId: db.id, requestingKey: key.publicKey, requestingKeyName: "random", auth: signedAuth(key, server.instance.id, db.id, [], w.clock.nowMillis(), nonce) }),
      requestContext(),
    );
    expect(response, H).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(server.sync.pendingRequests(), H).toEqual([]);
    expect(await stored(server.sync), H).toEqual(before);
  });

  it("test_bootstrap_auto_detects_global_wildcard_permission: with a global Read grant a random key is granted Read, and no key is added", async () => {
    const w = world(29);
    const { server, db } = await rustServer(w, { global: READ });
    const key = randomKey(15);
    const nonce = await serverChallenge(server.sync, key.publicKey);
    const response = await server.sync.handler.handle(
      syncTreeRequest({ treeId: db.id, requestingKey: key.publicKey, requestingKeyName: "random", auth: signedAuth(key, server.instance.id, db.id, [], w.clock.nowMillis(), nonce) }),
      requestContext(),
    );
    expect(response.kind === "Bootstrap" && response.bootstrap, kindOf(response) + H).toMatchObject({ keyApproved: true, grantedPermission: READ });
    expect((await db.auth()).key(key.publicKey), H).toBeUndefined();
  });

  it("test_bootstrap_uses_highest_permission_when_key_has_multiple: a direct Write(5) beside a global Read grants Write(5)", async () => {
    const w = world(30);
    const { server, db } = await rustServer(w, { global: READ });
    const key = randomKey(16);
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(key.publicKey, { permission: write(5), status: "Active" }));
    const nonce = await serverChallenge(server.sync, key.publicKey);
    const response = await server.sync.handler.handle(
      syncTreeRequest({ treeId: db.id, requestingKey: key.publicKey, requestingKeyName: "multi", auth: signedAuth(key, server.instance.id, db.id, [], w.clock.nowMillis(), nonce) }),
      requestContext(),
    );
    expect(response.kind === "Bootstrap" && response.bootstrap, kindOf(response) + H).toMatchObject({ keyApproved: true, grantedPermission: write(5) });
  });
});

describe("test_transport_peer_tracking.rs", () => {
  it("test_server_automatically_tracks_peers_that_sync_trees: after a sync over the mock both sides record the (peer, database) relationship", async () => {
    const w = world(31);
    const { server, db } = await rustServer(w, { global: READ });
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set("greeting", "hello"));
    const client = await w.node("client");
    expect(server.sync.store.relationships.list()).toEqual([]);

    const report = await client.sync.syncWithPeer(server.address, db.id);

    expect(report).toMatchObject({ peer: server.instance.id, database: db.id, bootstrap: true });
    expect(server.sync.store.relationships.has(client.instance.id, db.id)).toBe(true);
    expect(client.sync.store.relationships.has(server.instance.id, db.id)).toBe(true);
    expect((await server.sync.handle(db.id).status()).peers).toEqual([client.instance.id]);
    expect((await client.sync.handle(db.id).status()).peers).toEqual([server.instance.id]);
    const copy = await client.instance.openDatabase(db.id);
    expect((await copy.storeState("data")).toPlain()).toEqual({ greeting: "hello" });
  });
});

describe("device_id_tests.rs", () => {
  it("test_device_id_functionality: the device ID is an ed25519 key, and the one a handshake proves", async () => {
    const w = world(32);
    const server = await w.node("server");
    const client = await w.node("client");
    expect(server.instance.id.startsWith("ed25519:")).toBe(true);
    const answer = handshakeOf(await server.sync.handler.handle(handshakeRequest(client.instance.id), requestContext({ peerKey: client.instance.id })));
    expect(answer.deviceId).toBe(server.instance.id);
    expect(answer.publicKey).toBe(server.instance.id);
    expect((await client.sync.connect(server.address)).pubkey).toBe(server.instance.id);
  });

  it("test_device_id_unique_across_databases: two instances have different device IDs; a reopened instance keeps its own", async () => {
    const backend = new MemoryBackend();
    const a = await Instance.create({ backend, random: seededRandom(testSeed()) });
    const b = await Instance.create({ random: seededRandom(testSeed() + 1) });
    expect(a.id, H).not.toBe(b.id);
    expect((await Instance.open({ backend })).id, H).toBe(a.id);
  });
});
