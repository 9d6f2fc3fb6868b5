#!/usr/bin/env node
// Runs pnpm 10 through npx, so a machine with only Node and npm needs nothing else.
// (corepack is not used: its signature check fails on some machines.)
import { spawnSync } from "node:child_process";

// Keep in step with "packageManager" in package.json.
const PNPM = "pnpm@10.34.9";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const result = spawnSync(npx, ["-y", PNPM, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
});
if (result.error) {
  console.error(`could not run ${PNPM} through npx: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
