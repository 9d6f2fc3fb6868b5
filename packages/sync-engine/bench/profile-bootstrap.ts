// Scratch profile (not committed).
import { Instance, manualClock, seededRandom } from "@eidetica/core";
import { MockTransport, SimNetwork } from "@eidetica/transport-mock";
import { Sync, silentLogger } from "../src/index.js";

const N = Number(process.argv[2] ?? 20_000);
const clock = manualClock();
const net = new SimNetwork({ time: { mode: "virtual", clock, autoRun: true } });
async function node(name: string, seed: number) {
  const instance = await Instance.create({ clock, random: seededRandom(seed) });
  const sync = await Sync.create(instance, { transports: [new MockTransport(net, { name, peerKey: instance.id })], clock, logger: silentLogger });
  await sync.startServers();
  return { instance, sync };
}
const server = await node("server", 1);
const client = await node("client", 2);
const db = await server.instance.createDatabase({ name: "big" });
for (let i = 1; i < N; i++) await db.withTransaction(async (txn) => { const n = await txn.docStore("notes"); n.set("title", `entry number ${i} of the benchmark`); n.set("body", "lorem ipsum ".repeat(8)); n.set("n", i); });
await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
await server.sync.enableSync(db.id);
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const t = performance.now();
const result = await client.sync.bootstrap(server.sync.createTicket(db.id));
const ms = performance.now() - t;
const { profile } = await session.post("Profiler.stop");
writeFileSync("/tmp/prof/bootstrap.cpuprofile", JSON.stringify(profile));
console.log(`bootstrap ${result.received} in ${ms.toFixed(0)} ms: ${(result.received / (ms / 1000)).toFixed(0)} entries/s`, server.sync.handler.stats());
