/**
 * Benchmarks of sync over the mock transport (`pnpm bench`). Both peers run in this process
 * on one SimNetwork (virtual time, no latency); every message is really encoded and decoded.
 *
 * - bootstrap_mock_entries_per_s@100000: a fresh peer bootstraps a 100,000-entry database
 *   (pipeline-shaped entries), paged, every entry verified before it is stored, on the default
 *   stack (Node's crypto: each page's signatures checked together on its thread pool). Also
 *   with every signature checked one at a time on the main thread (one core), for comparison.
 * - incremental_mock_ms@1of100000: one new entry committed on the server, visible on the
 *   client through syncWithPeer (handshake, signed pull, push check), p50 and p99.
 * - verify_pipeline_entries_per_s: core's figure, measured in the same run to compare with.
 */
import { measureRate, type BenchResult } from "@eidetica/bench-kit";
import { Instance, SigningKey, defaultEd25519, manualClock, seededRandom, type Ed25519Provider } from "@eidetica/core";
import { appendSignedChain, pipelineTexts, verifyPipeline } from "@eidetica/core/workloads";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import { Sync, silentLogger } from "../src/index.js";

const ENTRIES = 100_000;

interface Peer {
  readonly instance: Instance;
  readonly sync: Sync;
  readonly transport: MockTransport;
}

async function peer(network: SimNetwork, name: string, seed: number, ed25519?: Ed25519Provider): Promise<Peer> {
  const clock = network.clock as ReturnType<typeof manualClock>;
  const instance = await Instance.create({ clock, random: seededRandom(seed), ...(ed25519 === undefined ? {} : { ed25519 }) });
  const transport = new MockTransport(network, { name, peerKey: instance.id });
  const sync = await Sync.create(instance, { transports: [transport], logger: silentLogger });
  await sync.startServers();
  return { instance, sync, transport };
}

/** The verify pipeline rate, exactly as core's bench measures it. */
function pipelineRate(): number {
  const texts = pipelineTexts(10_000, SigningKey.fromSeed(new Uint8Array(32).fill(3)));
  return measureRate(texts.length, () => verifyPipeline(texts));
}

export async function syncBenchmarks(log: (line: string) => void): Promise<BenchResult[]> {
  // First, on a fresh heap as in core's bench: the figure the bootstrap is compared with.
  const pipeline = pipelineRate();
  log(`verify pipeline: ${Math.round(pipeline).toLocaleString("en-US")} entries/s`);
  const clock = manualClock();
  const network = new SimNetwork({ time: { mode: "virtual", clock, autoRun: true } });
  const server = await peer(network, "server", 1);
  const db = await server.instance.createDatabase({ name: "bench" });
  log(`building a ${ENTRIES.toLocaleString("en-US")}-entry database…`);
  await appendSignedChain(db, ENTRIES - 1);
  await server.sync.enableSync(db.id);
  // A global Read grant: any peer may read, and the receiver's key needs no grant.
  await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
  const total = await server.instance.backend.countEntries(db.id);
  const ticket = server.sync.createTicket(db.id);

  const bootstrapRate = async (label: string, ed25519?: Ed25519Provider): Promise<number> => {
    const client = await peer(network, label, 7, ed25519);
    const start = performance.now();
    const result = await client.sync.bootstrap(ticket);
    const seconds = (performance.now() - start) / 1000;
    if (result.received !== total) throw new Error(`bootstrap received ${result.received} of ${total}`);
    log(`${label}: ${total.toLocaleString("en-US")} entries in ${seconds.toFixed(1)} s`);
    await client.sync.close();
    return total / seconds;
  };
  const standard = await bootstrapRate("bootstrap");
  const base = defaultEd25519();
  const oneCore: Ed25519Provider = { name: "one-core", publicKey: (s) => base.publicKey(s), signer: (s) => base.signer(s), verify: (p, m, s) => base.verify(p, m, s) };
  const single = await bootstrapRate("bootstrap-one-core", oneCore);

  // One new entry, commit to visible on the other peer.
  const client = await peer(network, "incremental", 9);
  const copy = (await client.sync.bootstrap(ticket)).db;
  const times: number[] = [];
  for (let round = 0; round < 200; round++) {
    const start = performance.now();
    const id = await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("round", round));
    const report = await client.sync.syncWithPeer(server.transport.address, db.id);
    if (report.received !== 1 || (await copy.entry(id)) === undefined) throw new Error("the new entry did not arrive");
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return [
    { name: "verify_pipeline_entries_per_s", value: pipeline, unit: "entries/s" },
    { name: "bootstrap_mock_entries_per_s@100000", value: standard, unit: "entries/s", goal: `>= ${Math.round(0.7 * pipeline)} (0.7 x pipeline)` },
    { name: "bootstrap_mock_vs_verify_pipeline", value: standard / pipeline, unit: "ratio", goal: ">= 0.7" },
    { name: "bootstrap_mock_one_core_entries_per_s@100000", value: single, unit: "entries/s" },
    { name: "bootstrap_mock_one_core_vs_verify_pipeline", value: single / pipeline, unit: "ratio" },
    { name: "incremental_mock_ms@1of100000", value: at(0.5), unit: "ms (p50)", goal: "< 5" },
    { name: "incremental_mock_p99_ms@1of100000", value: at(0.99), unit: "ms (p99)" },
  ];
}
