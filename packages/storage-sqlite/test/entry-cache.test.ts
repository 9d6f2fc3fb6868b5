/**
 * The decoded-entry cache is bounded by count and by encoded size (`entryCacheBytes`), so a
 * few large entries (a peer store's tables) cannot fill it; entries pushed out are read again
 * from the file, unchanged.
 */
import type { Entry, ID } from "@eidetica/core";
import { describe, expect, it } from "vitest";
import { useTempDir } from "./helpers/files.js";
import { openInstance } from "./helpers/sample.js";

const tmp = useTempDir("entry-cache");

/** A database with `count` commits each carrying `size` characters; its entries, oldest first. */
async function filled(name: string, options: { entryCacheBytes?: number; entryCacheSize?: number }, count: number, size: number) {
  const { backend, instance } = await openInstance(tmp.file(`${name}.db`), 1, options);
  const db = await instance.createDatabase({ name });
  const ids: ID[] = [];
  for (let i = 0; i < count; i++) ids.push(await db.withTransaction(async (txn) => (await txn.docStore("blob")).set("v", `${i}:${"x".repeat(size)}`)));
  const entries = (await backend.getEntries(ids)).filter((e): e is Entry => e !== undefined);
  return { backend, instance, ids, entries };
}

describe("SqliteBackend entry cache", () => {
  it("keeps at most entryCacheBytes of entries: limit - 1 and limit fit, limit + 1 drops the oldest", async () => {
    const probe = await filled("probe", {}, 2, 2_000);
    const [a, b] = probe.entries.map((e) => e.encodedLength) as [number, number];
    await probe.instance.close();
    // The cache also holds the root and settings entries written first; size the limit on the last two.
    for (const [slack, kept] of [
      [1, 2],
      [0, 2],
      [-1, 1],
    ] as const) {
      const { backend, instance, entries } = await filled(`b${slack}`, { entryCacheBytes: a + b + slack }, 2, 2_000);
      expect(entries.map((e) => e.encodedLength)).toEqual([a, b]);
      expect(backend.entryCache.entries).toBe(kept);
      expect(backend.entryCache.bytes).toBeLessThanOrEqual(a + b + slack);
      await instance.close();
    }
  });

  it("keeps the entry added last even when it alone is over the bound", async () => {
    const { backend, instance, entries } = await filled("big", { entryCacheBytes: 100 }, 3, 5_000);
    expect(backend.entryCache.entries).toBe(1);
    expect(backend.entryCache.bytes).toBe(entries.at(-1)?.encodedLength);
    await instance.close();
  });

  it("still holds at most entryCacheSize entries, and reads evicted entries back from the file", async () => {
    const { backend, instance, ids } = await filled("count", { entryCacheSize: 4 }, 20, 10);
    expect(backend.entryCache.entries).toBeLessThanOrEqual(4);
    const first = ids[0] as ID;
    const again = await backend.getEntry(first);
    expect(again?.id).toBe(first);
    await instance.close();
  });

  it("counts nothing once dropped", async () => {
    const { backend, instance } = await filled("drop", {}, 3, 10);
    expect(backend.entryCache.bytes).toBeGreaterThan(0);
    backend.dropEntryCache();
    expect(backend.entryCache).toEqual({ entries: 0, bytes: 0 });
    await instance.close();
  });
});
