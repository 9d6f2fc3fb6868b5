/**
 * Ports of the Rust cluster tests (spec 6.2): concurrent_store_creation_tests.rs,
 * concurrent_writer_determinism_tests.rs, n_peer_convergence_tests.rs,
 * partition_heal_tests.rs and invariant_assertions_tests.rs, on the helpers of
 * support/cluster.ts. Seeded variations take their seed from `testSeed()`.
 */
import { compareByHeightThenId, seededRandom, type ID } from "@eidetica/core";
import { seedHint, testSeed } from "@eidetica/test-kit";
import { describe, expect, it } from "vitest";
import {
  DATA,
  assertAllPresent,
  assertAllSigned,
  assertNoLostEntries,
  assertSameTips,
  cluster,
  converge,
  converged,
  data,
  exchange,
  failure,
  open,
  put,
  sharedDatabase,
  shuffle,
  tipsOf,
} from "./support/cluster.js";
import type { Node } from "./support/world.js";

const SEED = testSeed();

function node(nodes: readonly Node[], i: number): Node {
  const n = nodes[i];
  if (n === undefined) throw new Error(`no node ${i}`);
  return n;
}

describe("concurrent_store_creation_tests.rs", () => {
  it("concurrent_store_creation_after_fork_currently_fails_to_merge: here the merge SUCCEEDS, both first writes to a new store are readable on both peers", async () => {
    const c = await cluster(2, 301);
    const [p0, p1] = [node(c.nodes, 0), node(c.nodes, 1)];
    // (1) Peer 0's database has no `data` store yet.
    const db = await sharedDatabase(c, { seedEntry: false });
    for (const p of c.nodes) expect((await open(p, db)).id).toBe(db);
    expect(await data(p0, db)).toEqual({});
    // (2) Both create the store independently, on a fork.
    const w0 = await put(p0, db, "from0", "zero");
    const w1 = await put(p1, db, "from1", "one");
    expect((await (await open(p0, db)).entry(w0))?.parents).toEqual((await (await open(p1, db)).entry(w1))?.parents);
    // (3) Exchange: Rust panics with NoCommonAncestor reading `data` on peer 0.
    const report = await exchange(p0, p1, db);
    expect(report).toMatchObject({ received: 1, sent: 1 });

    for (const p of c.nodes) expect(await data(p, db), p.name).toEqual({ from0: "zero", from1: "one" });
    expect(await tipsOf(p0, db)).toEqual([w0, w1].sort());
    await assertSameTips(c.nodes, db);
    // A write on top merges the fork.
    const merge = await put(p0, db, "after", true);
    expect((await (await open(p0, db)).entry(merge))?.parents).toEqual([w0, w1].sort());
    await exchange(p1, p0, db);
    expect(await data(p1, db)).toEqual({ from0: "zero", from1: "one", after: true });
  });
});

describe("concurrent_writer_determinism_tests.rs", () => {
  it("test_concurrent_write_resolves_deterministically: x=alpha and x=beta written at once converge to one value, the write last in (height, ID) order (seeded)", async () => {
    const rng = seededRandom(SEED);
    for (let run = 0; run < 4; run++) {
      const c = await cluster(2, 310 + run + (rng.nextU32() % 1000) * 10);
      const db = await sharedDatabase(c);
      const order = shuffle([0, 1], () => rng.nextFloat());
      const values = ["alpha", "beta"];
      const ids: ID[] = [];
      for (const i of order) ids[i] = await put(node(c.nodes, i), db, "x", values[i] as string);
      const hint = ` (run ${run}, write order ${order.join(",")})${seedHint()}`;

      await converge(c.nodes, db);

      const seen = await Promise.all(c.nodes.map(async (p) => (await data(p, db))["x"]));
      expect(seen[0], `peers disagree${hint}`).toBe(seen[1]);
      expect(values, `not one of the two${hint}`).toContain(seen[0]);
      const entries = await Promise.all(ids.map(async (id, i) => (await open(node(c.nodes, i), db)).entry(id)));
      const sorted = entries
        .map((e, i) => ({ height: e?.storeHeight(DATA) ?? -1, id: e?.id ?? "", value: values[i] }))
        .sort(compareByHeightThenId);
      expect(seen[0], `the later write must win${hint}`).toBe(sorted[1]?.value);
    }
  });
});

