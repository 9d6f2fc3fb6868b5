/**
 * A pull asks for its next page while it verifies the one it has. If that request fails
 * meanwhile (the peer died), the failure is the pull's error, never an unhandled rejection:
 * one dying peer must not bring down the process (found by the reference node's crash tests).
 */
import { Instance, write } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import { ForwardingTransport, TransportError, type Address, type SendOptions, type SyncRequest } from "@eidetica/protocol";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import { afterEach, describe, expect, it } from "vitest";

/** Once dying, fails every request after the first page request at once, as a peer that just died would. */
class DyingPeer extends ForwardingTransport {
  dying = false;
  pages = 0;
  override async sendRequest(address: Address, request: SyncRequest, options?: SendOptions) {
    if (this.dying && request.kind === "SyncTree") this.pages++;
    if (this.dying && (this.pages > 1 || (this.pages === 1 && request.kind !== "SyncTree"))) throw new TransportError("the peer went away", "unreachable");
    return super.sendRequest(address, request, options);
  }
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

describe("a pull whose next page fails while it verifies this one", () => {
  it("fails with the transport's error and leaves no unhandled rejection", async () => {
    process.on("unhandledRejection", onUnhandled);
    const network = new SimNetwork({ time: { mode: "virtual", autoRun: true }, maxMessageBytes: 1024 * 1024 });
    const alice = await Instance.create();
    const bob = await Instance.create();
    const server = await Sync.create(alice, { transports: [new MockTransport(network, { name: "alice", peerKey: alice.id })], logger: silentLogger });
    await server.startServers();
    const db = await alice.createDatabase({ name: "pages" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(bob.id, { permission: write(10), status: "Active" }));
    await server.enableSync(db.id);
    const dying = new DyingPeer(new MockTransport(network, { name: "bob", peerKey: bob.id }));
    const client = await Sync.create(bob, { transports: [dying], logger: silentLogger });
    await client.bootstrap(server.createTicket(db.id));
    await appendSignedChain(db, 2_000);
    const before = await bob.backend.countEntries(db.id);

    dying.dying = true;
    const failure = await client.syncWithPeer(server.serverAddresses()[0] as Address, db.id).catch((error: unknown) => error);
    expect(dying.pages, "the first page came, the next was asked for").toBeGreaterThanOrEqual(1);
    expect(failure).toMatchObject({ code: "TRANSPORT", message: "the peer went away" });
    // Give a stray rejection the turns it needs to be reported.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
    expect(await bob.backend.countEntries(db.id), "the first page was kept").toBeGreaterThan(before);
    await client.close();
    await server.close();
  }, 60_000);
});
