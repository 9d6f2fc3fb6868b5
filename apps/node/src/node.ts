/**
 * One node: its SQLite store, its Instance and its `Sync`, with the transports its
 * configuration enables. The CLI opens one for each command run without a server, and `serve`
 * keeps one open.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Instance, isEideticaError } from "@eidetica/core";
import { SqliteBackend } from "@eidetica/storage-sqlite";
import { Sync, autoApprove, manualApproval, silentLogger, type Logger, type Metrics } from "@eidetica/sync-engine";
import { HttpTransport } from "@eidetica/transport-http";
import { IrohTransport, irohSecretKey } from "@eidetica/transport-iroh";
import type { NodeConfig } from "./config.js";
import { catchUp } from "./catch-up.js";
import { ConfigError, NotInitializedError } from "./errors.js";
import { rememberBinds, stickyBinds } from "./ports.js";

/** The SQLite file of a data directory. */
export const storeFile = (dataDir: string): string => join(dataDir, "node.db");
/** How long a shutdown waits for the push queues to drain before it stops anyway (the rest is retried at the next start). */
export const SHUTDOWN_FLUSH_MS = 3_000;

/**
 * The decoded entries a node keeps in memory. SqliteBackend's default (10,000) is below the
 * size of one ordinary database's history, and a walk of a longer history (serving a
 * bootstrap, listing what a join received) through an LRU smaller than it misses every entry:
 * each is read, decoded and re-hashed again. Measured (apps/node bench, 10,000-write
 * database): a join served by a warm node took 3.9-4.4 s instead of 5.0-5.2 s.
 */
const ENTRY_CACHE = { entryCacheSize: 100_000, entryCacheBytes: 64 * 1024 * 1024 } as const;

/** What {@link openNode} needs beyond the configuration. */
export interface OpenNodeOptions {
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Create the store if the data directory holds none (only `init` does). */
  readonly create?: boolean;
  /** The node will serve: choose its ports (kept across restarts). */
  readonly serving?: boolean;
}

/** An open node. */
export interface EideticaNode {
  readonly config: NodeConfig;
  readonly instance: Instance;
  readonly sync: Sync;
  readonly http: HttpTransport | undefined;
  readonly iroh: IrohTransport | undefined;
  /**
   * Starts the HTTP and iroh servers and the background engine, remembers the ports, and
   * catches up with every related peer in the background (a pull and push of each shared
   * database), so that what was written elsewhere while this node was down arrives at once.
   */
  serve(): Promise<void>;
  /**
   * Waits up to {@link SHUTDOWN_FLUSH_MS} for the push queues to drain, stops the engine and
   * servers (writing what is pending) and closes the store.
   */
  close(): Promise<void>;
}

/** Checks that the data directory is a readable directory (creating it if `create`). */
function checkDataDir(dataDir: string, create: boolean): void {
  if (existsSync(dataDir)) {
    let isDir = false;
    try {
      isDir = statSync(dataDir).isDirectory();
    } catch (error) {
      throw new ConfigError(`data directory ${dataDir} cannot be read: ${(error as Error).message}`);
    }
    if (!isDir) throw new ConfigError(`data directory ${dataDir} is not a directory`);
  } else if (create) {
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ConfigError(`cannot create data directory ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (!create && !existsSync(storeFile(dataDir))) {
    throw new NotInitializedError(`no node in ${dataDir}: run \`eidetica init --data ${dataDir}\` first`);
  }
}

/**
 * Opens the node of `config.dataDir` (see {@link OpenNodeOptions}).
 *
 * @example
 * ```ts
 * const config = resolveConfig("/var/lib/eidetica", []);
 * const node = await openNode(config, { logger, metrics, serving: true });
 * await node.serve(); // HTTP and iroh servers, engine, catch-up
 * // … later
 * await node.close();
 * ```
 */
export async function openNode(config: NodeConfig, options: OpenNodeOptions = {}): Promise<EideticaNode> {
  checkDataDir(config.dataDir, options.create === true);
  let backend: SqliteBackend;
  try {
    backend = SqliteBackend.open(storeFile(config.dataDir), { durability: config.durability, ...ENTRY_CACHE });
  } catch (error) {
    if (isEideticaError(error) && error.code === "STORAGE" && /lock|busy/i.test(error.message)) {
      throw new ConfigError(`the store in ${config.dataDir} is in use by another process (is \`eidetica serve\` running with another data directory setting?)`, { cause: error });
    }
    throw error;
  }
  const instance = await Instance.openOrCreate({ backend });
  const logger = options.logger ?? silentLogger;
  const sync = await Sync.create(instance, {
    logger,
    displayName: config.displayName,
    approval: config.approval === "auto" ? autoApprove() : manualApproval,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  const enabled = { ...(config.http.enabled ? { http: config.http.bind } : {}), ...(config.iroh.enabled ? { iroh: config.iroh.bind } : {}) };
  const binds = options.serving === true ? await stickyBinds(config.dataDir, enabled) : enabled;
  const http = binds.http === undefined ? undefined : new HttpTransport({ bind: binds.http, signingKey: instance.deviceKey });
  const iroh = binds.iroh === undefined
    ? undefined
    : new IrohTransport({ secretKey: await irohSecretKey(sync.store, instance.deviceKey), relay: config.iroh.relay, bind: binds.iroh });
  for (const transport of [http, iroh]) if (transport !== undefined) sync.addTransport(transport);

  let serving = false;
  const node: EideticaNode = {
    config,
    instance,
    sync,
    http,
    iroh,
    async serve() {
      const failed = await sync.startServers();
      for (const { transport, error } of failed) logger.error("a sync server did not start", { transport: transport.kind, error: String(error) });
      if (failed.length > 0) throw new ConfigError(`${failed.map((f) => f.transport.kind).join(" and ")} server did not start: ${String(failed[0]?.error)}`);
      serving = true;
      rememberBinds(config.dataDir, binds);
      await sync.start();
      logger.info("catching up with related peers", { syncs: await catchUp(sync) });
    },
    async close() {
      if (serving) {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), SHUTDOWN_FLUSH_MS)));
        const report = await Promise.race([sync.flush(), deadline]);
        clearTimeout(timer);
        if (report === "timeout" || !report.ok) {
          logger.warn("pushes still pending at shutdown; they are kept and retried at the next start", report === "timeout" ? { timeoutMs: SHUTDOWN_FLUSH_MS } : { failed: report.failed.length });
        }
      }
      await sync.close();
      await instance.close();
    },
  };
  return node;
}