describe("n_peer_convergence_tests.rs", () => {
  it("test_three_peer_convergence: peers write a, b, c; not converged before, converged after, every peer reads all three", async () => {
    const c = await cluster(3, 321);
    const db = await sharedDatabase(c);
    for (const [i, key] of ["a", "b", "c"].entries()) await put(node(c.nodes, i), db, key, key.toUpperCase());
    expect(await converged(c.nodes, db)).toBe(false);

    const rounds = await converge(c.nodes, db);

    expect(rounds).toBeLessThanOrEqual(2);
    expect(await converged(c.nodes, db)).toBe(true);
    for (const p of c.nodes) expect(await data(p, db), p.name).toEqual({ seed: true, a: "A", b: "B", c: "C" });
    await assertNoLostEntries(c.nodes, db);
  });

  it("test_three_peer_convergence: seeded, four peers interleave twelve writes with random exchanges, then converge with every write everywhere", async () => {
    const rng = seededRandom(SEED ^ 0x5eed);
    const c = await cluster(4, 322);
    const db = await sharedDatabase(c);
    const written: ID[] = [];
    const expected: Record<string, unknown> = { seed: true };
    const steps: string[] = [];
    for (let step = 0; step < 12; step++) {
      const writer = rng.nextU32() % c.nodes.length;
      const key = `k${step}`;
      written.push(await put(node(c.nodes, writer), db, key, step));
      expected[key] = step;
      steps.push(`w${writer}`);
      if (rng.nextU32() % 2 === 0) {
        const a = rng.nextU32() % c.nodes.length;
        const b = (a + 1 + (rng.nextU32() % (c.nodes.length - 1))) % c.nodes.length;
        await exchange(node(c.nodes, a), node(c.nodes, b), db);
        steps.push(`x${a}${b}`);
      }
    }
    const hint = ` (steps ${steps.join(" ")})${seedHint()}`;

    await converge(c.nodes, db);

    await assertSameTips(c.nodes, db, hint);
    await assertNoLostEntries(c.nodes, db, hint);
    await assertAllPresent(c.nodes, written, hint);
    for (const p of c.nodes) expect(await data(p, db), `${p.name}${hint}`).toEqual(expected);
  });
});

describe("partition_heal_tests.rs", () => {
  it("test_partition_then_heal: with peer 2 cut off, peers 0 and 1 converge and 2 diverges; after heal everyone has every write", async () => {
    const c = await cluster(3, 331);
    const db = await sharedDatabase(c);
    const [p0, p1, p2] = [node(c.nodes, 0), node(c.nodes, 1), node(c.nodes, 2)];
    const net = c.world.network;
    for (const p of [p0, p1]) {
      net.partition(p, p2);
      net.partition(p2, p);
    }
    const ids = [await put(p0, db, "a", "A"), await put(p1, db, "b", "B"), await put(p2, db, "c", "C")];

    await exchange(p0, p1, db);
    const cut = await failure(exchange(p0, p2, db));
    expect(cut.code).toBe("TRANSPORT");
    expect((cut as unknown as { failure: string }).failure).toBe("unreachable");
    expect((await failure(exchange(p2, p1, db))).code).toBe("TRANSPORT");

    expect(await converged([p0, p1], db)).toBe(true);
    expect(await converged(c.nodes, db)).toBe(false);
    expect(await p0.instance.backend.hasEntry(ids[2] as ID)).toBe(false);
    expect(await data(p0, db)).toEqual({ seed: true, a: "A", b: "B" });
    expect(await data(p2, db)).toEqual({ seed: true, c: "C" });

    net.heal();
    await converge(c.nodes, db);

    for (const p of c.nodes) expect(await data(p, db), p.name).toEqual({ seed: true, a: "A", b: "B", c: "C" });
    await assertAllPresent(c.nodes, ids);
    await assertNoLostEntries(c.nodes, db);
  });

  it("test_partition_then_heal: a one-way cut still fails the exchange (the answer is lost), and nothing half-applied breaks convergence", async () => {
    const c = await cluster(2, 332);
    const db = await sharedDatabase(c);
    const [p0, p1] = [node(c.nodes, 0), node(c.nodes, 1)];
    await put(p0, db, "a", 1);
    await put(p1, db, "b", 2);
    c.world.network.partition(p1, p0); // p1's answers to p0 are cut
    const error = await failure(exchange(p0, p1, db));
    expect(error.code).toBe("TRANSPORT");
    expect(await data(p0, db)).toEqual({ seed: true, a: 1 });
    c.world.network.heal(p1, p0);
    await converge(c.nodes, db);
    for (const p of c.nodes) expect(await data(p, db)).toEqual({ seed: true, a: 1, b: 2 });
  });
});

describe("invariant_assertions_tests.rs", () => {
  for (const grant of ["global", "direct"] as const) {
    it(`test_convergence_preserves_all_signed_entries: three peers each write a key and converge; no lost entries, every write present, every entry signed and verified (${grant} grants)`, async () => {
      const c = await cluster(3, grant === "global" ? 341 : 342);
      const db = await sharedDatabase(c, { grant });
      const ids: ID[] = [];
      for (const [i, p] of c.nodes.entries()) ids.push(await put(p, db, `key${i}`, `value${i}`));

      await converge(c.nodes, db);

      const all = await assertNoLostEntries(c.nodes, db);
      expect(all).toEqual(expect.arrayContaining(ids));
      await assertAllPresent(c.nodes, ids);
      const checked = await assertAllSigned(c.nodes, db);
      expect(checked).toBe(all.length * c.nodes.length);
      // Each write names the device key of the peer that made it: directly for the creator and
      // for granted keys, under the global grant otherwise.
      for (const [i, id] of ids.entries()) {
        const entry = await (await open(node(c.nodes, 0), db)).entry(id);
        const pubkey = node(c.nodes, i).instance.id;
        const hint = i === 0 || grant === "direct" ? { pubkey } : { pubkey, is_global: true };
        expect(entry?.sig.key).toEqual({ Direct: { hint } });
      }
    });
  }
});
