/** Latency on a manual clock: nothing moves until the network is run or advanced. */
import { isEideticaError, manualClock } from "@eidetica/core";
import { SimNetwork } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import { failureOf, hangingRequest, numbered, watch, world } from "./support.js";

describe("latency on virtual time", () => {
  it("delivers a request after fixedMs and its response fixedMs later, only as the clock advances", async () => {
    const clock = manualClock(1_000);
    const { network, node } = world({ time: { mode: "virtual", clock }, latency: { fixedMs: 50 } });
    const a = await node(false);
    const b = await node();
    const reply = watch(a.transport.sendRequest(b.address, numbered(1)));
    await network.advance(49);
    expect(b.stub.calls).toHaveLength(0);
    await network.advance(1);
    expect(b.stub.calls).toHaveLength(1);
    expect(clock.nowMillis()).toBe(1_050);
    await network.advance(49);
    expect(reply.settled).toBe(false);
    await network.advance(1);
    expect(reply).toEqual({ settled: true, value: { kind: "Count", count: 1 } });
    expect(clock.nowMillis()).toBe(1_100);
  });

  it("run() delivers everything and leaves the clock at the last delivery", async () => {
    const clock = manualClock(0);
    const { network, node } = world({ time: { mode: "virtual", clock }, latency: { fixedMs: 30 } });
    const a = await node();
    const b = await node();
    const replies = [a.transport.sendRequest(b.address, numbered(1)), b.transport.sendRequest(a.address, numbered(2))];
    expect(await network.run()).toBe(4);
    expect(await Promise.all(replies)).toEqual([{ kind: "Count", count: 1 }, { kind: "Count", count: 2 }]);
    expect(clock.nowMillis()).toBe(60);
    expect(await network.step()).toBe(false);
  });

  it("draws each message's jitter in [fixedMs, fixedMs + jitterMs], varying per message", async () => {
    const { network, node, events } = world({ seed: 3, latency: { fixedMs: 5, jitterMs: 10 } });
    const a = await node();
    const b = await node();
    const replies = Array.from({ length: 40 }, (_, n) => a.transport.sendRequest(b.address, numbered(n)));
    await network.run();
    await Promise.all(replies);
    const sentAt = new Map(events.filter((e) => e.type === "send").map((e) => [e.message.id, e.at]));
    const delays = events.filter((e) => e.type === "deliver").map((e) => e.at - (sentAt.get(e.message.id) ?? Number.NaN));
    expect(delays).toHaveLength(80);
    expect(delays.every((d) => d >= 5 && d <= 15)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(5);
  });

  it("times requests out on virtual time", async () => {
    const clock = manualClock(0);
    const { network, node } = world({ time: { mode: "virtual", clock }, latency: { fixedMs: 10 } });
    const a = await node(false);
    const b = await node();
    const pending = a.transport.sendRequest(b.address, hangingRequest(), { timeoutMs: 1_000 });
    const reply = watch(pending);
    await network.advance(999);
    expect(reply.settled).toBe(false);
    await network.advance(1);
    expect(await failureOf(pending)).toBe("timeout");
    expect(network.counters().timedOut).toBe(1);
    b.stub.release();
    await network.run();
    expect(network.counters().late).toBe(1);
    expect(network.activeHandles()).toBe(0);
  });

  it("step() runs one event at a time", async () => {
    const { network, node } = world({ latency: { fixedMs: 1 } });
    const a = await node();
    const b = await node();
    const reply = watch(a.transport.sendRequest(b.address, numbered(9)));
    expect(await network.step()).toBe(true);
    expect(b.stub.calls).toHaveLength(1);
    expect(reply.settled).toBe(false);
    expect(await network.step()).toBe(true);
    expect(reply.value).toEqual({ kind: "Count", count: 9 });
    expect(await network.step()).toBe(false);
  });

  it("delivers nothing on its own in virtual time without autoRun, and everything with it", async () => {
    const manual = world();
    const a = await manual.node();
    const reply = watch(a.transport.sendRequest(a.address, numbered(1)));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(reply.settled).toBe(false);
    const auto = world({ time: { mode: "virtual", autoRun: true }, latency: { fixedMs: 1_000 } });
    const b = await auto.node();
    const start = auto.network.clock.nowMillis();
    expect(await b.transport.sendRequest(b.address, numbered(2))).toEqual({ kind: "Count", count: 2 });
    expect(auto.network.clock.nowMillis() - start).toBe(2_000);
  });

  it("refuses virtual-time calls in realtime mode, with a typed error", async () => {
    const network = new SimNetwork({ time: { mode: "realtime" } });
    const error = await network.run().catch((e: unknown) => e);
    expect(isEideticaError(error) && error.code).toBe("INVALID_STATE");
    await expect(network.advance(1)).rejects.toThrow(/virtual time/);
  });
});

describe("network timers", () => {
  it("run on virtual time in order with messages, can be cleared, and count as active handles", async () => {
    const clock = manualClock(0);
    const network = new SimNetwork({ time: { mode: "virtual", clock } });
    const fired: [string, number][] = [];
    network.timers.set(() => fired.push(["b", clock.nowMillis()]), 2_000);
    network.timers.set(() => fired.push(["a", clock.nowMillis()]), 1_000);
    const cleared = network.timers.set(() => fired.push(["never", clock.nowMillis()]), 1_500);
    network.timers.clear(cleared);
    expect(network.activeHandles()).toBe(2);
    await network.run();
    expect(fired).toEqual([["a", 1_000], ["b", 2_000]]);
    expect(network.timers.now()).toBe(2_000);
    expect(network.activeHandles()).toBe(0);
  });

  it("in realtime mode count on a monotonic clock, not on the clock that stamps events", async () => {
    const stamps = manualClock(5_000_000);
    const network = new SimNetwork({ time: { mode: "realtime", clock: stamps } });
    const before = network.timers.now();
    stamps.set(0); // the wall clock jumps back
    await new Promise<void>((resolve) => network.timers.set(resolve, 5));
    expect(network.timers.now()).toBeGreaterThanOrEqual(before + 4);
    expect(network.timers.now()).toBeLessThan(1_000_000);
    await network.close();
  });

  it("with autoRun, a timer set from outside starts the network by itself", async () => {
    const clock = manualClock(0);
    const network = new SimNetwork({ time: { mode: "virtual", clock, autoRun: true } });
    const at = await new Promise<number>((resolve) => network.timers.set(() => resolve(clock.nowMillis()), 60_000));
    expect(at).toBe(60_000);
  });
});
