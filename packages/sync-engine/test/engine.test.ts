/**
 * The background engine (DESIGN 4.5, reliability F4, F11): push on commit at once, per-peer
 * queues (a dead peer adds 0 ms to the others), coalescing, backoff min(2^k s, 64 s) ±20%
 * reset on success, retry state persisted, hand-off to anti-entropy, relay, flush and stop.
 * All in virtual time on the network's own timers.
 */
import { describe, expect, it } from "vitest";
import { commit, engineWorld, holds, nextEvent, pushesBetween, shared } from "./support/engine-world.js";

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;

describe("push on commit", () => {
  it("a local commit reaches every related peer at once, both ways, with no timer in between", async () => {
    const w = engineWorld(1);
    const [a, b, c] = [await w.node("a"), await w.node("b"), await w.node("c")];
    const db = await shared(a, [b, c]);
    for (const node of [a, b, c]) await node.sync.start();
    const start = w.clock.nowMillis();
    const id = await commit(a, db.id, "from", "a");
    await Promise.all([holds(b, id), holds(c, id)]);
    expect(w.clock.nowMillis(), "no virtual time passed").toBe(start);
    const back = await commit(b, db.id, "from", "b");
    await holds(a, back);
    // b's commit reaches c through a (c is related to a only): entries are passed on.
    await holds(c, back);
    for (const node of [a, b, c]) await node.sync.stop();
  });

  it("commits made while a push is in flight are coalesced into fewer pushes, and all arrive", async () => {
    const w = engineWorld(2);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b]);
    await a.sync.start();
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await commit(a, db.id, `k${i}`, i));
    await Promise.all(ids.map((id) => holds(b, id)));
    await a.sync.flush(); // the last push's answer and bookkeeping
    const pushes = pushesBetween(w, a, b);
    expect(pushes).toBeGreaterThan(0);
    expect(pushes, "coalesced").toBeLessThan(10);
    expect(a.metrics.total("eidetica_sync_entries_sent_total")).toBe(10);
    await a.sync.stop();
  });

  it("a dead peer delays no other: the live one gets the commit at the same virtual time, the dead one is retried", async () => {
    const w = engineWorld(3);
    const [a, b, c] = [await w.node("a"), await w.node("b"), await w.node("c")];
    const db = await shared(a, [b, c]);
    await c.transport.stopServer();
    await a.sync.start();
    const failed = nextEvent(a, "sync:error", (e) => e.peer === c.instance.id);
    const start = w.clock.nowMillis();
    const id = await commit(a, db.id, "k", 1);
    await holds(b, id);
    expect(w.clock.nowMillis() - start, "0 ms added by the dead peer").toBe(0);
    expect((await failed).error.code).toBe("TRANSPORT");
    expect(a.sync.store.retries.get(c.instance.id, db.id)).toMatchObject({ attempts: 1 });
    expect(a.events.filter((e) => e.name === "peer:disconnect")).toHaveLength(1);
    await a.sync.stop();
  });
});

