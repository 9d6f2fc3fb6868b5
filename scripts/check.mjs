#!/usr/bin/env node
// `npm test` after install: build, type-check, test and lint every package through turbo,
// then print one closing line with the totals over every package: "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const workspaces = ["packages", "apps"].flatMap((dir) =>
  existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((name) => join(root, dir, name)) : [],
);
const resultFile = (pkg) => join(pkg, "test-results", "vitest.json");
for (const pkg of workspaces) rmSync(resultFile(pkg), { force: true });

const turbo = spawnSync(
  "turbo",
  ["run", "build", "typecheck", "test", "lint:package", "--concurrency=1", "--output-logs=full", "--log-order=grouped"],
  { stdio: "inherit", cwd: root, env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of workspaces) {
  if (!existsSync(resultFile(pkg))) continue;
  const report = JSON.parse(readFileSync(resultFile(pkg), "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(turbo.status !== 0 ? (turbo.status ?? 1) : failed > 0 || passed === 0 ? 1 : 0);
