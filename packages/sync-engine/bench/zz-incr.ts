import { Instance, manualClock, seededRandom } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { Sync, silentLogger } from "../src/index.js";
const clock = manualClock();
const network = new SimNetwork({ time: { mode: "virtual", clock, autoRun: true } });
async function peer(name: string, seed: number) {
  const instance = await Instance.create({ clock, random: seededRandom(seed) });
  const transport = new MockTransport(network, { name, peerKey: instance.id });
  const sync = await Sync.create(instance, { transports: [transport], logger: silentLogger });
  await sync.startServers();
  return { instance, sync, transport };
}
const server = await peer("server", 1);
const db = await server.instance.createDatabase({ name: "bench" });
await appendSignedChain(db, 10_000);
await server.sync.enableSync(db.id);
await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
const client = await peer("client", 2);
await client.sync.bootstrap(server.sync.createTicket(db.id));
const session = new Session(); session.connect(); await session.post("Profiler.enable"); await session.post("Profiler.start");
const times: number[] = [];
for (let round = 0; round < 500; round++) {
  const start = performance.now();
  await db.withTransaction(async (txn) => (await txn.docStore("notes")).set("round", round));
  await client.sync.syncWithPeer(server.transport.address, db.id);
  times.push(performance.now() - start);
}
const { profile } = await session.post("Profiler.stop");
writeFileSync("/tmp/prof/incr.cpuprofile", JSON.stringify(profile));
times.sort((a, b) => a - b);
console.log("p50", times[250], "p99", times[495]);
