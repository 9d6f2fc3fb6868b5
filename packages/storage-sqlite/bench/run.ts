/**
 * `pnpm bench` for @eidetica/storage-sqlite: written to bench-results/storage-sqlite.json.
 *
 * - sqlite_ingest_entries_per_s: core's ingest_entries_per_s workload (`@eidetica/core/workloads`:
 *   20,000 pre-built signed wire entries shaped like the verify pipeline's, one peer's pushes in
 *   batches of 1,000, decode and full verification included) into a file on disk; memory_ingest_entries_per_s is the same
 *   workload into a MemoryBackend in the same run, and sqlite_vs_memory_ingest their ratio.
 * - sqlite_commit_per_s@100000: one small DocStore write per commit on a file whose database
 *   history holds 100,000 entries, with durability "full" (the default) and "normal".
 * - sqlite_open_ms@100000: a fresh process opens that file (new SqliteBackend, Instance.open,
 *   openDatabase) and reads a store's state. The OS page cache is warm (we cannot drop it).
 *
 * The 100,000-entry history is built in memory, then ingested (verified) into the file in
 * batches of 10,000.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type BenchResult } from "@eidetica/bench-kit";
import {
  Instance,
  manualClock,
  seededRandom,
  type Backend,
  type Entry,
  type ID,
} from "@eidetica/core";
import { commitRate, ingestWireRate, pipelineShapedWire, smallWriteHistory } from "@eidetica/core/workloads";
import { SqliteBackend } from "../src/index.js";

const OPEN_CHILD = "--open-child";

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Child mode: time a cold open of `file` and a read of `store` in database `id`, print ms. */
async function openChild(file: string, id: ID, store: string): Promise<void> {
  const start = process.hrtime.bigint();
  const backend = SqliteBackend.open(file);
  const instance = await Instance.open({ backend });
  const db = await instance.openDatabase(id);
  const state = await db.storeState(store);
  const ms = elapsedMs(start);
  if (state.get("counter") === undefined && state.get("k1") === undefined) throw new Error("the state read back is empty");
  await instance.close();
  console.log(JSON.stringify({ ms }));
}

