/**
 * Real `eidetica` processes for the bench: commands of the built CLI (`dist/cli.js`) run to
 * their end, and `eidetica serve` kept running and reached through its admin API.
 * `BENCH_NODE_ARGS` (space-separated) is passed to every child's `node`, e.g.
 * `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` to profile the nodes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { callNode } from "../src/admin-client.js";
import { readRuntime, type RuntimeInfo } from "../src/runtime-file.js";
import type { ServeReady } from "../src/serve.js";

/** The built CLI the child processes run. */
export const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

const nodeArgs = (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter((arg) => arg.length > 0);

/** Fails early, with what to do, when the CLI is not built. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the node first (\`npx tsup\` in apps/node, or \`pnpm turbo run bench\`)`);
}

/** Environment for child nodes: no inherited `EIDETICA_*`, warnings only. */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("EIDETICA_")));
  return { ...env, EIDETICA_LOG_LEVEL: "warn" };
}

/** Runs `eidetica --data <dataDir> --json <args>` to its end; returns its last stdout line, parsed. */
export function cliJson<T>(dataDir: string, args: readonly string[], timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "--data", dataDir, "--json", ...args], { env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`eidetica ${args.join(" ")} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`eidetica ${args.join(" ")} exited ${code}: ${stderr}`));
      resolve(JSON.parse(stdout.trim().split("\n").pop() as string) as T);
    });
  });
}

/** A running `eidetica serve`. */
export class ServingNode {
  stderr = "";

  private constructor(
    readonly dataDir: string,
    readonly child: ChildProcess,
    readonly ready: ServeReady,
    readonly runtime: RuntimeInfo,
    readonly exited: Promise<number | null>,
  ) {}

  /** Starts `eidetica serve <args>` on `dataDir` and waits until it is ready. */
  static async start(dataDir: string, args: readonly string[]): Promise<ServingNode> {
    const child = spawn(process.execPath, [...nodeArgs, CLI, "--data", dataDir, "--json", "serve", ...args], { env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<ServeReady>((resolve, reject) => {
      let stdout = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d.toString();
        const newline = stdout.indexOf("\n");
        if (newline >= 0) resolve(JSON.parse(stdout.slice(0, newline)) as ServeReady);
      });
      void exited.then((code) => reject(new Error(`serve exited ${code} before it was ready: ${stderr}`)));
    });
    const runtime = readRuntime(dataDir);
    if (runtime === undefined) throw new Error("serve is ready but wrote no node.json");
    const node = new ServingNode(dataDir, child, ready, runtime, exited);
    node.stderr = stderr;
    child.stderr?.on("data", (d: Buffer) => (node.stderr += d.toString()));
    return node;
  }

  /** Runs an admin operation on this node. */
  call<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    return callNode(this.runtime, op, args) as Promise<T>;
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

  /** Sends SIGTERM (the graceful shutdown) and waits for the process to end. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    return this.exited;
  }
}
