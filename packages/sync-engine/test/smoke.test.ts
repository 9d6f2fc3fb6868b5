import { describe, expect, it } from "vitest";
import { world } from "./support/world.js";

describe("smoke", () => {
  it("bootstraps a database, then syncs both ways", async () => {
    const w = world(1);
    const server = await w.node("server");
    const client = await w.node("client");
    const db = await server.instance.createDatabase({ name: "notes" });
    await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("a", 1));
    // Let the client's device key read it.
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: { level: "Read" }, status: "Active" }));
    await server.sync.enableSync(db.id);
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id));
    expect(result.received).toBe(3);
    expect((await result.db.storeState("notes")).toPlain()).toEqual({ a: 1 });
    await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("b", 2));
    const report = await client.sync.syncWithPeer(server.address, db.id);
    expect(report).toMatchObject({ received: 1, sent: 0 });
    console.log(server.logger.lines, client.logger.lines);
  });
});
