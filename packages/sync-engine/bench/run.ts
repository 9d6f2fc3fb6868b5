/** `pnpm bench` for @eidetica/sync-engine: every figure, printed and written to bench-results/sync-engine.json. */
import { fileURLToPath } from "node:url";
import { report } from "@eidetica/bench-kit";
import { syncBenchmarks } from "./sync.bench.js";

const results = await syncBenchmarks((line) => console.log(line));
report(fileURLToPath(new URL("..", import.meta.url)), "sync-engine", results);
