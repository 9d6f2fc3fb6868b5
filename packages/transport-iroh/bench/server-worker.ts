/**
 * The serving peer of the bootstrap benchmark, in its own worker thread (its own event loop,
 * as a separate node would have): builds a database of `entries` pipeline-shaped entries, then
 * serves it over the transport asked for, answering with a ticket, until told to stop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Instance, seededRandom } from "@eidetica/core";
import { appendSignedChain } from "@eidetica/core/workloads";
import type { SyncTransport } from "@eidetica/protocol";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { HttpTransport } from "@eidetica/transport-http";
import { IrohTransport } from "../src/index.js";

type Command = { readonly serve: "http" | "iroh" } | { readonly stop: true };

const port = parentPort;
if (port === null) throw new Error("run as a worker");
const { entries } = workerData as { readonly entries: number };
const instance = await Instance.create({ random: seededRandom(1) });
const db = await instance.createDatabase({ name: "bench" });
await appendSignedChain(db, entries - 1);
await db.withTransaction(async (txn) => (await txn.settings()).setGlobalKey({ permission: { level: "Read" }, status: "Active" }));
const total = await instance.backend.countEntries(db.id);
let serving: Sync | undefined;
port.on("message", (command: Command) => {
  void (async () => {
    await serving?.close();
    serving = undefined;
    if ("stop" in command) {
      port.postMessage({ stopped: true });
      port.close();
      return;
    }
    const transport: SyncTransport =
      command.serve === "http"
        ? new HttpTransport({ bind: "127.0.0.1:0", signingKey: instance.deviceKey })
        : new IrohTransport({ secretKey: instance.deviceKey.seed(), relay: "disabled", bind: ["127.0.0.1:0", "[::1]:0"] });
    serving = await Sync.create(instance, { transports: [transport], logger: silentLogger });
    await serving.startServers();
    await serving.enableSync(db.id);
    port.postMessage({ ticket: serving.createTicket(db.id), total });
  })();
});
port.postMessage({ ready: true });
