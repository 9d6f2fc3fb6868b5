/**
 * Two (and three) Instances syncing end to end over real HTTP on loopback: bootstrap,
 * incremental sync both ways, push on commit by the background engine, the approval workflow
 * of a private database, and signed reads (a key without Read gets `not_found`, one with it
 * gets the entries). Every request is signed with the node's device key, so pushes are
 * accepted from proven peers only.
 */
import { Instance, READ, SigningKey, seededRandom, write, type Database } from "@eidetica/core";
import { whenStored } from "@eidetica/sync-engine/testing";
import { Sync, silentLogger, type BootstrapPendingError } from "@eidetica/sync-engine";
import { HttpTransport } from "@eidetica/transport-http";
import { afterEach, describe, expect, it } from "vitest";

const syncs: Sync[] = [];
afterEach(async () => {
  await Promise.all(syncs.splice(0).map((sync) => sync.close()));
});

async function node(seed: number) {
  const instance = await Instance.create({ random: seededRandom(seed) });
  const transport = new HttpTransport({ bind: "127.0.0.1:0", signingKey: instance.deviceKey });
  const sync = await Sync.create(instance, { transports: [transport], logger: silentLogger });
  syncs.push(sync);
  await sync.startServers();
  const address = sync.serverAddresses()[0];
  if (address === undefined) throw new Error("not serving");
  return { instance, sync, transport, address };
}

const note = (db: Database, key: string, value: string | number) => db.withTransaction(async (txn) => (await txn.docStore("notes")).set(key, value));


async function failure(promise: Promise<unknown>): Promise<{ code: string; requestId?: string }> {
  return promise.then(
    () => expect.unreachable("expected a failure"),
    (error: unknown) => error as { code: string },
  );
}

describe("sync over HTTP", () => {
  it("bootstraps a database, then syncs new entries both ways incrementally", async () => {
    const alice = await node(1);
    const bob = await node(2);
    const db = await alice.instance.createDatabase({ name: "notes" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(bob.instance.id, { permission: write(10), status: "Active" }));
    for (let i = 0; i < 50; i++) await note(db, `k${i}`, i);
    await alice.sync.enableSync(db.id);
    const boot = await bob.sync.bootstrap(alice.sync.createTicket(db.id));
    expect(boot.received).toBe(await alice.instance.backend.countEntries(db.id));
    expect((await boot.db.storeState("notes")).toPlain()).toEqual((await db.storeState("notes")).toPlain());

    const fromAlice = await note(db, "late", "from alice");
    const fromBob = await note(boot.db, "reply", "from bob");
    const report = await bob.sync.syncWithPeer(alice.address, db.id);
    expect([report.received, report.sent]).toEqual([1, 1]);
    expect(await bob.instance.backend.hasEntry(fromAlice)).toBe(true);
    expect(await alice.instance.backend.hasEntry(fromBob)).toBe(true);
    expect(await db.tips()).toEqual(await boot.db.tips());
  });

  it("pushes each commit at once to the related peer, both ways, with the background engine", async () => {
    const alice = await node(3);
    const bob = await node(4);
    const db = await alice.instance.createDatabase({ name: "live" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(bob.instance.id, { permission: write(10), status: "Active" }));
    await alice.sync.enableSync(db.id);
    const copy = (await bob.sync.bootstrap(alice.sync.createTicket(db.id))).db;
    await alice.sync.addPeer(bob.instance.id, { addresses: [bob.address], databases: [db.id] });
    await alice.sync.start();
    await bob.sync.start();
    for (let i = 0; i < 5; i++) {
      const there = await note(db, "a", i);
      await whenStored(bob.instance, there);
      const back = await note(copy, "b", i);
      await whenStored(alice.instance, back);
    }
    expect((await copy.storeState("notes")).toPlain()).toEqual({ a: 4, b: 4 });
    expect((await alice.sync.flush()).ok).toBe(true);
  });

  it("a private database: a request for access waits for an Admin, then the approved key bootstraps", async () => {
    const alice = await node(5);
    const bob = await node(6);
    const db = await alice.instance.createDatabase({ name: "private" });
    await note(db, "secret", "only for approved keys");
    await alice.sync.enableSync(db.id);
    const laptop = SigningKey.fromSeed(new Uint8Array(32).fill(66));
    const pending = await failure(bob.sync.bootstrap(alice.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop", permission: write(5) }));
    expect(pending.code).toBe("BOOTSTRAP_PENDING");
    expect(alice.sync.pendingRequests(db.id).map((r) => r.requestingKey)).toEqual([laptop.publicKey]);
    expect(await bob.instance.listDatabases()).not.toContain(db.id);
    await alice.sync.approveRequest((pending as BootstrapPendingError).requestId);
    const granted = await bob.sync.bootstrap(alice.sync.createTicket(db.id), { requestingKey: laptop, keyName: "laptop", permission: write(5) });
    expect(granted.keyApproved).toBe(true);
    expect(granted.grantedPermission).toEqual(write(5));
    expect((await granted.db.storeState("notes")).toPlain()).toEqual({ secret: "only for approved keys" });
  });

  it("signed reads: a key without Read gets not_found and nothing; a key with Read gets the entries", async () => {
    const alice = await node(7);
    const reader = await node(8);
    const stranger = await node(9);
    const db = await alice.instance.createDatabase({ name: "readers" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(reader.instance.id, { permission: READ, status: "Active" }));
    await note(db, "x", 1);
    await alice.sync.enableSync(db.id);
    const refused = await failure(stranger.sync.bootstrap(alice.sync.createTicket(db.id)));
    expect(refused.code).toBe("NOT_FOUND");
    expect(await stranger.instance.listDatabases()).not.toContain(db.id);
    const fetched = await reader.sync.bootstrap(alice.sync.createTicket(db.id));
    expect((await fetched.db.storeState("notes")).toPlain()).toEqual({ x: 1 });
  });
});
