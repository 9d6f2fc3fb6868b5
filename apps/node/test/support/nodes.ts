/**
 * Real node processes for tests (see `src/processes.ts`): `eidetica` commands of the built CLI
 * (`dist/cli.js`) run as child processes, and `eidetica serve` kept running.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ServeProcess, runCli, runCliJson, type CliRun } from "../../src/processes.js";

/** The built CLI (tests run from `src`, the processes from `dist`). */
export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export type { CliRun };

/** Runs `eidetica <args>` to its end. */
export function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return runCli(args, { cli: CLI, ...options });
}

/** Runs a command that must succeed with `--json`, and returns its parsed result. */
export function cliJson<T = Record<string, unknown>>(dataDir: string, args: readonly string[]): Promise<T> {
  return runCliJson<T>(dataDir, args, { cli: CLI });
}

/** A running `eidetica serve` of the built CLI. */
export const ServingNode = {
  /** Starts `eidetica serve` on `dataDir` and waits until it is ready. */
  start(dataDir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
    return ServeProcess.start(dataDir, args, { cli: CLI, env });
  },
};
/** A running node, as {@link ServingNode.start} returns it. */
export type ServingNode = ServeProcess;

/** A temporary folder for the data directories of one test file, removed by `cleanup`. */
export function tempRoot(prefix: string): { root: string; dir: (name: string) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, dir: (name) => join(root, name), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
