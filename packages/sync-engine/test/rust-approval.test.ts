/**
 * Ports of the Rust approval tests (spec 6.2): manual_approval_test.rs,
 * bootstrap_metadata_tests.rs and bootstrap_open_mapping_tests.rs. Approval goes through
 * `sync.pendingRequests` / `approveRequest` / `rejectRequest`; "auto-approve" is the
 * `autoApprove` policy; requests a global grant covers are approved without any policy. There
 * is no User layer: `request_database_access` is `sync.bootstrap(ticket, { requestingKey,
 * keyName, permission })`, and "opening the database" is `instance.openDatabase`.
 */
import { Doc, READ, admin, docToJson, write, type Permission } from "@eidetica/core";
import { autoApprove, type BootstrapPendingError } from "@eidetica/sync-engine";
import { describe, expect, it } from "vitest";
import { USER_KEY, failure, holds, serverWithDatabase } from "./support/cluster.js";
import { keyFromSeed, world } from "./support/world.js";

const MAX = 0xffffffff;

describe("manual_approval_test.rs", () => {
  it("test_manual_approval_stores_pending_request: a Write(5) request gives BOOTSTRAP_PENDING and one pending row with its fields", async () => {
    const w = world(101);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const laptop = keyFromSeed(1);

    const error = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop_key", permission: write(5) }))) as BootstrapPendingError;

    expect(error.code).toBe("BOOTSTRAP_PENDING");
    const rows = server.sync.store.requests.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: error.requestId,
      database: db.id,
      requestingKey: laptop.publicKey,
      keyName: "laptop_key",
      permission: write(5),
      status: { state: "pending" },
      peerKey: client.instance.id,
      peerAddress: client.address,
      metadata: null,
    });
    expect(server.sync.pendingRequests(db.id)).toEqual(rows);
    expect(await holds(client, db.id)).toBe(false);
  });

  it("test_auto_approve_still_works: under a wildcard (global Admin(0)) a Write(5) request is approved as Write(5), with nothing pending", async () => {
    const w = world(102);
    const { server, db } = await serverWithDatabase(w, { global: admin(0) });
    const client = await w.node("client");
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: keyFromSeed(2), keyName: "laptop_key", permission: write(5) });
    expect(result.keyApproved).toBe(true);
    expect(result.grantedPermission).toEqual(write(5));
    expect(server.sync.pendingRequests()).toEqual([]);
    expect(server.sync.store.requests.list()).toEqual([]);
  });

  it("test_auto_approve_still_works: the autoApprove policy grants the key in the database settings, records the request approved, and leaves stronger requests pending", async () => {
    const w = world(103);
    const { server, db } = await serverWithDatabase(w, { approval: autoApprove({ upTo: write(5), approverKey: USER_KEY }) });
    const client = await w.node("client");
    const laptop = keyFromSeed(3);

    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop_key", permission: write(5) });

    expect(result).toMatchObject({ keyApproved: true, grantedPermission: write(5) });
    expect((await db.auth()).key(laptop.publicKey)).toEqual({ name: "laptop_key", permission: write(5), status: "Active" });
    expect(server.sync.store.requests.list()).toMatchObject([{ requestingKey: laptop.publicKey, status: { state: "approved", by: USER_KEY.publicKey } }]);
    expect(server.sync.pendingRequests()).toEqual([]);

    const greedy = keyFromSeed(4);
    const other = await w.node("other");
    expect((await failure(other.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: greedy, keyName: "greedy", permission: admin(1) }))).code).toBe("BOOTSTRAP_PENDING");
    expect(server.sync.pendingRequests().map((r) => r.requestingKey)).toEqual([greedy.publicKey]);
    expect((await db.auth()).key(greedy.publicKey)).toBeUndefined();
  });

  it("test_auto_approve_still_works: the grant autoApprove writes is an entry signed by its approverKey", async () => {
    const w = world(141);
    const { server, db } = await serverWithDatabase(w, { approval: autoApprove({ approverKey: USER_KEY }) });
    const before = new Set((await db.entries()).map((e) => e.id));
    const client = await w.node("client");
    const key = keyFromSeed(29);
    await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, keyName: "k", permission: write(7) });
    const added = (await db.entries()).filter((e) => !before.has(e.id));
    expect(added).toHaveLength(1);
    expect(added[0]?.hasStore("_settings")).toBe(true);
    expect(added[0]?.sig.key).toEqual({ Direct: { hint: { pubkey: USER_KEY.publicKey } } });
    // The client received the database with its grant in it.
    expect((await (await client.instance.openDatabase(db.id)).auth()).key(key.publicKey)?.permission).toEqual(write(7));
  });

  it("test_auto_approve_still_works: autoApprove limited to some databases leaves requests for the others pending", async () => {
    const w = world(142);
    const server = await w.node("server", { approval: autoApprove({ databases: [] }) });
    const db = await server.instance.createDatabase({ name: "not listed" });
    await server.sync.enableSync(db.id);
    const client = await w.node("client");
    const key = keyFromSeed(30);
    const error = await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, permission: READ }));
    expect(error.code).toBe("BOOTSTRAP_PENDING");
    expect(server.sync.pendingRequests(db.id).map((r) => r.requestingKey)).toEqual([key.publicKey]);
    expect((await db.auth()).key(key.publicKey)).toBeUndefined();
  });

  it("test_auto_approve_still_works: an autoApprove approverKey that is not an Admin grants nothing; the request waits for an Admin", async () => {
    const w = world(143);
    const notAdmin = keyFromSeed(31);
    const { server, db } = await serverWithDatabase(w, { approval: autoApprove({ approverKey: notAdmin }) });
    const client = await w.node("client");
    const key = keyFromSeed(32);
    const error = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, permission: write(3) }))) as BootstrapPendingError;
    expect(error.code).toBe("BOOTSTRAP_PENDING");
    expect((await db.auth()).key(key.publicKey)).toBeUndefined();
    expect(server.logger.lines.some((l) => l.level === "warn" && /automatic approval failed/.test(l.message))).toBe(true);
    // An Admin can still approve it.
    await server.sync.approveRequest(error.requestId, USER_KEY);
    expect((await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, permission: write(3) })).grantedPermission).toEqual(write(3));
  });

  it("test_approve_bootstrap_request: approval with the Admin user key marks it approved by that key, grants laptop_key Write(5) Active, and leaves none pending", async () => {
    const w = world(104);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const laptop = keyFromSeed(5);
    await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop_key", permission: write(5) }));
    const [pending] = server.sync.pendingRequests(db.id);
    if (pending === undefined) throw new Error("no pending request");

    const approved = await server.sync.approveRequest(pending.id, USER_KEY);

    expect(approved.status).toEqual({ state: "approved", by: USER_KEY.publicKey, at: w.clock.nowMillis() });
    expect(server.sync.store.requests.get(pending.id)?.status.state).toBe("approved");
    expect((await db.auth()).key(laptop.publicKey)).toEqual({ name: "laptop_key", permission: write(5), status: "Active" });
    expect(server.sync.pendingRequests()).toEqual([]);
  });

  it("test_approve_bootstrap_request: an approver that is not an Admin of the database is UNAUTHORIZED and the request stays pending", async () => {
    const w = world(105);
    const { server, db } = await serverWithDatabase(w);
    const writer = keyFromSeed(6);
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(writer.publicKey, { name: "writer", permission: write(0), status: "Active" }));
    const client = await w.node("client");
    await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: keyFromSeed(7), keyName: "laptop_key", permission: write(5) }));
    const [pending] = server.sync.pendingRequests(db.id);
    if (pending === undefined) throw new Error("no pending request");

    expect((await failure(server.sync.approveRequest(pending.id, writer))).code).toBe("UNAUTHORIZED");
    expect((await failure(server.sync.rejectRequest(pending.id, keyFromSeed(8)))).code).toBe("UNAUTHORIZED");
    expect(server.sync.pendingRequests().map((r) => r.id)).toEqual([pending.id]);
    expect((await db.auth()).key(keyFromSeed(7).publicKey)).toBeUndefined();
  });

  it("test_reject_bootstrap_request: rejection marks it rejected by the Admin key, adds no key, and leaves none pending", async () => {
    const w = world(106);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const laptop = keyFromSeed(9);
    const keysBefore = (await db.auth()).keys();
    await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop_key", permission: write(5) }));
    const [pending] = server.sync.pendingRequests(db.id);
    if (pending === undefined) throw new Error("no pending request");

    const rejected = await server.sync.rejectRequest(pending.id, USER_KEY);

    expect(rejected.status).toMatchObject({ state: "rejected", by: USER_KEY.publicKey });
    expect((await db.auth()).keys()).toEqual(keysBefore);
    expect((await db.auth()).key(laptop.publicKey)).toBeUndefined();
    expect(server.sync.pendingRequests()).toEqual([]);
  });

  it("test_list_bootstrap_requests_by_status: requests list by state; approving twice, or rejecting an approved request, is INVALID_STATE", async () => {
    const w = world(107);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const ticket = server.sync.createTicket(db.id);
    const [a, b] = [keyFromSeed(10), keyFromSeed(11)];
    await failure(client.sync.bootstrap(ticket, { requestingKey: a, keyName: "a", permission: write(5) }));
    w.clock.advance(1_000);
    await failure(client.sync.bootstrap(ticket, { requestingKey: b, keyName: "b", permission: READ }));
    const [first, second] = server.sync.pendingRequests(db.id);
    if (first === undefined || second === undefined) throw new Error("two requests expected");
    expect([first.requestingKey, second.requestingKey]).toEqual([a.publicKey, b.publicKey]);

    await server.sync.approveRequest(first.id, USER_KEY);
    expect(server.sync.pendingRequests().map((r) => r.id)).toEqual([second.id]);
    expect(server.sync.store.requests.list({ state: "approved" }).map((r) => r.id)).toEqual([first.id]);
    expect((await failure(server.sync.approveRequest(first.id, USER_KEY))).code).toBe("INVALID_STATE");
    expect((await failure(server.sync.rejectRequest(first.id, USER_KEY))).code).toBe("INVALID_STATE");

    await server.sync.rejectRequest(second.id, USER_KEY);
    expect(server.sync.store.requests.list({ state: "rejected" }).map((r) => r.id)).toEqual([second.id]);
    expect(server.sync.store.requests.list({ state: "approved" }).map((r) => r.id)).toEqual([first.id]);
    expect(server.sync.pendingRequests()).toEqual([]);
    expect((await failure(server.sync.approveRequest(second.id, USER_KEY))).code).toBe("INVALID_STATE");
  });

  it("test_duplicate_bootstrap_requests_same_client: two identical requests are one pending request here (README), with the same request ID", async () => {
    const w = world(108);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const laptop = keyFromSeed(12);
    const ask = { requestingKey: laptop, keyName: "laptop_key", permission: write(5) };
    const first = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), ask))) as BootstrapPendingError;
    w.clock.advance(5_000);
    const second = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), ask))) as BootstrapPendingError;

    expect(first.code).toBe("BOOTSTRAP_PENDING");
    expect(second.code).toBe("BOOTSTRAP_PENDING");
    expect(second.requestId).toBe(first.requestId);
    const rows = server.sync.store.requests.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.requestId, database: db.id, requestingKey: laptop.publicKey, keyName: "laptop_key", permission: write(5), status: { state: "pending" } });
    // A different permission from the same key is another request.
    await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { ...ask, permission: write(4) }));
    expect(server.sync.pendingRequests()).toHaveLength(2);
  });

  it("test_approval_with_nonexistent_request_id: approving or rejecting an unknown ID is NOT_FOUND", async () => {
    const w = world(109);
    const { server } = await serverWithDatabase(w);
    expect((await failure(server.sync.approveRequest("00000000-0000-4000-8000-000000000000", USER_KEY))).code).toBe("NOT_FOUND");
    expect((await failure(server.sync.rejectRequest("not-a-request", USER_KEY))).code).toBe("NOT_FOUND");
    expect(server.sync.store.requests.list()).toEqual([]);
  });

  it("test_malformed_permission_requests: Read, Write(0), Write(MAX), Admin(0) and Admin(MAX) are each pending and stored as asked", async () => {
    const w = world(110);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const key = keyFromSeed(13);
    const asks: Permission[] = [READ, write(0), write(MAX), admin(0), admin(MAX)];
    for (const permission of asks) {
      w.clock.advance(10); // requests list oldest first
      const error = await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, keyName: "k", permission }));
      expect(error.code, JSON.stringify(permission)).toBe("BOOTSTRAP_PENDING");
    }
    const rows = server.sync.pendingRequests(db.id);
    expect(rows.map((r) => r.permission)).toEqual(asks);
    expect(rows.every((r) => r.requestingKey === key.publicKey)).toBe(true);
    expect(await holds(client, db.id)).toBe(false);
  });

  it("test_bootstrap_with_global_permission_auto_approval: under global Write(10), Write(15) and Read are approved as asked (no policy), Admin(5) waits as one row", async () => {
    const w = world(111);
    const { server, db } = await serverWithDatabase(w, { global: write(10) });
    const ticket = server.sync.createTicket(db.id);
    const keysBefore = (await db.auth()).keys();

    const c1 = await w.node("c1");
    expect((await c1.sync.bootstrap(ticket, { requestingKey: keyFromSeed(14), permission: write(15) })).grantedPermission).toEqual(write(15));
    const c2 = await w.node("c2");
    expect((await c2.sync.bootstrap(ticket, { requestingKey: keyFromSeed(15), permission: READ })).grantedPermission).toEqual(READ);
    const c3 = await w.node("c3");
    expect((await failure(c3.sync.bootstrap(ticket, { requestingKey: keyFromSeed(16), permission: admin(5) }))).code).toBe("BOOTSTRAP_PENDING");

    expect(server.sync.store.requests.list()).toMatchObject([{ requestingKey: keyFromSeed(16).publicKey, permission: admin(5), status: { state: "pending" } }]);
    expect((await db.auth()).keys()).toEqual(keysBefore);
    expect(await holds(c3, db.id)).toBe(false);
  });

  it("test_bootstrap_with_existing_specific_key_permission: a key holding Write(5) asking Write(10) is approved as Write(10), and no key is added or changed", async () => {
    const w = world(112);
    const { server, db } = await serverWithDatabase(w);
    const key = keyFromSeed(17);
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(key.publicKey, { name: "existing", permission: write(5), status: "Active" }));
    const keysBefore = (await db.auth()).keys();
    const client = await w.node("client");

    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, keyName: "existing", permission: write(10) });

    expect(result).toMatchObject({ keyApproved: true, grantedPermission: write(10) });
    expect((await db.auth()).keys()).toEqual(keysBefore);
    expect((await db.auth()).key(key.publicKey)?.permission).toEqual(write(5));
    expect(server.sync.store.requests.list()).toEqual([]);
  });

  it("test_bootstrap_with_existing_global_permission_no_duplicate: under global Write(5) a Write(10) request is approved and adds no key", async () => {
    const w = world(113);
    const { server, db } = await serverWithDatabase(w, { global: write(5) });
    const keysBefore = (await db.auth()).keys();
    const client = await w.node("client");
    const key = keyFromSeed(18);
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, permission: write(10) });
    expect(result).toMatchObject({ keyApproved: true, grantedPermission: write(10) });
    expect((await db.auth()).keys()).toEqual(keysBefore);
    expect((await db.auth()).key(key.publicKey)).toBeUndefined();
  });

  it("test_global_permission_enables_transactions: a bootstrap under global Write(10) adds no key; the returned db commits under the global grant (is_global hint) and the server accepts it", async () => {
    const w = world(114);
    const { server, db } = await serverWithDatabase(w, { global: write(10) });
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set("from_server", 1));
    const client = await w.node("client");
    const key = keyFromSeed(19);

    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, permission: write(10) });
    expect(result).toMatchObject({ keyApproved: true, grantedPermission: write(10) });
    expect((await db.auth()).key(key.publicKey)).toBeUndefined();
    expect(await result.db.canAccess(key.publicKey, write(10))).toBe(true);

    const id = await result.db.withTransaction(async (txn) => (await txn.docStore("data")).set("from_client", 2));
    expect((await result.db.entry(id))?.sig.key).toEqual({ Direct: { hint: { pubkey: key.publicKey, is_global: true } } });
    expect((await result.db.storeState("data")).toPlain()).toEqual({ from_server: 1, from_client: 2 });
    const report = await client.sync.syncWithPeer(server.address, db.id, { signingKey: key });
    expect(report.sent).toBe(1);
    expect(await server.instance.backend.getStatus(id)).toBe("verified");
    expect((await db.storeState("data")).toPlain()).toEqual({ from_server: 1, from_client: 2 });
  });

  it("test_client_retry_after_approval: pending, approved, then the retried bootstrap fetches the database with the granted key", async () => {
    const w = world(116);
    const { server, db } = await serverWithDatabase(w);
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set("secret", "s"));
    const client = await w.node("client");
    const laptop = keyFromSeed(21);
    const ask = { requestingKey: laptop, keyName: "laptop_key", permission: write(5) };
    const pending = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), ask))) as BootstrapPendingError;
    expect(pending.code).toBe("BOOTSTRAP_PENDING");

    await server.sync.approveRequest(pending.requestId, USER_KEY);
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), ask);

    expect(result).toMatchObject({ keyApproved: true, grantedPermission: write(5) });
    expect(await holds(client, db.id)).toBe(true);
    expect((await result.db.storeState("data")).toPlain()).toEqual({ secret: "s" });
    expect(await client.instance.backend.treeTips(db.id)).toEqual(await db.tips());
  });

  it("test_client_denied_after_rejection: pending, rejected, then the retry fails, no database, and the key is never granted", async () => {
    const w = world(117);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const laptop = keyFromSeed(22);
    const ask = { requestingKey: laptop, keyName: "laptop_key", permission: write(5) };
    const pending = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), ask))) as BootstrapPendingError;
    await server.sync.rejectRequest(pending.requestId, USER_KEY);

    const retry = await failure(client.sync.bootstrap(server.sync.createTicket(db.id), ask));

    // The README does not say whether a retry after a rejection reads not_found or opens a new request.
    expect(["NOT_FOUND", "BOOTSTRAP_PENDING"]).toContain(retry.code);
    expect(await holds(client, db.id)).toBe(false);
    expect((await failure(client.instance.openDatabase(db.id))).code).toBe("NOT_FOUND");
    expect(await client.instance.backend.hasEntry(db.id)).toBe(false);
    expect(server.sync.store.requests.get(pending.requestId)?.status.state).toBe("rejected");
    expect((await db.auth()).key(laptop.publicKey)).toBeUndefined();
  });

  it("test_bootstrap_api_equivalence: a keyed Write(5) bootstrap against a wildcard server gives the client the root", async () => {
    const w = world(118);
    const { server, db } = await serverWithDatabase(w, { global: admin(0) });
    const client = await w.node("client");
    const viaTicket = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: keyFromSeed(23), permission: write(5) });
    expect(viaTicket.db.id).toBe(db.id);
    expect((await client.instance.backend.getEntry(db.id))?.isRoot).toBe(true);
    // The same through an address and the database ID.
    const other = await w.node("other");
    const viaAddress = await other.sync.bootstrap(server.address, { database: db.id, requestingKey: keyFromSeed(24), permission: write(5) });
    expect(viaAddress.grantedPermission).toEqual(viaTicket.grantedPermission);
    expect(await other.instance.backend.treeTips(db.id)).toEqual(await client.instance.backend.treeTips(db.id));
  });
});

