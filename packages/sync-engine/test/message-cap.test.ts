/**
 * A transport that carries less than the protocol's 4 MiB (iroh keeps Eidetica v0's 1 MiB):
 * the handler pages its answers under the limit the request's context names, and the client
 * pages its pushes under the transport's own limit, so a database of any size still moves.
 */
import { Instance, seededRandom, write } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import { ForwardingTransport, type SyncHandler, type SyncTransport } from "@eidetica/protocol";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { MockTransport, SimNetwork, type SimEvent } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";

const MiB = 1024 * 1024;

/** Carries at most 1 MiB: tells its handler so, and says so to senders. */
class OneMiB extends ForwardingTransport {
  override get maxMessageBytes(): number {
    return MiB;
  }

  override startServer(handler: SyncHandler): Promise<void> {
    return super.startServer({ ...handler, handle: (request, context) => handler.handle(request, { ...context, maxMessageBytes: MiB }) });
  }
}

async function node(network: SimNetwork, name: string, seed: number, wrap: (t: MockTransport) => SyncTransport) {
  // Real time: verifying pages takes real time, which a virtual clock would skip past request timeouts.
  const instance = await Instance.create({ random: seededRandom(seed) });
  const sync = await Sync.create(instance, { transports: [wrap(new MockTransport(network, { name, peerKey: instance.id }))], logger: silentLogger, timers: network.timers });
  await sync.startServers();
  return { instance, sync, address: sync.serverAddresses()[0]! };
}

describe("a transport carrying at most 1 MiB", () => {
  it("a 2.5 MB bootstrap and a 1.5 MB push each move in messages under 1 MiB", async () => {
    const trace: SimEvent[] = [];
    const network = new SimNetwork({ seed: 3, time: { mode: "realtime" }, trace: (e) => trace.push(e) });
    const server = await node(network, "server", 1, (t) => new OneMiB(t));
    const client = await node(network, "client", 2, (t) => new OneMiB(t));
    const db = await server.instance.createDatabase({ name: "big" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: write(10), status: "Active" }));
    await appendSignedChain(db, 5_000);
    await server.sync.enableSync(db.id);
    const boot = await client.sync.bootstrap(server.sync.createTicket(db.id));
    expect(boot.received).toBe(await server.instance.backend.countEntries(db.id));
    await appendSignedChain(boot.db, 3_000);
    const report = await client.sync.syncWithPeer(server.address, db.id);
    expect(report.sent).toBe(3_000);
    const sends = trace.filter((e) => e.type === "send");
    const bootstrapBytes = sends.filter((e) => e.message.direction === "response").reduce((n, e) => n + e.message.bytes, 0);
    const pushBytes = sends.filter((e) => e.message.kind === "SendEntries").reduce((n, e) => n + e.message.bytes, 0);
    expect(bootstrapBytes, "the bootstrap carried more than 1 MiB in all").toBeGreaterThan(2 * MiB);
    expect(pushBytes, "the push carried more than 1 MiB in all").toBeGreaterThan(1.2 * MiB);
    expect(Math.max(...sends.map((e) => e.message.bytes)), "no message above 1 MiB").toBeLessThanOrEqual(MiB);
    expect(sends.filter((e) => e.message.kind === "SendEntries").length).toBeGreaterThan(1);
  });

  it("the same transport without a limit sends pages up to 4 MiB (the limit is what made the difference)", async () => {
    const trace: SimEvent[] = [];
    const network = new SimNetwork({ seed: 4, time: { mode: "realtime" }, trace: (e) => trace.push(e) });
    const server = await node(network, "server", 1, (t) => t);
    const client = await node(network, "client", 2, (t) => t);
    const db = await server.instance.createDatabase({ name: "big" });
    await appendSignedChain(db, 5_000);
    await server.sync.enableSync(db.id);
    await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
    await client.sync.bootstrap(server.sync.createTicket(db.id));
    expect(Math.max(...trace.filter((e) => e.type === "send").map((e) => e.message.bytes))).toBeGreaterThan(MiB);
  });
});
