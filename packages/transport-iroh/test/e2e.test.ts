/**
 * Instances syncing end to end over real iroh endpoints on loopback (relays off): a bootstrap
 * of a database far above Eidetica v0's 1 MiB message cap (5,000 entries) in pages under it,
 * incremental sync both ways, push on commit by the background engine, and a restart that
 * keeps the node id (the secret key kept in the peer store of a SQLite file).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Instance, SigningKey, seededRandom, wireEntryLength, write, type Database } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import { SqliteBackend } from "@eidetica/storage-sqlite";
import { whenStored } from "@eidetica/sync-engine/testing";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { IROH_MESSAGE_BYTES, IrohTransport, irohSecretKey } from "@eidetica/transport-iroh";
import { afterEach, describe, expect, it } from "vitest";
import { loopback } from "./support/iroh.js";

const syncs: Sync[] = [];
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((sync) => sync.close()));
});

async function node(instance: Instance) {
  const sync = await Sync.create(instance, { logger: silentLogger });
  syncs.push(sync);
  const transport = new IrohTransport({ ...loopback, secretKey: await irohSecretKey(sync.store, instance.deviceKey) });
  sync.addTransport(transport);
  await sync.startServers();
  const address = sync.serverAddresses()[0];
  if (address === undefined) throw new Error("not serving");
  return { instance, sync, transport, address };
}

const fresh = async (seed: number) => node(await Instance.create({ random: seededRandom(seed) }));
const note = (db: Database, key: string, value: number) => db.withTransaction(async (txn) => (await txn.docStore("notes")).set(key, value));


describe("sync over iroh", () => {
  it("bootstraps 5,000 entries (well above 1 MiB) in pages under 1 MiB, then syncs both ways", async () => {
    const alice = await fresh(1);
    const bob = await fresh(2);
    const db = await alice.instance.createDatabase({ name: "big" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(bob.instance.id, { permission: write(10), status: "Active" }));
    await appendSignedChain(db, 5_000);
    await alice.sync.enableSync(db.id);
    const boot = await bob.sync.bootstrap(alice.sync.createTicket(db.id));
    const total = await alice.instance.backend.countEntries(db.id);
    expect(boot.received).toBe(total);
    const bytes = (await alice.instance.backend.ancestors(db.id, await db.tips())).reduce((n, e) => n + wireEntryLength(e), 0);
    expect(bytes, "the history is larger than one iroh message").toBeGreaterThan(IROH_MESSAGE_BYTES);
    expect(alice.transport.serverStats.streams, "so it came in several pages, a stream each").toBeGreaterThanOrEqual(Math.ceil(bytes / IROH_MESSAGE_BYTES));
    const fromAlice = await note(db, "a", 1);
    const fromBob = await note(boot.db, "b", 2);
    const report = await bob.sync.syncWithPeer(alice.address, db.id);
    expect([report.received, report.sent]).toEqual([1, 1]);
    expect(await bob.instance.backend.hasEntry(fromAlice)).toBe(true);
    expect(await alice.instance.backend.hasEntry(fromBob)).toBe(true);
  }, 120_000);

  it("pushes each commit at once to the related peer, both ways, and the server sees the proven node key", async () => {
    const alice = await fresh(3);
    const bob = await fresh(4);
    expect(alice.transport.nodeId).toBeDefined();
    const db = await alice.instance.createDatabase({ name: "live" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(bob.instance.id, { permission: write(10), status: "Active" }));
    await alice.sync.enableSync(db.id);
    const copy = (await bob.sync.bootstrap(alice.sync.createTicket(db.id))).db;
    await alice.sync.addPeer(bob.instance.id, { addresses: [bob.address], databases: [db.id] });
    await alice.sync.start();
    await bob.sync.start();
    for (let i = 0; i < 5; i++) {
      await whenStored(bob.instance, await note(db, "a", i));
      await whenStored(alice.instance, await note(copy, "b", i));
    }
    expect((await copy.storeState("notes")).toPlain()).toEqual({ a: 4, b: 4 });
    // Bob's pushes were accepted: the key iroh proved is the key his handshake claimed.
    expect(alice.instance.peerStats(bob.instance.id).stored).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it("a node whose iroh key is not its device key (as Eidetica v0 keeps it) can read over iroh, not push", async () => {
    const alice = await fresh(6);
    const instance = await Instance.create({ random: seededRandom(7) });
    const sync = await Sync.create(instance, { logger: silentLogger });
    syncs.push(sync);
    sync.addTransport(new IrohTransport({ ...loopback, secretKey: new Uint8Array(32).fill(77) }));
    const db = await alice.instance.createDatabase({ name: "public" });
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: write(10), status: "Active" }));
    await note(db, "x", 1);
    await alice.sync.enableSync(db.id);
    const boot = await sync.bootstrap(alice.sync.createTicket(db.id));
    expect((await boot.db.storeState("notes")).toPlain()).toEqual({ x: 1 });
    // Its signed reads prove its device key; its iroh key proves nothing more, so pushes over it are refused.
    expect(alice.sync.store.peers.has(SigningKey.fromSeed(new Uint8Array(32).fill(77)).publicKey)).toBe(false);
    const local = await note(boot.db, "y", 2);
    const refused = await sync.syncWithPeer(alice.address, db.id).then(() => undefined, (error: unknown) => error as { code: string });
    expect(refused?.code).toBe("AUTH_REQUIRED");
    expect(await alice.instance.backend.hasEntry(local)).toBe(false);
  }, 60_000);

  it("a restart keeps the node id: the secret key is kept in the peer store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eidetica-iroh-"));
    try {
      const file = join(dir, "node.db");
      const first = await node(await Instance.openOrCreate({ backend: SqliteBackend.open(file) }));
      const id = first.transport.nodeId;
      const address = first.address;
      await first.sync.close();
      await first.instance.close();
      syncs.splice(syncs.indexOf(first.sync), 1);
      const again = await node(await Instance.openOrCreate({ backend: SqliteBackend.open(file) }));
      expect(again.transport.nodeId).toBe(id);
      expect(again.instance.id).toBe(first.instance.id);
      // The node is reachable under its old identity (a ticket names the node id and sockets; the port is new).
      const client = await fresh(5);
      const connected = await client.sync.connect(again.address, { expectedPeer: again.instance.id });
      expect(connected.pubkey).toBe(again.instance.id);
      expect(address.address).not.toBe("");
      await again.sync.close();
      await again.instance.close();
      syncs.splice(syncs.indexOf(again.sync), 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
