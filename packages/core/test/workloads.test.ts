/** The shared benchmark workloads build what they say, so every package measures the same work. */
import { describe, expect, it } from "vitest";
import { Instance, MemoryBackend, SigningKey, decodeWireEntry, encodeWireEntry, manualClock, seededRandom } from "../src/index.js";
import { appendSignedChain, commitRate, ingestWireRate, pipelineEntry, pipelineShapedWire, pipelineTexts, smallWriteHistory, verifyPipeline } from "../src/workloads/index.js";

describe("benchmark workloads", () => {
  it("smallWriteHistory writes one small value per commit, on the given backend", async () => {
    const backend = new MemoryBackend();
    const { db } = await smallWriteHistory(12, 1, { backend });
    expect(await backend.countEntries(db.id)).toBe(12);
    expect((await db.storeState("notes")).getInt("k11")).toBe(11);
  });

  it("pipelineShapedWire gives one parent and about 200 bytes of store data per entry", async () => {
    const { dbId, wire } = await pipelineShapedWire(5, 2);
    expect(wire).toHaveLength(6);
    const child = decodeWireEntry(JSON.parse(wire[3] as string));
    expect(child.rootId).toBe(dbId);
    expect(child.parents).toHaveLength(1);
    expect(child.storeData("notes")?.length).toBeGreaterThan(150);
    expect(child.storeData("notes")?.length).toBeLessThan(300);
  });

  it("ingestWireRate stores every entry, and commitRate commits (warm-up round included)", async () => {
    const { dbId, wire } = await pipelineShapedWire(5, 3);
    const target = await Instance.create({ random: seededRandom(4), clock: manualClock() });
    expect(await ingestWireRate(target, dbId, wire)).toBeGreaterThan(0);
    expect(await target.backend.countEntries(dbId)).toBe(6);
    const { db } = await smallWriteHistory(1, 5);
    expect(await commitRate(db, 3, 2)).toBeGreaterThan(0);
    expect(await db.instance.backend.countEntries(db.id)).toBe(1 + 3 * 3);
  });
});

describe("appendSignedChain", () => {
  it("appends entries a receiving peer verifies and stores whole, with the state a commit chain would give", async () => {
    const { db } = await smallWriteHistory(3, 4);
    const chain = await appendSignedChain(db, 120);
    expect(chain).toHaveLength(120);
    expect(await db.tips()).toEqual([chain[119]?.id]);
    expect((await db.storeState("notes")).getInt("n")).toBe(120);
    const receiver = await Instance.create({ random: seededRandom(9), clock: manualClock() });
    const all = await db.entries();
    const result = await receiver.ingest(db.id, all, { from: "peer", atomic: true });
    expect(result.rejected).toBe(0);
    expect(result.stored).toHaveLength(all.length);
    const copy = await receiver.openDatabase(db.id);
    expect((await copy.storeState("notes")).toPlain()).toEqual((await db.storeState("notes")).toPlain());
    // The source can keep committing on top of it.
    await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("after", true));
    expect((await db.docStore("notes")).getBool("after")).toBe(true);
  });
});

describe("the verify pipeline workload", () => {
  it("gives entries that verify, of about 200 bytes of store data, and a pass that fails on a forged one", async () => {
    const key = SigningKey.fromSeed(new Uint8Array(32).fill(3));
    const texts = pipelineTexts(20, key);
    expect(() => verifyPipeline(texts)).not.toThrow();
    const entry = pipelineEntry(7, key);
    expect(entry.storeData("notes")?.length).toBeGreaterThan(150);
    expect(encodeWireEntry(entry)).toBe(texts[7]);
    const wire = JSON.parse(texts[3] as string) as { subtrees: { data: number[] }[] };
    const data = (wire.subtrees[0] as { data: number[] }).data;
    data[20] = (data[20] as number) ^ 1;
    const forged = JSON.stringify(wire);
    expect(() => verifyPipeline([forged])).toThrow(expect.objectContaining({ code: "BAD_SIGNATURE" }));
  });
});
