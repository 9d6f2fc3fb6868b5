/** `pnpm bench` for @eidetica/transport-http: every figure, printed and written to bench-results/transport-http.json. */
import { fileURLToPath } from "node:url";
import { report } from "@eidetica/bench-kit";
import { httpBenchmarks } from "./http.bench.js";

const results = await httpBenchmarks((line) => console.log(line));
report(fileURLToPath(new URL("..", import.meta.url)), "transport-http", results);
