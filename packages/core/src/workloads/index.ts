/**
 * `@eidetica/core/workloads`: the benchmark workloads of @eidetica/core, for other packages
 * (and other backends) to measure against exactly the same work.
 *
 * @example
 * ```ts
 * import { commitRate, smallWriteHistory } from "@eidetica/core/workloads";
 * const { db } = await smallWriteHistory(10, 1, { backend });
 * console.log(await commitRate(db, 1_000));
 * ```
 * @packageDocumentation
 */
import type { Backend } from "../backend/backend.js";
import type { Database } from "../database/database.js";
import { Instance } from "../database/instance.js";
import { entryToWire, decodeWireEntry } from "../entry/wire.js";
import type { ID } from "../id/id.js";
import { manualClock } from "../util/clock.js";
import { seededRandom } from "../util/random.js";

/** Options of the history builders. */
export interface WorkloadOptions {
  /** Where the writing instance keeps its entries. Default: a new MemoryBackend. */
  readonly backend?: Backend;
}

async function newDatabase(seed: number, options: WorkloadOptions): Promise<{ instance: Instance; db: Database }> {
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const instance = await Instance.create({ random: seededRandom(seed), clock: manualClock(), ...backend });
  return { instance, db: await instance.createDatabase({ name: "bench" }) };
}

/**
 * A database of `entries` entries, root included: each commit writes one small value
 * (`k<i % 100>` = i) to the DocStore `notes`.
 */
export async function smallWriteHistory(
  entries: number,
  seed: number,
  options: WorkloadOptions = {},
): Promise<{ instance: Instance; db: Database }> {
  const made = await newDatabase(seed, options);
  for (let i = 1; i < entries; i++) {
    await made.db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`k${i % 100}`, i));
  }
  return made;
}

/**
 * The signed wire texts of a history shaped like the verify pipeline's entries: one parent and
 * one store write of about 200 bytes of Doc JSON each. The instance that wrote them is not
 * kept, so that measuring afterwards does not carry its heap.
 */
export async function pipelineShapedWire(commits: number, seed: number): Promise<{ dbId: ID; wire: string[] }> {
  const { db } = await newDatabase(seed, {});
  for (let i = 1; i <= commits; i++) {
    await db.withTransaction(async (txn) => {
      const notes = await txn.docStore("notes");
      notes.set("title", `entry number ${i} of the benchmark`);
      notes.set("body", "lorem ipsum ".repeat(8));
      notes.set("n", i);
    });
  }
  return { dbId: db.id, wire: (await db.entries()).map((entry) => JSON.stringify(entryToWire(entry))) };
}

/** Commits per second of one small DocStore write: the median of `rounds` timed rounds after one warm-up round. */
export async function commitRate(db: Database, commits: number, rounds = 5): Promise<number> {
  const rates: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < commits; i++) {
      await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("counter", i));
    }
    if (round >= 0) rates.push(commits / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/**
 * Ingests wire texts into `target` as one peer's pushes of 1,000 entries (decode and full
 * verification included) and returns entries per second. Throws if any entry is not stored.
 */
export async function ingestWireRate(target: Instance, dbId: ID, wire: readonly string[]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < wire.length; i += 1_000) {
    const batch = wire.slice(i, i + 1_000).map((text) => decodeWireEntry(JSON.parse(text)));
    const result = await target.ingest(dbId, batch, { from: "bench-peer" });
    if (result.rejected + result.quarantined > 0) throw new Error("bench ingest rejected entries");
  }
  return wire.length / ((performance.now() - start) / 1000);
}
