/** Manual delivery: messages wait in a queue until delivered, reordered, duplicated or dropped. */
import { isEideticaError } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { failureOf, numberOf, numbered, watch, world } from "./support.js";

async function manualWorld(seed = 0) {
  const w = world({ manual: true, seed });
  const a = await w.node();
  const b = await w.node();
  return { ...w, a, b };
}

describe("manual delivery", () => {
  it("queues every message, shows it, and delivers it only when told", async () => {
    const { network, a, b } = await manualWorld();
    const reply = watch(a.transport.sendRequest(b.address, numbered(7)));
    expect(network.pending()).toEqual([
      expect.objectContaining({ direction: "request", from: a.transport.name, to: b.transport.name, kind: "SyncTree" }),
    ]);
    expect(network.pending()[0]?.bytes).toBeGreaterThan(100);
    await network.deliverOne();
    expect(b.stub.calls).toHaveLength(1);
    expect(network.pending()).toEqual([expect.objectContaining({ direction: "response", kind: "Count", to: a.transport.name })]);
    expect(reply.settled).toBe(false);
    await network.deliverOne(0);
    expect(reply.value).toEqual({ kind: "Count", count: 7 });
    expect(network.pending()).toEqual([]);
  });

  it("reorders the queue by an explicit permutation", async () => {
    const { network, a, b } = await manualWorld();
    const replies = [0, 1, 2].map((n) => a.transport.sendRequest(b.address, numbered(n)));
    network.reorder([2, 0, 1]);
    await network.deliverAll();
    expect(b.stub.calls.map((c) => numberOf(c.request))).toEqual([2, 0, 1]);
    expect(await Promise.all(replies)).toEqual([0, 1, 2].map((count) => ({ kind: "Count", count })));
    expect(network.counters().reordered).toBe(3);
  });

  it("shuffles the same way for the same seed, and refuses a non-permutation", async () => {
    const orders: number[][] = [];
    for (const seed of [5, 5]) {
      const { network, a, b } = await manualWorld(seed);
      for (let n = 0; n < 8; n++) void a.transport.sendRequest(b.address, numbered(n));
      network.reorder();
      orders.push(network.pending().map((m) => m.id));
      await network.deliverAll();
    }
    expect(orders[0]).toEqual(orders[1]);
    expect(orders[0]).not.toEqual([...(orders[0] ?? [])].sort((x, y) => x - y));
    const { network, a, b } = await manualWorld();
    void a.transport.sendRequest(b.address, numbered(1));
    let error: unknown;
    try {
      network.reorder([0, 0]);
    } catch (e) {
      error = e;
    }
    expect(isEideticaError(error) && error.code).toBe("INVALID_STATE");
  });

  it("duplicates a request: the handler runs twice, the second response is late", async () => {
    const { network, a, b } = await manualWorld();
    const reply = a.transport.sendRequest(b.address, numbered(3));
    network.duplicate(0);
    expect(network.pending().map((m) => m.exchange)).toEqual([0, 0]);
    await network.deliverAll();
    expect(await reply).toEqual({ kind: "Count", count: 3 });
    expect(b.stub.calls).toHaveLength(2);
    expect(network.counters()).toMatchObject({ duplicated: 1, late: 1, delivered: 3 });
  });

  it("drops a message: its request gets no answer and times out", async () => {
    const { network, a, b } = await manualWorld();
    const failure = failureOf(a.transport.sendRequest(b.address, numbered(1), { timeoutMs: 500 }));
    network.drop(0);
    expect(network.pending()).toEqual([]);
    await network.advance(500);
    expect(await failure).toBe("timeout");
    expect(b.stub.calls).toHaveLength(0);
    expect(network.counters()).toMatchObject({ dropped: 1, timedOut: 1 });
  });

  it("throws a typed error for an index with no queued message", async () => {
    const { network } = await manualWorld();
    const error = await network.deliverOne(3).catch((e: unknown) => e);
    expect(isEideticaError(error) && error.code).toBe("INVALID_STATE");
    expect(() => network.drop(0)).toThrow(/no queued message/);
    expect(() => network.duplicate(-1)).toThrow(/no queued message/);
  });
});
