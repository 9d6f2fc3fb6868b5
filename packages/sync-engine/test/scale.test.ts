/**
 * Scale (reliability R2, R8; DESIGN 4.3, 4.4): a 100,000-entry database bootstraps on the
 * default stack in pages that all fit the message limit, every entry verified; afterwards a
 * one-entry change moves as exactly one entry.
 */
import { LIMITS, type ID } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import { syncHandler, type SyncResponse } from "@eidetica/protocol";
import type { SimEvent } from "@eidetica/transport-mock";
import { describe, expect, it } from "vitest";
import { world } from "./support/world.js";

describe("a 100,000-entry database", () => {
  it("bootstraps in pages under 4 MiB, complete and verified, and a 1-entry incremental then sends exactly one entry", async () => {
    const sizes: SimEvent[] = [];
    const w = world(11, { trace: (event) => event.type === "send" && sizes.push(event) });
    const server = await w.node("server", { serve: false });
    const client = await w.node("client");
    // The server answers through its own handler; this wrapper only records what it answers.
    const answers: SyncResponse[] = [];
    await server.transport.startServer(
      syncHandler(async (request, context) => {
        const response = await server.sync.handler.handle(request, context);
        answers.push(response);
        return response;
      }),
    );
    const db = await server.instance.createDatabase({ name: "big" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(client.instance.id, { permission: { level: "Read" }, status: "Active" }));
    await appendSignedChain(db, 100_000);
    await server.sync.enableSync(db.id);
    const total = await server.instance.backend.countEntries(db.id);
    expect(total).toBe(100_002);

    const result = await client.sync.bootstrap(server.sync.createTicket(db.id));
    expect(result.received).toBe(total);
    expect(await client.instance.backend.countEntries(db.id)).toBe(total);
    expect(await client.instance.backend.treeTips(db.id)).toEqual(await db.tips());
    expect(client.instance.peerStats(server.instance.id)).toMatchObject({ stored: total, rejected: 0, quarantined: 0 });
    expect((await result.db.storeState("notes")).getInt("n")).toBe(100_000);

    // Paged: several pages, none above the limits.
    const pages = answers.filter((a) => a.kind === "Bootstrap" || a.kind === "Incremental");
    const entriesIn = (a: SyncResponse) => (a.kind === "Bootstrap" ? a.bootstrap.allEntries.length + 1 : a.kind === "Incremental" ? a.incremental.missingEntries.length : 0);
    expect(pages.length).toBeGreaterThan(10);
    expect(pages.reduce((n, a) => n + entriesIn(a), 0)).toBe(total);
    for (const page of pages) expect(entriesIn(page)).toBeLessThanOrEqual(LIMITS.entriesPerMessage);
    const largest = Math.max(...sizes.filter((e) => e.message.direction === "response").map((e) => e.message.bytes));
    expect(largest).toBeLessThanOrEqual(LIMITS.messageBytes);
    expect(largest, "pages are filled close to the limit").toBeGreaterThan(LIMITS.messageBytes - 64 * 1024);

    // One new entry on the server: the next sync carries exactly that entry in one answer (the
    // client then holds every server tip, so it asks no more), and nothing goes back.
    const id: ID = await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("after", true));
    answers.length = 0;
    const sent = sizes.length;
    const report = await client.sync.syncWithPeer(server.address, db.id);
    expect(report).toMatchObject({ received: 1, sent: 0 });
    const incremental = answers.filter((a) => a.kind === "Incremental");
    expect(incremental.map((a) => (a.kind === "Incremental" ? a.incremental.missingEntries.map((e) => e.id) : []))).toEqual([[id]]);
    expect(sizes.slice(sent).every((e) => e.message.bytes < 8 * 1024), "small messages only").toBe(true);
    expect((await result.db.docStore("notes")).getBool("after")).toBe(true);
  }, 240_000);
});