describe("retries", () => {
  /** a pushes to c, whose server is down; returns the virtual times of a's failed attempts. */
  async function deadPeer(seed: number, engine = {}) {
    const w = engineWorld(seed);
    const [a, c] = [await w.node("a", { engine }), await w.node("c")];
    const db = await shared(a, [c]);
    await c.transport.stopServer();
    await a.sync.start();
    const attempts: number[] = [];
    a.sync.events.on("sync:error", (e) => e.peer === c.instance.id && attempts.push(w.clock.nowMillis()));
    return { w, a, c, db, attempts };
  }

  it("back off min(2^k s, 64 s) within ±20%, from the injected random source", async () => {
    const { w, a, db, attempts } = await deadPeer(4);
    await commit(a, db.id, "k", 1);
    while (attempts.length < 10) await nextEvent(a, "sync:error");
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    gaps.forEach((gap, i) => {
      const base = Math.min(2 ** (i + 1), 64) * SECOND;
      expect(gap, `retry ${i + 1}`).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
      expect(gap, `retry ${i + 1}`).toBeLessThanOrEqual(Math.ceil(base * 1.2));
    });
    // The jitter is real: not every gap is exactly its base.
    expect(gaps.some((gap, i) => gap !== Math.min(2 ** (i + 1), 64) * SECOND)).toBe(true);
    expect(a.metrics.total("eidetica_sync_retries_total")).toBeGreaterThanOrEqual(9);
    await a.sync.stop();
    void w;
  });

  it("a success resets the backoff: the next failure waits 2 s again", async () => {
    const { w, a, c, db, attempts } = await deadPeer(5);
    await commit(a, db.id, "k", 1);
    while (attempts.length < 4) await nextEvent(a, "sync:error");
    await c.sync.startServers();
    const id = await commit(a, db.id, "k", 2);
    await holds(c, id);
    await a.sync.flush(); // the successful push's bookkeeping
    expect(a.sync.store.retries.get(c.instance.id, db.id)).toBeUndefined();
    await c.transport.stopServer();
    const before = attempts.length;
    await commit(a, db.id, "k", 3);
    while (attempts.length < before + 2) await nextEvent(a, "sync:error");
    const gap = (attempts[before + 1] as number) - (attempts[before] as number);
    expect(gap).toBeGreaterThanOrEqual(1_600);
    expect(gap).toBeLessThanOrEqual(2_400);
    await a.sync.stop();
    void w;
  });

  it("retry state survives a restart: the new engine resumes the backoff and delivers once the peer is back", async () => {
    const { w, a, c, db, attempts } = await deadPeer(6);
    const id = await commit(a, db.id, "k", 1);
    while (attempts.length < 3) await nextEvent(a, "sync:error");
    await a.sync.close();
    const saved = a.sync.store.retries.get(c.instance.id, db.id);
    expect(saved).toMatchObject({ attempts: 3 });
    // A new Sync on the same instance (a restart of the node).
    const again = await w.node("a2", { instance: a.instance });
    expect(again.sync.store.retries.get(c.instance.id, db.id)).toEqual(saved);
    await c.sync.startServers();
    await again.sync.start();
    await holds(c, id);
    expect(w.clock.nowMillis(), "waited for the persisted retry time").toBeGreaterThanOrEqual((saved?.nextAttemptAt ?? 0) - 1);
    await again.sync.stop();
  });

  it("a wall clock that jumps back an hour stretches no wait: backoff runs on monotonic time, and a persisted retry waits at most the longest backoff", async () => {
    const w = engineWorld(11);
    let offset = 0;
    const wall = { nowMillis: () => w.clock.nowMillis() + offset };
    const [a, c] = [await w.node("a", { clock: wall }), await w.node("c")];
    const db = await shared(a, [c]);
    await c.transport.stopServer();
    await a.sync.start();
    const attempts: number[] = [];
    a.sync.events.on("sync:error", (e) => e.peer === c.instance.id && attempts.push(w.clock.nowMillis()));
    const id = await commit(a, db.id, "k", 1);
    while (attempts.length < 2) await nextEvent(a, "sync:error");
    offset -= HOUR; // between the second attempt and the third
    while (attempts.length < 4) await nextEvent(a, "sync:error");
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    gaps.forEach((gap, i) => {
      const base = 2 ** (i + 1) * SECOND;
      expect(gap, `retry ${i + 1}`).toBeGreaterThanOrEqual(base * 0.8);
      expect(gap, `retry ${i + 1}`).toBeLessThanOrEqual(base * 1.2);
    });
    // A restart after the wall clock went back another hour: the stored retry time is two
    // hours ahead of it, but the new engine waits no longer than the longest backoff.
    await a.sync.close();
    offset -= HOUR;
    expect((a.sync.store.retries.get(c.instance.id, db.id)?.nextAttemptAt ?? 0) - wall.nowMillis()).toBeGreaterThan(HOUR);
    const again = await w.node("a2", { instance: a.instance, clock: wall });
    await c.sync.startServers();
    const restartedAt = w.clock.nowMillis();
    await again.sync.start();
    await holds(c, id);
    expect(w.clock.nowMillis() - restartedAt).toBeLessThanOrEqual(64 * SECOND * 1.2);
    await again.sync.stop();
  });

  it("after the last retry the work passes to anti-entropy: nothing is dropped", async () => {
    const { w, a, c, db, attempts } = await deadPeer(7, { maxAttempts: 3, fallbackIntervalSeconds: 600 });
    const id = await commit(a, db.id, "k", 1);
    while (attempts.length < 4) await nextEvent(a, "sync:error");
    await a.sync.flush(); // lets the last failure's hand-off finish
    expect(a.sync.engine.pending, "no job left queued").toBe(0);
    expect(a.sync.engine.handedOff).toBe(1);
    expect(a.sync.store.retries.get(c.instance.id, db.id)).toBeUndefined();
    await c.sync.startServers();
    await holds(c, id);
    expect(a.sync.engine.handedOff).toBe(0);
    await a.sync.stop();
    void w;
  });

  it("after a restart, a peer whose cursor is behind our tips gets a push even with no retry state", async () => {
    const w = engineWorld(8);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b]);
    await b.transport.stopServer();
    const id = await commit(a, db.id, "k", 1); // engine not running: nothing is sent
    await a.sync.close();
    const again = await w.node("a2", { instance: a.instance });
    await b.sync.startServers();
    await again.sync.start();
    await holds(b, id);
    await again.sync.stop();
  });
});

