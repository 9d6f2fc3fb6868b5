/**
 * A paged bootstrap reports its progress from the first page on: `have` rises with every page
 * and ends at the number of entries received (the first page came in the bootstrap response,
 * the rest in the pull after it, which counts on).
 */
import { Instance, write } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";

describe("bootstrap progress", () => {
  it("rises page by page to the entries received", async () => {
    const network = new SimNetwork({ time: { mode: "virtual", autoRun: true }, maxMessageBytes: 128 * 1024 });
    const alice = await Instance.create();
    const bob = await Instance.create();
    const server = await Sync.create(alice, { transports: [new MockTransport(network, { name: "alice", peerKey: alice.id })], logger: silentLogger });
    await server.startServers();
    const db = await alice.createDatabase({ name: "paged" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(bob.id, { permission: write(10), status: "Active" }));
    await appendSignedChain(db, 600);
    await server.enableSync(db.id);
    const client = await Sync.create(bob, { transports: [new MockTransport(network, { name: "bob", peerKey: bob.id })], logger: silentLogger });
    const have: number[] = [];
    client.events.on("sync:progress", (event) => event.direction === "pull" && have.push(event.have));

    const result = await client.bootstrap(server.createTicket(db.id));
    expect(have.length, "several pages").toBeGreaterThanOrEqual(3);
    for (let i = 1; i < have.length; i++) expect(have[i], `page ${i} counts on from page ${i - 1}`).toBeGreaterThan(have[i - 1] as number);
    expect(have.at(-1)).toBe(result.received);
    expect(result.received).toBe(await alice.backend.countEntries(db.id));
    await client.close();
    await server.close();
  }, 60_000);
});
