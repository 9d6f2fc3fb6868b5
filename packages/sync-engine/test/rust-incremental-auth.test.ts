/**
 * Ported from Eidetica's Rust tests (spec 6.2): incremental_auth_tests.rs (direct handler
 * calls with a fabricated tip, which makes the server walk the whole history) and
 * sync_enabled_security_tests.rs. Our README answers every refusal with
 * `not_found: Tree not found: <id>` (Rust: "Authentication required" / "not authorized"),
 * with no entry and no `_settings`; each refusal has a positive control that the same probe
 * detects disclosure when it happens.
 */
import { READ, seededRandom, write, type ID } from "@eidetica/core";
import { signSyncRequest, type SyncResponse } from "@eidetica/protocol";
import { seedHint, testSeed } from "@eidetica/test-kit";
import { describe, expect, it } from "vitest";
import {
  SECRET,
  disclosesSecret,
  disclosesSettings,
  fabricatedTip,
  grant,
  notFoundText,
  randomKey,
  requestContext,
  rustServer,
  serverChallenge,
  servedEntries,
  signedAuth,
  stored,
  syncTreeRequest,
  writeSecret,
} from "./support/rust-a.js";
import { world } from "./support/world.js";

const H = seedHint();

/** Rust `fabricated_tip_request`: an incremental request whose only tip no one holds. */
function fabricated(db: ID, auth: Parameters<typeof syncTreeRequest>[0]["auth"] = null) {
  return syncTreeRequest({ treeId: db, ourTips: [fabricatedTip()], auth });
}

function describeResponse(response: SyncResponse): string {
  return response.kind === "Error" ? `Error(${response.message})` : `${response.kind} with ${servedEntries(response).length} entries`;
}

function errorCode(response: SyncResponse): string | undefined {
  return response.kind === "Error" ? response.message.slice(0, response.message.indexOf(":")) : undefined;
}

