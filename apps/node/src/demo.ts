#!/usr/bin/env node
/**
 * The demo `npm start` runs: three real `eidetica` node processes on loopback, each with its
 * own SQLite file. Alice creates a database and writes; Bob joins it over HTTP and Carol over
 * iroh (after Alice approves their requests); writes on each node reach the others, printed
 * with their measured delay; then every node shuts down cleanly. Nothing but 127.0.0.1 and ::1
 * is used.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { callNode } from "./admin-client.js";
import { BUILT_CLI, ServeProcess, runCli } from "./processes.js";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the three data directories go. Default: a new temporary folder. */
  readonly root?: string;
  /** Entries Alice writes before Bob and Carol join (their bootstraps show a progress bar). */
  readonly history?: number;
  /** Where the demo's lines go. Default: standard output. */
  readonly say?: (line: string) => void;
  /** Let the joins draw their progress bar on this terminal (default true). */
  readonly showProgress?: boolean;
  /** The `eidetica` CLI script to run (default: the built one beside this file). */
  readonly cli?: string;
}

/** What the demo measured. */
export interface DemoReport {
  readonly root: string;
  /** Milliseconds from a write on one node until it was visible on another, by route. */
  readonly delays: Readonly<Record<string, number[]>>;
  /** The exit code of each node's `serve` after SIGTERM. */
  readonly exitCodes: readonly (number | null)[];
}

type Serving = ServeProcess & { readonly name: string };

/** Runs the CLI to its end; returns stdout, or throws with stderr unless the exit code is allowed. */
async function eidetica(cli: string, args: readonly string[], options: { allow?: readonly number[]; inheritStderr?: boolean } = {}): Promise<{ code: number; stdout: string }> {
  const run = await runCli(args, { cli, inheritStderr: options.inheritStderr === true });
  if (run.code === 0 || (run.code !== null && options.allow?.includes(run.code) === true)) return { code: run.code, stdout: run.stdout };
  throw new Error(`eidetica ${args.join(" ")} exited ${run.code}: ${run.stderr.trim()}`);
}

