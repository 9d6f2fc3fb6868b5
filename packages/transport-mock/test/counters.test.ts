/** Counters of everything the network did or injected, and the trace that explains them. */
import { encodeRequest } from "@eidetica/protocol";
import { describe, expect, it } from "vitest";
import { conformanceFixtures, failureOf, hangingRequest, numbered, world } from "./support.js";

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe("counters", () => {
  it("start at zero", () => {
    const { network } = world();
    expect(Object.values(network.counters()).every((n) => n === 0)).toBe(true);
  });

  it("count each injected fault exactly once, matching the trace", async () => {
    const { sendEntries } = conformanceFixtures();
    const limit = bytes(encodeRequest(sendEntries)) - 1;
    expect(bytes(encodeRequest(hangingRequest()))).toBeLessThan(limit);
    const { network, events, node } = world({ manual: true, maxMessageBytes: limit });
    const a = await node();
    const b = await node();

    const lost = failureOf(a.transport.sendRequest(b.address, numbered(1), { timeoutMs: 100 }));
    network.drop(0); // dropped: no answer, so it times out later
    const twice = a.transport.sendRequest(b.address, numbered(2));
    network.duplicate(0); // the handler runs twice; one response comes late
    const third = a.transport.sendRequest(b.address, numbered(3));
    network.reorder([2, 0, 1]); // all three queued messages move
    const unreachable = failureOf(a.transport.sendRequest({ transportType: "sim", address: "sim-gone" }, numbered(4)));
    network.partition(a.transport, b.transport);
    const partitioned = failureOf(a.transport.sendRequest(b.address, numbered(5)));
    network.heal();
    const tooLarge = failureOf(a.transport.sendRequest(b.address, sendEntries));
    const aborter = new AbortController();
    const aborted = failureOf(a.transport.sendRequest(b.address, hangingRequest(), { signal: aborter.signal }));
    await network.deliverAll();
    aborter.abort();
    await network.advance(100);
    const closed = failureOf(a.transport.sendRequest(b.address, hangingRequest()));
    await network.deliverAll();
    await b.transport.stopServer();

    expect(await Promise.all([twice, third])).toEqual([
      { kind: "Count", count: 2 },
      { kind: "Count", count: 3 },
    ]);
    expect(await Promise.all([lost, unreachable, partitioned, tooLarge, aborted, closed])).toEqual([
      "timeout",
      "unreachable",
      "unreachable",
      "too_large",
      "aborted",
      "closed",
    ]);
    const counters = network.counters();
    expect(counters).toEqual({
      sent: 8, // 5 requests put on the wire (not the unreachable, partitioned or too-large ones) + 3 responses
      delivered: 7, // 5 requests (with the copy) + 2 responses
      dropped: 1,
      duplicated: 1,
      reordered: 3,
      partitioned: 1,
      unreachable: 1,
      tooLarge: 1,
      late: 1,
      timedOut: 1,
      aborted: 1,
      closed: 1,
    });
    const traced = (type: string) => events.filter((e) => e.type === type).length;
    const types = ["send", "deliver", "drop", "duplicate", "reorder", "partitioned", "unreachable", "too_large", "late"];
    expect(types.map(traced)).toEqual([8, 7, 1, 1, 3, 1, 1, 1, 1]);
    expect(network.activeHandles()).toBe(2); // the two held handlers still run
  });
});
