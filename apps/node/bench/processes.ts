/**
 * Real `eidetica` processes for the bench (see `src/processes.ts`), of the built CLI
 * (`dist/cli.js`). `BENCH_NODE_ARGS` (space-separated) is passed to every child's `node`, e.g.
 * `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` to profile the nodes.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ServeProcess, runCliJson } from "../src/processes.js";

/** The built CLI the child processes run. */
export const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

const nodeArgs = (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter((arg) => arg.length > 0);

/** Fails early, with what to do, when the CLI is not built. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the node first (\`npx tsup\` in apps/node, or \`pnpm turbo run bench\`)`);
}

/** Runs `eidetica --data <dataDir> --json <args>` to its end; returns its last stdout line, parsed. */
export function cliJson<T>(dataDir: string, args: readonly string[], timeoutMs = 60_000): Promise<T> {
  return runCliJson<T>(dataDir, args, { cli: CLI, nodeArgs, timeoutMs });
}

/** A running `eidetica serve` for the bench. */
export const ServingNode = {
  /** Starts `eidetica serve <args>` on `dataDir` and waits until it is ready. */
  start(dataDir: string, args: readonly string[]): Promise<ServeProcess> {
    return ServeProcess.start(dataDir, args, { cli: CLI, nodeArgs });
  },
};
/** A running node, as {@link ServingNode.start} returns it. */
export type ServingNode = ServeProcess;
