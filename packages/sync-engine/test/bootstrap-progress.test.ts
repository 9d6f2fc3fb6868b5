/**
 * A paged bootstrap reports its progress from the first page on: `have` rises with every page
 * and ends at the number of entries received (the first page came in the bootstrap response,
 * the rest in the pull after it, which counts on).
 */
import { write } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import { describe, expect, it } from "vitest";
import { world } from "./support/world.js";

describe("bootstrap progress", () => {
  it("rises page by page to the entries received", async () => {
    const w = world(1, { maxMessageBytes: 128 * 1024 });
    const { instance: alice, sync: server } = await w.node("alice");
    const { instance: bob, sync: client } = await w.node("bob", { serve: false });
    const db = await alice.createDatabase({ name: "paged" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(bob.id, { permission: write(10), status: "Active" }));
    await appendSignedChain(db, 600);
    await server.enableSync(db.id);
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
