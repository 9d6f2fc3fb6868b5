/**
 * Benchmarks of the background engine (`pnpm bench`), over the mock transport with no
 * simulated latency; every message is really encoded and decoded, every entry signed and, on
 * the receiving peer, verified.
 *
 * - push_latency_mock_p50_ms / _p99_ms: a commit on peer A until the entry is stored and
 *   visible on peer B, pushed by A's engine (push on commit), 1,000 commits one after another.
 * - queue_op_us: one pending push added to a peer's queue, taken as due and removed.
 * - heap_mb@100peers: heap growth (after GC) of one engine syncing one database with 100
 *   related peers, on the SQLite store, 100 commits each pushed to all of them. The peers are
 *   stubs that answer the handshake, a pull (they claim to hold what we hold) and each push,
 *   and keep nothing, so the growth is this node's: its queues, cursors and connections, the
 *   peer store's records (peers, relationships, cursors) and the `_sync` entries they took.
 *   heap_mb@0peers is the same run with no peer (the commits' own cost); _memory_backend the
 *   same with every entry and cached state in the heap.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { BenchResult } from "@eidetica/bench-kit";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Instance, MemoryBackend, manualClock, seededRandom, systemClock, type Backend, type ID, type ManualClock } from "@eidetica/core";
import { SqliteBackend } from "@eidetica/storage-sqlite";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import { PeerQueue } from "../src/engine/queue.js";
import { stubPeer } from "../test/support/stub-peer.js";
import { commitToVisible } from "../src/testing/index.js";
import { Sync, silentLogger } from "../src/index.js";

const COMMITS = 1_000;
const PEERS = 100;

/**
 * Node's garbage collector, exposed at run time (the bench runs without `--expose-gc`). It
 * runs after a turn of the event loop, which releases what weak references held for the job.
 */
function collector(): () => Promise<void> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 4; i++) gc();
  };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function world(seed: number): { network: SimNetwork; clock: ManualClock } {
  const clock = manualClock(1_704_067_200_000);
  return { network: new SimNetwork({ seed, time: { mode: "virtual", clock, autoRun: true } }), clock };
}

async function node(network: SimNetwork, clock: ManualClock, name: string, seed: number) {
  const instance = await Instance.create({ clock, random: seededRandom(seed) });
  const transport = new MockTransport(network, { name, peerKey: instance.id });
  const sync = await Sync.create(instance, { transports: [transport], clock, random: seededRandom(seed + 1), timers: network.timers, logger: silentLogger });
  await sync.startServers();
  return { instance, transport, sync };
}

/** Commit on A to visible on B, one commit at a time. */
async function pushLatency(log: (line: string) => void): Promise<number[]> {
  const { network, clock } = world(1);
  const a = await node(network, clock, "a", 10);
  const b = await node(network, clock, "b", 20);
  const db = await a.instance.createDatabase({ name: "latency" });
  await a.sync.enableSync(db.id, { syncOnCommit: true, intervalSeconds: null });
  await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
  await b.sync.bootstrap(a.sync.createTicket(db.id), { settings: { syncOnCommit: true, intervalSeconds: null } });
  await a.sync.addPeer(b.instance.id, { addresses: [b.transport.address], databases: [db.id] });
  await a.sync.start();
  const times = await commitToVisible(db, b.instance, COMMITS);
  const report = await a.sync.flush();
  if (!report.ok) throw new Error("the engine did not drain");
  await a.sync.close();
  await b.sync.close();
  log(`push latency: ${COMMITS.toLocaleString("en-US")} commits pushed A -> B`);
  return times;
}

/** Microseconds for one add + next + remove on a queue that holds a few other jobs. */
function queueOp(): number {
  const queue = new PeerQueue("ed25519:bench" as never);
  const ids = Array.from({ length: 64 }, (_, i) => `sha256:${i.toString(16).padStart(64, "0")}` as ID);
  for (let i = 0; i < 4; i++) queue.add(ids[i] as ID, "sync", 0, Number.MAX_SAFE_INTEGER);
  const ops = 1_000_000;
  const round = () => {
    for (let i = 0; i < ops; i++) {
      const db = ids[4 + (i % 60)] as ID;
      queue.add(db, "push", 0, i);
      const job = queue.next(i);
      if (job === undefined) throw new Error("no job due");
      queue.remove(job.database);
    }
  };
  round();
  const micros: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    round();
    micros.push(Number(process.hrtime.bigint() - start) / 1e3 / ops);
  }
  return micros.sort((x, y) => x - y)[2] as number;
}

