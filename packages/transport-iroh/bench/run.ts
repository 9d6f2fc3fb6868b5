/** `pnpm bench` for @eidetica/transport-iroh: every figure, printed and written to bench-results/transport-iroh.json. */
import { fileURLToPath } from "node:url";
import { report } from "@eidetica/bench-kit";
import { irohBenchmarks } from "./iroh.bench.js";

const results = await irohBenchmarks((line) => console.log(line));
report(fileURLToPath(new URL("..", import.meta.url)), "transport-iroh", results);
