/**
 * Benchmarks of sync over HTTP on loopback (`pnpm bench`): both peers in this process, real
 * fastify servers and undici clients, every request signed and every entry verified.
 *
 * - bootstrap_http_entries_per_s@100000: a fresh peer bootstraps a 100,000-entry database
 *   (pipeline-shaped entries) from another, paged under 4 MiB, every entry verified before it
 *   is stored; compared with core's verify pipeline measured in the same run (goal ≥ 0.6 ×).
 * - push_latency_http_p50_ms / _p99_ms: a commit on A until the entry is stored and visible on
 *   B, pushed by A's engine (push on commit), 1,000 commits one after another.
 */
import { measureRate, type BenchResult } from "@eidetica/bench-kit";
import { Instance, SigningKey, seededRandom } from "@eidetica/core";
import { appendSignedChain, pipelineTexts, verifyPipeline } from "@eidetica/core/workloads";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { commitToVisible } from "@eidetica/sync-engine/testing";
import { HttpTransport } from "../src/index.js";

const ENTRIES = 100_000;
const COMMITS = 1_000;

async function peer(seed: number) {
  const instance = await Instance.create({ random: seededRandom(seed) });
  const transport = new HttpTransport({ bind: "127.0.0.1:0", signingKey: instance.deviceKey });
  const sync = await Sync.create(instance, { transports: [transport], logger: silentLogger });
  await sync.startServers();
  const address = sync.serverAddresses()[0];
  if (address === undefined) throw new Error("not serving");
  return { instance, sync, address };
}

function pipelineRate(): number {
  const texts = pipelineTexts(10_000, SigningKey.fromSeed(new Uint8Array(32).fill(3)));
  return measureRate(texts.length, () => verifyPipeline(texts));
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

async function bootstrapRate(log: (line: string) => void): Promise<number> {
  const server = await peer(1);
  const db = await server.instance.createDatabase({ name: "bench" });
  log(`building a ${ENTRIES.toLocaleString("en-US")}-entry database…`);
  await appendSignedChain(db, ENTRIES - 1);
  await server.sync.enableSync(db.id);
  await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
  const total = await server.instance.backend.countEntries(db.id);
  const client = await peer(2);
  const start = performance.now();
  const result = await client.sync.bootstrap(server.sync.createTicket(db.id));
  const seconds = (performance.now() - start) / 1000;
  if (result.received !== total) throw new Error(`bootstrap received ${result.received} of ${total}`);
  log(`bootstrap over HTTP: ${total.toLocaleString("en-US")} entries in ${seconds.toFixed(1)} s`);
  await client.sync.close();
  await server.sync.close();
  return total / seconds;
}

async function pushLatency(log: (line: string) => void): Promise<number[]> {
  const a = await peer(3);
  const b = await peer(4);
  const db = await a.instance.createDatabase({ name: "latency" });
  await a.sync.enableSync(db.id, { syncOnCommit: true, intervalSeconds: null });
  await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
  await b.sync.bootstrap(a.sync.createTicket(db.id), { settings: { syncOnCommit: true, intervalSeconds: null } });
  await a.sync.addPeer(b.instance.id, { addresses: [b.address], databases: [db.id] });
  await a.sync.start();
  const times = await commitToVisible(db, b.instance, COMMITS);
  if (!(await a.sync.flush()).ok) throw new Error("the engine did not drain");
  log(`push latency over HTTP: ${COMMITS.toLocaleString("en-US")} commits pushed A -> B`);
  await a.sync.close();
  await b.sync.close();
  return times;
}

export async function httpBenchmarks(log: (line: string) => void): Promise<BenchResult[]> {
  const pipeline = pipelineRate();
  log(`verify pipeline: ${Math.round(pipeline).toLocaleString("en-US")} entries/s`);
  const latency = await pushLatency(log);
  const bootstrap = await bootstrapRate(log);
  return [
    { name: "verify_pipeline_entries_per_s", value: pipeline, unit: "entries/s" },
    { name: "bootstrap_http_entries_per_s@100000", value: bootstrap, unit: "entries/s", goal: `>= ${Math.round(0.6 * pipeline)} (0.6 x pipeline)` },
    { name: "bootstrap_http_vs_verify_pipeline", value: bootstrap / pipeline, unit: "ratio", goal: ">= 0.6" },
    { name: "push_latency_http_p50_ms", value: quantile(latency, 0.5), unit: "ms (p50)", goal: "< 5" },
    { name: "push_latency_http_p99_ms", value: quantile(latency, 0.99), unit: "ms (p99)", goal: "< 10" },
  ];
}
