/**
 * Large committed states are not written to the backend on every commit: a store of thousands
 * of keys would write its whole state (about a megabyte) each time. Small states are written
 * every commit; a large one every LARGE_STATE_EVERY-th; reads stay exact, also from a fresh
 * instance on the same backend (nothing in memory), which folds onto the last state written.
 */
import { describe, expect, it } from "vitest";
import { Instance, MemoryBackend } from "../../src/index.js";
import { LARGE_STATE_CHARS, LARGE_STATE_EVERY } from "../../src/database/state.js";

class CountingBackend extends MemoryBackend {
  stateWrites: { key: string; chars: number }[] = [];
  override async putCachedState(key: string, state: string): Promise<void> {
    this.stateWrites.push({ key, chars: state.length });
    return super.putCachedState(key, state);
  }
}

const notesWrites = (backend: CountingBackend) => backend.stateWrites.filter((w) => w.key.includes("/notes/"));

describe("committed store states", () => {
  it("a small state is written at every commit", async () => {
    const backend = new CountingBackend();
    const db = await (await Instance.create({ backend })).createDatabase({ name: "small" });
    for (let i = 0; i < 10; i++) await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`k${i}`, i));
    expect(notesWrites(backend)).toHaveLength(10);
  });

  it(`a state above ${LARGE_STATE_CHARS} characters is written once every ${LARGE_STATE_EVERY} commits, and reads stay exact`, async () => {
    const backend = new CountingBackend();
    const instance = await Instance.create({ backend });
    const db = await instance.createDatabase({ name: "large" });
    const value = "v".repeat(100);
    // Past the threshold after about LARGE_STATE_CHARS / 110 keys.
    const keys = Math.ceil(LARGE_STATE_CHARS / 100) + 2 * LARGE_STATE_EVERY;
    for (let i = 0; i < keys; i++) await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`k${i}`, `${value}${i}`));
    const writes = notesWrites(backend);
    const small = writes.filter((w) => w.chars <= LARGE_STATE_CHARS).length;
    const large = writes.filter((w) => w.chars > LARGE_STATE_CHARS).length;
    const largeCommits = keys - small;
    expect(largeCommits).toBeGreaterThanOrEqual(2 * LARGE_STATE_EVERY);
    expect(large).toBe(Math.floor(largeCommits / LARGE_STATE_EVERY));

    const expected = Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, `${value}${i}`]));
    expect((await db.storeState("notes")).toPlain()).toEqual(expected);
    // A fresh instance on the same backend holds nothing in memory: it folds onto the last written state.
    const reopened = await (await Instance.open({ backend })).openDatabase(db.id);
    expect((await reopened.storeState("notes")).toPlain()).toEqual(expected);
  }, 60_000);
});