describe("incremental_auth_tests.rs", () => {
  it("unauthenticated_incremental_pull_is_refused: no credentials and a fabricated tip get not_found and no entry", async () => {
    const { server, db } = await rustServer(world(41));
    await writeSecret(db);
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(fabricated(db.id), requestContext());
    expect(response, describeResponse(response)).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(disclosesSecret(response, SECRET)).toBe(false);
    expect(servedEntries(response)).toHaveLength(0);
    expect(await stored(server.sync)).toEqual(before);
  });

  it("unauthenticated_incremental_pull_does_not_leak_auth_settings: no served entry carries _settings, and the answer reads as for a database that does not exist", async () => {
    const { server, db } = await rustServer(world(42));
    const response = await server.sync.handler.handle(fabricated(db.id), requestContext());
    expect(disclosesSettings(response)).toBe(false);
    // Same text as for a database this server never held (H6): the refusal reveals nothing.
    const ghost = await server.instance.createDatabase({ name: "elsewhere" }); // an ID that is held, but not served
    const unknown = await server.sync.handler.handle(fabricated(ghost.id), requestContext());
    expect(unknown).toEqual({ kind: "Error", message: notFoundText(ghost.id) });
    const never = fabricatedTip(); // an ID no database has
    expect(await server.sync.handler.handle(fabricated(never), requestContext())).toEqual({ kind: "Error", message: notFoundText(never) });
    expect(response).toEqual({ kind: "Error", message: notFoundText(db.id) });
  });

  it("public_database_still_serves_incremental: a database with a global grant answers Incremental with its data", async () => {
    const { server, db } = await rustServer(world(43), { global: READ });
    await writeSecret(db);
    const response = await server.sync.handler.handle(fabricated(db.id), requestContext());
    expect(response.kind, describeResponse(response)).toBe("Incremental");
    expect(disclosesSecret(response, SECRET)).toBe(true);
    // The fabricated tip is ignored: everything the server holds is sent, once.
    const all = (await db.entries()).map((entry) => entry.id).sort();
    expect(servedEntries(response).map((entry) => entry.id).sort()).toEqual(all);
  });

  it("authorized_signed_incremental_pull_is_served: a key granted Read, signing over the server's challenge, is served", async () => {
    const w = world(44);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const reader = randomKey(21);
    await grant(db, reader.publicKey, READ);
    const nonce = await serverChallenge(server.sync, reader.publicKey);
    const auth = signedAuth(reader, server.instance.id, db.id, [fabricatedTip()], w.clock.nowMillis(), nonce);
    const response = await server.sync.handler.handle(fabricated(db.id, auth), requestContext());
    expect(response.kind, describeResponse(response) + H).toBe("Incremental");
    expect(disclosesSecret(response, SECRET), H).toBe(true);
  });

  it("authorized_signed_incremental_pull_is_served (a client-chosen nonce, signSyncRequest, timestamped after the restart window)", async () => {
    const w = world(45);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const reader = randomKey(22);
    await grant(db, reader.publicKey, READ);
    w.clock.advance(61_000); // README: a client nonce is accepted only 60 s after the server started
    const auth = signSyncRequest(reader, server.instance.id, db.id, [fabricatedTip()], w.clock.nowMillis(), seededRandom(testSeed() + 45));
    const response = await server.sync.handler.handle(fabricated(db.id, auth), requestContext());
    expect(response.kind, describeResponse(response) + H).toBe("Incremental");
    expect(disclosesSecret(response, SECRET), H).toBe(true);
  });

  it("authorized_signed_incremental_pull_is_served (ours: a client-chosen nonce in the first minute after a start is retry_later, with no entry)", async () => {
    const w = world(46);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const reader = randomKey(23);
    await grant(db, reader.publicKey, READ);
    const auth = signSyncRequest(reader, server.instance.id, db.id, [fabricatedTip()], w.clock.nowMillis(), seededRandom(testSeed() + 46));
    const response = await server.sync.handler.handle(fabricated(db.id, auth), requestContext());
    expect(errorCode(response), describeResponse(response) + H).toBe("retry_later");
    expect(servedEntries(response), H).toHaveLength(0);
  });

  it("signed_pull_from_unauthorized_key_is_refused: a valid signature from an ungranted key gets not_found and nothing", async () => {
    const w = world(47);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const stranger = randomKey(24);
    const nonce = await serverChallenge(server.sync, stranger.publicKey);
    const before = await stored(server.sync);
    const auth = signedAuth(stranger, server.instance.id, db.id, [fabricatedTip()], w.clock.nowMillis(), nonce);
    const response = await server.sync.handler.handle(fabricated(db.id, auth), requestContext());
    expect(response, describeResponse(response) + H).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(disclosesSecret(response, SECRET), H).toBe(false);
    expect(disclosesSettings(response), H).toBe(false);
    expect(await stored(server.sync), H).toEqual(before);
  });

  it("replayed_signed_request_is_refused: the same signed request twice is served once, then refused as a replay", async () => {
    const w = world(48);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const reader = randomKey(25);
    await grant(db, reader.publicKey, READ);
    const nonce = await serverChallenge(server.sync, reader.publicKey);
    const request = fabricated(db.id, signedAuth(reader, server.instance.id, db.id, [fabricatedTip()], w.clock.nowMillis(), nonce));
    const first = await server.sync.handler.handle(request, requestContext());
    expect(first.kind, describeResponse(first) + H).toBe("Incremental");
    const second = await server.sync.handler.handle(request, requestContext());
    expect(errorCode(second), describeResponse(second) + H).toBe("replay");
    expect(servedEntries(second), H).toHaveLength(0);
  });

  it("replayed_signed_request_is_refused (a client-chosen nonce is usable once too)", async () => {
    const w = world(49);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const reader = randomKey(26);
    await grant(db, reader.publicKey, READ);
    w.clock.advance(61_000);
    const request = fabricated(db.id, signSyncRequest(reader, server.instance.id, db.id, [fabricatedTip()], w.clock.nowMillis(), seededRandom(testSeed() + 49)));
    expect((await server.sync.handler.handle(request, requestContext())).kind, H).toBe("Incremental");
    const again = await server.sync.handler.handle(request, requestContext());
    expect(errorCode(again), describeResponse(again) + H).toBe("replay");
  });

  it("stale_signed_request_is_refused: a timestamp 10 minutes old (or ahead) is clock_skew, with the server time in the message", async () => {
    const w = world(50);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const reader = randomKey(27);
    await grant(db, reader.publicKey, READ);
    const now = w.clock.nowMillis();
    for (const skew of [-10 * 60_000, 10 * 60_000]) {
      const nonce = await serverChallenge(server.sync, reader.publicKey);
      const response = await server.sync.handler.handle(fabricated(db.id, signedAuth(reader, server.instance.id, db.id, [fabricatedTip()], now + skew, nonce)), requestContext());
      expect(errorCode(response), describeResponse(response) + H).toBe("clock_skew");
      expect(response.kind === "Error" && response.message.includes(String(now)), describeResponse(response) + H).toBe(true);
      expect(servedEntries(response), H).toHaveLength(0);
    }
  });

  it("request_signed_for_another_server_is_refused: a signature over another server's key does not verify (auth_failed) and serves nothing", async () => {
    const w = world(51);
    const { server, db } = await rustServer(w);
    await writeSecret(db);
    const reader = randomKey(28);
    await grant(db, reader.publicKey, READ);
    const otherServer = randomKey(29).publicKey;
    const nonce = await serverChallenge(server.sync, reader.publicKey);
    const response = await server.sync.handler.handle(fabricated(db.id, signedAuth(reader, otherServer, db.id, [fabricatedTip()], w.clock.nowMillis(), nonce)), requestContext());
    // reliability H3 names this `wrong_audience`; the README gives no code, src answers auth_failed.
    expect(errorCode(response), describeResponse(response) + H).toBe("auth_failed");
    expect(servedEntries(response), H).toHaveLength(0);
  });

  it("request_signed_for_another_server_is_refused (signed for another database, or other tips, it is refused too)", async () => {
    const w = world(52);
    const { server, db } = await rustServer(w);
    const reader = randomKey(30);
    await grant(db, reader.publicKey, READ);
    const nonce = await serverChallenge(server.sync, reader.publicKey);
    const otherDb = (await server.instance.createDatabase({ name: "other" })).id;
    const wrongDb = await server.sync.handler.handle(fabricated(db.id, signedAuth(reader, server.instance.id, otherDb, [fabricatedTip()], w.clock.nowMillis(), nonce)), requestContext());
    expect(errorCode(wrongDb), describeResponse(wrongDb) + H).toBe("auth_failed");
    const wrongTips = await server.sync.handler.handle(fabricated(db.id, signedAuth(reader, server.instance.id, db.id, [], w.clock.nowMillis(), nonce)), requestContext());
    expect(errorCode(wrongTips), describeResponse(wrongTips) + H).toBe("auth_failed");
  });

  it("probe_detects_disclosure_when_it_occurs: positive control, the probes see the secret and _settings of a public database", async () => {
    const { server, db } = await rustServer(world(53), { global: READ });
    await writeSecret(db);
    const response = await server.sync.handler.handle(fabricated(db.id), requestContext());
    expect(disclosesSecret(response, SECRET), "probe cannot detect a positive").toBe(true);
    expect(disclosesSettings(response), "probe cannot detect _settings disclosure").toBe(true);
  });
});

