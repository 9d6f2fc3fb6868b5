/** `pnpm bench` for @eidetica/protocol: every figure, printed and written to bench-results/protocol.json. */
import { fileURLToPath } from "node:url";
import { report } from "@eidetica/bench-kit";
import { codecBenchmarks } from "./codec.bench.js";

report(fileURLToPath(new URL("..", import.meta.url)), "protocol", codecBenchmarks());
