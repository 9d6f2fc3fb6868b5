import { READ, write } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { keyFromSeed, world } from "./support/world.js";

describe("end to end over the mock: bootstrap, both-ways sync, approval", () => {
  it("bootstraps a database, then syncs both ways", async () => {
    const w = world(1);
    const server = await w.node("server");
    const client = await w.node("client");
    const db = await server.instance.createDatabase({ name: "notes" });
    await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("a", 1));
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: write(5), status: "Active" }));
    await server.sync.enableSync(db.id);
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id));
    expect(result.received).toBe(3);
    expect((await result.db.storeState("notes")).toPlain()).toEqual({ a: 1 });
    await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("b", 2));
    await result.db.withTransaction(async (txn) => (await txn.docStore("notes")).set("c", 3));
    const report = await client.sync.syncWithPeer(server.address, db.id);
    expect(report).toMatchObject({ received: 1, sent: 1 });
    expect((await db.storeState("notes")).toPlain()).toEqual({ a: 1, b: 2, c: 3 });
    expect((await result.db.storeState("notes")).toPlain()).toEqual({ a: 1, b: 2, c: 3 });
    expect(server.logger.lines.filter((l) => l.level !== "debug")).toEqual([]);
  });

  it("manual approval: pending, approve, retry", async () => {
    const w = world(2);
    const server = await w.node("server");
    const client = await w.node("client");
    const db = await server.instance.createDatabase({ name: "private" });
    await server.sync.enableSync(db.id);
    const laptop = keyFromSeed(9);
    const first = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop", permission: write(5) }).catch((e) => e);
    expect(first.code).toBe("BOOTSTRAP_PENDING");
    expect(await client.instance.listDatabases()).toEqual([client.sync.store.databaseId]);
    const [pending] = server.sync.pendingRequests(db.id);
    expect(pending).toMatchObject({ requestingKey: laptop.publicKey, keyName: "laptop" });
    await server.sync.approveRequest(pending!.id);
    const second = await client.sync.bootstrap(server.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop", permission: write(5) });
    expect(second.keyApproved).toBe(true);
    expect(second.grantedPermission).toEqual(write(5));
    await second.db.withTransaction(async (txn) => (await txn.docStore("notes")).set("from laptop", true));
    await client.sync.syncWithPeer(server.address, db.id, { signingKey: laptop });
    expect((await db.storeState("notes")).toPlain()).toEqual({ "from laptop": true });
    void READ;
  });
});
