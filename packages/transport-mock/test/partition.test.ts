/** Directed partitions: partition(a, b) blocks a→b only; heal lifts them. */
import { SimNetwork } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import { failureOf, numbered, world } from "./support.js";

describe("directed partitions", () => {
  it("blocks a→b requests as unreachable, at once, without reaching b's handler", async () => {
    const { network, node } = world({ time: { mode: "virtual", autoRun: true } });
    const a = await node();
    const b = await node();
    network.partition(a.transport, b.transport);
    expect(network.isPartitioned(a.transport, b.transport)).toBe(true);
    expect(network.isPartitioned(b.transport, a.transport)).toBe(false);
    expect(await failureOf(a.transport.sendRequest(b.address, numbered(1)))).toBe("unreachable");
    expect(b.stub.calls).toHaveLength(0);
    expect(network.counters().partitioned).toBe(1);
  });

  it("lets b→a requests through but cuts a's response off (closed): the handler did run", async () => {
    const { network, node } = world({ time: { mode: "virtual", autoRun: true } });
    const a = await node();
    const b = await node();
    network.partition(a.address, b.address);
    expect(await failureOf(b.transport.sendRequest(a.address, numbered(1)))).toBe("closed");
    expect(a.stub.calls).toHaveLength(1);
    expect(network.counters()).toMatchObject({ partitioned: 1, delivered: 1, closed: 1 });
  });

  it("stops a message already in flight when the partition appears before it lands", async () => {
    const { network, node } = world({ latency: { fixedMs: 100 } });
    const a = await node();
    const b = await node();
    const failure = failureOf(a.transport.sendRequest(b.address, numbered(1)));
    await network.advance(50);
    network.partition(a.transport.name, b.transport.name);
    await network.run();
    expect(await failure).toBe("unreachable");
    expect(b.stub.calls).toHaveLength(0);
  });

  it("heal(a) lifts every partition from or to a, and only those", () => {
    const network = new SimNetwork();
    network.partition("a", "b");
    network.partition("c", "a");
    network.partition("b", "c");
    network.heal("a");
    expect([network.isPartitioned("a", "b"), network.isPartitioned("c", "a"), network.isPartitioned("b", "c")]).toEqual([false, false, true]);
  });

  it("heal(a, b) lifts one direction; heal() lifts every partition", async () => {
    const { network, node } = world({ time: { mode: "virtual", autoRun: true } });
    const a = await node();
    const b = await node();
    const c = await node();
    network.partition(a.transport, b.transport);
    network.partition(b.transport, a.transport);
    network.partition(a.transport, c.transport);
    network.heal(b.transport, a.transport);
    // b→a is open again, but the response a→b is still blocked.
    expect(await failureOf(b.transport.sendRequest(a.address, numbered(1)))).toBe("closed");
    network.heal(a.transport, b.transport);
    expect(await b.transport.sendRequest(a.address, numbered(2))).toEqual({ kind: "Count", count: 2 });
    expect(await a.transport.sendRequest(b.address, numbered(3))).toEqual({ kind: "Count", count: 3 });
    expect(await failureOf(a.transport.sendRequest(c.address, numbered(4)))).toBe("unreachable");
    network.heal();
    expect(await a.transport.sendRequest(c.address, numbered(5))).toEqual({ kind: "Count", count: 5 });
    expect(network.isPartitioned(SimNetwork.address(a.transport.name), c.transport)).toBe(false);
  });
});