describe("addresses, flush and stop", () => {
  it("an address that works is preferred over the first one stored", async () => {
    const w = engineWorld(9);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b]);
    // b's first stored address leads nowhere.
    const record = a.sync.store.peers.get(b.instance.id);
    await a.sync.store.peers.remove(b.instance.id);
    await a.sync.addPeer(b.instance.id, { addresses: [{ transportType: "sim", address: "nobody" }, ...(record?.addresses ?? [])], databases: [db.id] });
    await a.sync.start();
    await holds(b, await commit(a, db.id, "k", 1));
    const dead = () => w.network.counters().unreachable;
    const afterFirst = dead();
    expect(afterFirst).toBeGreaterThan(0);
    await holds(b, await commit(a, db.id, "k", 2));
    expect(dead(), "the second push went straight to the address that worked").toBe(afterFirst);
    await a.sync.stop();
  });

  it("flush runs queued work now and reports what failed; stop leaves no timer or handle", async () => {
    const w = engineWorld(10);
    const [a, b, c] = [await w.node("a"), await w.node("b"), await w.node("c")];
    const db = await shared(a, [b, c], { intervalSeconds: 30 });
    await c.transport.stopServer();
    for (const node of [a, b, c]) await node.sync.start();
    const id = await commit(a, db.id, "k", 1);
    const report = await a.sync.flush();
    expect(report.ok).toBe(false);
    expect(report.failed.map((f) => f.peer)).toEqual([c.instance.id]);
    expect(await b.backend.hasEntry(id)).toBe(true);
    await c.sync.startServers();
    expect(await a.sync.flush()).toEqual({ ok: true, failed: [] });
    expect(await c.backend.hasEntry(id)).toBe(true);
    for (const node of [a, b, c]) await node.sync.stop();
    expect(w.network.activeHandles(), "no timer, request or handler left").toBe(0);
  });
});

describe("anti-entropy", () => {
  it("runs on each database's interval (±20%), both ways, and catches up what pushes did not carry", async () => {
    const w = engineWorld(11);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b], { intervalSeconds: 10 });
    // a does not push on commit; b's anti-entropy has to fetch a's writes and bring its own.
    await a.sync.enableSync(db.id, { syncOnCommit: false, intervalSeconds: null });
    await b.sync.enableSync(db.id, { syncOnCommit: false, intervalSeconds: 10 });
    await b.sync.start();
    const start = w.clock.nowMillis();
    const fromA = await commit(a, db.id, "a", 1);
    const fromB = await commit(b, db.id, "b", 1);
    const rounds: number[] = [];
    b.sync.events.on("sync:complete", () => rounds.push(w.clock.nowMillis()));
    await holds(b, fromA);
    await holds(a, fromB);
    while (rounds.length < 3) await nextEvent(b, "sync:complete");
    const gaps = [(rounds[0] as number) - start, (rounds[1] as number) - (rounds[0] as number), (rounds[2] as number) - (rounds[1] as number)];
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(8 * SECOND);
      expect(gap).toBeLessThanOrEqual(12 * SECOND);
    }
    await b.sync.stop();
  });
});

describe("observability", () => {
  it("reports progress, completion and metrics of pushes", async () => {
    const w = engineWorld(12);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b]);
    await a.sync.start();
    const progress = nextEvent(a, "sync:progress", (e) => e.direction === "push");
    const complete = nextEvent(a, "sync:complete", (e) => e.sent > 0);
    const id = await commit(a, db.id, "k", 1);
    await holds(b, id);
    expect(await progress).toMatchObject({ peer: b.instance.id, database: db.id, have: 1, want: 1 });
    expect(await complete).toMatchObject({ peer: b.instance.id, database: db.id, sent: 1, received: 0 });
    expect(a.metrics.total("eidetica_sync_requests_total", { kind: "SendEntries", outcome: "ok" })).toBeGreaterThan(0);
    expect(a.metrics.total("eidetica_sync_bytes_sent_total")).toBeGreaterThan(100);
    expect(b.metrics.total("eidetica_sync_entries_received_total")).toBeGreaterThan(0);
    expect(a.metrics.snapshot().some((s) => s.name === "eidetica_sync_queue_depth")).toBe(true);
    expect((await a.sync.handle(db.id).status()).lastSync).not.toBeNull();
    await a.sync.stop();
  });

  it("a peer no transport can reach fails with a clear configuration error", async () => {
    const w = engineWorld(13);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b]);
    await a.sync.store.peers.removeAddresses(b.instance.id, "sim");
    await a.sync.store.peers.addAddress(b.instance.id, { transportType: "iroh", address: "endpoint" });
    await a.sync.start();
    const failed = nextEvent(a, "sync:error");
    await commit(a, db.id, "k", 1);
    expect((await failed).error.code).toBe("NO_TRANSPORT");
    await a.sync.stop();
  });
});
