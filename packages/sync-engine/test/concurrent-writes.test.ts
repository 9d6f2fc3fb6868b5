/**
 * Local writes during an ongoing bootstrap or sync (reliability F17), and peer churn seen
 * from the peers that stay (F15): no write is lost, nothing deadlocks, records are updated and
 * not duplicated.
 */
import { appendSignedChain } from "@eidetica/core/workloads";
import { SimCluster, checkInvariants } from "@eidetica/sync-engine/testing";
import { describe, expect, it } from "vitest";
import { commit, engineWorld, shared } from "./support/engine-world.js";

describe("F17: writes while a bootstrap is under way", () => {
  it("the server commits between every page of a client's bootstrap; afterwards the engines bring every write across", async () => {
    const w = engineWorld(21);
    const [server, client] = [await w.node("server"), await w.node("client")];
    const db = await shared(server, []);
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: { level: "Write", priority: 10 }, status: "Active" }));
    await appendSignedChain(db, 6_000);
    await server.sync.start();
    const during: string[] = [];
    let pages = 0;
    client.sync.events.on("sync:progress", (event) => {
      if (event.database !== db.id || event.direction !== "pull") return;
      pages++;
      void commit(server, db.id, `during ${pages}`, pages).then((id) => during.push(id));
    });
    const result = await client.sync.bootstrap(server.sync.createTicket(db.id));
    expect(pages, "the bootstrap took several pages").toBeGreaterThan(1);
    await client.sync.start();
    // A write on the client right away, and the server's writes made during the bootstrap.
    const mine = await commit(client, db.id, "client", "after");
    await server.sync.flush();
    await client.sync.flush();
    await server.sync.flush();
    for (const id of [...during, mine]) {
      expect(await client.backend.hasEntry(id), `client holds ${id}`).toBe(true);
      expect(await server.backend.hasEntry(id), `server holds ${id}`).toBe(true);
    }
    expect(await client.backend.treeTips(db.id)).toEqual(await server.backend.treeTips(db.id));
    expect((await result.db.storeState("notes")).getText("client")).toBe("after");
    for (const node of [server, client]) await node.sync.stop();
    expect(w.network.activeHandles()).toBe(0);
  }, 120_000);
});

describe("F15: a peer that comes back on a new address", () => {
  it("the others record its new address on the same record, push to it there, and the cluster converges", async () => {
    const cluster = await SimCluster.create({ seed: 5, peers: 3, topology: "mesh" });
    await cluster.start();
    const old = cluster.peers[2]?.address;
    await cluster.rejoin(2);
    const fresh = cluster.peers[2];
    expect(fresh?.address).not.toEqual(old);
    await cluster.write(0);
    await cluster.write(2);
    await cluster.flushAll();
    for (const other of cluster.peers.slice(0, 2)) {
      const records = other.sync.store.peers.list().filter((p) => p.pubkey === fresh?.instance.id);
      expect(records).toHaveLength(1);
      expect(records[0]?.addresses).toContainEqual(fresh?.address);
    }
    expect((await checkInvariants(cluster)).violations).toEqual([]);
    await cluster.close();
  });
});
