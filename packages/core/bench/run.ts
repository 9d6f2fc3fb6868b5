/** `pnpm bench` for @eidetica/core: every figure, printed and written to bench-results/core.json. */
import { fileURLToPath } from "node:url";
import { report, type BenchResult } from "@eidetica/bench-kit";
import { databaseBenchmarks } from "./database.bench.js";
import { entryBenchmarks } from "./entry.bench.js";

const entry = entryBenchmarks();
const database = await databaseBenchmarks((line) => console.log(line));
const verify = entry.find((r) => r.name === "verify_pipeline_entries_per_s")?.value ?? Number.NaN;
const ingest = database.find((r) => r.name === "ingest_entries_per_s")?.value ?? Number.NaN;
const results: BenchResult[] = [
  ...entry,
  ...database,
  { name: "ingest_vs_verify_pipeline", value: ingest / verify, unit: "ratio", goal: ">= 0.8" },
];
report(fileURLToPath(new URL("..", import.meta.url)), "core", results);
