#!/usr/bin/env node
/**
 * `eidetica`: the reference node's command line. See `eidetica --help` and the README for the
 * commands, the configuration and the exit codes.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { BootstrapPendingError } from "@eidetica/sync-engine";
import { callNode, NodeOperationError } from "./admin-client.js";
import { compactLayer, configFile, defaultDataDir, environmentLayer, readConfigFile, resolveConfig, type ConfigLayer, type NodeConfig } from "./config.js";
import { EXIT, UsageError, describeError, exitCodeOf } from "./errors.js";
import { formatResult } from "./format.js";
import { initNode } from "./init.js";
import { openNode } from "./node.js";
import { runOperation, type OperationName, type Progress } from "./operations.js";
import { ProgressBar } from "./progress.js";
import { readRuntime } from "./runtime-file.js";
import { serve } from "./serve.js";

/** Where a CLI run writes (injectable for tests). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), env: process.env };

interface GlobalOptions {
  data?: string;
  config?: string;
  json?: boolean;
  logLevel?: string;
}

/** The options that set configuration, on `init` (saved in config.json) and `serve` (this run). */
function configOptions(command: Command): Command {
  return command
    .option("--http-bind <host:port>", "HTTP sync server address (default 127.0.0.1:0, a port reused across restarts)")
    .option("--no-http", "no HTTP sync server")
    .option("--iroh-bind <host:port...>", "iroh sockets (default 127.0.0.1:0 and [::1]:0)")
    .option("--no-iroh", "no iroh sync server")
    .addOption(new Option("--iroh-relay <mode>", "iroh relays").choices(["disabled", "default"]))
    .option("--admin-bind <host:port>", "admin server: /health, /metrics, the CLI's API (default 127.0.0.1:0)")
    .addOption(new Option("--approval <policy>", "who gets access when they ask").choices(["manual", "auto"]))
    .option("--name <name>", "the name this node gives in handshakes")
    .addOption(new Option("--durability <mode>", "SQLite durability").choices(["full", "normal"]));
}

function flagLayer(options: Record<string, unknown>, global: GlobalOptions): ConfigLayer {
  return compactLayer({
    http: { enabled: options["http"] === false ? false : undefined, bind: options["httpBind"] },
    iroh: { enabled: options["iroh"] === false ? false : undefined, bind: options["irohBind"], relay: options["irohRelay"] },
    admin: { bind: options["adminBind"] },
    approval: options["approval"],
    displayName: options["name"],
    durability: options["durability"],
    logLevel: global.logLevel,
  });
}

function loadConfig(global: GlobalOptions, io: CliIo, flags: ConfigLayer = {}): NodeConfig {
  const dataDir = global.data === undefined ? defaultDataDir(io.env) : resolve(global.data);
  const file = global.config ?? configFile(dataDir);
  return resolveConfig(dataDir, [
    { source: `config file ${file}`, layer: readConfigFile(file, global.config !== undefined) },
    { source: "environment", layer: compactLayer(environmentLayer(io.env)) },
    { source: "command line", layer: flags },
  ]);
}

/** Runs `op` on the node serving the data directory, or opens the store here if none does. */
async function runOp(global: GlobalOptions, io: CliIo, op: OperationName, args: Record<string, unknown>, progress?: (p: Progress) => void): Promise<unknown> {
  const config = loadConfig(global, io);
  const runtime = readRuntime(config.dataDir);
  if (runtime !== undefined) return callNode(runtime, op, args, progress);
  const node = await openNode(config);
  try {
    return await runOperation(op, { node, serving: false, ...(progress === undefined ? {} : { progress }) }, args);
  } finally {
    await node.close();
  }
}

