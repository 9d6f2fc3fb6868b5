/** `pnpm bench` for @eidetica/core: every figure, printed and written to bench-results/core.json. */
import { fileURLToPath } from "node:url";
import { report, type BenchResult } from "@eidetica/bench-kit";
import { databaseBenchmarks } from "./database.bench.js";
import { entryBenchmarks } from "./entry.bench.js";

const entry = entryBenchmarks();
const database = await databaseBenchmarks((line) => console.log(line));
const results: BenchResult[] = [...entry, ...database];
report(fileURLToPath(new URL("..", import.meta.url)), "core", results);
