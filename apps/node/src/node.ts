/**
 * One node: its SQLite store, its Instance and its `Sync`, with the transports its
 * configuration enables. The CLI opens one for each command run without a server, and `serve`
 * keeps one open.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Instance, isEideticaError } from "@eidetica/core";
import { SqliteBackend } from "@eidetica/storage-sqlite";
import { Sync, autoApprove, manualApproval, silentLogger, type Logger, type Metrics } from "@eidetica/sync-engine";
import { HttpTransport } from "@eidetica/transport-http";
import { IrohTransport, irohSecretKey } from "@eidetica/transport-iroh";
import type { NodeConfig } from "./config.js";
import { ConfigError, NotInitializedError } from "./errors.js";

/** The SQLite file of a data directory. */
export const storeFile = (dataDir: string): string => join(dataDir, "node.db");
const portsFile = (dataDir: string): string => join(dataDir, "ports.json");

/** What {@link openNode} needs beyond the configuration. */
export interface OpenNodeOptions {
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Create the store if the data directory holds none (only `init` does). */
  readonly create?: boolean;
}

/** An open node. */
export interface EideticaNode {
  readonly config: NodeConfig;
  readonly instance: Instance;
  readonly sync: Sync;
  readonly http: HttpTransport | undefined;
  readonly iroh: IrohTransport | undefined;
  /** Starts the HTTP and iroh servers and the background engine; remembers the ports. */
  serve(): Promise<void>;
  /** Stops the engine and servers (writing what is pending) and closes the store. */
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
 * The HTTP bind address: the configured one, unless it asks for any port (`:0`) and the port a
 * previous run bound is free again, so that the addresses peers stored stay valid.
 */
async function httpBind(dataDir: string, configured: string): Promise<string> {
  if (!configured.endsWith(":0")) return configured;
  let previous: string | undefined;
  try {
    previous = (JSON.parse(readFileSync(portsFile(dataDir), "utf8")) as { http?: unknown }).http as string | undefined;
  } catch {
    return configured; // no earlier run
  }
  if (typeof previous !== "string" || !previous.startsWith(configured.slice(0, -1))) return configured;
  const port = Number(previous.slice(configured.length - 1));
  const free = await new Promise<boolean>((done) => {
    const probe = createServer();
    probe.once("error", () => done(false));
    probe.listen({ host: configured.slice(0, -2).replace(/^\[|\]$/g, ""), port, exclusive: true }, () => probe.close(() => done(true)));
  });
  return free ? previous : configured;
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** Opens the node of `config.dataDir` (see {@link OpenNodeOptions}). */
export async function openNode(config: NodeConfig, options: OpenNodeOptions = {}): Promise<EideticaNode> {
  checkDataDir(config.dataDir, options.create === true);
  let backend: SqliteBackend;
  try {
    backend = SqliteBackend.open(storeFile(config.dataDir), { durability: config.durability });
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
  const http = config.http.enabled ? new HttpTransport({ bind: await httpBind(config.dataDir, config.http.bind), signingKey: instance.deviceKey }) : undefined;
  const iroh = config.iroh.enabled
    ? new IrohTransport({ secretKey: await irohSecretKey(sync.store, instance.deviceKey), relay: config.iroh.relay, bind: config.iroh.bind })
    : undefined;
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
      await sync.start();
      writeAtomically(portsFile(config.dataDir), JSON.stringify({ http: http?.serverAddress()?.address }));
    },
    async close() {
      if (serving) {
        const report = await sync.flush();
        if (!report.ok) logger.warn("pushes still pending at shutdown; they are kept and retried at the next start", { failed: report.failed.length });
      }
      await sync.close();
      await instance.close();
    },
  };
  return node;
}
