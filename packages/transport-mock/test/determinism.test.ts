/** The same seed replays the same run: delivery order, timings, losses and counters. */
import type { SyncResponse } from "@eidetica/protocol";
import { describe, expect, it } from "vitest";
import { numbered, world } from "./support.js";

/** Four peers, each sending ten requests to the others at once over a lossy, jittery network. */
async function scenario(seed: number) {
  const { network, events, node } = world({ seed, latency: { fixedMs: 10, jitterMs: 40 }, lossRate: 0.1 });
  const peers = await Promise.all([node(), node(), node(), node()]);
  const outcomes: Array<Promise<SyncResponse | string>> = [];
  peers.forEach((from, i) => {
    for (let n = 0; n < 10; n++) {
      const to = peers[(i + 1 + (n % 3)) % 4];
      if (to === undefined) continue;
      const sent = from.transport.sendRequest(to.address, numbered(i * 100 + n), { timeoutMs: 500 });
      outcomes.push(sent.catch((error: { failure?: string }) => error.failure ?? "?"));
    }
  });
  await network.run();
  return {
    trace: events.map((e) => `${e.at} ${e.type} #${e.message.id} ${e.message.from}→${e.message.to}`),
    counters: network.counters(),
    outcomes: await Promise.all(outcomes),
    handled: peers.map((p) => p.stub.calls.length),
    clock: network.clock.nowMillis(),
  };
}

describe("determinism", () => {
  it("replays exactly from the same seed", async () => {
    const first = await scenario(42);
    const second = await scenario(42);
    expect(second).toEqual(first);
    expect(first.counters.dropped).toBeGreaterThan(0);
    expect(first.outcomes).toContain("timeout");
  });

  it("differs with another seed", async () => {
    const first = await scenario(42);
    const other = await scenario(43);
    expect(other.trace).not.toEqual(first.trace);
  });
});
