/**
 * A peer in backoff that proves reachable (it handshakes with us) gets its queued pushes at
 * once instead of at the end of its backoff: a node coming back after a restart is not left
 * waiting up to a minute for what it missed.
 */
import { write } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { engineWorld } from "./support/engine-world.js";

describe("a peer that connects while its push waits for a backoff", () => {
  it("gets the push at once; without the handshake it waits for the backoff", async () => {
    const w = engineWorld(41);
    const a = await w.node("a");
    const b = await w.node("b");
    const db = await a.instance.createDatabase({ name: "back" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(b.instance.id, { permission: write(10), status: "Active" }));
    await a.sync.enableSync(db.id);
    const copy = (await b.sync.bootstrap(a.sync.createTicket(db.id))).db;
    await a.sync.addPeer(b.instance.id, { addresses: [b.address], databases: [db.id] });
    await a.sync.start();

    // b goes away: a's push of the next commit fails and waits 2 s ±20% (or 4, 8 … s).
    await b.sync.stopServers();
    const failed = new Promise<number>((resolve) => a.sync.events.on("sync:error", () => resolve(w.clock.nowMillis())));
    const id = await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("k", 1));
    const failedAt = await failed;
    expect(await b.instance.backend.hasEntry(id)).toBe(false);

    // b comes back 100 ms later and handshakes with a: the push runs at that virtual instant.
    await new Promise<void>((resolve) => w.network.timers.set(resolve, 100));
    await b.sync.startServers();
    const arrived = new Promise<number>((resolve) =>
      b.sync.events.on("entry:received", ({ ids }) => ids.includes(id) && resolve(w.clock.nowMillis())),
    );
    await b.sync.connect(a.address);
    const arrivedAt = await arrived;
    expect(arrivedAt - failedAt, "delivered right after the handshake, long before the 1.6 s minimum backoff").toBeLessThan(1_000);
    expect((await copy.storeState("notes")).toPlain()).toEqual({ k: 1 });
    await a.sync.close();
    await b.sync.close();
  });
});