/** Starts a node whose JSON logs go to <data>/serve.log. */
async function startServe(cli: string, name: string, dataDir: string): Promise<Serving> {
  const node = await ServeProcess.start(dataDir, [], { cli, env: { EIDETICA_LOG_LEVEL: process.env["DEMO_LOG_LEVEL"] ?? "info" }, logFile: join(dataDir, "serve.log") });
  return Object.assign(node, { name });
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Runs the demo; resolves once every node has stopped.
 *
 * @example
 * ```ts
 * const report = await runDemo({ history: 200, showProgress: false });
 * console.log(report.delays["Alice → Bob (HTTP)"], report.exitCodes); // [ … ms ] [0, 0, 0]
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const say = options.say ?? ((line: string) => console.log(line));
  const cli = options.cli ?? BUILT_CLI;
  const root = options.root ?? mkdtempSync(join(tmpdir(), "eidetica-demo-"));
  const dirs = { alice: join(root, "alice"), bob: join(root, "bob"), carol: join(root, "carol") };
  const nodes: Serving[] = [];
  const shown = (args: string[]) => `$ eidetica ${args.map((a) => (a.includes(" ") ? JSON.stringify(a) : a)).join(" ")}`;
  const run = async (args: string[], allow: number[] = []) => {
    say(shown(args));
    const { code, stdout } = await eidetica(cli, args, { allow });
    for (const line of stdout.trim().split("\n")) if (line !== "") say(`  ${line}`);
    return { code, stdout };
  };
  const delays: Record<string, number[]> = {};
  try {
    say("1. Three nodes, each with its own SQLite file: Alice (HTTP and iroh), Bob (HTTP only), Carol (iroh only).");
    await run(["--data", dirs.alice, "init"]);
    await run(["--data", dirs.bob, "init", "--no-iroh"]);
    await run(["--data", dirs.carol, "init", "--no-http"]);
    for (const [name, dir] of Object.entries(dirs)) nodes.push(await startServe(cli, name, dir));
    const [alice, bob, carol] = nodes as [Serving, Serving, Serving];
    for (const node of nodes) say(`  ${node.name} serves (pid ${node.ready.pid}) on ${node.ready.addresses.map((a) => `${a.transportType}:${a.address.length > 40 ? `${a.address.slice(0, 36)}…` : a.address}`).join(", ")}`);

    const history = options.history ?? 1_000;
    say(`\n2. Alice creates a database and writes ${history.toLocaleString("en-US")} notes, one commit each, every entry signed.`);
    await run(["--data", dirs.alice, "create", "notes"]);
    const started = performance.now();
    for (let i = 0; i < history; i++) await callNode(alice.runtime, "put", { db: "notes", key: `note-${i}`, value: `note number ${i}, written by Alice` });
    say(`  ${history} commits in ${((performance.now() - started) / 1000).toFixed(2)} s, each durable in SQLite when it returned`);
    const ticket = (await run(["--data", dirs.alice, "share", "notes"])).stdout.trim();

    say("\n3. Bob joins over HTTP, Carol over iroh. Alice approves each request, then the bootstrap runs.");
    for (const [node, via] of [[bob, "http"], [carol, "iroh"]] as const) {
      const first = await run(["--data", node.dataDir, "--json", "join", "--via", via, ticket], [5]);
      const requestId = first.code === 5 ? await pendingId(alice) : undefined;
      if (requestId !== undefined) {
        say(`  (exit 5: waiting for approval)`);
        await run(["--data", dirs.alice, "requests", "approve", requestId]);
      }
      say(shown(["--data", node.dataDir, "join", "--via", via, "<ticket>"]));
      const joined = await eidetica(cli, ["--data", node.dataDir, "join", "--via", via, ticket], { inheritStderr: options.showProgress !== false });
      say(`  ${joined.stdout.trim()}`);
    }

    say("\n4. Writes on each node reach the others (push on commit); each delay measured from the write until visible there.");
    const routes: [Serving, Serving, string][] = [
      [alice, bob, "Alice → Bob (HTTP)"],
      [alice, carol, "Alice → Carol (iroh)"],
      [bob, alice, "Bob → Alice (HTTP)"],
      [carol, alice, "Carol → Alice (iroh)"],
      [bob, carol, "Bob → Carol (via Alice)"],
      [carol, bob, "Carol → Bob (via Alice)"],
    ];
    for (const [from, to, route] of routes) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const key = `${from.name}-to-${to.name}-${i}`;
        const value = `hello ${to.name}, from ${from.name} (${i})`;
        const visible = callNode(to.runtime, "get", { db: "notes", key, wait: value, timeoutMs: 15_000 });
        await new Promise((resolve) => setTimeout(resolve, 5)); // the wait is registered
        const start = performance.now();
        await callNode(from.runtime, "put", { db: "notes", key, value });
        await visible;
        times.push(performance.now() - start);
      }
      delays[route] = times;
      say(`  ${route.padEnd(26)} ${times.map((t) => `${t.toFixed(1)} ms`).join("  ")}   median ${median(times).toFixed(1)} ms`);
    }

    say("\n5. Status and peers, as an operator sees them.");
    await run(["--data", dirs.bob, "status", "notes"]);
    await run(["--data", dirs.carol, "status", "notes"]);
    await run(["--data", dirs.alice, "peers"]);
    await run(["--data", dirs.carol, "get", "notes", "bob-to-carol-4"]);
  } finally {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill("SIGTERM");
  }
  const exitCodes = await Promise.all(nodes.map(async (node) => (await node.exited).code));
  say(`\n6. Every node stopped on SIGTERM after flushing its queues (exit codes ${exitCodes.join(", ")}).`);
  say(`\nThe data lives in ${root}:`);
  for (const [name, dir] of Object.entries(dirs)) {
    const beside = existsSync(join(dir, "config.json")) ? "config.json and serve.log" : "serve.log";
    say(`  ${name.padEnd(6)} ${dir}/node.db  (${beside} beside it)`);
  }
  say("\nRun a node by hand:");
  say(`  node ${cli} --data ${dirs.bob} serve          # logs as JSON lines on stderr; Ctrl-C stops it`);
  say(`  node ${cli} --data ${dirs.bob} get notes note-0   # in another terminal, through the running node`);
  say(`  node ${cli} --help`);
  return { root, delays, exitCodes };
}

async function pendingId(alice: Serving): Promise<string> {
  const pending = (await callNode(alice.runtime, "requests", {})) as { id: string }[];
  const [first] = pending;
  if (first === undefined) throw new Error("the join said it waits for approval, but Alice holds no pending request");
  return first.id;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log("Eidetica demo: three node processes on loopback, signed entries synced over HTTP and iroh\n");
  try {
    const report = await runDemo();
    const failed = report.exitCodes.some((code) => code !== 0);
    process.exitCode = failed ? 1 : 0;
  } catch (error) {
    console.error(`demo failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
