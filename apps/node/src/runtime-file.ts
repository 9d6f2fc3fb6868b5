/**
 * `node.json` in the data directory while `eidetica serve` runs: its process ID, the admin
 * server's URL and the token that authorises admin calls (the file is readable by its owner
 * only). The CLI finds a running node through it; a file left by a killed node is recognised as
 * stale because its process is gone.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeOwnerFile } from "./owner-file.js";

/** What `node.json` holds. */
export interface RuntimeInfo {
  readonly pid: number;
  readonly admin: string;
  readonly token: string;
  readonly id: string;
  readonly startedAt: string;
}

const file = (dataDir: string) => join(dataDir, "node.json");

/** True if a process with this ID exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running node of `dataDir`, or undefined if none runs (a stale file is ignored). */
export function readRuntime(dataDir: string): RuntimeInfo | undefined {
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(file(dataDir), "utf8")) as RuntimeInfo;
  } catch {
    return undefined;
  }
  if (typeof info.pid !== "number" || typeof info.admin !== "string" || typeof info.token !== "string") return undefined;
  return alive(info.pid) && info.pid !== process.pid ? info : undefined;
}

/** Writes `node.json` (owner-only, atomically). */
export function writeRuntime(dataDir: string, info: RuntimeInfo): void {
  writeOwnerFile(file(dataDir), JSON.stringify(info, null, 2));
}

/** Removes `node.json`. */
export function removeRuntime(dataDir: string): void {
  rmSync(file(dataDir), { force: true });
}
