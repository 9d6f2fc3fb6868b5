/** The shared benchmark workloads build what they say, so every package measures the same work. */
import { describe, expect, it } from "vitest";
import { Instance, MemoryBackend, decodeWireEntry, manualClock, seededRandom } from "../src/index.js";
import { commitRate, ingestWireRate, pipelineShapedWire, smallWriteHistory } from "../src/workloads/index.js";

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