describe("bootstrap_metadata_tests.rs", () => {
  it("bootstrap_request_carries_metadata_to_approver: a bootstrap with a metadata Doc on a manual server is pending, and the stored request has the same metadata", async () => {
    const w = world(121);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const metadata = Doc.from({ reason: "joining the team chat", device: { name: "laptop", os: "linux" }, invited_by: "alice", attempt: 3 });

    const error = (await failure(
      client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: keyFromSeed(25), keyName: "laptop", permission: write(10), metadata }),
    )) as BootstrapPendingError;

    expect(error.code).toBe("BOOTSTRAP_PENDING");
    const stored = server.sync.store.requests.get(error.requestId);
    expect(stored?.metadata).toEqual(JSON.parse(docToJson(metadata)));
    expect(JSON.stringify(stored?.metadata)).toContain("joining the team chat");
    // Only that request carries it.
    await failure(client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: keyFromSeed(26), keyName: "phone", permission: write(10) }));
    expect(server.sync.pendingRequests(db.id).map((r) => r.metadata === null)).toEqual([false, true]);
  });
});

describe("bootstrap_open_mapping_tests.rs", () => {
  it("request_access_makes_database_openable_without_manual_track: under autoApprove the database opens at once with the key, and a signed write commits and syncs back", async () => {
    const w = world(131);
    const { server, db } = await serverWithDatabase(w, { approval: autoApprove() });
    const client = await w.node("client");
    const key = keyFromSeed(27);

    const result = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: key, keyName: "client", permission: write(10) });

    expect(result.db.signingKey.publicKey).toBe(key.publicKey);
    const opened = await client.instance.openDatabase(db.id, { signingKey: key });
    const id = await opened.withTransaction(async (txn) => (await txn.docStore("data")).set("hello", "world"));
    expect((await opened.entry(id))?.sig.key).toEqual({ Direct: { hint: { pubkey: key.publicKey } } });
    const report = await client.sync.syncWithPeer(server.address, db.id, { signingKey: key });
    expect(report.sent).toBe(1);
    expect((await db.storeState("data")).toPlain()).toEqual({ hello: "world" });
  });

  it("pending_access_reports_clear_error_then_opens_after_approval: pending is BOOTSTRAP_PENDING and the database does not open; after approval the re-request opens it and a write commits", async () => {
    const w = world(132);
    const { server, db } = await serverWithDatabase(w);
    const client = await w.node("client");
    const key = keyFromSeed(28);
    const ask = { requestingKey: key, keyName: "client", permission: write(10) };

    const pending = (await failure(client.sync.bootstrap(server.sync.createTicket(db.id), ask))) as BootstrapPendingError;
    expect(pending.code).toBe("BOOTSTRAP_PENDING");
    expect(pending.requestId).toBe(server.sync.pendingRequests(db.id)[0]?.id);
    expect((await failure(client.instance.openDatabase(db.id, { signingKey: key }))).code).toBe("NOT_FOUND");
    expect(await holds(client, db.id)).toBe(false);

    await server.sync.approveRequest(pending.requestId, USER_KEY);
    await client.sync.bootstrap(server.sync.createTicket(db.id), ask);

    const opened = await client.instance.openDatabase(db.id, { signingKey: key });
    await opened.withTransaction(async (txn) => (await txn.docStore("data")).set("after", "approval"));
    await client.sync.syncWithPeer(server.address, db.id, { signingKey: key });
    expect((await db.storeState("data")).toPlain()).toEqual({ after: "approval" });
  });
});
