/**
 * Real node processes for tests: `eidetica` commands run as child processes of the built CLI
 * (`dist/cli.js`), and `eidetica serve` kept running, reached through its admin API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { callNode } from "../../src/admin-client.js";
import { readRuntime, type RuntimeInfo } from "../../src/runtime-file.js";
import type { ServeReady } from "../../src/serve.js";

/** The built CLI. */
export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** The outcome of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for child nodes: no inherited `EIDETICA_*`, quiet logs unless asked. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("EIDETICA_")));
  return { ...env, EIDETICA_LOG_LEVEL: "warn", ...extra };
}

/** Runs `eidetica <args>` to its end. */
export function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`eidetica ${args.join(" ")} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed with `--json`, and returns its parsed result. */
export async function cliJson<T = Record<string, unknown>>(dataDir: string, args: readonly string[]): Promise<T> {
  const run = await cli(["--data", dataDir, "--json", ...args]);
  if (run.code !== 0) throw new Error(`eidetica ${args.join(" ")} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop() as string) as T;
}

/** A running `eidetica serve`. */
export class ServingNode {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = "";

  private constructor(
    readonly dataDir: string,
    readonly child: ChildProcess,
    readonly ready: ServeReady,
    readonly runtime: RuntimeInfo,
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {
    this.exited = exited;
  }

  /** Starts `eidetica serve` on `dataDir` and waits until it is ready. */
  static async start(dataDir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServingNode> {
    const child = spawn(process.execPath, [CLI, "--data", dataDir, "--json", "serve", ...args], { env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<ServeReady>((resolve, reject) => {
      let stdout = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d.toString();
        const newline = stdout.indexOf("\n");
        if (newline >= 0) resolve(JSON.parse(stdout.slice(0, newline)) as ServeReady);
      });
      void exited.then(({ code }) => reject(new Error(`serve exited ${code} before it was ready: ${stderr}`)));
    });
    const runtime = readRuntime(dataDir);
    if (runtime === undefined) throw new Error("serve is ready but wrote no node.json");
    const node = new ServingNode(dataDir, child, ready, runtime, exited);
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

  /** Sends `signal` and waits for the process to end. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** A temporary folder for the data directories of one test file, removed by `cleanup`. */
export function tempRoot(prefix: string): { root: string; dir: (name: string) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, dir: (name) => join(root, name), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
