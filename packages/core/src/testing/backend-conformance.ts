/**
 * The conformance suite every {@link Backend} must pass, run with vitest.
 *
 * @example
 * ```ts
 * import { runBackendConformance } from "@eidetica/core/testing";
 * runBackendConformance("MyBackend", async () => new MyBackend());
 * ```
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Backend } from "../backend/backend.js";
import { isBackend } from "../backend/backend.js";
import type { Entry } from "../entry/entry.js";
import { compareIds, type ID } from "../id/id.js";
import { seededRandom } from "../util/random.js";
import { TestDag } from "./dag-builder.js";

/** Creates a fresh, empty backend for one test. */
export type BackendFactory = () => Backend | Promise<Backend>;

const sorted = (ids: readonly ID[]) => [...ids].sort(compareIds);

/** Registers the backend conformance tests in the current vitest file. */
export function runBackendConformance(name: string, factory: BackendFactory): void {
  describe(`Backend conformance: ${name}`, () => {
    let open: Backend[] = [];
    const fresh = async () => {
      const backend = await factory();
      open.push(backend);
      return backend;
    };
    afterEach(async () => {
      for (const backend of open) await backend.close();
      open = [];
    });

    it("is branded and starts empty", async () => {
      const backend = await fresh();
      expect(isBackend(backend)).toBe(true);
      expect(await backend.allRoots()).toEqual([]);
      expect(await backend.getEntry(new TestDag().root.id)).toBeUndefined();
    });

    it("stores, returns and counts entries; a second put is a no-op", async () => {
      const backend = await fresh();
      const dag = new TestDag();
      const a = dag.child([dag.root.id], [{ name: "notes", data: "{}" }]);
      expect(await backend.putEntries([dag.root, a])).toEqual([dag.root.id, a.id]);
      expect(await backend.putEntries([a, dag.root])).toEqual([]);
      expect((await backend.getEntry(a.id))?.id).toBe(a.id);
      expect((await backend.getEntry(a.id))?.encode()).toEqual(a.encode());
      expect(await backend.hasEntry(a.id)).toBe(true);
      expect((await backend.getEntries([a.id, "bafyr4iaaaa", dag.root.id])).map((e) => e?.id)).toEqual([
        a.id,
        undefined,
        dag.root.id,
      ]);
      expect(await backend.countEntries(dag.root.id)).toBe(2);
      expect(await backend.allRoots()).toEqual([dag.root.id]);
    });

    it("keeps verification statuses", async () => {
      const backend = await fresh();
      const dag = new TestDag();
      await backend.putEntries([dag.root], "unverified");
      expect(await backend.getStatus(dag.root.id)).toBe("unverified");
      await backend.setStatus(dag.root.id, "verified");
      expect(await backend.getStatus(dag.root.id)).toBe("verified");
      await backend.putEntries([dag.root], "failed");
      expect(await backend.getStatus(dag.root.id)).toBe("verified");
    });

    it("computes tree and store tips through forks and merges", async () => {
      const backend = await fresh();
      const dag = new TestDag();
      const a = dag.child([dag.root.id], [{ name: "s", data: "1" }]);
      const b = dag.child([dag.root.id], [{ name: "s", data: "2" }]);
      const c = dag.child([a.id], [{ name: "t", data: "3" }]);
      await backend.putEntries([dag.root, a, b, c]);
      expect(await backend.treeTips(dag.root.id)).toEqual(sorted([b.id, c.id]));
      expect(await backend.storeTips(dag.root.id, "s")).toEqual(sorted([a.id, b.id]));
      expect(await backend.storeTips(dag.root.id, "t")).toEqual([c.id]);
      expect(await backend.storeTips(dag.root.id, "none")).toEqual([]);
      const m = dag.child([b.id, c.id], [{ name: "s", data: "4", parents: [a.id, b.id] }]);
      await backend.putEntries([m]);
      expect(await backend.treeTips(dag.root.id)).toEqual([m.id]);
      expect(await backend.storeTips(dag.root.id, "s")).toEqual([m.id]);
      expect(await backend.storeTips(dag.root.id, "t")).toEqual([c.id]);
    });

    it("keeps tips exact when children arrive before parents (seeded orders)", async () => {
      const random = seededRandom(20_261_125);
      const dag = new TestDag();
      const entries: Entry[] = [dag.root];
      for (let i = 0; i < 40; i++) {
        const p1 = entries[random.nextU32() % entries.length] as Entry;
        const p2 = entries[random.nextU32() % entries.length] as Entry;
        entries.push(dag.child([p1.id, p2.id], [{ name: "s", data: String(i), parents: [p1.id] }]));
      }
      const reference = await fresh();
      await reference.putEntries(entries);
      for (let round = 0; round < 5; round++) {
        const shuffled = [...entries];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = random.nextU32() % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as Entry, shuffled[i] as Entry];
        }
        const backend = await fresh();
        for (const entry of shuffled) await backend.putEntries([entry]);
        expect(await backend.treeTips(dag.root.id)).toEqual(await reference.treeTips(dag.root.id));
        expect(await backend.storeTips(dag.root.id, "s")).toEqual(await reference.storeTips(dag.root.id, "s"));
        // The same order in batches of 1 to 8 entries, where parents and children meet inside a
        // batch as well as across batches (and one entry repeats, a no-op).
        const batched = await fresh();
        for (let i = 0; i < shuffled.length; ) {
          const size = 1 + (random.nextU32() % 8);
          const batch = shuffled.slice(i, i + size);
          await batched.putEntries(i === 0 ? batch : [...batch, shuffled[i - 1] as Entry]);
          i += size;
        }
        expect(await batched.treeTips(dag.root.id)).toEqual(await reference.treeTips(dag.root.id));
        expect(await batched.storeTips(dag.root.id, "s")).toEqual(await reference.storeTips(dag.root.id, "s"));
      }
      expect((await reference.treeTips(dag.root.id)).length).toBeGreaterThan(0);
    });

    it("walks ancestors in (height, ID) order, through main or store parents, minus excluded", async () => {
      const backend = await fresh();
      const dag = new TestDag();
      const a = dag.child([dag.root.id], [{ name: "s", data: "a" }]);
      const b = dag.child([a.id], []);
      const c = dag.child([b.id], [{ name: "s", data: "c", parents: [a.id] }]);
      const d = dag.child([a.id], [{ name: "s", data: "d", parents: [a.id] }]);
      await backend.putEntries([dag.root, a, b, c, d]);
      const ids = (entries: Entry[]) => entries.map((e) => e.id);
      expect(ids(await backend.ancestors(dag.root.id, [c.id]))).toEqual([dag.root.id, a.id, b.id, c.id]);
      expect(ids(await backend.ancestors(dag.root.id, [c.id], { store: "s" }))).toEqual([a.id, c.id]);
      // Heights: root 0, a 1, b 2, d 2, c 3.
      expect(ids(await backend.ancestors(dag.root.id, [c.id, d.id], { exclude: [b.id] }))).toEqual([d.id, c.id]);
      expect(ids(await backend.ancestors(dag.root.id, [c.id, d.id], { store: "s", exclude: [a.id] }))).toEqual([
        d.id,
        c.id,
      ]);
      expect(ids(await backend.ancestors(dag.root.id, [b.id, d.id]))).toEqual([
        dag.root.id,
        a.id,
        ...sorted([b.id, d.id]),
      ]);
      expect(await backend.ancestors(dag.root.id, ["bafyr4iunknown"])).toEqual([]);
    });

    it("separates databases", async () => {
      const backend = await fresh();
      const one = new TestDag("one");
      const two = new TestDag("two");
      const a = one.child([one.root.id]);
      await backend.putEntries([one.root, two.root, a]);
      expect(await backend.allRoots()).toEqual(sorted([one.root.id, two.root.id]));
      expect(await backend.treeTips(one.root.id)).toEqual([a.id]);
      expect(await backend.treeTips(two.root.id)).toEqual([two.root.id]);
      expect(await backend.ancestors(two.root.id, [a.id])).toEqual([]);
    });

    it("caches states and keeps instance records", async () => {
      const backend = await fresh();
      expect(await backend.getCachedState("k")).toBeUndefined();
      await backend.putCachedState("k", '{"children":{}}');
      await backend.putCachedState("k", '{"children":{"a":"Null"}}');
      expect(await backend.getCachedState("k")).toBe('{"children":{"a":"Null"}}');
      expect(await backend.getInstanceRecord("metadata")).toBeUndefined();
      await backend.putInstanceRecord("metadata", '{"id":"x"}');
      await backend.putInstanceRecord("secrets", '{"key":"y"}');
      expect(await backend.getInstanceRecord("metadata")).toBe('{"id":"x"}');
      expect(await backend.getInstanceRecord("secrets")).toBe('{"key":"y"}');
    });
  });
}
