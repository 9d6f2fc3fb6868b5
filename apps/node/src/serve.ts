/**
 * `eidetica serve`: the long-running node. Opens the store, starts the HTTP and iroh sync
 * servers, the background engine and the admin server (`/health`, `/metrics`, the CLI's API),
 * writes `node.json`, logs as JSON lines on standard error, and on SIGINT or SIGTERM flushes
 * the push queues, writes what is pending and exits 0 (a second signal exits at once, 1).
 */
import { randomBytes } from "node:crypto";
import type { NodeConfig } from "./config.js";
import { startAdminServer } from "./admin-server.js";
import { AlreadyServingError } from "./errors.js";
import { nodeLogger } from "./logger.js";
import { prometheusMetrics } from "./metrics.js";
import { openNode } from "./node.js";
import { readRuntime, removeRuntime, writeRuntime } from "./runtime-file.js";

/** What `serve` reports once it is ready (printed, and returned to tests). */
export interface ServeReady {
  readonly id: string;
  readonly pid: number;
  readonly admin: string;
  readonly addresses: readonly { readonly transportType: string; readonly address: string }[];
}

/**
 * Runs the node until `stop` resolves (by default: SIGINT or SIGTERM). `onReady` is called once
 * everything listens.
 */
export async function serve(config: NodeConfig, onReady: (ready: ServeReady) => void, stop: Promise<string> = signalled()): Promise<void> {
  const running = readRuntime(config.dataDir);
  if (running !== undefined) throw new AlreadyServingError(`a node already serves ${config.dataDir} (pid ${running.pid}, admin ${running.admin})`);
  const { logger, pino } = nodeLogger(config.logLevel);
  // A rejection not handled yet is logged, not fatal. A pull asks for its next page while it
  // verifies the one before; if the peer dies meanwhile, that request fails before the pull
  // awaits it (the pull then fails normally). Without this, one dying peer killed the node.
  const onUnhandled = (reason: unknown) => logger.warn("a promise was rejected before anything handled it", { error: reason instanceof Error ? reason.message : String(reason) });
  process.on("unhandledRejection", onUnhandled);
  const metrics = prometheusMetrics(logger);
  const node = await openNode(config, { logger, metrics, serving: true });
  try {
    await node.serve();
  } catch (error) {
    await node.close();
    throw error;
  }
  const token = randomBytes(32).toString("base64url");
  const admin = await startAdminServer({ node, metrics, token, logger, bind: config.admin.bind });
  writeRuntime(config.dataDir, { pid: process.pid, admin: admin.url, token, id: node.instance.id, startedAt: new Date().toISOString() });

  const { events } = node.sync;
  events.on("peer:connect", (e) => logger.info("peer connected", { peer: e.peer, role: e.role }));
  events.on("peer:disconnect", (e) => logger.warn("peer unreachable", { peer: e.peer }));
  events.on("entry:received", (e) => logger.debug("entries received", { peer: e.peer, database: e.database, count: e.ids.length }));
  events.on("entry:rejected", (e) => logger.warn("entry rejected", { peer: e.peer, database: e.database }));
  events.on("sync:error", (e) => logger.warn("sync failed", { peer: e.peer, database: e.database, code: e.error.code, error: e.error.message }));

  const ready: ServeReady = { id: node.instance.id, pid: process.pid, admin: admin.url, addresses: node.sync.serverAddresses() };
  logger.info("node serving", { id: ready.id, admin: ready.admin, addresses: ready.addresses, dataDir: config.dataDir });
  onReady(ready);

  const reason = await stop;
  logger.info("shutting down: flushing push queues", { reason });
  try {
    await admin.server.close();
    await node.close();
  } finally {
    removeRuntime(config.dataDir);
  }
  logger.info("stopped", { reason });
  process.off("unhandledRejection", onUnhandled);
  pino.flush();
}

/** Resolves with the name of the first SIGINT or SIGTERM; a second one exits the process with 1. */
function signalled(): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals) => {
      if (seen) process.exit(1);
      seen = true;
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}
