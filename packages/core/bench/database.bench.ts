/**
 * Benchmarks of the database layer (workloads from `src/workloads`, shared with other packages):
 * - commit_per_s@10 and commit_per_s@100000: one small DocStore write per commit on a database
 *   whose history already holds 10 and 100,000 entries (cost must stay flat with history);
 * - ingest_entries_per_s: pre-built signed wire entries from a peer into the in-memory
 *   backend, including decode and full verification (goal: at least 0.8 x the verify pipeline);
 * - read_state_ms@100000: reading a DocStore's state at the tip of a 100,000-entry history, warm.
 */
import type { BenchResult } from "@eidetica/bench-kit";
import { Instance, assertEntrySignature, manualClock, parseWireEntry, seededRandom } from "../src/index.js";
import { commitRate, ingestWireRate, pipelineShapedWire, smallWriteHistory } from "../src/workloads/index.js";

/**
 * Ingest rate, and its ratio to the verify pipeline on the very same entries: each round times
 * the pipeline (parse, validate, ID, signature) over the wire texts, then an ingest of the same
 * texts into a fresh instance, so that both see the same machine state; the median of the
 * per-round ratios is reported (after one untimed warm-up round).
 */
async function ingestRate(): Promise<{ rate: number; ratio: number }> {
  const { dbId, wire } = await pipelineShapedWire(19_999, 3);
  const rates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 6; round++) {
    const start = performance.now();
    for (const text of wire) {
      const entry = parseWireEntry(text);
      if (entry.id.length !== 59) throw new Error("bad id");
      assertEntrySignature(entry);
    }
    const pipeline = wire.length / ((performance.now() - start) / 1000);
    const target = await Instance.create({ random: seededRandom(10 + round), clock: manualClock() });
    const ingest = await ingestWireRate(target, dbId, wire);
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
  const small = await smallWriteHistory(10, 1);
  const smallRate = await commitRate(small.db, 2_000);

  onProgress("building a 100,000-entry history…");
  const started = Date.now();
  const large = await smallWriteHistory(100_000, 2);
  onProgress(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const largeRate = await commitRate(large.db, 2_000);

  const readTimes: number[] = [];
  await large.db.storeState("notes"); // warm
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await large.db.storeState("notes");
    readTimes.push(performance.now() - start);
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
