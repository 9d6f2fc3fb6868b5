/**
 * `eidetica` as child processes: a command run to its end, and `eidetica serve` kept running and
 * reached through its admin API. The demo, the tests and the benchmarks all start nodes this way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { callNode } from "./admin-client.js";
import { readRuntime, type RuntimeInfo } from "./runtime-file.js";
import type { ServeReady } from "./serve.js";

/** The built CLI beside this file. */
export const BUILT_CLI = fileURLToPath(new URL("./cli.js", import.meta.url));

/** How child processes are started. */
export interface ProcessOptions {
  /** The CLI script (default {@link BUILT_CLI}). */
  readonly cli?: string;
  /** Added to the child's environment (which inherits no `EIDETICA_*` and logs warnings only). */
  readonly env?: NodeJS.ProcessEnv;
  /** Arguments for the child's `node`, such as `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
}

/** The outcome of one command. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("EIDETICA_")));
  return { ...env, EIDETICA_LOG_LEVEL: "warn", ...extra };
}

const argv = (options: ProcessOptions, args: readonly string[]) => [...(options.nodeArgs ?? []), options.cli ?? BUILT_CLI, ...args];

/** Runs `eidetica <args>` to its end (killed after `timeoutMs`, default 60 s). */
export function runCli(args: readonly string[], options: ProcessOptions & { readonly timeoutMs?: number; readonly inheritStderr?: boolean } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv(options, args), { env: childEnv(options.env), stdio: ["ignore", "pipe", options.inheritStderr === true ? "inherit" : "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`eidetica ${args.join(" ")} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs `eidetica --data <dataDir> --json <args>`, which must succeed, and returns its result (the
 * last line it printed, parsed).
 */
export async function runCliJson<T>(dataDir: string, args: readonly string[], options: ProcessOptions & { readonly timeoutMs?: number } = {}): Promise<T> {
  const run = await runCli(["--data", dataDir, "--json", ...args], options);
  if (run.code !== 0) throw new Error(`eidetica ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop() as string) as T;
}

/** A running `eidetica serve`. */
export class ServeProcess {
  /** What it wrote to stderr (empty when its logs go to a file). */
  stderr = "";

  private constructor(
    readonly dataDir: string,
    readonly child: ChildProcess,
    readonly ready: ServeReady,
    readonly runtime: RuntimeInfo,
    readonly exited: Promise<Exit>,
  ) {}

  /** Starts `eidetica --data <dataDir> --json serve <args>` and waits until it is ready; `logFile` takes its logs. */
  static async start(dataDir: string, args: readonly string[] = [], options: ProcessOptions & { readonly logFile?: string } = {}): Promise<ServeProcess> {
    const log = options.logFile === undefined ? "pipe" : openSync(options.logFile, "a");
    const child = spawn(process.execPath, argv(options, ["--data", dataDir, "--json", "serve", ...args]), { env: childEnv(options.env), stdio: ["ignore", "pipe", log] });
    if (typeof log === "number") closeSync(log);
    const exited = new Promise<Exit>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<ServeReady>((resolve, reject) => {
      let stdout = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d.toString();
        const newline = stdout.indexOf("\n");
        if (newline >= 0) resolve(JSON.parse(stdout.slice(0, newline)) as ServeReady);
      });
      void exited.then(({ code }) => reject(new Error(`serve on ${dataDir} exited ${code} before it was ready: ${stderr.trim() || `see ${options.logFile}`}`)));
    });
    const runtime = readRuntime(dataDir);
    if (runtime === undefined) throw new Error(`serve on ${dataDir} is ready but wrote no node.json`);
    const node = new ServeProcess(dataDir, child, ready, runtime, exited);
    node.stderr = stderr;
    child.stderr?.on("data", (d: Buffer) => (node.stderr += d.toString()));
    return node;
  }

  /** Runs an admin operation on this node. */
  call<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    return callNode(this.runtime, op, args) as Promise<T>;
  }

  /** The address of one kind this node serves. */
  address(kind: "http" | "iroh"): string {
    const address = this.ready.addresses.find((a) => a.transportType === kind);
    if (address === undefined) throw new Error(`the node serves no ${kind}`);
    return address.address;
  }

  /** The process's resident set size in bytes (Linux; undefined elsewhere). */
  rssBytes(): number | undefined {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.ready.pid}/status`, "utf8"));
      return match === null ? undefined : Number(match[1]) * 1024;
    } catch {
      return undefined;
    }
  }

  /** Sends `signal` (default SIGTERM, the graceful shutdown) and waits for the process to end. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
