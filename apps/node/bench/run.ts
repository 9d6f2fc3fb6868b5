/**
 * `pnpm bench` for @eidetica/node (issue 12): real `eidetica serve` processes on SQLite files,
 * HTTP on loopback, written to bench-results/node.json.
 *
 * - replicate_10000_writes_s: node A holds a database of 10,000 small writes (about 60 bytes
 *   each, each its own commit to the DocStore `data`, written into A's node.db by this process
 *   before A serves). A fresh node B (its own data directory, `serve --no-iroh`) joins with A's
 *   share ticket (A runs with `--approval auto`, so the request is granted at once). Timed from
 *   the admin `join` call on B until it returns, which it does once the database is complete
 *   and verified on B; then `get` of the last key and `status` confirm all 10,000 are there.
 *   Median of BENCH_RUNS runs (default 5), a fresh B each run. Goal < 2.0 s (stretch 1.0 s);
 *   automerge-repo replicated the same workload in 1.9-2.2 s.
 * `BENCH_SOURCE_DIR` keeps node A (built there once) for repeated runs; `BENCH_RUNS` sets the runs.
 * - node_b_rss_mb_after_join: node B's resident memory right after its join (median).
 * - local_commit_per_s@10000: single small commits per second (core's `commitRate`, durability
 *   "full": each commit durable when it returns) in this process, on a copy of A's node.db
 *   (10,000 writes in its history). Goal >= 3,000/s. `_normal`: the same with durability "normal".
 * - admin_put_per_s@10000: the same commit (one small value to a small DocStore) through a
 *   running node's admin API `put` (HTTP to the admin server, one at a time, each awaited), on
 *   another copy of A's node.db. admin_put_data_store_per_s@10000: `put` to the DocStore
 *   `data` (the CLI's default), whose state holds the 10,000 keys, on the same node.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type BenchResult } from "@eidetica/bench-kit";
import { Instance, type ID } from "@eidetica/core";
import { commitRate } from "@eidetica/core/workloads";
import { SqliteBackend } from "@eidetica/storage-sqlite";
import { storeFile } from "../src/node.js";
import { assertBuilt, cliJson, ServingNode } from "./processes.js";

const WRITES = 10_000;
const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const PUTS = 200;
const COMMITS = 500;
const SERVE_ARGS = ["--no-iroh"];

const key = (i: number) => `k${String(i).padStart(5, "0")}`;
/** About 60 bytes: the value of write `i`. */
const value = (i: number) => `value ${String(i).padStart(5, "0")} `.padEnd(60, "x");

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const seconds = (start: number) => (performance.now() - start) / 1000;
const log = (line: string) => console.log(line);

/**
 * Creates node A in `dataDir` and writes the 10,000 commits into its store; returns the
 * database. This takes minutes, not seconds: every commit caches the whole state of `data`
 * (up to 10,000 keys) in the file, so the work grows with the square of the writes and the
 * file with them (about 4 GB). The bench's temporary directory is removed at the end.
 */
async function buildSource(dataDir: string): Promise<ID> {
  await cliJson(dataDir, ["init", ...SERVE_ARGS]);
  const backend = SqliteBackend.open(storeFile(dataDir), { durability: "normal" });
  const instance = await Instance.openOrCreate({ backend });
  const db = await instance.createDatabase({ name: "bench" });
  for (let i = 0; i < WRITES; i++) {
    await db.withTransaction(async (txn) => (await txn.docStore("data")).set(key(i), value(i)));
  }
  await instance.close();
  return db.id;
}

/**
 * Node A's data directory in `dataDir`: built by {@link buildSource}, or, when the environment
 * names `BENCH_SOURCE_DIR`, copied from there (and built there first if it holds none), so that
 * repeated runs skip the minutes of building it.
 */
async function source(dataDir: string): Promise<ID> {
  const kept = process.env["BENCH_SOURCE_DIR"];
  if (kept === undefined || kept === "") {
    log(`writing ${WRITES.toLocaleString("en-US")} commits into node A's store…`);
    return buildSource(dataDir);
  }
  const idFile = join(kept, "bench-db-id");
  if (!existsSync(idFile)) {
    log(`writing ${WRITES.toLocaleString("en-US")} commits into ${kept} (kept for later runs)…`);
    rmSync(kept, { recursive: true, force: true });
    const id = await buildSource(kept);
    writeFileSync(idFile, id);
  }
  cpSync(kept, dataDir, { recursive: true });
  return readFileSync(idFile, "utf8") as ID;
}

interface JoinRun {
  readonly seconds: number;
  /** What the join reported itself (inside B, without the admin call around it). */
  readonly joinSeconds: number;
  readonly received: number;
  readonly rss: number | undefined;
  readonly startSeconds: number;
}

/** One replication: a fresh B joins `ticket`; checks that every write is there. */
async function replicateOnce(dataDir: string, db: ID, ticket: string): Promise<JoinRun> {
  await cliJson(dataDir, ["init", ...SERVE_ARGS]);
  let started = performance.now();
  const b = await ServingNode.start(dataDir, SERVE_ARGS);
  const startSeconds = seconds(started);
  try {
    await b.call("status"); // the admin connection is open and the node answers
    started = performance.now();
    const joined = await b.call<{ db: ID; received: number; seconds: number }>("join", { ticket });
    const elapsed = seconds(started);
    const rss = b.rssBytes();
    if (joined.db !== db) throw new Error(`joined ${joined.db}, expected ${db}`);
    const last = await b.call<{ value: string }>("get", { db, key: key(WRITES - 1) });
    if (last.value !== value(WRITES - 1)) throw new Error(`the last write reads ${JSON.stringify(last.value)} on B`);
    const status = await b.call<{ entries: number }>("status", { db });
    if (status.entries < WRITES + 1) throw new Error(`B holds ${status.entries} entries, expected at least ${WRITES + 1}`);
    const first = await b.call<{ value: string }>("get", { db, key: key(0) });
    if (first.value !== value(0)) throw new Error("the first write is missing on B");
    return { seconds: elapsed, joinSeconds: joined.seconds, received: joined.received, rss, startSeconds };
  } finally {
    await b.stop();
  }
}