/** Ingests the wire entries into a fresh instance on `backend` and returns entries per second. */
async function ingestOnce(tree: ID, wire: readonly string[], backend: Backend | undefined, seed: number): Promise<number> {
  const target = await Instance.create({ random: seededRandom(seed), clock: manualClock(), ...(backend === undefined ? {} : { backend }) });
  const rate = await ingestWireRate(target, tree, wire);
  if ((await target.backend.countEntries(tree)) !== wire.length) throw new Error("bench ingest lost entries");
  await target.close();
  return rate;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "eidetica-sqlite-bench-"));
  const log = (line: string) => console.log(line);
  try {
    // 1. Ingest: memory and SQLite rounds interleaved, median of 3 each.
    log("building the 20,000-entry source database…");
    const { dbId, wire } = await pipelineShapedWire(19_999, 3);
    const memoryRates: number[] = [];
    const sqliteRates: number[] = [];
    for (let round = 0; round < 3; round++) {
      memoryRates.push(await ingestOnce(dbId, wire, undefined, 10 + round));
      const file = join(dir, `ingest-${round}.sqlite`);
      sqliteRates.push(await ingestOnce(dbId, wire, SqliteBackend.open(file), 20 + round));
      rmSync(file, { force: true });
      log(`ingest round ${round + 1}: memory ${Math.round(memoryRates[round] as number)}/s, sqlite ${Math.round(sqliteRates[round] as number)}/s`);
    }
    const memoryIngest = median(memoryRates);
    const sqliteIngest = median(sqliteRates);

    // 2. A file whose database holds 100,000 entries.
    log("building a 100,000-entry history in memory…");
    let started = Date.now();
    const big = await smallWriteHistory(100_000, 2);
    const entries: Entry[] = await big.db.entries();
    if (entries.length !== 100_000) throw new Error(`expected 100,000 entries, got ${entries.length}`);
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s; ingesting into a file in batches of 10,000…`);
    const fullFile = join(dir, "history-full.sqlite");
    started = Date.now();
    {
      const backend = SqliteBackend.open(fullFile);
      // The same device key, so that the file's instance may write to the database it created.
      for (const kind of ["secrets", "metadata"] as const) {
        await backend.putInstanceRecord(kind, (await big.instance.backend.getInstanceRecord(kind)) as string);
      }
      const instance = await Instance.open({ backend, clock: manualClock() });
      for (let i = 0; i < entries.length; i += 10_000) {
        const result = await instance.ingest(big.db.id, entries.slice(i, i + 10_000), { from: "memory" });
        if (result.stored.length !== Math.min(10_000, entries.length - i)) throw new Error("history ingest did not store every entry");
      }
      log(`ingested in ${((Date.now() - started) / 1000).toFixed(1)} s (${(statSync(fullFile).size / 1e6).toFixed(1)} MB)`);
      await instance.close();
    }
    await big.instance.close();

    // The first read of the store's state after a bulk ingest folds the whole history (and
    // caches checkpoints); later reads and commits start from cached states.
    let firstReadMs: number;
    {
      const backend = SqliteBackend.open(fullFile);
      const instance = await Instance.open({ backend, clock: manualClock() });
      const db = await instance.openDatabase(big.db.id);
      const start = process.hrtime.bigint();
      await db.storeState("notes");
      firstReadMs = elapsedMs(start);
      await instance.close();
    }
    const normalFile = join(dir, "history-normal.sqlite");
    const openFile = join(dir, "history-open.sqlite");
    copyFileSync(fullFile, normalFile);
    copyFileSync(fullFile, openFile);

    // 3. Commits on the 100,000-entry history.
    const commitRates: Record<"full" | "normal", number> = { full: 0, normal: 0 };
    for (const [durability, file] of [
      ["full", fullFile],
      ["normal", normalFile],
    ] as const) {
      const backend = SqliteBackend.open(file, { durability });
      const instance = await Instance.open({ backend, clock: manualClock() });
      const db = await instance.openDatabase(big.db.id);
      commitRates[durability] = await commitRate(db, 500);
      log(`commits, durability ${durability}: ${Math.round(commitRates[durability])}/s`);
      await instance.close();
    }

    // 4. Cold opens, each in a fresh process (module loading not timed).
    const script = fileURLToPath(import.meta.url);
    const openTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const child = spawnSync(process.execPath, [...process.execArgv, script, OPEN_CHILD, openFile, big.db.id, "notes"], { encoding: "utf8" });
      if (child.status !== 0) throw new Error(`open child failed: ${child.stderr}`);
      openTimes.push((JSON.parse(child.stdout.trim().split("\n").pop() as string) as { ms: number }).ms);
    }
    log(`cold opens (ms): ${openTimes.map((t) => t.toFixed(1)).join(", ")}`);

    const results: BenchResult[] = [
      { name: "sqlite_ingest_entries_per_s", value: sqliteIngest, unit: "entries/s", goal: ">= 0.5 x memory_ingest_entries_per_s" },
      { name: "memory_ingest_entries_per_s", value: memoryIngest, unit: "entries/s" },
      { name: "sqlite_vs_memory_ingest", value: sqliteIngest / memoryIngest, unit: "ratio", goal: ">= 0.5" },
      { name: "sqlite_commit_per_s@100000", value: commitRates.full, unit: "commits/s", goal: 'durability "full" (default)' },
      { name: "sqlite_commit_per_s@100000_normal", value: commitRates.normal, unit: "commits/s", goal: 'durability "normal"' },
      { name: "sqlite_open_ms@100000", value: median(openTimes), unit: "ms", goal: "fresh process; open + Instance.open + openDatabase + storeState" },
      { name: "sqlite_first_read_ms@100000", value: firstReadMs, unit: "ms", goal: "first state read after a bulk ingest (folds the history)" },
    ];
    report(fileURLToPath(new URL("..", import.meta.url)), "storage-sqlite", results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === OPEN_CHILD) {
  const [file, id, store] = process.argv.slice(3) as [string, ID, string];
  await openChild(file, id, store);
} else {
  await main();
}
