/**
 * Failures the seeded properties found in the engine, each kept as a named test (the seed
 * that found it is in the commit that fixed it).
 */
import { describe, expect, it } from "vitest";
import { commit, engineWorld } from "./support/engine-world.js";
import { stubPeer } from "./support/stub-peer.js";

describe("engine regressions", () => {
  it("F11 property: a failed first push to a peer with no cursor yet reports sync:error once, and counts once as syncing", async () => {
    const w = engineWorld(21);
    const a = await w.node("a");
    const db = await a.instance.createDatabase({ name: "r1" });
    await a.sync.enableSync(db.id, { syncOnCommit: true, intervalSeconds: null });
    const dead = await stubPeer(w.network, 1, { holds: [db.id], serving: false });
    await a.sync.addPeer(dead.key, { addresses: [dead.address], databases: [db.id] });
    const errors: number[] = [];
    a.sync.events.on("sync:error", (event) => event.peer === dead.key && errors.push(w.clock.nowMillis()));
    const syncing: number[] = [];
    a.sync.events.on("sync:error", () => void a.sync.handle(db.id).status().then((s) => syncing.push(s.syncing)));
    await a.sync.start();
    const start = w.clock.nowMillis();
    await commit(a, db.id, "k", 1);
    // Up to the first retry (2 s ±20% later in virtual time): one attempt, so one event.
    while (w.clock.nowMillis() < start + 3_000) await new Promise((resolve) => setImmediate(resolve));
    expect(errors.filter((t) => t === start), "the attempt at commit time").toHaveLength(1);
    expect(errors.filter((t) => t > start && t < start + 1_600), "nothing between it and the retry").toHaveLength(0);
    expect(syncing.length).toBeGreaterThan(0);
    expect(syncing.every((n) => n <= 1), "never counted twice as syncing").toBe(true);
    await a.sync.close();
    expect((await a.sync.handle(db.id).status()).syncing).toBe(0);
  });

  it("F11 property: flush() runs again a job whose failing attempt began before the flush, and delivers it", async () => {
    const w = engineWorld(22);
    const a = await w.node("a");
    const db = await a.instance.createDatabase({ name: "r2" });
    await a.sync.enableSync(db.id, { syncOnCommit: true, intervalSeconds: null });
    const peer = await stubPeer(w.network, 2, { holds: [db.id], serving: false });
    await a.sync.addPeer(peer.key, { addresses: [peer.address], databases: [db.id] });
    await a.sync.start();
    // The peer comes back while the commit's push is failing: the failure lands during the flush.
    let flushing: Promise<unknown> | undefined;
    a.sync.events.on("sync:error", () => {
      flushing ??= peer.start().then(() => a.sync.flush());
    });
    const id = await commit(a, db.id, "k", 1);
    while (flushing === undefined) await new Promise((resolve) => setImmediate(resolve));
    expect(await flushing).toEqual({ ok: true, failed: [] });
    expect(peer.received.has(id)).toBe(true);
    await a.sync.close();
  });
});