/** Admin `put`s to `store` per second: median of 5 rounds of {@link PUTS}, after a warm-up round. */
async function adminPutRate(node: ServingNode, db: ID, store: string): Promise<number> {
  const rates: number[] = [];
  for (let round = -1; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < PUTS; i++) await node.call("put", { db, store, key: "counter", value: value(i) });
    if (round >= 0) rates.push(PUTS / seconds(start));
  }
  return median(rates);
}

async function main(): Promise<void> {
  assertBuilt();
  const root = mkdtempSync(join(tmpdir(), "eidetica-node-bench-"));
  const dir = (name: string) => join(root, name);
  const running: ServingNode[] = [];
  try {
    // The figures are wall-clock times on whatever else the machine runs: say how busy it was.
    const load = () => loadavg().map((n) => n.toFixed(2)).join(" ");
    log(`load average at the start: ${load()}`);
    let started = performance.now();
    const db = await source(dir("a"));
    log(`node A ready in ${seconds(started).toFixed(1)} s`);
    cpSync(dir("a"), dir("commit"), { recursive: true });
    cpSync(dir("a"), dir("put"), { recursive: true });

    // 1. Replication.
    const a = await ServingNode.start(dir("a"), [...SERVE_ARGS, "--approval", "auto"]);
    running.push(a);
    const { ticket } = await a.call<{ ticket: string }>("share", { db });
    const runs: JoinRun[] = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await replicateOnce(dir(`b${run}`), db, ticket);
      runs.push(r);
      log(
        `replication ${run + 1}/${RUNS}: ${r.seconds.toFixed(3)} s (join inside B ${r.joinSeconds.toFixed(3)} s, ${r.received} entries), ` +
          `B started in ${r.startSeconds.toFixed(2)} s, B RSS ${r.rss === undefined ? "?" : (r.rss / 1e6).toFixed(0)} MB`,
      );
      rmSync(dir(`b${run}`), { recursive: true, force: true });
    }
    const aRss = a.rssBytes();
    await a.stop();
    running.pop();

    // 2. Commits in this process, on a copy of A's store.
    const commitRates: Record<"full" | "normal", number> = { full: 0, normal: 0 };
    for (const durability of ["full", "normal"] as const) {
      const backend = SqliteBackend.open(storeFile(dir("commit")), { durability });
      const instance = await Instance.open({ backend });
      const opened = await instance.openDatabase(db);
      commitRates[durability] = await commitRate(opened, COMMITS);
      log(`commits in-process, durability ${durability}: ${Math.round(commitRates[durability])}/s`);
      await instance.close();
    }

    // 3. Commits through the admin API of a running node, on another copy.
    const p = await ServingNode.start(dir("put"), SERVE_ARGS);
    running.push(p);
    const putRate = await adminPutRate(p, db, "notes");
    log(`admin puts to a small store: ${Math.round(putRate)}/s`);
    const dataPutRate = await adminPutRate(p, db, "data");
    log(`admin puts to the store "data" (10,000 keys): ${Math.round(dataPutRate)}/s`);
    await p.stop();
    running.pop();

    log(`load average at the end: ${load()}`);
    const rss = runs.flatMap((r) => (r.rss === undefined ? [] : [r.rss]));
    const results: BenchResult[] = [
      {
        name: "replicate_10000_writes_s",
        value: median(runs.map((r) => r.seconds)),
        unit: "s",
        goal: `< 2.0 (stretch 1.0); automerge-repo 1.9-2.2 s; median of ${RUNS}`,
      },
      { name: "replicate_10000_writes_first_s", value: runs[0]?.seconds ?? NaN, unit: "s", goal: "first run (A's caches cold)" },
      { name: "replicate_10000_writes_best_s", value: Math.min(...runs.map((r) => r.seconds)), unit: "s" },
      ...(rss.length === 0 ? [] : [{ name: "node_b_rss_mb_after_join", value: median(rss) / 1e6, unit: "MB", goal: "B's resident memory right after the join" }]),
      ...(aRss === undefined ? [] : [{ name: "node_a_rss_mb_after_joins", value: aRss / 1e6, unit: "MB", goal: `A after serving ${RUNS} joins` }]),
      { name: "local_commit_per_s@10000", value: commitRates.full, unit: "commits/s", goal: '>= 3,000; in-process, durability "full"' },
      { name: "local_commit_per_s@10000_normal", value: commitRates.normal, unit: "commits/s", goal: 'in-process, durability "normal"' },
      { name: "admin_put_per_s@10000", value: putRate, unit: "commits/s", goal: 'admin API put, sequential, the same write as local_commit; "full"' },
      { name: "admin_put_data_store_per_s@10000", value: dataPutRate, unit: "commits/s", goal: 'admin API put to "data" (the CLI default), which holds 10,000 keys' },
    ];
    report(fileURLToPath(new URL("..", import.meta.url)), "node", results);
  } finally {
    for (const node of running) await node.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
