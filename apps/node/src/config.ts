/**
 * The node's configuration, from (strongest first) command-line flags, `EIDETICA_*` environment
 * variables, the config file (`<data>/config.json`, or `--config FILE`) and defaults. Every
 * value is validated; a bad one is a {@link ConfigError} that names where it came from.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "./errors.js";

/** Log levels of the node's structured logs. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything a node runs with. */
export interface NodeConfig {
  /** Where the node keeps its files: `node.db` (SQLite), `config.json`, `node.json` while serving. */
  readonly dataDir: string;
  /** The HTTP sync server (`POST /api/v0`). */
  readonly http: { readonly enabled: boolean; readonly bind: string };
  /** The iroh (QUIC) sync server. */
  readonly iroh: { readonly enabled: boolean; readonly bind: readonly string[]; readonly relay: "disabled" | "default" };
  /** The admin server: `/health`, `/metrics` and the API the CLI talks to while the node runs. */
  readonly admin: { readonly bind: string };
  readonly logLevel: LogLevel;
  /** Who gets access when they ask: `manual` (an Admin approves each request) or `auto`. */
  readonly approval: "manual" | "auto";
  /** The name this node gives in handshakes. */
  readonly displayName: string;
  /** SQLite durability: `full` survives power loss, `normal` only a crash. */
  readonly durability: "full" | "normal";
}

/** What a file, the environment or the flags may set: any part of {@link NodeConfig}. */
export interface ConfigLayer {
  readonly http?: { readonly enabled?: unknown; readonly bind?: unknown };
  readonly iroh?: { readonly enabled?: unknown; readonly bind?: unknown; readonly relay?: unknown };
  readonly admin?: { readonly bind?: unknown };
  readonly logLevel?: unknown;
  readonly approval?: unknown;
  readonly displayName?: unknown;
  readonly durability?: unknown;
}

/** The default data directory: `$EIDETICA_DATA`, else `~/.eidetica`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env["EIDETICA_DATA"] ?? join(homedir(), ".eidetica"));
}

const DEFAULTS: Omit<NodeConfig, "dataDir"> = {
  http: { enabled: true, bind: "127.0.0.1:0" },
  iroh: { enabled: true, bind: ["127.0.0.1:0", "[::1]:0"], relay: "disabled" },
  admin: { bind: "127.0.0.1:0" },
  logLevel: "info",
  approval: "manual",
  displayName: "Eidetica Node",
  durability: "full",
};

/** The config file's path in a data directory. */
export const configFile = (dataDir: string): string => join(dataDir, "config.json");

/** Reads a config file; a missing default file is empty, a missing named one an error. */
export function readConfigFile(path: string, required: boolean): ConfigLayer {
  if (!existsSync(path)) {
    if (required) throw new ConfigError(`config file ${path} does not exist`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  return value as ConfigLayer;
}

/** The layer the `EIDETICA_*` environment variables set. */
export function environmentLayer(env: NodeJS.ProcessEnv = process.env): ConfigLayer {
  const flag = (name: string) => (env[name] === undefined ? undefined : env[name] !== "0" && env[name] !== "false");
  const layer = {
    http: { enabled: flag("EIDETICA_HTTP"), bind: env["EIDETICA_HTTP_BIND"] },
    iroh: { enabled: flag("EIDETICA_IROH"), bind: env["EIDETICA_IROH_BIND"]?.split(","), relay: env["EIDETICA_IROH_RELAY"] },
    admin: { bind: env["EIDETICA_ADMIN_BIND"] },
    logLevel: env["EIDETICA_LOG_LEVEL"],
    approval: env["EIDETICA_APPROVAL"],
    displayName: env["EIDETICA_NAME"],
    durability: env["EIDETICA_DURABILITY"],
  };
  return layer;
}

const HOST_PORT = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|localhost):(\d{1,5})$/;

function bind(value: unknown, where: string): string {
  const match = typeof value === "string" ? HOST_PORT.exec(value) : null;
  if (match === null || Number(match[1]) > 65_535) throw new ConfigError(`${where}: expected host:port such as 127.0.0.1:8080, got ${JSON.stringify(value)}`);
  return value as string;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${where}: expected one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== "boolean") throw new ConfigError(`${where}: expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

const KNOWN = new Set(["http", "iroh", "admin", "logLevel", "approval", "displayName", "durability"]);

/**
 * Merges layers (weakest first) over the defaults and validates the result.
 * @throws {ConfigError} naming the layer and field of the first bad value.
 */
export function resolveConfig(dataDir: string, layers: readonly { readonly source: string; readonly layer: ConfigLayer }[]): NodeConfig {
  let http = { ...DEFAULTS.http };
  let iroh: { enabled: boolean; bind: readonly string[]; relay: "disabled" | "default" } = { ...DEFAULTS.iroh };
  let admin = { ...DEFAULTS.admin };
  let { logLevel, approval, displayName, durability } = DEFAULTS;
  for (const { source, layer } of layers) {
    for (const key of Object.keys(layer)) if (!KNOWN.has(key)) throw new ConfigError(`${source}: unknown setting ${JSON.stringify(key)}`);
    const at = (field: string) => `${source}: ${field}`;
    if (layer.http?.enabled !== undefined) http = { ...http, enabled: bool(layer.http.enabled, at("http.enabled")) };
    if (layer.http?.bind !== undefined) http = { ...http, bind: bind(layer.http.bind, at("http.bind")) };
    if (layer.iroh?.enabled !== undefined) iroh = { ...iroh, enabled: bool(layer.iroh.enabled, at("iroh.enabled")) };
    if (layer.iroh?.bind !== undefined) {
      const list = layer.iroh.bind;
      if (!Array.isArray(list) || list.length === 0) throw new ConfigError(`${at("iroh.bind")}: expected a list of host:port, got ${JSON.stringify(list)}`);
      iroh = { ...iroh, bind: list.map((item, i) => bind(item, at(`iroh.bind[${i}]`))) };
    }
    if (layer.iroh?.relay !== undefined) iroh = { ...iroh, relay: oneOf(layer.iroh.relay, ["disabled", "default"], at("iroh.relay")) };
    if (layer.admin?.bind !== undefined) admin = { bind: bind(layer.admin.bind, at("admin.bind")) };
    if (layer.logLevel !== undefined) logLevel = oneOf(layer.logLevel, LOG_LEVELS, at("logLevel"));
    if (layer.approval !== undefined) approval = oneOf(layer.approval, ["manual", "auto"], at("approval"));
    if (layer.durability !== undefined) durability = oneOf(layer.durability, ["full", "normal"], at("durability"));
    if (layer.displayName !== undefined) {
      if (typeof layer.displayName !== "string" || layer.displayName.length === 0 || layer.displayName.length > 128) {
        throw new ConfigError(`${at("displayName")}: expected a name of 1 to 128 characters, got ${JSON.stringify(layer.displayName)}`);
      }
      displayName = layer.displayName;
    }
  }
  if (!http.enabled && !iroh.enabled) throw new ConfigError("configuration: enable at least one of http and iroh");
  return { dataDir, http, iroh, admin, logLevel, approval, displayName, durability };
}

/** Drops the fields a layer leaves unset, so that they do not override weaker layers. */
export function compactLayer(layer: ConfigLayer): ConfigLayer {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const inner = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else out[key] = value;
  }
  return out as ConfigLayer;
}