/**
 * Heap growth, in MB, of one engine pushing one database to `count` stub peers: 100 commits,
 * each acknowledged by every peer before the next; real timers, so the cursors are written
 * behind as in a running node, and once more at the end. With no peers, the growth is the
 * commits' own (the store's caches), for comparison.
 */
async function heapGrowth(log: (line: string) => void, backend: () => Backend, count: number): Promise<number> {
  const gc = collector();
  const network = new SimNetwork({ seed: 2, time: { mode: "realtime", clock: systemClock } });
  const instance = await Instance.create({ backend: backend(), clock: systemClock, random: seededRandom(30) });
  const transport = new MockTransport(network, { name: "a", peerKey: instance.id });
  const sync = await Sync.create(instance, { transports: [transport], random: seededRandom(31), timers: network.timers, logger: silentLogger });
  const db = await instance.createDatabase({ name: "fleet" });
  await sync.enableSync(db.id, { syncOnCommit: true, intervalSeconds: null });
  let acks = 0;
  let wanted = 0;
  let reached = () => {};
  const onPush = () => {
    if (++acks === wanted) reached();
  };
  const commit = (round: number) => db.withTransaction(async (txn) => (await txn.docStore("notes")).set("round", round));
  for (let round = 0; round < 100; round++) await commit(round);
  // Stubs holding what we hold (so the first sync sends nothing) and keeping only their tips.
  const holds = await db.tips();
  const peers = [];
  for (let i = 0; i < count; i++) peers.push(await stubPeer(network, i, { holds, onPush, remember: false }));
  await gc();
  const before = process.memoryUsage().heapUsed;
  for (const peer of peers) await sync.addPeer(peer.key, { addresses: [peer.address], databases: [db.id] });
  await sync.start();
  if (!(await sync.flush()).ok) throw new Error("the first sync with the peers failed");
  for (let round = 0; round < 100; round++) {
    wanted = acks + count;
    const all = count === 0 ? Promise.resolve() : new Promise<void>((resolve) => (reached = resolve));
    await commit(round);
    await all;
  }
  await sync.persist();
  await gc();
  const after = process.memoryUsage().heapUsed;
  if (acks < count * 100) throw new Error(`${acks} of ${count * 100} pushes acknowledged`);
  log(`heap (${instance.backend.constructor.name}, ${count} peers): ${acks.toLocaleString("en-US")} pushes acknowledged`);
  await sync.close();
  return (after - before) / 1024 / 1024;
}

export async function engineBenchmarks(log: (line: string) => void): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "eidetica-bench-"));
  let files = 0;
  const sqlite = () => SqliteBackend.open(join(dir, `node-${files++}.db`));
  // A first run compiles every path (compiled code is on the heap too); it is not reported.
  await heapGrowth(() => undefined, () => new MemoryBackend(), PEERS);
  const heap = await heapGrowth(log, sqlite, PEERS);
  const heapAlone = await heapGrowth(log, sqlite, 0);
  const heapMemory = await heapGrowth(log, () => new MemoryBackend(), PEERS);
  rmSync(dir, { recursive: true, force: true });
  const latency = await pushLatency(log);
  const queue = queueOp();
  return [
    { name: "push_latency_mock_p50_ms", value: quantile(latency, 0.5), unit: "ms (p50)" },
    { name: "push_latency_mock_p99_ms", value: quantile(latency, 0.99), unit: "ms (p99)", goal: "< 10" },
    { name: "queue_op_us", value: queue, unit: "us", goal: "< 10" },
    { name: "heap_mb@100peers", value: heap, unit: "MB (SQLite store)", goal: "< 10 (stretch 2)" },
    { name: "heap_mb@0peers", value: heapAlone, unit: "MB (the same commits, no peer)" },
    { name: "heap_mb@100peers_memory_backend", value: heapMemory, unit: "MB (all data in heap)" },
  ];
}