/** Builds the program; `done` receives each command's result for printing. */
export function buildProgram(io: CliIo, done: (command: string, result: unknown) => void): Command {
  const program = new Command("eidetica")
    .description("The Eidetica reference node: a local-first database syncing signed entries over HTTP and iroh.")
    .option("-d, --data <dir>", "data directory (default $EIDETICA_DATA or ~/.eidetica)")
    .option("-c, --config <file>", "config file (default <data>/config.json)")
    .option("--json", "print results as JSON")
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent")
    .showHelpAfterError("(run `eidetica --help` for the commands)")
    .addHelpText("after", "\nExit codes: 0 ok, 1 failure, 2 usage, 3 configuration or data directory, 4 not found, 5 waiting for approval.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const global = () => program.opts<GlobalOptions>();
  const op = (name: OperationName, args: Record<string, unknown>, progress?: (p: Progress) => void) => runOp(global(), io, name, args, progress);

  configOptions(program.command("init").description("create a node (its keys and SQLite store) in the data directory")).action(async (options) => {
    const config = loadConfig(global(), io, flagLayer(options, global()));
    done("init", await initNode(config, flagLayer(options, {})));
  });

  configOptions(program.command("serve").description("run the node: sync servers, background sync, /health and /metrics")).action(async (options) => {
    const config = loadConfig(global(), io, flagLayer(options, global()));
    await serve(config, (ready) => done("serve", ready));
  });

  program.command("create <name>").description("create a database").action(async (name: string) => done("create", await op("create", { name })));
  program
    .command("put <db> <key> <value>")
    .description("write a value (one commit); <db> is an ID or a name")
    .option("--store <name>", "the DocStore to write", "data")
    .action(async (db: string, key: string, value: string, o: { store: string }) => done("put", await op("put", { db, key, value, store: o.store })));
  program
    .command("get <db> <key>")
    .description("read a value")
    .option("--store <name>", "the DocStore to read", "data")
    .option("--wait <value>", "wait until the key holds this value")
    .option("--timeout <ms>", "how long --wait waits", "30000")
    .action(async (db: string, key: string, o: { store: string; wait?: string; timeout: string }) => {
      const timeoutMs = Number(o.timeout);
      if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(o.timeout)}`);
      done("get", await op("get", { db, key, store: o.store, timeoutMs, ...(o.wait === undefined ? {} : { wait: o.wait }) }));
    });
  program.command("share <db>").description("print a ticket others join the database with (needs `serve`)").action(async (db: string) => done("share", await op("share", { db })));
  program
    .command("join <ticket>")
    .description("fetch a shared database (with a progress bar), then keep it in sync")
    .addOption(new Option("--via <kind>", "use only this kind of the ticket's addresses").choices(["http", "iroh"]))
    .addOption(new Option("--permission <level>", "the access to ask for").choices(["read", "write", "admin"]).default("write"))
    .action(async (ticket: string, o: { via?: string; permission: string }) => {
      const bar = global().json === true ? undefined : new ProgressBar("join");
      let last: Progress | undefined;
      const result = await op("join", { ticket, permission: o.permission, ...(o.via === undefined ? {} : { via: o.via }) }, (p) => {
        last = p;
        bar?.update(p);
      });
      const r = result as { db: string; received: number; seconds: number };
      bar?.finish({ database: r.db, received: last?.received ?? r.received, ratePerSecond: r.seconds > 0 ? r.received / r.seconds : 0 });
      done("join", result);
    });
  program.command("status [db]").description("the node, or one database: entries, tips, peers, last sync").action(async (db?: string) => done("status", await op("status", db === undefined ? {} : { db })));
  program.command("peers").description("the peers this node knows").action(async () => done("peers", await op("peers", {})));
  const requests = program.command("requests").description("bootstrap requests waiting for approval");
  requests.command("list", { isDefault: true }).description("list the pending requests").option("--db <db>", "only for this database").action(async (o: { db?: string }) => done("requests", await op("requests", o.db === undefined ? {} : { db: o.db })));
  requests.command("approve <id>").description("grant a pending request").action(async (id: string) => done("approve", await op("approve", { id })));
  requests.command("reject <id>").description("refuse a pending request").action(async (id: string) => done("reject", await op("reject", { id })));
  for (const command of [requests, ...requests.commands, ...program.commands]) command.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  return program;
}

/**
 * Runs the CLI on `argv` (without node and script); returns the exit code.
 *
 * @example
 * ```ts
 * const code = await main(["--data", "./alice", "--json", "status"]);
 * process.exitCode = code; // 0, or a code of EXIT
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let json = argv.includes("--json");
  const program = buildProgram(io, (command, result) => {
    if (json) io.out(JSON.stringify(result));
    else for (const line of formatResult(command, result)) io.out(line);
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    json = program.opts<GlobalOptions>().json === true;
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" || error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { code, message } = describeError(error);
    const requestId = error instanceof BootstrapPendingError || error instanceof NodeOperationError ? error.requestId : undefined;
    if (json) io.err(JSON.stringify({ error: { code, message, ...(requestId === undefined ? {} : { requestId }) } }));
    else {
      io.err(`eidetica: ${message} [${code}]`);
      if (requestId !== undefined) io.err(`waiting for approval: on the sharing node run \`eidetica requests approve ${requestId}\`, then join again`);
    }
    return exitCodeOf(error);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Transports may hold sockets a moment longer; nothing is left to do.
  setTimeout(() => process.exit(code), 50).unref();
}
