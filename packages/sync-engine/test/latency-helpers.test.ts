/** The testing helpers that watch entries arrive: whenStored and commitToVisible. */
import { commitToVisible, whenStored } from "@eidetica/sync-engine/testing";
import { describe, expect, it } from "vitest";
import { commit, engineWorld, shared } from "./support/engine-world.js";

describe("whenStored and commitToVisible", () => {
  it("whenStored resolves for an entry held already and for one that arrives later", async () => {
    const w = engineWorld(31);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b]);
    const before = await commit(a, db.id, "k", 1);
    await whenStored(a.instance, before);
    await a.sync.start();
    const later = await commit(a, db.id, "k", 2);
    await whenStored(b.instance, later);
    expect(await b.backend.hasEntry(later)).toBe(true);
    await a.sync.stop();
  });

  it("commitToVisible measures each commit until the peer holds it, sorted, warm-up left out", async () => {
    const w = engineWorld(32);
    const [a, b] = [await w.node("a"), await w.node("b")];
    const db = await shared(a, [b]);
    await a.sync.start();
    const handle = await a.instance.openDatabase(db.id);
    const times = await commitToVisible(handle, b.instance, 20, 5);
    expect(times).toHaveLength(20);
    expect(times.every((t, i) => t >= 0 && (i === 0 || t >= (times[i - 1] as number)))).toBe(true);
    expect(await b.backend.countEntries(db.id)).toBe(await a.backend.countEntries(db.id));
    await a.sync.stop();
  });
});
