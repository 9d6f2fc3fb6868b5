/**
 * Benchmarks of the database layer:
 * - commit_per_s@10 and commit_per_s@100000: one small DocStore write per commit on a database
 *   whose history already holds 10 and 100,000 entries (cost must stay flat with history);
 * - ingest_entries_per_s: pre-built signed wire entries from a peer into the in-memory
 *   backend, including decode and full verification (goal: at least 0.8 x the verify pipeline);
 * - read_state_ms@100000: reading a DocStore's state at the tip of a 100,000-entry history, warm.
 */
import type { BenchResult } from "@eidetica/bench-kit";
import {
  Instance,
  assertEntrySignature,
  decodeWireEntry,
  parseWireEntry,
  entryToWire,
  manualClock,
  seededRandom,
  type Database,
} from "../src/index.js";

async function databaseWithHistory(entries: number, seed: number): Promise<{ instance: Instance; db: Database }> {
  const instance = await Instance.create({ random: seededRandom(seed), clock: manualClock() });
  const db = await instance.createDatabase({ name: "bench" });
  for (let i = 1; i < entries; i++) {
    await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`k${i % 100}`, i));
  }
  return { instance, db };
}

async function commitRate(db: Database, commits: number): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < commits; i++) {
      await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("counter", i));
    }
    rates.push(commits / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  return rates[2] as number;
}

/**
 * The signed wire entries of a 20,000-commit history with the verify pipeline's entry shape:
 * one parent, one store write of about 200 bytes of Doc JSON. The instance that wrote them is
 * dropped before measuring, as the pipeline's builder is.
 */
async function ingestWorkload(): Promise<{ dbId: string; wire: string[] }> {
  const source = await databaseWithHistory(1, 3);
  for (let i = 1; i < 20_000; i++) {
    await source.db.withTransaction(async (txn) => {
      const notes = await txn.docStore("notes");
      notes.set("title", `entry number ${i} of the benchmark`);
      notes.set("body", "lorem ipsum ".repeat(8));
      notes.set("n", i);
    });
  }
  return { dbId: source.db.id, wire: (await source.db.entries()).map((entry) => JSON.stringify(entryToWire(entry))) };
}

/**
 * Ingest of 20,000 pre-built signed wire entries (one peer's pushes in batches of 1,000) into
 * fresh instances, decode and full verification included. Same entry shape as the verify
 * pipeline's, and measured in a small heap as it is, so that the two figures compare.
 */
/**
 * Ingest rate, and its ratio to the verify pipeline on the very same entries: each round times
 * the pipeline (parse, validate, ID, signature) over the wire texts, then an ingest of the same
 * texts into a fresh instance, so that both see the same machine state; the median of the
 * per-round ratios is reported (after one untimed warm-up round).
 */
async function ingestRate(): Promise<{ rate: number; ratio: number }> {
  const { dbId, wire } = await ingestWorkload();
  const rates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 6; round++) {
    let start = process.hrtime.bigint();
    for (const text of wire) {
      const entry = parseWireEntry(text);
      if (entry.id.length !== 59) throw new Error("bad id");
      assertEntrySignature(entry);
    }
    const pipeline = wire.length / (Number(process.hrtime.bigint() - start) / 1e9);
    const target = await Instance.create({ random: seededRandom(10 + round), clock: manualClock() });
    start = process.hrtime.bigint();
    for (let i = 0; i < wire.length; i += 1_000) {
      const batch = wire.slice(i, i + 1_000).map((text) => decodeWireEntry(JSON.parse(text)));
      const result = await target.ingest(dbId, batch, { from: "bench-peer" });
      if (result.rejected + result.quarantined > 0) throw new Error("bench ingest rejected entries");
    }
    const ingest = wire.length / (Number(process.hrtime.bigint() - start) / 1e9);
    if (round === 0) continue;
    rates.push(ingest);
    ratios.push(ingest / pipeline);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return { rate: median(rates), ratio: median(ratios) };
}

/** The database figures; `onProgress` reports long setup steps. */
export async function databaseBenchmarks(onProgress: (line: string) => void): Promise<BenchResult[]> {
  const ingest = await ingestRate();
  const small = await databaseWithHistory(10, 1);
  const smallRate = await commitRate(small.db, 2_000);

  onProgress("building a 100,000-entry history…");
  const started = Date.now();
  const large = await databaseWithHistory(100_000, 2);
  onProgress(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const largeRate = await commitRate(large.db, 2_000);

  const readTimes: number[] = [];
  await large.db.storeState("notes"); // warm
  for (let i = 0; i < 20; i++) {
    const start = process.hrtime.bigint();
    await large.db.storeState("notes");
    readTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  readTimes.sort((a, b) => a - b);

  return [
    { name: "commit_per_s@10", value: smallRate, unit: "commits/s" },
    { name: "commit_per_s@100000", value: largeRate, unit: "commits/s", goal: ">= 0.5 x commit_per_s@10" },
    { name: "commit_flatness", value: largeRate / smallRate, unit: "ratio", goal: ">= 0.5" },
    { name: "ingest_entries_per_s", value: ingest.rate, unit: "entries/s" },
    { name: "ingest_vs_verify_pipeline", value: ingest.ratio, unit: "ratio", goal: ">= 0.8 (same entries, same rounds)" },
    { name: "read_state_ms@100000", value: readTimes[10] as number, unit: "ms" },
  ];
}