describe("sync_enabled_security_tests.rs", () => {
  it("test_bootstrap_rejected_when_sync_disabled: a database not enabled is not_found to the client, which gets no database", async () => {
    const w = world(54);
    const { server, db } = await rustServer(w, { global: READ });
    await server.sync.disableSync(db.id);
    expect(server.sync.store.databases.get(db.id).syncEnabled).toBe(false);
    const client = await w.node("client");
    await client.sync.connect(server.address); // the handshake records each side; what follows must add nothing
    const clientBefore = await client.sync.instance.listDatabases();
    const serverBefore = await stored(server.sync);
    await expect(client.sync.syncWithPeer(server.address, db.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await client.instance.listDatabases()).toEqual(clientBefore);
    expect(await client.instance.backend.hasEntry(db.id)).toBe(false);
    expect(await stored(server.sync)).toEqual(serverBefore);
    expect(server.sync.store.relationships.list()).toEqual([]);
  });

  it("test_bootstrap_rejected_when_sync_disabled (a database never enabled, asked for directly, is not_found)", async () => {
    const w = world(55);
    const server = await w.node("server");
    const db = await server.instance.createDatabase({ name: "private" });
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: READ, status: "Active" }));
    const before = await stored(server.sync);
    const response = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id }), requestContext());
    expect(response).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(await stored(server.sync)).toEqual(before);
  });

  it("test_incremental_sync_rejected_when_sync_disabled: after the server disables sync, an incremental request is not_found and the new write stays there", async () => {
    const w = world(56);
    const { server, db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    const { db: copy } = await client.sync.bootstrap(server.sync.createTicket(db.id));
    await server.sync.disableSync(db.id);
    const secretId = await writeSecret(db);

    const direct = await server.sync.handler.handle(syncTreeRequest({ treeId: db.id, ourTips: await copy.tips() }), requestContext());
    expect(direct).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(direct.kind === "Error" && direct.message.includes("Tree not found")).toBe(true);
    await expect(client.sync.syncWithPeer(server.address, db.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await client.instance.backend.hasEntry(secretId)).toBe(false);
    expect((await copy.storeState("data")).toPlain()).toEqual({});
  });

  it("test_incremental_sync_rejected_when_sync_disabled (ours: a push for a disabled database is not_found and stores nothing)", async () => {
    const w = world(57);
    const { server, db } = await rustServer(w, { global: READ });
    const client = await w.node("client");
    await grant(db, client.instance.id, write(10));
    const { db: copy } = await client.sync.bootstrap(server.sync.createTicket(db.id));
    await server.sync.disableSync(db.id);
    const id = await copy.withTransaction(async (txn) => (await txn.docStore("data")).set("pushed", true));
    const entry = await client.instance.backend.getEntry(id);
    expect(entry).toBeDefined();
    await client.sync.connect(server.address); // a proven, handshaken peer
    const before = await stored(server.sync);
    const response = await client.sync.transports.send(server.address, { kind: "SendEntries", entries: [entry!] });
    expect(response).toEqual({ kind: "Error", message: notFoundText(db.id) });
    expect(await server.instance.backend.hasEntry(id)).toBe(false);
    expect(await stored(server.sync)).toEqual(before);
  });

  it("test_sync_succeeds_when_enabled: with sync enabled and a global Read grant the client reads the synced value", async () => {
    const w = world(58);
    const { server, db } = await rustServer(w, { global: READ });
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set("test_key", "test_value"));
    const client = await w.node("client");
    const report = await client.sync.syncWithPeer(server.address, db.id);
    expect(report.received).toBe((await db.entries()).length);
    const copy = await client.instance.openDatabase(db.id);
    expect((await copy.storeState("data")).toPlain()).toEqual({ test_key: "test_value" });
  });
});
