/** `pnpm bench` for @eidetica/sync-engine: every figure, printed and written to bench-results/sync-engine.json. */
import { fileURLToPath } from "node:url";
import { report } from "@eidetica/bench-kit";
import { engineBenchmarks } from "./engine.bench.js";
import { syncBenchmarks } from "./sync.bench.js";

const log = (line: string) => console.log(line);
// The engine's figures first, on a fresh heap (the heap figure is a difference after GC).
const engine = await engineBenchmarks(log);
const sync = await syncBenchmarks(log);
report(fileURLToPath(new URL("..", import.meta.url)), "sync-engine", [...sync, ...engine]);
